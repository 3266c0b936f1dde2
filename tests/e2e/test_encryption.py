"""`scan --encrypt-to` and `policyctl decrypt`: reports that travel through untrusted storage."""

from __future__ import annotations

import base64
import functools
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from policyctl.core.errors import InputError
from policyctl.evidence import encrypt, keys
from tests.conftest import POLICYCTL, RunPolicyctl, assert_no_secret_in
from tests.evidence_helpers import flip, init_repo, make_scanned_repo


@dataclass(frozen=True)
class Sealed:
    base: Path
    folder: Path
    secrets: list[str]

    def copy(self, tmp_path: Path) -> Path:
        return Path(shutil.copytree(self.folder, tmp_path / "bundle"))


def write_rsa_pair(folder: Path) -> None:
    """An RSA recipient, made in-process (4096-bit generation is slow; once is enough)."""
    key = keys.generate_private_key("rsa-pss-4096")
    folder.mkdir()
    (folder / "policyctl.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (folder / "policyctl.pub").write_bytes(keys.public_pem(key.public_key()))


@pytest.fixture(scope="module", params=["ecdsa-p256", "rsa-pss-4096"])
def sealed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Sealed:
    """A signed bundle of a real repository, encrypted for an auditor's key."""
    base = tmp_path_factory.mktemp(request.param)
    repo = init_repo(base / "repo")
    _, secrets = make_scanned_repo(repo)
    run = functools.partial(subprocess.run, capture_output=True, text=True, cwd=base)
    run([POLICYCTL, "keygen", "--out", base / "signer"], check=True)
    if request.param == "ecdsa-p256":
        run([POLICYCTL, "keygen", "--out", base / "auditor"], check=True)
    else:
        write_rsa_pair(base / "auditor")
    scanned = run(
        [
            *(POLICYCTL, "scan", repo, "--evidence", base / "ev", "--no-progress", "--no-audit"),
            *("--sign-key", base / "signer/policyctl.key"),
            *("--encrypt-to", base / "auditor/policyctl.pub"),
        ]
    )
    assert scanned.returncode == 1, scanned.stderr
    return Sealed(base, base / "ev", secrets)


def test_an_encrypted_bundle_decrypts_and_then_verifies_in_full(
    sealed: Sealed, tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    folder = sealed.copy(tmp_path)
    names = {p.name for p in folder.iterdir()}
    assert "report.json.enc" in names and "report.json" not in names
    signer = sealed.base / "signer/policyctl.pub"
    partial = run_policyctl("verify", folder, "--key", signer)
    assert partial.code == 0
    assert "skip  report.json: encrypted" in partial.out
    decrypted = run_policyctl("decrypt", folder, "--key", sealed.base / "auditor/policyctl.key")
    assert decrypted.code == 0, decrypted.err
    full = run_policyctl("verify", folder, "--key", signer)
    assert full.code == 0, full.out
    assert "report.json: matches its provenance subject digest" in full.out
    assert "skip" not in full.out
    assert json.loads((folder / "report.json").read_text())["summary"]["blocking"] == 2


def test_the_encrypted_report_reveals_nothing_of_the_findings(sealed: Sealed) -> None:
    text = (sealed.folder / "report.json.enc").read_text()
    assert "settings.py" not in text and "secret.github" not in text
    assert_no_secret_in([text], sealed.secrets)


def test_decrypt_with_another_key_says_so(
    sealed: Sealed, tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    folder = sealed.copy(tmp_path)
    result = policyctl_in_process("decrypt", folder, "--key", sealed.base / "signer/policyctl.key")
    assert result.code == 2
    assert "encrypted for another key" in result.err
    assert not (folder / "report.json").exists()


def test_a_flipped_byte_in_an_encrypted_file_fails_verify(
    sealed: Sealed, tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    folder = sealed.copy(tmp_path)
    flip(folder / "report.json.enc", 200)
    result = run_policyctl("verify", folder, "--key", sealed.base / "signer/policyctl.pub")
    assert result.code == 1
    assert "report.json.enc: sha256 does not match SHA256SUMS" in result.out


def test_decrypt_never_overwrites_without_force(
    sealed: Sealed, tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    sealed_file = sealed.copy(tmp_path) / "report.json.enc"
    key = sealed.base / "auditor/policyctl.key"
    assert policyctl_in_process("decrypt", sealed_file, "--key", key).code == 0
    again = policyctl_in_process("decrypt", sealed_file, "--key", key)
    assert again.code == 2
    assert "already exists" in again.err
    assert policyctl_in_process("decrypt", sealed_file, "--key", key, "--force").code == 0


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


def test_an_ed25519_key_cannot_be_a_recipient() -> None:
    from cryptography.hazmat.primitives.asymmetric import ed25519

    with pytest.raises(InputError, match="can only sign"):
        encrypt.encrypt(b"{}", ed25519.Ed25519PrivateKey.generate().public_key(), "r.json")
