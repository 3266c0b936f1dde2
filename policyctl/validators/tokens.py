"""Validators for token formats: structure that a random look-alike would not have."""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import re
import zlib
from collections.abc import Callable
from importlib import resources


def base64url_decode(text: str) -> bytes | None:
    """Decode unpadded base64url, or None when it is not valid base64url."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def jwt(value: str) -> bool:
    """A JWT whose header and payload decode to JSON objects and whose header names an `alg`."""
    parts = value.split(".")
    if len(parts) != 3:
        return False
    decoded = [base64url_decode(part) for part in parts[:2]]
    try:
        header, payload = (json.loads(d) if d is not None else None for d in decoded)
    except (UnicodeDecodeError, ValueError):
        return False
    return isinstance(header, dict) and "alg" in header and isinstance(payload, dict)


_LITERAL_QUOTES = re.compile(r"""^(?:\+\s*)?["']|["'](?:\s*\+)?$""")


def _unquoted(line: str) -> str:
    """A line of a key body without the string-literal quotes around it; a line that
    only closes one literal and opens the next (`" +`) holds nothing."""
    line = line.strip()
    if not line.strip("\"'+ "):
        return ""
    return _LITERAL_QUOTES.sub("", line)


def key_body_bytes(value: str) -> bytes | None:
    """The bytes a key block's body decodes to, its wrapping set aside: line breaks and
    indentation, `\\n` escapes, string-literal quotes, armour headers (`Version: ...`,
    `Proc-Type: ...`) and a PGP checksum line (`=abcd`); None when it is not base64."""
    # A key written as concatenated string literals ("MIIE...\\n" "a0CK...\\n") keeps
    # quotes (and a plus sign outside them) at the ends of its lines; a base64 line may
    # itself begin or end with a plus sign, so only one next to a quote goes.
    lines = [_unquoted(line) for line in value.replace("\\n", "\n").splitlines()]
    body = "".join(
        line for line in lines if line and ":" not in line and not line.startswith(("=", "-----"))
    )
    try:
        return base64.b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        return None


def private_key_block(value: str) -> bool:
    """The body of a PEM/OpenSSH/PGP private key block decodes to what that format holds:
    DER starting with an ASN.1 SEQUENCE (PKCS#1, PKCS#8, SEC1), the `openssh-key-v1`
    magic, or an OpenPGP packet. Random base64 between the markers does not."""
    raw = key_body_bytes(value)
    if raw is None:
        return False
    if raw.startswith(b"openssh-key-v1\0"):
        return True
    if raw[:1] and raw[0] in PGP_SECRET_KEY_TAGS:
        return _pgp_packet_fits(raw)
    return _der_sequence(raw)


def _pgp_packet_fits(raw: bytes) -> bool:
    """The first OpenPGP packet's length field fits in the data: a key block whose body
    was cut or elided (`.` lines in documentation) holds less than its header says."""
    tag = raw[0]
    if tag & 0x40:  # new format: one, two or five length octets, or a partial length
        first = raw[1] if len(raw) > 1 else 0
        if first < 192:
            length, header = first, 2
        elif first < 224:
            length, header = ((first - 192) << 8) + (raw[2] if len(raw) > 2 else 0) + 192, 3
        elif first == 255:
            length, header = int.from_bytes(raw[2:6], "big"), 6
        else:
            return True  # a partial body length: the rest follows in later chunks
    else:
        size = {0: 1, 1: 2, 2: 4}.get(tag & 0x03)
        if size is None:
            return True  # indeterminate length: to the end of the data
        length, header = int.from_bytes(raw[1 : 1 + size], "big"), 1 + size
    return header + length <= len(raw)


PGP_SECRET_KEY_TAGS = frozenset({0x94, 0x95, 0x96, 0x97, 0x9C, 0x9D, 0x9E, 0x9F, 0xC5, 0xC7})
"""First byte of an OpenPGP secret-key or secret-subkey packet (RFC 4880 4.2, old and new
packet formats, tags 5 and 7)."""


def _der_sequence(raw: bytes) -> bool:
    """An ASN.1 DER SEQUENCE whose length field agrees with the data (give or take padding)."""
    if len(raw) < 4 or raw[0] != 0x30:
        return False
    first = raw[1]
    if first < 0x80:
        length, header = first, 2
    else:
        size = first & 0x7F
        if size == 0 or size > 4 or len(raw) < 2 + size:
            return False
        length, header = int.from_bytes(raw[2 : 2 + size], "big"), 2 + size
    return header + length <= len(raw) <= header + length + 2


def basic_auth_pair(value: str) -> bool:
    """base64 of `user:password`, as in HTTP basic auth and docker `auths` entries."""
    decoded = base64url_decode(value.replace("+", "-").replace("/", "_").rstrip("="))
    if decoded is None:
        return False
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        return False
    _user, colon, password = text.partition(":")
    return bool(colon and password) and text.isprintable()


PYPI_LOCATIONS = (b"\x02\x01\x08pypi.org", b"\x02\x01\x0dtest.pypi.org")


def pypi_macaroon(value: str) -> bool:
    """A PyPI API token: `pypi-` then a base64url macaroon (v2) whose location is PyPI."""
    # The location comes first; decoding a prefix of whole base64 quanta does not
    # depend on how the rest is padded.
    decoded = base64url_decode(value.removeprefix("pypi-")[:24])
    return decoded is not None and decoded.startswith(PYPI_LOCATIONS)


def base64_64_bytes(value: str) -> bool:
    """Standard base64 of exactly 64 bytes: the shape of an Azure storage account key."""
    try:
        return len(base64.b64decode(value, validate=True)) == 64
    except (binascii.Error, ValueError):
        return False


_PEM_BLOCK = re.compile(
    r"-----BEGIN ([A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?)-----(.{16,}?)-----END \1-----", re.S
)


def base64_private_key(value: str) -> bool:
    """Base64 of a PEM private key block (as in a kubeconfig `client-key-data` or a CI
    variable) whose body holds what private_key_block checks."""
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    found = _PEM_BLOCK.search(decoded.decode("latin-1"))
    return found is not None and private_key_block(found.group(2))


BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
CHECKSUM_LENGTH = 6
RANDOM_LENGTH = 30


def base62(number: int, width: int = CHECKSUM_LENGTH) -> str:
    """`number` in base 62 (digits, upper case, lower case), left-padded with zeros."""
    digits = ""
    while number:
        number, remainder = divmod(number, 62)
        digits = BASE62[remainder] + digits
    return digits.rjust(width, "0")


def crc32_checksum_token(value: str) -> bool:
    """A GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) or npm (`npm_`) token: 30 random
    base62 characters after the prefix, then the CRC32 of those 30 in 6 base62 digits, as
    GitHub documented when it introduced the format (2021). A random string of the same
    shape passes about once in 57 billion."""
    _prefix, underscore, body = value.partition("_")
    if not underscore or len(body) != RANDOM_LENGTH + CHECKSUM_LENGTH:
        return False
    random_part, checksum = body[:RANDOM_LENGTH], body[RANDOM_LENGTH:]
    return base62(zlib.crc32(random_part.encode("ascii", "replace"))) == checksum


@functools.cache
def _bip39_words() -> dict[str, int]:
    """BIP-0039's English word list (2,048 words, sha256 2f5eed53...3b24dbda as the
    standard gives it), each word to its 11-bit index."""
    text = resources.files(__package__).joinpath("bip39_english.txt").read_text("ascii")
    return {word: index for index, word in enumerate(text.split())}


def bip39_mnemonic(value: str) -> bool:
    """A BIP-39 mnemonic: 12, 15, 18, 21 or 24 words of the standard's English list whose
    last bits are the first bits of the SHA-256 of the entropy the other bits hold (one
    checksum bit per 32 bits of entropy). Made-up word sequences fail it 15 times in 16
    or more."""
    words = value.split()
    if len(words) not in (12, 15, 18, 21, 24):
        return False
    indexes = _bip39_words()
    if any(word not in indexes for word in words):
        return False
    bits = 0
    for word in words:
        bits = bits << 11 | indexes[word]
    checksum_bits = len(words) * 11 // 33
    entropy = (bits >> checksum_bits).to_bytes(checksum_bits * 4, "big")
    expected = hashlib.sha256(entropy).digest()[0] >> (8 - checksum_bits)
    return bits & ((1 << checksum_bits) - 1) == expected


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "bip39_mnemonic": bip39_mnemonic,
    "jwt": jwt,
    "private_key_block": private_key_block,
    "basic_auth_pair": basic_auth_pair,
    "pypi_macaroon": pypi_macaroon,
    "base64_64_bytes": base64_64_bytes,
    "base64_private_key": base64_private_key,
    "crc32_checksum_token": crc32_checksum_token,
}
