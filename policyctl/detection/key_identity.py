"""The identity of a private key, whatever its wrapping: one key, one secret to rotate.

The same key is often written many ways: PKCS#1 (`BEGIN RSA PRIVATE KEY`) and PKCS#8
(`BEGIN PRIVATE KEY`), PEM and OpenSSH, re-wrapped at another line width, indented in a
YAML block or a Python string, with `\\n` escapes and quotes around each line, or
base64-wrapped whole (a kubeconfig's `client-key-data`). `key_identity` names the key
by what does not change: the SHA-256 of its public key (DER SubjectPublicKeyInfo), which
every unencrypted PEM/DER key holds, and an OpenSSH key holds in clear even when its
private part is encrypted; an OpenPGP key by its v4 fingerprint (RFC 4880 12.2).

A key whose public half cannot be read (an encrypted PKCS#8 or `Proc-Type: 4,ENCRYPTED`
body, a key type the library does not know) is named by its decoded bytes, so only its
wrapping is ignored. Anything that does not decode to a key structure has no identity
here (None): the caller falls back to the value.

Parsing uses `cryptography`, imported on the first private key found (a scan without
one never loads it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

from policyctl.validators.tokens import PGP_SECRET_KEY_TAGS, key_body_bytes

OPENSSH_MAGIC = b"openssh-key-v1\0"
_PEM_BLOCK = re.compile(
    r"-----BEGIN ([A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?)-----(.{16,}?)-----END \1-----", re.S
)


def key_identity(value: str) -> str | None:
    """`spki:<sha256>` (public key known), `pgp:<fingerprint>`, `body:<sha256>` (a key
    structure whose public half is not readable), or None (not a private key body)."""
    raw = _key_bytes(value)
    if raw is None:
        return None
    if raw.startswith(OPENSSH_MAGIC):
        identity = _openssh_identity(raw)
    elif raw[0] in PGP_SECRET_KEY_TAGS:
        identity = _pgp_identity(raw)
    elif raw[0] == 0x30:
        identity = _der_identity(raw)
    else:
        return None
    return identity or "body:" + hashlib.sha256(raw).hexdigest()


def _key_bytes(value: str) -> bytes | None:
    """The decoded body of a key block, also when the block itself is base64-wrapped."""
    raw = key_body_bytes(value)
    if raw is None or not raw:
        return None
    if raw.startswith(b"-----BEGIN"):  # base64 of a whole PEM file
        found = _PEM_BLOCK.search(raw.decode("latin-1"))
        return key_body_bytes(found.group(2)) if found else None
    return raw


def _der_identity(raw: bytes) -> str | None:
    """PKCS#1, SEC1 or PKCS#8 DER, unencrypted: the public key's hash."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.serialization import load_der_private_key

    try:
        # Only the public half is read: checking an RSA key's private numbers (slow for
        # large keys) proves nothing here.
        key = load_der_private_key(raw, password=None, unsafe_skip_rsa_key_validation=True)
    except (ValueError, TypeError, NotImplementedError, UnsupportedAlgorithm):
        return None  # encrypted, cut, or a key type the library does not read
    return _spki(key.public_key())


def _openssh_identity(raw: bytes) -> str | None:
    """`openssh-key-v1`: cipher, kdf, kdf options, key count, then the first public key
    blob in clear (encrypted or not, see PROTOCOL.key in OpenSSH)."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.serialization import load_ssh_public_key

    fields: list[bytes] = []
    at = len(OPENSSH_MAGIC)
    for _ in range(3):  # ciphername, kdfname, kdfoptions
        field, at = _ssh_string(raw, at)
        if field is None:
            return None
        fields.append(field)
    at += 4  # number of keys
    blob, at = _ssh_string(raw, at)
    if not blob:
        return None
    kind, _ = _ssh_string(blob, 0)
    if not kind:
        return None
    try:
        public = load_ssh_public_key(kind + b" " + base64.b64encode(blob))
    except (ValueError, TypeError, NotImplementedError, UnsupportedAlgorithm, binascii.Error):
        return "ssh:" + hashlib.sha256(blob).hexdigest()  # a type the library lacks
    return _spki(public)


def _ssh_string(data: bytes, at: int) -> tuple[bytes | None, int]:
    """An SSH wire-format string (uint32 length, bytes) at `at`, and where it ends."""
    if at + 4 > len(data):
        return None, at
    length = int.from_bytes(data[at : at + 4], "big")
    end = at + 4 + length
    if end > len(data):
        return None, at
    return data[at + 4 : end], end


def _spki(public: object) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    der = public.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)  # type: ignore[attr-defined]
    return "spki:" + hashlib.sha256(der).hexdigest()


PGP_PUBLIC_MPIS = {1: 2, 2: 2, 3: 2, 16: 3, 17: 4, 20: 3}
"""Algorithm id -> number of public MPIs (RSA n, e; Elgamal p, g, y; DSA p, q, g, y)."""
PGP_CURVE_ALGORITHMS = frozenset({18, 19, 22})
"""ECDH, ECDSA, EdDSA: a curve OID, one MPI, and for ECDH the KDF parameters."""


def _pgp_identity(raw: bytes) -> str | None:
    """The v4 fingerprint of the first (primary) secret-key packet: SHA-1 of 0x99, the
    two-byte length and the public-key part of the packet (RFC 4880 5.5.2, 12.2)."""
    body = _pgp_packet_body(raw)
    if body is None or len(body) < 6 or body[0] != 4:
        return None  # v3 and v5/v6 keys: named by their bytes
    algorithm = body[5]
    at: int | None = 6
    if algorithm in PGP_PUBLIC_MPIS:
        for _ in range(PGP_PUBLIC_MPIS[algorithm]):
            at = _skip_mpi(body, at)
    elif algorithm in PGP_CURVE_ALGORITHMS:
        at = _skip_sized(body, at)  # curve OID
        at = _skip_mpi(body, at)
        if algorithm == 18:
            at = _skip_sized(body, at)  # KDF parameters
    else:
        return None
    if at is None or at > len(body):
        return None
    public = body[:at]
    digest = hashlib.sha1(b"\x99" + len(public).to_bytes(2, "big") + public, usedforsecurity=False)
    return "pgp:" + digest.hexdigest()


def _pgp_packet_body(raw: bytes) -> bytes | None:
    """The body of the first OpenPGP packet (old or new header format)."""
    tag = raw[0]
    if tag & 0x40:  # new format
        if len(raw) < 2:
            return None
        first = raw[1]
        if first < 192:
            return raw[2 : 2 + first]
        if first < 224 and len(raw) >= 3:
            return raw[3 : 3 + ((first - 192) << 8) + raw[2] + 192]
        if first == 255 and len(raw) >= 6:
            return raw[6 : 6 + int.from_bytes(raw[2:6], "big")]
        return None
    size = {0: 1, 1: 2, 2: 4}.get(tag & 0x03)
    if size is None or len(raw) < 1 + size:
        return None
    length = int.from_bytes(raw[1 : 1 + size], "big")
    return raw[1 + size : 1 + size + length]


def _skip_mpi(body: bytes, at: int | None) -> int | None:
    if at is None or at + 2 > len(body):
        return None
    bits = int.from_bytes(body[at : at + 2], "big")
    return at + 2 + (bits + 7) // 8


def _skip_sized(body: bytes, at: int | None) -> int | None:
    if at is None or at >= len(body):
        return None
    return at + 1 + body[at]
