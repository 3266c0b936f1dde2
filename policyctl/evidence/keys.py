"""Signing keys: generate PEM key pairs, load private keys (file or environment), key ids.

ECDSA P-256 with SHA-256 is the default: plain `openssl dgst -sha256 -verify`, cosign,
securesystemslib/in-toto and `cryptography` verify it without extra options. Ed25519 and
RSA-PSS 4096 are there for organisations whose policy names them.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from policyctl.core.errors import ConfigError

PrivateKey: TypeAlias = ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey
PublicKey: TypeAlias = ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey | rsa.RSAPublicKey

KEY_TYPES: tuple[str, ...] = ("ecdsa-p256", "ed25519", "rsa-pss-4096")
DEFAULT_KEY_TYPE = "ecdsa-p256"
PASSPHRASE_VARIABLE = "POLICYCTL_KEY_PASSPHRASE"
SIGN_KEY_VARIABLE = "POLICYCTL_SIGN_KEY"
PRIVATE_KEY_NAME = "policyctl.key"
PUBLIC_KEY_NAME = "policyctl.pub"
MIN_RSA_BITS = 2048


@dataclass(frozen=True)
class KeyPairFiles:
    private: Path
    public: Path
    keyid: str
    encrypted: bool


def generate_private_key(key_type: str = DEFAULT_KEY_TYPE) -> PrivateKey:
    if key_type == "ecdsa-p256":
        return ec.generate_private_key(ec.SECP256R1())
    if key_type == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if key_type == "rsa-pss-4096":
        return rsa.generate_private_key(public_exponent=65537, key_size=4096)
    raise ConfigError(f"--type: must be one of {', '.join(KEY_TYPES)}")


def write_key_pair(
    folder: Path,
    key_type: str = DEFAULT_KEY_TYPE,
    env: Mapping[str, str] | None = None,
    force: bool = False,
) -> KeyPairFiles:
    """A new key pair as PEM files in `folder`: the private key readable by its owner only,
    encrypted with POLICYCTL_KEY_PASSPHRASE when that is set."""
    env = os.environ if env is None else env
    private_path, public_path = folder / PRIVATE_KEY_NAME, folder / PUBLIC_KEY_NAME
    if not force:
        for path in (private_path, public_path):
            if path.exists():
                raise ConfigError(f"{path}: already exists (use --force to replace it)")
    key = generate_private_key(key_type)
    passphrase = env.get(PASSPHRASE_VARIABLE, "").encode()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write_private(private_path, private_pem)
        public_path.write_bytes(public_pem(key.public_key()))
    except OSError as exc:
        raise ConfigError(f"--out {folder}: cannot write the keys: {exc.strerror}") from None
    return KeyPairFiles(private_path, public_path, keyid(key.public_key()), bool(passphrase))


def _write_private(path: Path, data: bytes) -> None:
    """Created with mode 0600 from the start: never readable by others, not even briefly."""
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def public_pem(key: PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def keyid(key: PublicKey) -> str:
    """SHA-256 of the DER SubjectPublicKeyInfo, in hex: an auditor gets the same with
    `openssl pkey -pubin -in key.pub -outform DER | sha256sum`."""
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def load_signing_key(
    path: str | None, env: Mapping[str, str] | None = None
) -> tuple[PrivateKey, str] | None:
    """The private key to sign with and where it came from: the file `path` (--sign-key),
    else the POLICYCTL_SIGN_KEY variable (the PEM itself, for CI secrets, or a file name),
    else None.

    No message ever holds key material: a value that is not a file is never echoed, and
    --sign-key refuses the key itself (a command line is visible to other users, and the
    audit log and the provenance record it)."""
    env = os.environ if env is None else env
    if path:
        if "-----" in path or "\n" in path:
            raise ConfigError(
                "--sign-key: takes the name of a key file, not the key itself (a command "
                f"line is visible to other users and recorded); use a file or {SIGN_KEY_VARIABLE}"
            )
        return load_private_key(read_key_file(Path(path), "--sign-key"), path, env), path
    value = env.get(SIGN_KEY_VARIABLE, "")
    if not value.strip():
        return None
    if value.lstrip().startswith("-----BEGIN"):
        return load_private_key(value.encode(), SIGN_KEY_VARIABLE, env), SIGN_KEY_VARIABLE
    if "\n" in value or not os.path.isfile(value):
        raise ConfigError(
            f"{SIGN_KEY_VARIABLE}: is neither a PEM private key (-----BEGIN ...) nor the name "
            "of a key file (its value is not shown)"
        )
    return load_private_key(read_key_file(Path(value)), value, env), value


_KEY_TEXT = re.compile(r"[A-Za-z0-9+=]{40,}")


def _looks_like_key(value: str) -> bool:
    """Text that may be a key rather than a file name (PEM armour, several lines, a long
    run of base64): then an error names the option, not the text."""
    return "-----" in value or "\n" in value or bool(_KEY_TEXT.search(value))


def load_private_key(pem: bytes, name: str, env: Mapping[str, str] | None = None) -> PrivateKey:
    """A supported private key from PEM; messages name the key's origin, never its text."""
    env = os.environ if env is None else env
    passphrase = env.get(PASSPHRASE_VARIABLE, "").encode() or None
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase)
    except TypeError:
        if passphrase is None:
            raise ConfigError(
                f"{name}: the private key is encrypted: set {PASSPHRASE_VARIABLE}"
            ) from None
        raise ConfigError(
            f"{name}: the private key is not encrypted; unset {PASSPHRASE_VARIABLE}"
        ) from None
    except ValueError:
        raise ConfigError(f"{name}: not a PEM private key, or the passphrase is wrong") from None
    return _supported(key, name)  # type: ignore[return-value]


def load_public_key(path: Path) -> PublicKey:
    """A supported public key from a PEM file (SubjectPublicKeyInfo)."""
    try:
        key = serialization.load_pem_public_key(read_key_file(path))
    except ValueError:
        raise ConfigError(f"{path}: not a PEM public key") from None
    return _supported(key, str(path))  # type: ignore[return-value]


def _supported(key: object, name: str) -> object:
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise ConfigError(f"{name}: only the P-256 curve is supported, not {key.curve.name}")
        return key
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        if key.key_size < MIN_RSA_BITS:
            raise ConfigError(f"{name}: an RSA key needs at least {MIN_RSA_BITS} bits")
        return key
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return key
    raise ConfigError(f"{name}: unsupported key type (use {', '.join(KEY_TYPES)})")


def read_key_file(path: Path, option: str | None = None) -> bytes:
    """The bytes of a key file; the error names the file (or only `option` when the
    name could be key material)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        name = option if option and _looks_like_key(str(path)) else str(path)
        raise ConfigError(f"{name}: cannot read the key: {exc.strerror or 'error'}") from None
