"""`scan --encrypt-to` and `policyctl decrypt`: reports that travel through untrusted storage."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from policyctl.errors import InputError
from policyctl.evidence import encrypt, keys
from tests.conftest import RunPolicyctl, assert_no_secret_in
from tests.evidence_helpers import flip, make_scanned_repo


def encrypted_bundle(
    repo: Path, tmp_path: Path, run_policyctl: RunPolicyctl, key_type: str = "ecdsa-p256"
) -> Path:
    run_policyctl("keygen", "--out", tmp_path / "signer")
    run_policyctl("keygen", "--out", tmp_path / "auditor", "--type", key_type)
    result = run_policyctl(
        "scan",
        repo,
        "--evidence",
        tmp_path / "ev",
        "--no-progress",
        "--no-audit",
        "--sign-key",
        tmp_path / "signer/policyctl.key",
        "--encrypt-to",
        tmp_path / "auditor/policyctl.pub",
        cwd=tmp_path,
    )
    assert result.code == 1, result.err
    return tmp_path / "ev"


@pytest.mark.parametrize("key_type", ["ecdsa-p256", "rsa-pss-4096"])
def test_an_encrypted_bundle_decrypts_and_then_verifies_in_full(
    key_type: str, git_repo: Path, tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    _, secrets = make_scanned_repo(git_repo)
    folder = encrypted_bundle(git_repo, tmp_path, run_policyctl, key_type)
    names = {p.name for p in folder.iterdir()}
    assert "report.json.enc" in names and "report.json" not in names
    partial = run_policyctl("verify", folder, "--key", tmp_path / "signer/policyctl.pub")
    assert partial.code == 0
    assert "skip  report.json: encrypted" in partial.out
    decrypted = run_policyctl("decrypt", folder, "--key", tmp_path / "auditor/policyctl.key")
    assert decrypted.code == 0, decrypted.err
    full = run_policyctl("verify", folder, "--key", tmp_path / "signer/policyctl.pub")
    assert full.code == 0, full.out
    assert "report.json: matches its provenance subject digest" in full.out
    assert "skip" not in full.out
    assert json.loads((folder / "report.json").read_text())["summary"]["blocking"] == 2
    assert_no_secret_in([(folder / "report.json.enc").read_text()], secrets)


def test_the_encrypted_report_reveals_nothing_of_the_findings(
    git_repo: Path, tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    make_scanned_repo(git_repo)
    folder = encrypted_bundle(git_repo, tmp_path, run_policyctl)
    sealed = (folder / "report.json.enc").read_text()
    assert "settings.py" not in sealed and "secret.github" not in sealed


def test_decrypt_with_another_key_says_so(
    git_repo: Path, tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    make_scanned_repo(git_repo)
    folder = encrypted_bundle(git_repo, tmp_path, run_policyctl)
    result = run_policyctl("decrypt", folder, "--key", tmp_path / "signer/policyctl.key")
    assert result.code == 2
    assert "encrypted for another key" in result.err
    assert not (folder / "report.json").exists()


def test_an_altered_ciphertext_does_not_decrypt() -> None:
    key = keys.generate_private_key()
    sealed = json.loads(encrypt.encrypt(b'{"findings": []}', key.public_key(), "report.json"))
    ciphertext = bytearray(base64.b64decode(sealed["ciphertext"]))
    ciphertext[3] ^= 0x01
    sealed["ciphertext"] = base64.b64encode(bytes(ciphertext)).decode()
    with pytest.raises(InputError, match="altered or damaged"):
        encrypt.decrypt(json.dumps(sealed).encode(), key, "report.json.enc")


def test_a_renamed_header_does_not_decrypt() -> None:
    key = keys.generate_private_key()
    sealed = json.loads(encrypt.encrypt(b"{}", key.public_key(), "report.json"))
    sealed["name"] = "report.sarif"
    with pytest.raises(InputError, match="altered or damaged"):
        encrypt.decrypt(json.dumps(sealed).encode(), key, "x.enc")


def test_a_flipped_byte_in_an_encrypted_file_fails_verify(
    git_repo: Path, tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    make_scanned_repo(git_repo)
    folder = encrypted_bundle(git_repo, tmp_path, run_policyctl)
    flip(folder / "report.json.enc", 200)
    result = run_policyctl("verify", folder, "--key", tmp_path / "signer/policyctl.pub")
    assert result.code == 1
    assert "report.json.enc: sha256 does not match SHA256SUMS" in result.out


def test_an_ed25519_key_cannot_be_a_recipient() -> None:
    from cryptography.hazmat.primitives.asymmetric import ed25519

    with pytest.raises(InputError, match="can only sign"):
        encrypt.encrypt(b"{}", ed25519.Ed25519PrivateKey.generate().public_key(), "r.json")


def test_decrypt_never_overwrites_without_force(
    git_repo: Path, tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    make_scanned_repo(git_repo)
    folder = encrypted_bundle(git_repo, tmp_path, run_policyctl)
    key = tmp_path / "auditor/policyctl.key"
    assert run_policyctl("decrypt", folder / "report.json.enc", "--key", key).code == 0
    again = run_policyctl("decrypt", folder / "report.json.enc", "--key", key)
    assert again.code == 2
    assert "already exists" in again.err
    assert run_policyctl("decrypt", folder / "report.json.enc", "--key", key, "--force").code == 0
