"""The keys of the keyed strategies (hash, tokenize, fpe), all derived from one secret.

POLICYCTL_REDACT_KEY holds the secret: at least 32 characters, such as the output of
`openssl rand -hex 32`. HKDF-SHA256 derives an independent key for each purpose, so a
hash says nothing about a token of the same value, and changing the one secret changes
them all. `key_id` names the key in reports without revealing anything about it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from policyctl.core.errors import ConfigError

KEY_VARIABLE = "POLICYCTL_REDACT_KEY"
MIN_KEY_CHARS = 32
_SALT = b"policyctl-redact-v1"


@dataclass(frozen=True)
class RedactionKeys:
    """Keys for HMAC-SHA256 (hash), AES-256-SIV (tokenize) and FF3-1 (fpe, key and tweak)."""

    hash_key: bytes
    token_key: bytes
    fpe_key: bytes
    fpe_tweak: bytes
    key_id: str

    @classmethod
    def derive(cls, secret: str) -> RedactionKeys:
        material = secret.encode("utf-8")
        return cls(
            hash_key=_hkdf(material, b"hash", 32),
            token_key=_hkdf(material, b"tokenize", 64),
            fpe_key=_hkdf(material, b"fpe-key", 32),
            fpe_tweak=_hkdf(material, b"fpe-tweak", 7),
            key_id=_hkdf(material, b"key-id", 8).hex(),
        )


def _hkdf(material: bytes, purpose: bytes, length: int) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=length, salt=_SALT, info=purpose).derive(material)


def keys_from_env(env: Mapping[str, str], needed_for: str) -> RedactionKeys:
    """The keys from POLICYCTL_REDACT_KEY; refuses (ConfigError) when it is missing or
    short, because a keyless hash of a phone number is not anonymisation: anyone can hash
    every phone number and look the values up."""
    secret = env.get(KEY_VARIABLE, "")
    if not secret:
        raise ConfigError(
            f"{KEY_VARIABLE} is not set: {needed_for} needs a secret key "
            "(for example: export POLICYCTL_REDACT_KEY=$(openssl rand -hex 32))"
        )
    if len(secret) < MIN_KEY_CHARS:
        raise ConfigError(
            f"{KEY_VARIABLE} is too short: use at least {MIN_KEY_CHARS} characters "
            "(for example the output of `openssl rand -hex 32`)"
        )
    return RedactionKeys.derive(secret)
