"""`policyctl redact` on a column that `scan` judges personal data (verdict `pii`): every
value of it is redacted with the column's strategy, the values no rule matches included;
`--columns NAME=keep` leaves such a column to the rules. Through the installed command,
on real CSV, JSON lines and Parquet files.

Values are assembled from pieces, so that no file here holds one whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import RunPolicyctl


def j(*parts: str) -> str:
    return "".join(parts)


EMAILS = [j("ann.lee", "@acme-mail.com"), j("bo.chan", "@acme-mail.com"), j("cy", "@acme-mail.com")]
ODD = "ask front desk"
"""A value of the e-mail column that no rule matches: it must not survive the copy."""
NOTES = ["first visit", "called back", "prefers email", "moved"]


def write_table(folder: Path) -> Path:
    rows = ["id,email,note"]
    for n, (email, note) in enumerate(zip([*EMAILS, ODD], NOTES, strict=True), 1):
        rows.append(f"{n},{email},{note}")
    path = folder / "people.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def column(path: Path, name: str) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    index = lines[0].split(",").index(name)
    return [line.split(",")[index] for line in lines[1:]]


def test_a_judged_column_is_redacted_whole_in_a_csv_copy(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    write_table(tmp_path)
    scanned = run_policyctl("scan", "people.csv", "-f", "json", "--no-progress", cwd=tmp_path)
    verdicts = {c["field"]: c["verdict"] for c in scanned.json()["columns"]}
    assert verdicts["email"] == "pii"
    done = run_policyctl("redact", "people.csv", "-o", "out.csv", cwd=tmp_path)
    assert done.code == 0, done.err
    out = tmp_path / "out.csv"
    assert column(out, "email") == ["*" * len(v) for v in [*EMAILS, ODD]]
    assert column(out, "note") == NOTES
    assert ODD not in out.read_text(encoding="utf-8")


def test_the_column_gets_the_strategy_of_its_kind_of_data(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    write_table(tmp_path)
    done = policyctl_in_process(
        "redact", "people.csv", "-o", "out.csv", "--strategy", "contact=replace", cwd=tmp_path
    )
    assert done.code == 0, done.err
    assert column(tmp_path / "out.csv", "email") == ["<EMAIL_ADDRESS>"] * 4


def test_keep_leaves_a_judged_column_to_the_rules(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    write_table(tmp_path)
    done = policyctl_in_process(
        "redact", "people.csv", "-o", "out.csv", "--columns", "email=keep", cwd=tmp_path
    )
    assert done.code == 0, done.err
    assert column(tmp_path / "out.csv", "email") == [*("*" * len(v) for v in EMAILS), ODD]


def test_keep_in_the_config_file_does_the_same(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    write_table(tmp_path)
    (tmp_path / ".policyctl.yaml").write_text(
        "redaction:\n  columns:\n    email: keep\n", encoding="utf-8"
    )
    done = policyctl_in_process("redact", "people.csv", "-o", "out.csv", cwd=tmp_path)
    assert done.code == 0, done.err
    assert column(tmp_path / "out.csv", "email")[-1] == ODD


def test_keep_takes_no_options(policyctl_in_process: RunPolicyctl, tmp_path: Path) -> None:
    write_table(tmp_path)
    done = policyctl_in_process(
        "redact", "people.csv", "-o", "out.csv", "--columns", "email=keep:length=3", cwd=tmp_path
    )
    assert done.code == 2
    assert "keep takes no options" in done.err
    assert not (tmp_path / "out.csv").exists()


def test_a_column_with_a_few_matches_is_not_redacted_whole(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    rows = ["id,note", f"1,write to {EMAILS[0]}", "2,called back", "3,moved", "4,vip"]
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    done = policyctl_in_process("redact", "t.csv", "-o", "out.csv", cwd=tmp_path)
    assert done.code == 0, done.err
    notes = column(tmp_path / "out.csv", "note")
    assert notes == ["write to " + "*" * len(EMAILS[0]), "called back", "moved", "vip"]


def test_a_judged_key_path_is_redacted_whole_in_a_json_lines_copy(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    records = [
        {"id": n, "customer": {"email": email, "plan": "basic"}}
        for n, email in enumerate([*EMAILS, ODD], 1)
    ]
    text = "".join(json.dumps(r) + "\n" for r in records)
    (tmp_path / "people.jsonl").write_text(text, encoding="utf-8")
    done = policyctl_in_process("redact", "people.jsonl", "-o", "out.jsonl", cwd=tmp_path)
    assert done.code == 0, done.err
    copied = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    emails = [r["customer"]["email"] for r in copied]
    assert emails == ["*" * len(v) for v in [*EMAILS, ODD]]
    assert [r["customer"]["plan"] for r in copied] == ["basic"] * 4


def test_a_judged_column_is_redacted_whole_in_a_parquet_copy(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table({"id": [1, 2, 3, 4], "email": [*EMAILS, ODD], "note": NOTES})
    pq.write_table(table, tmp_path / "people.parquet")
    done = run_policyctl("redact", "people.parquet", "-o", "out.parquet", cwd=tmp_path)
    assert done.code == 0, done.err
    copy = pq.read_table(tmp_path / "out.parquet")
    assert copy.column("email").to_pylist() == ["*" * len(v) for v in [*EMAILS, ODD]]
    assert copy.column("note").to_pylist() == NOTES


def test_the_report_counts_the_judged_column(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    write_table(tmp_path)
    done = policyctl_in_process(
        "redact", "people.csv", "-o", "out.csv", "--report", "r.json", "-f", "json", cwd=tmp_path
    )
    assert done.code == 0, done.err
    report = json.loads((tmp_path / "r.json").read_text())
    [record] = report["files"]
    assert {"column": "email", "strategy": "mask", "replaced": 4} in [
        {k: c[k] for k in ("column", "strategy", "replaced") if k in c} for c in record["columns"]
    ]
