"""Issue 14.13 and 14.14: the audit log's tail is anchored, its lines are parsed with
limits, and an append writes the whole entry or nothing."""

from __future__ import annotations

import json
import resource
import subprocess
from pathlib import Path

import pytest

from tests.conftest import POLICYCTL, RunPolicyctl
from tests.evidence_helpers import make_scanned_repo


def scans(run_policyctl: RunPolicyctl, target: Path, log: Path, count: int) -> None:
    for _ in range(count):
        result = run_policyctl("scan", target, "--no-progress", "-q", "--audit-log", log)
        assert result.code in (0, 1), result.all_output


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "src"
    target.mkdir()
    (target / "app.py").write_text("print('hello')\n")
    return target


def head_of(log: Path) -> str:
    newest = json.loads(log.read_text().splitlines()[-1])
    return f"{newest['hash']}:{newest['seq']}"


def test_cutting_the_tail_is_caught_when_the_head_is_expected(
    folder: Path,
    tmp_path: Path,
    run_policyctl: RunPolicyctl,
    policyctl_in_process: RunPolicyctl,
) -> None:
    log = tmp_path / "audit.jsonl"
    scans(policyctl_in_process, folder, log, 3)
    head = head_of(log)
    log.write_text("".join(line + "\n" for line in log.read_text().splitlines()[:2]))
    plain = run_policyctl("audit", "verify", "--log", log)
    assert plain.code == 0  # the log alone cannot show it ...
    anchored = run_policyctl("audit", "verify", "--log", log, "--expect-head", head)
    assert anchored.code == 1  # ... the head recorded elsewhere does
    assert "truncated" in anchored.out and "ends at entry 2" in anchored.out


def test_emptying_the_log_is_caught_when_the_head_is_expected(
    folder: Path,
    tmp_path: Path,
    run_policyctl: RunPolicyctl,
    policyctl_in_process: RunPolicyctl,
) -> None:
    log = tmp_path / "audit.jsonl"
    scans(policyctl_in_process, folder, log, 2)
    head = head_of(log)
    log.write_text("")
    result = run_policyctl("audit", "verify", "--log", log, "--expect-head", head)
    assert result.code == 1
    assert "has no entries" in result.out


def test_the_head_an_evidence_bundle_signs_checks_the_log(
    git_repo: Path,
    tmp_path: Path,
    run_policyctl: RunPolicyctl,
    policyctl_in_process: RunPolicyctl,
) -> None:
    make_scanned_repo(git_repo)
    log = tmp_path / "audit.jsonl"
    scans(policyctl_in_process, git_repo, log, 2)
    run_policyctl("keygen", "--out", tmp_path / "keys")
    bundle = tmp_path / "evidence"
    scanned = run_policyctl(
        "scan",
        git_repo,
        "--no-progress",
        "--audit-log",
        log,
        "--evidence",
        bundle,
        "--sign-key",
        tmp_path / "keys/policyctl.key",
    )
    assert scanned.code == 1, scanned.err
    verified = run_policyctl("verify", bundle, "--key", tmp_path / "keys/policyctl.pub")
    assert verified.code == 0, verified.out
    head = head_of(log)
    assert head.endswith(":3") and f"records the audit log head {head}" in verified.out
    assert run_policyctl("audit", "verify", "--log", log, "--expect-head", head).code == 0
    log.write_text("".join(line + "\n" for line in log.read_text().splitlines()[:2]))
    assert run_policyctl("audit", "verify", "--log", log, "--expect-head", head).code == 1


def test_a_deeply_nested_line_is_reported_not_a_crash(
    tmp_path: Path,
    folder: Path,
    run_policyctl: RunPolicyctl,
    policyctl_in_process: RunPolicyctl,
) -> None:
    log = tmp_path / "audit.jsonl"
    scans(policyctl_in_process, folder, log, 1)
    with log.open("a") as handle:
        handle.write("[" * 100_000 + "\n")
        handle.write('{"seq": 2, "x": ' + "[" * 100_000 + "\n")
    result = run_policyctl("audit", "verify", "--log", log)
    assert "Traceback" not in result.all_output and "RecursionError" not in result.all_output
    assert "(line 2)" in result.out and "(line 3)" in result.out
    shown = run_policyctl("audit", "show", "--log", log)
    assert shown.code == 0 and "Traceback" not in shown.all_output
    after = run_policyctl("scan", folder, "--no-progress", "-q", "--audit-log", log)
    assert after.code == 0, after.err


def test_a_torn_last_line_is_warned_about_and_does_not_poison_later_scans(
    folder: Path,
    tmp_path: Path,
    run_policyctl: RunPolicyctl,
    policyctl_in_process: RunPolicyctl,
) -> None:
    log = tmp_path / "audit.jsonl"
    scans(policyctl_in_process, folder, log, 2)
    whole = log.read_bytes()
    log.write_bytes(whole + whole.splitlines()[-1][:57])  # a crash mid-write, long ago
    result = run_policyctl("scan", folder, "--no-progress", "--audit-log", log)
    assert result.code == 0, result.err
    assert "not an entry" in result.err
    lines = log.read_text().splitlines()
    assert json.loads(lines[-1])["seq"] == 3 and len(lines) == 4
    verified = run_policyctl("audit", "verify", "--log", log)
    assert verified.code == 0, verified.out
    assert "WARN  a line torn (line 3)" in verified.out


def _limit_file_size(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))


@pytest.mark.parametrize("room", [0, 10], ids=["no room at all", "room for a torn entry"])
def test_a_failed_append_is_one_error_line_and_leaves_the_log_whole(
    folder: Path,
    tmp_path: Path,
    run_policyctl: RunPolicyctl,
    policyctl_in_process: RunPolicyctl,
    room: int,
) -> None:
    log = tmp_path / "audit.jsonl"
    scans(policyctl_in_process, folder, log, 2)
    before = log.read_bytes()
    # Files may grow to the log's size (+ room) only: the append fails as on a full disk.
    result = subprocess.run(
        [POLICYCTL, "scan", folder, "--no-progress", "-q", "--audit-log", log],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: _limit_file_size(len(before) + room),
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "audit log" in result.stderr
    assert "Traceback" not in result.stderr
    assert log.read_bytes() == before
    assert run_policyctl("audit", "verify", "--log", log).code == 0
