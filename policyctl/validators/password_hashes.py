"""Validators for password hashes: the bits a hash function leaves unused.

A crypt(3) hash writes its digest in a base64 of its own whose last character carries
only the digest's leftover bits, so a real hash ends in one of a few characters, and a
made-up string of the same shape does so about one time in sixteen or less. Argon2
strings carry their salt and digest in standard base64 with the parameters spelled out;
a Cisco type 7 string decodes (it is a reversible cipher) to printable text.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable

CRYPT_ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

CRYPT_DIGESTS = {"1": (22, 4), "apr1": (22, 4), "5": (43, 16), "6": (86, 4)}
"""crypt id -> (length of the digest text, bound on its last character's index): md5crypt
puts its last byte's top 2 bits in the last character, sha256crypt 4 bits, sha512crypt 2."""


def crypt_hash(value: str) -> bool:
    """An md5crypt (`$1$`, `$apr1$`), sha256crypt (`$5$`) or sha512crypt (`$6$`) hash whose
    digest has its length and a last character the digest's leftover bits allow."""
    parts = value.split("$")
    if len(parts) < 4 or parts[0] != "" or parts[1] not in CRYPT_DIGESTS:
        return False
    length, bound = CRYPT_DIGESTS[parts[1]]
    digest = parts[-1]
    if len(digest) != length or any(ch not in CRYPT_ALPHABET for ch in digest):
        return False
    return CRYPT_ALPHABET.index(digest[-1]) < bound


_BCRYPT = re.compile(r"^\$2[abxy]?\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$")


def bcrypt_hash(value: str) -> bool:
    """A bcrypt hash: cost 4 to 31, a 16-byte salt (22 characters, the last one of `.Oeu`)
    and a 23-byte digest (31 characters, the last one a multiple of 4 in bcrypt's base64)."""
    found = _BCRYPT.match(value)
    if found is None or not 4 <= int(found.group(1)) <= 31:
        return False
    salt, digest = found.group(2), found.group(3)
    return BCRYPT_ALPHABET.index(salt[-1]) % 16 == 0 and BCRYPT_ALPHABET.index(digest[-1]) % 4 == 0


_ARGON2 = re.compile(
    r"^\$argon2(?:id|i|d)\$(?:v=(\d+)\$)?m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$"
)
ARGON2_VERSIONS = ("16", "19")


def _unpadded_b64(text: str) -> bytes | None:
    if len(text) % 4 == 1:
        return None
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def argon2_hash(value: str) -> bool:
    """An Argon2 PHC string: a known version, memory at least 8 KiB per lane, a salt of at
    least 8 bytes and a digest of at least 4, both in unpadded base64 (RFC 9106)."""
    found = _ARGON2.match(value)
    if found is None:
        return False
    version, memory, _time, lanes, salt, digest = found.groups()
    if version is not None and version not in ARGON2_VERSIONS:
        return False
    if int(lanes) < 1 or int(memory) < 8 * int(lanes):
        return False
    salt_bytes, digest_bytes = _unpadded_b64(salt), _unpadded_b64(digest)
    return (
        salt_bytes is not None
        and len(salt_bytes) >= 8
        and digest_bytes is not None
        and len(digest_bytes) >= 4
    )


CISCO_TYPE7_KEY = b"dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"
"""The fixed key of Cisco's type 7 password encoding, as published in Cisco's own
security advisories on type 7 being reversible."""


def cisco_type7(value: str) -> bool:
    """A Cisco type 7 string: two decimal digits (the key offset, 0-15), then an even
    number of hex digits that XOR with the fixed key to printable text."""
    if len(value) < 4 or len(value) % 2 or not value[:2].isdigit():
        return False
    offset = int(value[:2])
    if offset > 15:
        return False
    try:
        data = bytes.fromhex(value[2:])
    except ValueError:
        return False
    key = CISCO_TYPE7_KEY
    text = bytes(byte ^ key[(offset + i) % len(key)] for i, byte in enumerate(data))
    return all(0x20 <= ch < 0x7F for ch in text)


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "crypt_hash": crypt_hash,
    "bcrypt_hash": bcrypt_hash,
    "argon2_hash": argon2_hash,
    "cisco_type7": cisco_type7,
}
