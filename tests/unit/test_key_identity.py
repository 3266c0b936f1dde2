"""detection.key_identity: what names a private key, checked against independent tools."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from policyctl.detection.key_identity import key_identity
from policyctl.validators.tokens import private_key_block


def gpg(home: Path, *args: str) -> str:
    done = subprocess.run(
        ["gpg", "--homedir", str(home), "--batch", "--pinentry-mode", "loopback", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


@pytest.mark.skipif(shutil.which("gpg") is None, reason="needs gpg to make an OpenPGP key")
@pytest.mark.parametrize("algorithm", ["ed25519", "rsa2048"])
def test_an_openpgp_key_is_named_by_the_fingerprint_gpg_gives_it(
    tmp_path: Path, algorithm: str
) -> None:
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    gpg(home, "--passphrase", "", "--quick-gen-key", "Test <t@example.org>", algorithm, "sign")
    armored = gpg(home, "--passphrase", "", "--armor", "--export-secret-keys")
    listed = gpg(home, "--with-colons", "--fingerprint", "--list-secret-keys")
    fingerprint = next(line.split(":")[9] for line in listed.splitlines() if line.startswith("fpr"))
    body = armored.split("-----\n", 1)[1].rsplit("-----END", 1)[0]

    assert key_identity(body) == "pgp:" + fingerprint.lower()
    assert private_key_block(body)


def test_an_ec_key_in_sec1_and_pkcs8_has_one_identity() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    none = serialization.NoEncryption()
    pem = serialization.Encoding.PEM
    sec1 = key.private_bytes(pem, serialization.PrivateFormat.TraditionalOpenSSL, none).decode()
    pkcs8 = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, none).decode()

    identities = {key_identity("\n".join(block.splitlines()[1:-1])) for block in (sec1, pkcs8)}

    assert len(identities) == 1
    assert next(iter(identities), "").startswith("spki:")


def test_text_that_is_no_key_structure_has_no_identity() -> None:
    assert key_identity("not base64 at all: ???") is None
    assert key_identity("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=") is None  # ASCII letters
