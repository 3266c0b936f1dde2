"""`scan --evidence` and `policyctl verify`: a bundle that verifies with our tool and with
tools an auditor already has, and fails on every tampered copy."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from policyctl.evidence import bundle, keys
from policyctl.evidence.sbom import sbom_problems
from policyctl.evidence.verify import verify_bundle
from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, git, write_files
from tests.evidence_helpers import flip, init_repo, make_scanned_repo

EXPECTED_FILES = {
    "report.json",
    "report.sarif",
    "sbom.cdx.json",
    "provenance.intoto.jsonl",
    "report.json.sig",
    "public-key.pem",
    "SHA256SUMS",
}


REMOTE = "git.example.com/acme/app.git"
REMOTE_TOKEN = fakes.pick(fakes.ALNUM, 24, "remote")
"""A token in the git remote's URL, as CI checkouts often have: it must not leak."""


@dataclass(frozen=True)
class Signed:
    repo: Path
    commit: str
    secrets: list[str]
    keys: Path
    folder: Path
    scan_output: str


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Signed:
    """One signed bundle of a real repository, made by the installed command."""
    from tests.conftest import POLICYCTL

    base = tmp_path_factory.mktemp("bundle")
    repo = init_repo(base / "repo")
    git(repo, "remote", "add", "origin", "https://ci-bot:" + REMOTE_TOKEN + "@" + REMOTE)
    commit, secrets = make_scanned_repo(repo)
    subprocess.run([POLICYCTL, "keygen", "--out", base / "keys"], check=True, capture_output=True)
    folder = base / "evidence"
    done = subprocess.run(
        [
            POLICYCTL,
            "scan",
            repo,
            "--evidence",
            folder,
            "--sign-key",
            base / "keys/policyctl.key",
            "--no-progress",
            "--no-audit",
        ],
        capture_output=True,
        text=True,
        cwd=base,
    )
    assert done.returncode == 1, done.stderr  # the secret blocks; the bundle is still written
    return Signed(repo, commit, secrets, base / "keys", folder, done.stdout + done.stderr)


def copy_of(signed: Signed, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(signed.folder, target)
    return target


def public_key(signed: Signed) -> keys.PublicKey:
    return keys.load_public_key(signed.keys / "policyctl.pub")


def statement(folder: Path) -> dict[str, Any]:
    envelope = json.loads((folder / "provenance.intoto.jsonl").read_text())
    document: dict[str, Any] = json.loads(base64.b64decode(envelope["payload"]))
    return document


def test_the_bundle_holds_every_evidence_file(signed: Signed) -> None:
    assert {p.name for p in signed.folder.iterdir()} == EXPECTED_FILES


def test_a_fresh_bundle_verifies_with_the_pinned_key(
    signed: Signed, run_policyctl: RunPolicyctl
) -> None:
    result = run_policyctl("verify", signed.folder, "--key", signed.keys / "policyctl.pub")
    assert result.code == 0, result.out
    assert "FAIL" not in result.out
    for checked in (
        "DSSE signature verifies",
        "detached signature of report.json verifies",
        "matches the report schema",
    ):
        assert checked in result.out


def test_the_bundle_sbom_is_strict_cyclonedx_with_the_repository_dependencies(
    signed: Signed,
) -> None:
    text = (signed.folder / "sbom.cdx.json").read_text()
    assert sbom_problems(text) == []
    purls = {c["purl"] for c in json.loads(text)["components"]}
    assert purls == {
        "pkg:pypi/requests@2.31.0",
        "pkg:pypi/flask",
        "pkg:npm/lodash@4.17.21",
        "pkg:npm/%40babel/core@7.24.0",
    }


def test_verify_without_a_key_warns_that_the_signer_is_not_pinned(
    signed: Signed, run_policyctl: RunPolicyctl
) -> None:
    result = run_policyctl("verify", signed.folder)
    assert result.code == 0
    assert "pass --key" in result.err


@pytest.mark.parametrize("name", sorted(EXPECTED_FILES))
def test_flipping_any_byte_of_any_file_fails_verification_naming_the_file(
    name: str, signed: Signed, tmp_path: Path
) -> None:
    size = (signed.folder / name).stat().st_size
    for offset in sorted({0, 1, size // 3, size // 2, size - 2, size - 1}):
        folder = copy_of(signed, tmp_path / str(offset))
        flip(folder / name, offset)
        result = verify_bundle(folder, public_key(signed))
        assert not result.ok, f"{name} byte {offset} flipped but the bundle verified"
        assert name in result.failed_files


def test_a_tampered_report_with_recomputed_sums_is_caught_by_both_signatures(
    signed: Signed, tmp_path: Path
) -> None:
    folder = copy_of(signed, tmp_path)
    report = json.loads((folder / "report.json").read_text())
    report["summary"]["exit_code"] = 0
    report["findings"] = []
    (folder / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    contents = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "SHA256SUMS"}
    (folder / "SHA256SUMS").write_text(bundle.sums_file(contents))
    result = verify_bundle(folder, public_key(signed))
    failed = {(c.file, c.message) for c in result.checks if c.ok is False}
    assert ("report.json", "sha256 differs from its provenance subject digest") in failed
    assert any(f == "report.json.sig" and "does not verify" in m for f, m in failed)


def test_a_bundle_re_signed_with_another_key_fails_against_the_pinned_key(
    signed: Signed, tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    policyctl_in_process("keygen", "--out", tmp_path / "mallory")
    folder = copy_of(signed, tmp_path)
    shutil.copy(tmp_path / "mallory/policyctl.pub", folder / "public-key.pem")
    result = policyctl_in_process("verify", folder, "--key", signed.keys / "policyctl.pub")
    assert result.code == 1
    assert "public-key.pem: is not the key given with --key" in result.out


def test_an_added_file_fails_verification(signed: Signed, tmp_path: Path) -> None:
    folder = copy_of(signed, tmp_path)
    (folder / "extra.txt").write_text("slipped in\n")
    result = verify_bundle(folder, public_key(signed))
    assert result.failed_files[0] == "extra.txt"


def test_openssl_verifies_the_detached_signature_as_the_readme_says(
    signed: Signed, tmp_path: Path
) -> None:
    signature = tmp_path / "report.json.sig.der"
    subprocess.run(
        ["openssl", "base64", "-d", "-in", signed.folder / "report.json.sig", "-out", signature],
        check=True,
    )
    checked = subprocess.run(
        [
            "openssl",
            "dgst",
            "-sha256",
            "-verify",
            signed.keys / "policyctl.pub",
            "-signature",
            signature,
            signed.folder / "report.json",
        ],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0
    assert checked.stdout.strip() == "Verified OK"


def test_sha256sum_checks_every_file_of_the_bundle(signed: Signed) -> None:
    checked = subprocess.run(
        ["sha256sum", "--strict", "-c", "SHA256SUMS"],
        cwd=signed.folder,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.count(": OK") == len(EXPECTED_FILES) - 1


def test_securesystemslib_verifies_the_dsse_envelope(signed: Signed) -> None:
    from cryptography.hazmat.primitives.serialization import load_pem_public_key
    from securesystemslib.dsse import Envelope
    from securesystemslib.signer import SSlibKey

    envelope = Envelope.from_dict(
        json.loads((signed.folder / "provenance.intoto.jsonl").read_text())
    )
    public = load_pem_public_key((signed.keys / "policyctl.pub").read_bytes())
    keyid = subprocess.run(
        f"openssl pkey -pubin -in {signed.keys / 'policyctl.pub'} -outform DER | sha256sum",
        shell=True,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[0]
    accepted = envelope.verify([SSlibKey.from_crypto(public, keyid=keyid)], threshold=1)
    assert list(accepted) == [keyid]
    assert envelope.payload_type == "application/vnd.in-toto+json"


def test_the_provenance_is_slsa_v1_with_the_bundle_files_as_subjects(signed: Signed) -> None:
    document = statement(signed.folder)
    assert document["_type"] == "https://in-toto.io/Statement/v1"
    assert document["predicateType"] == "https://slsa.dev/provenance/v1"
    subjects = {s["name"]: s["digest"]["sha256"] for s in document["subject"]}
    bundle_files = {"report.json", "report.sarif", "sbom.cdx.json"}
    assert set(subjects) == bundle_files | {"report.json.sig", "public-key.pem"}
    for name, digest in subjects.items():
        assert bundle.sha256((signed.folder / name).read_bytes()) == digest


def test_the_provenance_names_the_repository_commit_rule_set_and_parameters(
    signed: Signed,
) -> None:
    definition = statement(signed.folder)["predicate"]["buildDefinition"]
    assert definition["buildType"] == "https://policyctl.dev/evidence/scan/v1"
    parameters = definition["externalParameters"]
    assert parameters["command"][:2] == ["policyctl", "scan"]
    assert parameters["failOn"] == "high"
    assert "packs" in parameters
    repository, ruleset = definition["resolvedDependencies"][:2]
    assert repository["uri"] == "git+https://" + REMOTE
    assert repository["digest"] == {"gitCommit": signed.commit}
    assert ruleset["name"] == "ruleset"
    assert len(ruleset["digest"]["sha256"]) == 64


def test_the_provenance_never_carries_the_credentials_of_a_git_remote(signed: Signed) -> None:
    text = (signed.folder / "provenance.intoto.jsonl").read_text()
    assert REMOTE_TOKEN not in base64.b64decode(json.loads(text)["payload"]).decode()


def test_no_raw_secret_reaches_any_file_of_the_bundle(signed: Signed) -> None:
    outputs = [p.read_text() for p in signed.folder.iterdir()]
    outputs.append(json.dumps(statement(signed.folder)))
    assert_no_secret_in([*outputs, signed.scan_output], signed.secrets)


def test_the_builder_is_the_github_actions_run_when_github_says_so() -> None:
    from policyctl.evidence.provenance import builder_of

    builder = builder_of(
        {
            "GITHUB_ACTIONS": "true",
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": "acme/app",
            "GITHUB_RUN_ID": "42",
            "GITHUB_RUN_ATTEMPT": "2",
        }
    )
    assert builder.id == "https://github.com/acme/app/actions/runs/42"
    assert builder.invocation_id == "https://github.com/acme/app/actions/runs/42/attempts/2"
    assert builder_of({}).id.startswith("urn:policyctl:builder:local:")


def test_an_unsigned_bundle_fails_verification_unless_allowed(
    tmp_path: Path, git_repo: Path, policyctl_in_process: RunPolicyctl
) -> None:
    make_scanned_repo(git_repo)
    scan = policyctl_in_process(
        "scan",
        git_repo,
        "--evidence",
        tmp_path / "ev",
        "--no-progress",
        "--no-audit",
        env={"POLICYCTL_SIGN_KEY": ""},
        cwd=tmp_path,
    )
    assert "not signed" in scan.err
    assert "report.json.sig" not in {p.name for p in (tmp_path / "ev").iterdir()}
    refused = policyctl_in_process("verify", tmp_path / "ev")
    assert refused.code == 1
    assert "nothing proves who made it" in refused.out
    assert policyctl_in_process("verify", tmp_path / "ev", "--allow-unsigned").code == 0


def test_scan_refuses_a_folder_that_already_holds_a_bundle(
    signed: Signed, run_policyctl: RunPolicyctl
) -> None:
    before = (signed.folder / "report.json").read_bytes()
    result = run_policyctl("scan", signed.repo, "--evidence", signed.folder, "--no-audit")
    assert result.code == 2
    assert "is not empty" in result.err
    assert (signed.folder / "report.json").read_bytes() == before


def test_sign_key_without_evidence_is_a_usage_error(
    signed: Signed, run_policyctl: RunPolicyctl
) -> None:
    result = run_policyctl("scan", signed.repo, "--sign-key", signed.keys / "policyctl.key")
    assert result.code == 2
    assert "needs --evidence" in result.err


def test_with_source_date_epoch_two_runs_give_identical_report_and_sbom(
    git_repo: Path, tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    make_scanned_repo(git_repo)
    env = {"SOURCE_DATE_EPOCH": "1700000000", "POLICYCTL_SIGN_KEY": ""}
    for run in ("one", "two"):
        policyctl_in_process(
            "scan",
            git_repo,
            "--evidence",
            tmp_path / run,
            "--no-progress",
            "--no-audit",
            env=env,
            cwd=tmp_path,
        )
    for name in ("report.json", "sbom.cdx.json"):
        first, second = (
            (tmp_path / "one" / name).read_bytes(),
            (tmp_path / "two" / name).read_bytes(),
        )
        assert first == second, f"{name} differs between runs"
    report = json.loads((tmp_path / "one/report.json").read_text())
    assert report["scan"]["started"] == "2023-11-14T22:13:20Z"
    assert json.loads((tmp_path / "one/sbom.cdx.json").read_text())["metadata"]["timestamp"] == (
        "2023-11-14T22:13:20+00:00"
    )


def test_the_output_file_the_bundle_and_the_audit_log_share_the_same_report_bytes(
    git_repo: Path, tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    make_scanned_repo(git_repo)
    log = tmp_path / "audit.jsonl"
    result = policyctl_in_process(
        "scan",
        git_repo,
        "--format",
        "json",
        "--output",
        tmp_path / "out.json",
        "--evidence",
        tmp_path / "evidence",
        "--audit-log",
        log,
        "--no-progress",
        env={"POLICYCTL_SIGN_KEY": ""},
    )
    assert result.code == 1, result.all_output
    written = (tmp_path / "out.json").read_bytes()
    assert (tmp_path / "evidence/report.json").read_bytes() == written
    entry = json.loads(log.read_text().splitlines()[-1])
    assert entry["report_sha256"] == hashlib.sha256(written).hexdigest()
    assert (entry["findings"], entry["exit_code"]) == (
        json.loads(written)["summary"]["findings"],
        1,
    )


def test_the_sbom_lists_only_the_manifests_the_scan_walked(
    git_repo: Path, tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    make_scanned_repo(git_repo)
    write_files(
        git_repo,
        {
            "skipped/requirements.txt": "django==5.0.1\n",
            "ignored/requirements.txt": "numpy==1.26.0\n",
            ".gitignore": "ignored/\n",
        },
    )
    result = policyctl_in_process(
        "scan",
        git_repo,
        "--exclude",
        "skipped/",
        "--evidence",
        tmp_path / "evidence",
        "--no-progress",
        "--no-audit",
        env={"POLICYCTL_SIGN_KEY": ""},
    )
    assert result.code == 1, result.all_output
    sbom = json.loads((tmp_path / "evidence/sbom.cdx.json").read_text())
    names = {component["name"] for component in sbom["components"]}
    assert {"requests", "flask", "lodash"} <= names
    assert not names & {"django", "numpy"}
