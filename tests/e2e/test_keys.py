"""`policyctl keygen` and signing keys: files, permissions, passphrases, key types."""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from policyctl.core.errors import ConfigError
from policyctl.evidence import keys, signing
from tests.conftest import RunPolicyctl


def test_keygen_writes_a_pem_pair_with_a_private_key_only_its_owner_reads(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    result = run_policyctl("keygen", "--out", tmp_path / "k")
    assert result.code == 0, result.err
    private, public = tmp_path / "k/policyctl.key", tmp_path / "k/policyctl.pub"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert private.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert public.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    loaded = keys.load_private_key(private.read_bytes(), "k", env={})
    assert keys.keyid(loaded.public_key()) in result.out


def test_keygen_default_is_ecdsa_p256(policyctl_in_process: RunPolicyctl, tmp_path: Path) -> None:
    policyctl_in_process("keygen", "--out", tmp_path)
    described = subprocess.run(
        ["openssl", "pkey", "-pubin", "-in", tmp_path / "policyctl.pub", "-noout", "-text"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "prime256v1" in described


def test_keygen_encrypts_the_private_key_with_the_passphrase_variable(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    env = {"POLICYCTL_KEY_PASSPHRASE": "correct horse"}
    result = run_policyctl("keygen", "--out", tmp_path, env=env)
    assert "encrypted" in result.out and "NOT" not in result.out
    pem = (tmp_path / "policyctl.key").read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in pem
    keys.load_private_key(pem, "k", env=env)
    with pytest.raises(ConfigError, match="encrypted: set POLICYCTL_KEY_PASSPHRASE"):
        keys.load_private_key(pem, "k", env={})
    with pytest.raises(ConfigError, match="passphrase is wrong"):
        keys.load_private_key(pem, "k", env={"POLICYCTL_KEY_PASSPHRASE": "wrong"})


def test_keygen_never_overwrites_a_key_without_force(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    policyctl_in_process("keygen", "--out", tmp_path)
    before = (tmp_path / "policyctl.key").read_bytes()
    again = policyctl_in_process("keygen", "--out", tmp_path)
    assert again.code == 2
    assert "already exists" in again.err
    assert (tmp_path / "policyctl.key").read_bytes() == before
    assert policyctl_in_process("keygen", "--out", tmp_path, "--force").code == 0
    assert (tmp_path / "policyctl.key").read_bytes() != before


def test_keygen_rejects_an_unknown_key_type(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    result = policyctl_in_process("keygen", "--out", tmp_path, "--type", "dsa")
    assert result.code == 2
    assert "ecdsa-p256" in result.err


def test_the_signing_key_may_come_from_an_environment_variable_holding_the_pem() -> None:
    key = keys.generate_private_key()
    text = key.private_bytes(*_pkcs8()).decode()
    loaded = keys.load_signing_key(None, env={"POLICYCTL_SIGN_KEY": text})
    assert loaded is not None
    assert loaded[1] == "POLICYCTL_SIGN_KEY"
    assert keys.keyid(loaded[0].public_key()) == keys.keyid(key.public_key())


def test_a_bad_key_variable_is_one_line_that_does_not_quote_it() -> None:
    bogus = "-----BEGIN PRIVATE KEY-----\nnot-a-key-c2VjcmV0\n-----END PRIVATE KEY-----\n"
    with pytest.raises(ConfigError) as error:
        keys.load_signing_key(None, env={"POLICYCTL_SIGN_KEY": bogus})
    assert "POLICYCTL_SIGN_KEY" in str(error.value)
    assert "c2VjcmV0" not in str(error.value)


@pytest.mark.parametrize("key_type", keys.KEY_TYPES)
def test_openssl_verifies_our_signature_for_every_key_type(
    key_type: str, policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    assert policyctl_in_process("keygen", "--out", tmp_path, "--type", key_type).code == 0
    private = keys.load_private_key((tmp_path / "policyctl.key").read_bytes(), "k", env={})
    message = tmp_path / "message.txt"
    message.write_bytes(b"the report\n")
    signature = tmp_path / "message.sig"
    signature.write_bytes(signing.sign(private, message.read_bytes()))
    public = tmp_path / "policyctl.pub"
    commands = {
        "ecdsa-p256": ["openssl", "dgst", "-sha256", "-verify", public, "-signature", signature],
        "rsa-pss-4096": [
            *("openssl", "dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss"),
            *("-sigopt", "rsa_pss_saltlen:32", "-verify", public, "-signature", signature),
        ],
        "ed25519": [
            *("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", public, "-rawin"),
            *("-sigfile", signature, "-in"),
        ],
    }
    command = [*commands[key_type], message]
    checked = subprocess.run(command, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    message.write_bytes(b"the report, altered\n")
    assert subprocess.run(command, capture_output=True).returncode != 0


def _pkcs8() -> tuple[Any, Any, Any]:
    from cryptography.hazmat.primitives import serialization

    return (
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@pytest.mark.parametrize("key_type", keys.KEY_TYPES)
def test_securesystemslib_verifies_our_dsse_envelope_for_every_key_type(key_type: str) -> None:
    from securesystemslib.dsse import Envelope
    from securesystemslib.signer import SSlibKey

    from policyctl.evidence import dsse

    key = keys.generate_private_key(key_type)
    envelope = dsse.sign_envelope(b'{"_type": "x"}', dsse.INTOTO_PAYLOAD_TYPE, key)
    public = SSlibKey.from_crypto(key.public_key(), keyid=keys.keyid(key.public_key()))
    copy = json.loads(json.dumps(envelope))  # from_dict consumes what it reads
    assert list(Envelope.from_dict(copy).verify([public], 1)) == [public.keyid]
    opened = dsse.open_envelope(envelope, key.public_key())
    assert opened.verified_keyids == (public.keyid,)
    other = keys.generate_private_key(key_type).public_key()
    assert dsse.open_envelope(envelope, other).verified_keyids == ()
