"""The audit log: hash chain, HMAC, atomic appends, and naming every kind of tampering."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from pathlib import Path

import pytest

from policyctl.evidence import audit
from tests.conftest import RunPolicyctl, git
from tests.evidence_helpers import make_scanned_repo

KEY = {"POLICYCTL_AUDIT_KEY": "audit-key-for-tests"}


def make_log(path: Path, entries: int = 5, env: dict[str, str] | None = None) -> list[str]:
    for number in range(entries):
        audit.record("scan", {"exit_code": number % 2}, path, env=env or {})
    return path.read_text().splitlines()


def problems(path: Path, env: dict[str, str] | None = None) -> list[tuple[int | None, str]]:
    return [(p.seq, p.kind) for p in audit.verify_log(path, env or {}).problems]


def test_entries_are_chained_by_hash(tmp_path: Path) -> None:
    lines = make_log(tmp_path / "audit.jsonl", 3)
    entries = [json.loads(line) for line in lines]
    assert [e["seq"] for e in entries] == [1, 2, 3]
    assert entries[0]["prev"] == "0" * 64
    assert entries[1]["prev"] == entries[0]["hash"]
    assert entries[2]["prev"] == entries[1]["hash"]
    assert problems(tmp_path / "audit.jsonl") == []


def test_an_entry_records_who_where_when_and_what(tmp_path: Path) -> None:
    entry = audit.record("redact", {"files": 2}, tmp_path / "a.jsonl", env={})
    assert entry is not None
    assert {"time", "user", "host", "event", "files", "prev", "hash"} <= set(entry)
    assert entry["event"] == "redact"


def test_recording_to_a_switched_off_log_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert audit.record("redact", {"files": 2}, "", env={}) is None
    assert list(tmp_path.iterdir()) == []


def forged(line: str, rehash: bool, **changes: object) -> str:
    """An entry changed as a forger would, re-hashed (without the HMAC key) if asked."""
    entry = {**json.loads(line), **changes}
    if rehash:
        entry["hash"] = audit.entry_hash(entry)
    return json.dumps(entry, separators=(",", ":"))


def rewrite(log: Path, lines: list[str]) -> None:
    log.write_text("\n".join(lines) + "\n")


def test_an_edited_entry_is_named(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    lines = make_log(log)
    lines[2] = forged(lines[2], rehash=False, exit_code=7)
    rewrite(log, lines)
    assert problems(log) == [(3, "edited")]


def test_an_edited_and_re_hashed_entry_is_named_by_the_broken_link(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    lines = make_log(log)
    lines[1] = forged(lines[1], rehash=True, exit_code=7)
    rewrite(log, lines)
    assert problems(log) == [(2, "edited")]


def test_with_the_hmac_key_a_re_hashed_edit_of_the_last_entry_is_caught(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    lines = make_log(log, env=KEY)
    lines[-1] = forged(lines[-1], rehash=True, exit_code=7)
    rewrite(log, lines)
    assert problems(log, KEY) == [(5, "edited")]
    assert problems(log) == []  # without the key the chain alone cannot see it


def test_a_deleted_entry_is_named(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    lines = make_log(log)
    del lines[2]
    rewrite(log, lines)
    assert problems(log) == [(3, "deleted")]


def test_an_inserted_entry_is_named(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    lines = make_log(log)
    lines.insert(3, forged(lines[2], rehash=True, exit_code=7))  # a well-formed "#3"
    rewrite(log, lines)
    report = audit.verify_log(log, {})
    assert [(p.line, p.seq, p.kind) for p in report.problems] == [(4, 3, "inserted")]


def test_an_entry_inserted_before_the_one_it_copies_is_named(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    lines = make_log(log)
    lines.insert(2, forged(lines[2], rehash=True, exit_code=7))
    rewrite(log, lines)
    report = audit.verify_log(log, {})
    assert [(p.line, p.seq, p.kind) for p in report.problems] == [(3, 3, "inserted")]


def test_a_copied_entry_is_named_as_inserted(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    lines = make_log(log)
    lines.insert(4, lines[1])
    rewrite(log, lines)
    assert problems(log) == [(2, "inserted")]


def test_reordered_entries_are_named(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    lines = make_log(log)
    lines[1], lines[3] = lines[3], lines[1]
    rewrite(log, lines)
    assert "reordered" in {kind for _, kind in problems(log)}
    named = {seq for seq, kind in problems(log) if kind == "reordered"}
    assert named & {2, 3}


def test_a_torn_line_is_named(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    lines = make_log(log, 3)
    lines[1] = lines[1][:40]
    rewrite(log, lines)
    assert (None, "edited") in problems(log)


def _append_many(path: str, count: int) -> None:
    for _ in range(count):
        audit.record("scan", {"padding": "x" * 3000}, path, env={})


def test_concurrent_appends_never_tear_a_line_or_fork_the_chain(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append_many, args=(str(log), 25)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    lines = log.read_text().splitlines()
    assert len(lines) == 100
    assert all(json.loads(line)["padding"] for line in lines)
    assert problems(log) == []


def test_every_scan_appends_an_entry_with_the_report_digest(
    git_repo: Path, tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    make_scanned_repo(git_repo)
    # unset: the default log, in the user's state folder
    default = {"POLICYCTL_AUDIT_LOG": "", "XDG_STATE_HOME": str(tmp_path / "state")}
    result = run_policyctl(
        "scan", git_repo, "--format", "json", "--no-progress", cwd=git_repo, env=default
    )
    assert git(git_repo, "status", "--porcelain") == ""  # nothing written in the scanned tree
    log = tmp_path / "state/policyctl/audit.jsonl"
    entries = [json.loads(line) for line in log.open()]
    assert len(entries) == 1
    assert entries[0]["event"] == "scan"
    assert entries[0]["exit_code"] == result.code == 1
    assert entries[0]["report_sha256"] == hashlib.sha256(result.out.encode()).hexdigest()
    assert entries[0]["command"][:2] == ["policyctl", "scan"]


def test_no_audit_and_a_configured_log_path_are_honoured(
    git_repo: Path, tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    make_scanned_repo(git_repo)
    default = {"POLICYCTL_AUDIT_LOG": "", "XDG_STATE_HOME": str(tmp_path / "state")}
    run_policyctl("scan", git_repo, "--no-audit", "-q", cwd=tmp_path, env=default)
    assert not (tmp_path / "state").exists()
    run_policyctl("scan", git_repo, "-q", cwd=tmp_path, env={"POLICYCTL_AUDIT_LOG": "logs/a.jsonl"})
    assert len((tmp_path / "logs/a.jsonl").read_text().splitlines()) == 1
    (tmp_path / "cfg.yaml").write_text("version: 1\naudit_log: false\n")
    run_policyctl(
        "scan", git_repo, "-q", "--config", tmp_path / "cfg.yaml", cwd=tmp_path, env=default
    )
    assert not (tmp_path / "state").exists()


def test_audit_verify_and_show_from_the_command_line(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    log = tmp_path / "audit.jsonl"
    lines = make_log(log, 3, env=KEY)
    ok = run_policyctl("audit", "verify", "--log", log, env=KEY)
    assert ok.code == 0
    assert "3 entries, hash chain and HMACs intact" in ok.out
    shown = run_policyctl("audit", "show", "--log", log)
    assert shown.code == 0 and json.loads(lines[-1])["hash"] in shown.out
    del lines[1]
    rewrite(log, lines)
    failed = run_policyctl("audit", "verify", "--log", log, env=KEY)
    assert failed.code == 1
    assert "entry 2 deleted" in failed.out


def test_audit_verify_on_a_missing_log_is_a_clear_error(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    result = policyctl_in_process("audit", "verify", "--log", tmp_path / "none.jsonl")
    assert result.code == 2
    assert "does not exist" in result.err
