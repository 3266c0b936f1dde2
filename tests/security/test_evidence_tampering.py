"""Issue 14.12 and 14.15: a bundle is proven as a whole, and written as a whole.

An attacker with write access to the bundle's storage, but not the signing key, edits the
bundle and regenerates SHA256SUMS (which anyone can). Every such edit must fail
`policyctl verify --key`, for a plain and for an encrypted bundle.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from policyctl.evidence import bundle
from tests.conftest import POLICYCTL, RunPolicyctl
from tests.evidence_helpers import flip, init_repo, make_scanned_repo


@dataclass(frozen=True)
class Bundles:
    repo: Path
    keys: Path
    recipient: Path
    sealed: Path
    """An encrypted, signed bundle."""
    other: Path
    """Another encrypted, signed bundle of the same repository, by the same key."""


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> Bundles:
    root = tmp_path_factory.mktemp("tamper")
    repo = init_repo(root / "repo")
    make_scanned_repo(repo)
    keys, recipient = root / "keys", root / "recipient"
    for folder in (keys, recipient):
        subprocess.run([POLICYCTL, "keygen", "--out", folder], check=True, capture_output=True)
    folders = []
    for name in ("sealed", "other"):
        folder = root / name
        subprocess.run(
            [
                POLICYCTL,
                "scan",
                repo,
                "--no-progress",
                "--no-audit",
                "--evidence",
                folder,
                "--sign-key",
                keys / "policyctl.key",
                "--encrypt-to",
                recipient / "policyctl.pub",
            ],
            capture_output=True,
        )
        assert (folder / "report.json.enc").is_file()
        folders.append(folder)
    return Bundles(repo, keys, recipient, folders[0], folders[1])


def resum(folder: Path) -> None:
    """Regenerate SHA256SUMS for the files now in `folder`, as an attacker can."""
    files = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != bundle.SUMS}
    (folder / bundle.SUMS).write_text(bundle.sums_file(files))


def swap_encrypted_report(folder: Path, other: Path) -> None:
    shutil.copy(other / "report.json.enc", folder / "report.json.enc")


def flip_signature(folder: Path, other: Path) -> None:
    flip(folder / "report.json.sig", 4)


def add_a_file(folder: Path, other: Path) -> None:
    (folder / "notes.txt").write_text("all clear\n")


def add_a_bundle_name(folder: Path, other: Path) -> None:
    shutil.copy(other / "report.sarif.enc", folder / "report.sarif")


def delete_the_public_key(folder: Path, other: Path) -> None:
    (folder / "public-key.pem").unlink()


def add_an_envelope_field(folder: Path, other: Path) -> None:
    path = folder / "provenance.intoto.jsonl"
    envelope = json.loads(path.read_text())
    envelope["note"] = "reviewed: no findings"
    path.write_text(json.dumps(envelope) + "\n")


def add_a_signature_field(folder: Path, other: Path) -> None:
    path = folder / "provenance.intoto.jsonl"
    envelope = json.loads(path.read_text())
    envelope["signatures"][0]["cert"] = "x"
    path.write_text(json.dumps(envelope) + "\n")


ATTACKS: dict[str, Callable[[Path, Path], None]] = {
    "swap report.json.enc": swap_encrypted_report,
    "flip report.json.sig": flip_signature,
    "add a file": add_a_file,
    "add a file with a bundle's name": add_a_bundle_name,
    "delete public-key.pem": delete_the_public_key,
    "add an envelope field": add_an_envelope_field,
    "add a signature field": add_a_signature_field,
}


def test_the_untouched_encrypted_bundle_verifies(
    bundles: Bundles, run_policyctl: RunPolicyctl
) -> None:
    result = run_policyctl("verify", bundles.sealed, "--key", bundles.keys / "policyctl.pub")
    assert result.code == 0, result.out


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_an_edited_encrypted_bundle_fails_verify_even_with_sums_regenerated(
    bundles: Bundles, run_policyctl: RunPolicyctl, tmp_path: Path, attack: str
) -> None:
    folder = tmp_path / "bundle"
    shutil.copytree(bundles.sealed, folder)
    ATTACKS[attack](folder, bundles.other)
    resum(folder)
    result = run_policyctl("verify", folder, "--key", bundles.keys / "policyctl.pub")
    assert result.code == 1, result.out
    assert "FAILED" in result.out


def test_a_decrypted_bundle_still_verifies_in_full(
    bundles: Bundles, run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    folder = tmp_path / "bundle"
    shutil.copytree(bundles.sealed, folder)
    decrypted = run_policyctl("decrypt", folder, "--key", bundles.recipient / "policyctl.key")
    assert decrypted.code == 0, decrypted.err
    result = run_policyctl("verify", folder, "--key", bundles.keys / "policyctl.pub")
    assert result.code == 0, result.out
    assert "report.json.sig: detached signature of report.json verifies" in result.out


def test_scan_refuses_an_existing_folder_that_is_not_empty(
    bundles: Bundles, run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine\n")
    result = run_policyctl("scan", bundles.repo, "--no-audit", "--evidence", folder)
    assert result.code == 2
    assert "is not empty" in result.err and len(result.err.splitlines()) == 1
    assert sorted(p.name for p in folder.iterdir()) == ["keep.txt"]


def test_two_scans_writing_one_bundle_folder_never_mix_their_files(
    bundles: Bundles, tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    folder = tmp_path / "evidence"
    command = [
        POLICYCTL,
        "scan",
        bundles.repo,
        "--no-progress",
        "--no-audit",
        "--evidence",
        folder,
        "--sign-key",
        bundles.keys / "policyctl.key",
    ]
    runs = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)]
    runs.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
    codes = [run.wait(timeout=120) for run in runs]
    errors = [run.stderr.read().decode() if run.stderr else "" for run in runs]
    assert sorted(codes) == [1, 2], errors  # one bundle written (findings: 1), one refused
    refused = errors[codes.index(2)]
    assert "--evidence" in refused and "Traceback" not in refused
    verified = run_policyctl("verify", folder, "--key", bundles.keys / "policyctl.pub")
    assert verified.code == 0, verified.out
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".policyctl-tmp")]
