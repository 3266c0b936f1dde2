"""Accountable detokenization: a reason, a requester and an audit entry for every run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import RunPolicyctl
from tests.redact_samples import EMAIL, REDACT_KEY

KEY_ENV = {"POLICYCTL_REDACT_KEY": REDACT_KEY}


@pytest.fixture
def token(tmp_path: Path, run_policyctl: RunPolicyctl) -> str:
    (tmp_path / "app.log").write_text(f"login from {EMAIL}\n", encoding="utf-8")
    done = run_policyctl(
        "redact",
        tmp_path / "app.log",
        "-o",
        "-",
        "-s",
        "tokenize",
        "-q",
        "--no-audit",
        env=KEY_ENV,
    )
    assert done.code == 0, done.err
    return done.out.split()[-1]


def entries(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_detokenize_without_a_reason_is_refused_and_the_refusal_recorded(
    tmp_path: Path, policyctl_in_process: RunPolicyctl, token: str
) -> None:
    log = tmp_path / "audit.jsonl"
    result = policyctl_in_process("detokenize", token, "--audit-log", log, env=KEY_ENV)
    assert result.code == 2 and "--reason" in result.err
    assert EMAIL not in result.all_output
    [entry] = entries(log)
    assert entry["event"] == "detokenize"
    assert entry["outcome"] == "refused: no reason given"
    assert entry["restored"] == 0


def test_detokenize_records_requester_reason_counts_and_outcome_never_the_values(
    tmp_path: Path, policyctl_in_process: RunPolicyctl, token: str
) -> None:
    log = tmp_path / "audit.jsonl"
    result = policyctl_in_process(
        "detokenize",
        token,
        "--reason",
        "ticket SUP-7: customer asked for their data",
        "--requester",
        "dpo@example.org",
        "--audit-log",
        log,
        env=KEY_ENV,
    )
    assert (result.code, result.out) == (0, EMAIL + "\n")
    [entry] = entries(log)
    assert entry["requester"] == "dpo@example.org"
    assert entry["reason"] == "ticket SUP-7: customer asked for their data"
    assert (entry["values"], entry["restored"], entry["outcome"]) == (1, 1, "ok")
    text = log.read_text(encoding="utf-8")
    assert token not in text and EMAIL not in text
    assert "<value>" in entry["command"]  # type: ignore[operator]


def test_a_failed_detokenization_is_recorded_as_failed(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    log = tmp_path / "audit.jsonl"
    result = policyctl_in_process(
        "detokenize", "tok_" + "A" * 30, "--reason", "audit", "--audit-log", log, env=KEY_ENV
    )
    assert result.code == 2
    [entry] = entries(log)
    assert str(entry["outcome"]).startswith("failed: value 1:")


def test_the_configuration_may_make_the_reason_optional_but_never_the_record(
    tmp_path: Path, run_policyctl: RunPolicyctl, token: str
) -> None:
    log = tmp_path / "audit.jsonl"
    config = tmp_path / "central.yaml"
    config.write_text("version: 1\ndetokenize:\n  reason: optional\n", encoding="utf-8")
    result = run_policyctl("detokenize", token, "--config", config, "--audit-log", log, env=KEY_ENV)
    assert result.code == 0, result.err
    assert entries(log)[0]["outcome"] == "ok"
    off = run_policyctl(
        "detokenize",
        token,
        "--reason",
        "x",
        "--config",
        config,
        env={**KEY_ENV, "POLICYCTL_AUDIT_LOG": "off"},
    )
    assert off.code == 2 and "audit log is off" in off.err
    assert EMAIL not in off.all_output


def test_audit_show_filters_detokenize_entries(
    tmp_path: Path, run_policyctl: RunPolicyctl, token: str
) -> None:
    log = tmp_path / "audit.jsonl"
    (tmp_path / "clean.txt").write_text("nothing here\n", encoding="utf-8")
    assert run_policyctl("scan", tmp_path / "clean.txt", "--audit-log", log).code == 0
    run_policyctl("detokenize", token, "--reason", "r", "--audit-log", log, env=KEY_ENV)
    shown = run_policyctl("audit", "show", "--log", log, "--json", "--event", "detokenize")
    events = [json.loads(line)["event"] for line in shown.out.splitlines()]
    assert events == ["detokenize"]


@pytest.mark.parametrize("command", ["redact", "profile", "detokenize"])
def test_every_command_that_records_says_when_the_audit_logs_last_line_was_torn(
    tmp_path: Path, policyctl_in_process: RunPolicyctl, token: str, command: str
) -> None:
    log = tmp_path / "audit.jsonl"
    policyctl_in_process("scan", tmp_path / "app.log", "--audit-log", log, "-q")
    log.write_bytes(log.read_bytes() + b'{"seq": 2, "cut sho')  # a crash mid-write
    table = tmp_path / "people.csv"
    table.write_text("id,email\n1,someone@example.org\n", encoding="utf-8")
    argv = {
        "redact": ("redact", tmp_path / "app.log", "-o", tmp_path / "out", "-q"),
        "profile": ("profile", table, "--epsilon", "1", "-f", "json"),
        "detokenize": ("detokenize", token, "--reason", "ticket SUP-8"),
    }[command]
    result = policyctl_in_process(*argv, "--audit-log", log, env=KEY_ENV)
    assert result.code in (0, 1), result.all_output
    assert f"audit log {log}" in result.err and "links to entry 1" in result.err
    assert [e["event"] for e in entries_after_torn(log)] == ["scan", command]


def entries_after_torn(log: Path) -> list[dict[str, object]]:
    lines = log.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if not line.startswith('{"seq": 2, "cut')]
