"""`policyctl redact` and `policyctl detokenize` end to end, through the installed command."""

from __future__ import annotations

import gzip
import hashlib
import json
import stat
from pathlib import Path

import pytest

from policyctl.schemas import schema_problems
from policyctl.validators.checksums import luhn
from tests.conftest import Run, RunPolicyctl, assert_no_secret_in
from tests.redact_samples import (
    CARD,
    CUSTOMER,
    EMAIL,
    LOG_TEMPLATE,
    LOG_VALUES,
    OTHER_REDACT_KEY,
    PLANTED_RULE_IDS,
    REDACT_KEY,
    all_masked,
    fill,
    stand_ins,
    write_sample_rules,
)

TEMPLATE, VALUES = LOG_TEMPLATE, LOG_VALUES
SENSITIVE = list(VALUES.values())
KEY_ENV = {"POLICYCTL_REDACT_KEY": REDACT_KEY}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A folder with the sample rules and app.log made from TEMPLATE."""
    write_sample_rules(tmp_path)
    (tmp_path / "app.log").write_text(fill(TEMPLATE, VALUES), encoding="utf-8")
    return tmp_path


def redact(
    run: RunPolicyctl, workspace: Path, *args: str, env: dict[str, str] | None = None
) -> Run:
    rules = workspace / "sample-pii.yaml"
    return run("redact", *args, "--rules", rules, cwd=workspace, env={**KEY_ENV, **(env or {})})


def findings_in(run: RunPolicyctl, workspace: Path, path: Path) -> list[dict[str, object]]:
    scanned = run(
        "scan", path, "--rules", workspace / "sample-pii.yaml", "-f", "json", "--no-progress"
    )
    assert scanned.code in (0, 1), scanned.err
    findings: list[dict[str, object]] = scanned.json()["findings"]
    return findings


def test_scanning_the_redacted_copies_finds_none_of_the_redacted_values(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    copies = workspace / "copies"
    copies.mkdir()
    (copies / "original.log").write_bytes((workspace / "app.log").read_bytes())
    strategies = ["mask", "hash", "tokenize", "remove", "generalize"]
    for strategy in strategies:
        done = redact(
            policyctl_in_process,
            workspace,
            "app.log",
            "-o",
            f"copies/{strategy}.log",
            "-s",
            strategy,
        )
        assert done.code == 0, done.err
    found = findings_in(policyctl_in_process, workspace, copies)
    by_file = {str(f["location"]["path"]) for f in found}  # type: ignore[index]
    assert by_file == {"original.log"}
    assert {f["rule_id"] for f in found} == {*PLANTED_RULE_IDS, "secret.aws-secret-access-key"}
    for strategy in strategies:
        copy = (copies / f"{strategy}.log").read_text(encoding="utf-8")
        assert not [value for value in SENSITIVE if value in copy], strategy


def test_only_the_sensitive_values_change(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    done = redact(policyctl_in_process, workspace, "app.log", "-o", "clean.log")
    assert done.code == 0, done.err
    copy = (workspace / "clean.log").read_text(encoding="utf-8")
    assert stand_ins(copy) == all_masked()


def test_a_tokenized_log_round_trips_through_detokenize(
    workspace: Path, run_policyctl: RunPolicyctl
) -> None:
    done = redact(run_policyctl, workspace, "app.log", "-o", "tokens.log", "-s", "tokenize")
    assert done.code == 0, done.err
    back = run_policyctl(
        "detokenize", "--reason", "test", "--file", "tokens.log", cwd=workspace, env=KEY_ENV
    )
    assert back.code == 0, back.err
    masked_secret = {**VALUES, "aws": "*" * len(VALUES["aws"])}
    assert back.out == fill(TEMPLATE, masked_secret)
    assert "6 tokens restored" in back.err


def test_detokenize_turns_single_tokens_back_and_refuses_a_wrong_key(
    workspace: Path, run_policyctl: RunPolicyctl
) -> None:
    done = redact(run_policyctl, workspace, "app.log", "-o", "-", "-s", "tokenize", "-q")
    token = stand_ins(done.out)["email"]
    back = run_policyctl("detokenize", "--reason", "test", token, env=KEY_ENV)
    assert (back.code, back.out) == (0, EMAIL + "\n")
    wrong = run_policyctl(
        "detokenize", "--reason", "test", token, env={"POLICYCTL_REDACT_KEY": OTHER_REDACT_KEY}
    )
    assert wrong.code == 2 and "value 1: not a token made with this key" in wrong.err
    assert EMAIL not in wrong.all_output


def test_fpe_keeps_length_and_character_classes_and_card_numbers_valid(
    workspace: Path, run_policyctl: RunPolicyctl
) -> None:
    strategies = ["-s", "fpe", "-s", "financial=fpe:luhn=true"]
    done = redact(run_policyctl, workspace, "app.log", "-o", "-", "-q", *strategies)
    assert done.code == 0, done.err
    became = stand_ins(done.out)
    for name in ("email", "card", "customer", "other"):
        original, encrypted = VALUES[name], became[name]
        assert encrypted != original and len(encrypted) == len(original)
        for a, b in zip(original, encrypted, strict=True):
            assert (a.isdigit(), a.islower(), a.isupper()) == (
                b.isdigit(),
                b.islower(),
                b.isupper(),
            )
            assert a.isalnum() or a == b
    assert luhn(became["card"])
    assert became["zip"] == "*****"  # five digits are too few for FF3-1: masked
    back = run_policyctl(
        "detokenize", "--reason", "test", "--fpe", "--luhn", became["card"], env=KEY_ENV
    )
    assert back.out == CARD + "\n"


def test_a_gzip_log_is_redacted_into_a_gzip_copy(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    (workspace / "app.log.1.gz").write_bytes(gzip.compress(fill(TEMPLATE, VALUES).encode()))
    done = redact(
        policyctl_in_process, workspace, "app.log.1.gz", "-o", "clean.log.gz", "-f", "json"
    )
    assert done.code == 0, done.err
    assert done.json()["files"][0]["format"] == "gzip text"
    copy = gzip.decompress((workspace / "clean.log.gz").read_bytes()).decode()
    assert stand_ins(copy) == all_masked()


def test_the_input_is_never_overwritten(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    original = (workspace / "app.log").read_bytes()
    done = redact(policyctl_in_process, workspace, "app.log", "-o", "./app.log")
    assert done.code == 2
    assert "is an input; redact never overwrites its input" in done.err
    assert (workspace / "app.log").read_bytes() == original


def test_in_place_replaces_the_input_whole_and_keeps_its_permissions(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    log = workspace / "app.log"
    log.chmod(0o640)
    inode_before = log.stat().st_ino
    done = redact(policyctl_in_process, workspace, "app.log", "--in-place")
    assert done.code == 0, done.err
    assert EMAIL not in log.read_text() and "DEBUG cache warm, 42 entries" in log.read_text()
    assert stat.S_IMODE(log.stat().st_mode) == 0o640
    assert log.stat().st_ino != inode_before  # a new file renamed over the old one
    assert [p.name for p in workspace.iterdir() if "policyctl-tmp" in p.name] == []


def test_a_keyed_strategy_without_a_key_is_refused_before_anything_is_written(
    workspace: Path, run_policyctl: RunPolicyctl
) -> None:
    no_key = {"POLICYCTL_REDACT_KEY": ""}
    done = redact(run_policyctl, workspace, "app.log", "-o", "clean.log", "-s", "hash", env=no_key)
    assert done.code == 2
    assert done.err.startswith("policyctl: error: POLICYCTL_REDACT_KEY is not set: the hash")
    assert not (workspace / "clean.log").exists()


def test_a_binary_input_is_skipped_with_a_warning_and_the_others_are_redacted(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    (workspace / "blob.bin").write_bytes(b"\x00\x01\x02" * 30 + EMAIL.encode())
    done = redact(policyctl_in_process, workspace, "blob.bin", "app.log", "-o", "out")
    assert done.code == 1
    assert "blob.bin: not redacted: binary file (no copy written)" in done.err
    assert sorted(p.name for p in (workspace / "out").iterdir()) == ["app.log"]


def test_a_folder_is_redacted_into_a_folder_of_the_same_shape(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    logs = workspace / "logs"
    (logs / "web").mkdir(parents=True)
    (logs / "web" / "access.log").write_text(f"GET / user={EMAIL}\n")
    (logs / "worker.log").write_text(f"job for {CUSTOMER} done\n")
    done = redact(policyctl_in_process, workspace, "logs", "-o", "clean")
    assert done.code == 0, done.err
    assert (workspace / "clean" / "web" / "access.log").read_text() == "GET / user=" + "*" * len(
        EMAIL
    ) + "\n"
    assert (workspace / "clean" / "worker.log").read_text() == "job for " + "*" * len(
        CUSTOMER
    ) + " done\n"


def test_standard_input_to_standard_output_puts_the_report_on_stderr(
    workspace: Path, run_policyctl: RunPolicyctl
) -> None:
    rules = workspace / "sample-pii.yaml"
    done = run_policyctl(
        "redact", "-", "-o", "-", "--rules", rules, "-f", "json", input=fill(TEMPLATE, VALUES)
    )
    assert done.code == 0, done.err
    assert stand_ins(done.out) == all_masked()
    assert json.loads(done.err)["files"][0]["input"] == "<stdin>"


def test_the_json_report_follows_its_schema_and_its_digests_match_the_files(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    report_options = ["--report", "r.json", "-f", "json"]
    done = redact(
        policyctl_in_process, workspace, "app.log", "-o", "clean.log", "-s", "hash", *report_options
    )
    assert done.code == 0, done.err
    report = json.loads((workspace / "r.json").read_text())
    assert schema_problems(report, "redaction") == []
    record = report["files"][0]
    assert (
        record["input_sha256"] == hashlib.sha256((workspace / "app.log").read_bytes()).hexdigest()
    )
    assert (
        record["output_sha256"]
        == hashlib.sha256((workspace / "clean.log").read_bytes()).hexdigest()
    )
    counts = {(c["rule_id"], c["strategy"]): c["count"] for c in record["counts"]}
    assert counts == {
        ("pii.email-address", "hash"): 2,
        ("pii.payment-card-number", "hash"): 1,
        ("pii.us-zip-code", "hash"): 1,
        ("pii.date-of-birth", "hash"): 1,
        ("sample.customer-id", "hash"): 1,
        ("secret.aws-secret-access-key", "mask"): 1,
    }
    assert report["summary"]["by_strategy"] == {"hash": 6, "mask": 1}
    assert len(report["redaction"]["key_id"]) == 16


def test_the_terminal_report_counts_per_rule_and_shows_no_redacted_value(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    done = redact(policyctl_in_process, workspace, "app.log", "-o", "a.log", "-s", "tokenize")
    assert done.code == 0, done.err
    assert "pii.email-address" in done.out and "sha256 in" in done.out
    assert "7 values: 1 mask, 6 tokenize" in done.out
    assert_no_secret_in([done.all_output], [v for v in SENSITIVE if len(v) >= 10])


def test_a_bad_redaction_section_is_exit_2_naming_the_file_and_field(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    (workspace / ".policyctl.yaml").write_text("version: 1\nredaction:\n  rules:\n    x.y: shred\n")
    done = redact(policyctl_in_process, workspace, "app.log", "-o", "clean.log")
    assert done.code == 2
    assert ".policyctl.yaml: redaction.rules.x.y: unknown strategy 'shred'" in done.err
    assert len(done.err.strip().splitlines()) == 1


def test_each_redaction_appends_one_entry_to_the_audit_log(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    log = workspace / "audit.jsonl"
    options = ["-s", "hash", "--report", "r.json", "-f", "json", "--audit-log", str(log)]
    done = redact(policyctl_in_process, workspace, "app.log", "-o", "clean.log", *options)
    assert done.code == 0, done.err
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(entries) == 1
    entry = entries[0]
    assert (entry["event"], entry["files"], entry["redactions"]) == ("redact", 1, 7)
    assert entry["by_strategy"] == {"hash": 6, "mask": 1}
    report_bytes = (workspace / "r.json").read_bytes()
    assert entry["report_sha256"] == hashlib.sha256(report_bytes).hexdigest()
    assert entry["key_id"] == json.loads(report_bytes)["redaction"]["key_id"]
    assert_no_secret_in([log.read_text()], [v for v in SENSITIVE if len(v) >= 10])
    verified = policyctl_in_process("audit", "verify", "--log", log)
    assert verified.code == 0, verified.all_output
