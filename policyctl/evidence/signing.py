"""Sign and verify bytes with a key of any supported type, in the forms openssl expects.

ECDSA: DER-encoded signature over SHA-256 (`openssl dgst -sha256 -verify`).
RSA: RSASSA-PSS, SHA-256, MGF1-SHA-256, 32-byte salt (what securesystemslib uses).
Ed25519: the plain 64-byte signature (`openssl pkeyutl -verify -rawin`).
"""

from __future__ import annotations

from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from policyctl.evidence.keys import PrivateKey, PublicKey


def _pss(salt_length: Any) -> padding.PSS:  # an int or one of PSS's markers
    return padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt_length)


def sign(key: PrivateKey, data: bytes) -> bytes:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, _pss(padding.PSS.DIGEST_LENGTH), hashes.SHA256())
    return key.sign(data)


def verify(key: PublicKey, signature: bytes, data: bytes) -> bool:
    """True when `signature` is `key`'s over `data`."""
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, _pss(padding.PSS.AUTO), hashes.SHA256())
        elif isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, data)
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True
