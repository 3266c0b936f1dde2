"""Encrypt a file for one recipient's public key: AES-256-GCM under a random data key,
the data key wrapped for the recipient.

Wrapping: ECDH with a fresh P-256 key, HKDF-SHA-256, AES key wrap (RFC 3394) for an
ECDSA P-256 recipient; RSA-OAEP with SHA-256 for an RSA recipient. Ed25519 keys can only
sign. The result is a small JSON document; its header (format, file name, recipient,
algorithms) is bound to the ciphertext as associated data, so it cannot be swapped.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from policyctl.core.errors import InputError
from policyctl.evidence.keys import PrivateKey, PublicKey, keyid

FORMAT = "policyctl-encrypted/v1"
SUFFIX = ".enc"
ECDH_WRAP = "ECDH-ES-P256+HKDF-SHA256+A256KW"
RSA_WRAP = "RSA-OAEP-SHA256"
CIPHER = "A256GCM"
_HKDF_INFO = b"policyctl-encrypted/v1 key wrap"


def encrypt(plaintext: bytes, recipient: PublicKey, name: str) -> bytes:
    """`plaintext` sealed for `recipient`; `name` is the file's name once decrypted."""
    data_key = AESGCM.generate_key(bit_length=256)
    header: dict[str, Any] = {
        "format": FORMAT,
        "name": name,
        "recipient": keyid(recipient),
        "cipher": CIPHER,
    }
    if isinstance(recipient, ec.EllipticCurvePublicKey):
        ephemeral = ec.generate_private_key(ec.SECP256R1())
        wrapping_key = _derive(ephemeral.exchange(ec.ECDH(), recipient))
        header["key_wrap"] = ECDH_WRAP
        header["ephemeral_key"] = (
            ephemeral.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        wrapped = aes_key_wrap(wrapping_key, data_key)
    elif isinstance(recipient, rsa.RSAPublicKey):
        header["key_wrap"] = RSA_WRAP
        wrapped = recipient.encrypt(data_key, _oaep())
    else:
        raise InputError("an Ed25519 key can only sign: encrypt to an ECDSA P-256 or RSA key")
    nonce = os.urandom(12)
    ciphertext = AESGCM(data_key).encrypt(nonce, plaintext, _aad(header))
    document = {
        **header,
        "wrapped_key": _b64(wrapped),
        "nonce": _b64(nonce),
        "ciphertext": _b64(ciphertext),
    }
    return (json.dumps(document, indent=2) + "\n").encode("utf-8")


def decrypt(sealed: bytes, key: PrivateKey, where: str) -> tuple[str, bytes]:
    """(file name, plaintext) of a document made by `encrypt`; InputError naming `where`
    when it is not one, is for another key, or was altered."""
    try:
        document = json.loads(sealed)
        if document.get("format") != FORMAT:
            raise ValueError
        header = {k: document[k] for k in ("format", "name", "recipient", "cipher", "key_wrap")}
        if "ephemeral_key" in document:
            header["ephemeral_key"] = document["ephemeral_key"]
        wrapped, nonce, ciphertext = (
            base64.b64decode(document[k], validate=True)
            for k in ("wrapped_key", "nonce", "ciphertext")
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        raise InputError(f"{where}: not a file encrypted by policyctl") from None
    if header["recipient"] != keyid(key.public_key()):
        raise InputError(f"{where}: encrypted for another key (key id {header['recipient']})")
    try:
        data_key = _unwrap(header, wrapped, key)
        plaintext = AESGCM(data_key).decrypt(nonce, ciphertext, _aad(header))
    except (InvalidTag, InvalidUnwrap, ValueError):
        raise InputError(f"{where}: cannot be decrypted: it was altered or damaged") from None
    name = str(header["name"])
    if "/" in name or "\\" in name or name in ("", ".", ".."):
        raise InputError(f"{where}: names an unsafe output file")
    return name, plaintext


def _unwrap(header: dict[str, Any], wrapped: bytes, key: PrivateKey) -> bytes:
    if header["key_wrap"] == ECDH_WRAP and isinstance(key, ec.EllipticCurvePrivateKey):
        ephemeral = serialization.load_pem_public_key(str(header["ephemeral_key"]).encode())
        if not isinstance(ephemeral, ec.EllipticCurvePublicKey):
            raise ValueError("the ephemeral key is not an EC key")
        return aes_key_unwrap(_derive(key.exchange(ec.ECDH(), ephemeral)), wrapped)
    if header["key_wrap"] == RSA_WRAP and isinstance(key, rsa.RSAPrivateKey):
        return key.decrypt(wrapped, _oaep())
    raise ValueError("the key does not fit the key wrapping")


def _derive(shared: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(shared)


def _oaep() -> padding.OAEP:
    return padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def _aad(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
