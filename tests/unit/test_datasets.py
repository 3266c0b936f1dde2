"""Logs and datasets scanned through the CLI (in process): each planted value is reported
with the right type at the right row and column, or line and key path."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from policyctl.schemas import schema_problems
from tests import pii_samples as pii
from tests.conftest import RunPolicyctl, assert_no_secret_in


def scan_json(run: RunPolicyctl, *args: str | Path, **kwargs: Any) -> dict[str, Any]:
    result = run("scan", *args, "--format", "json", "--no-progress", **kwargs)
    assert result.code in (0, 1), result.err
    report: dict[str, Any] = result.json()
    assert schema_problems(report, "report") == []
    return report


def where(report: dict[str, Any], rule_id: str) -> list[dict[str, Any]]:
    return [f["location"] for f in report["findings"] if f["rule_id"] == rule_id]


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


@pytest.fixture
def people_csv(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "people.csv",
        [
            ["id", "name", "email", "ssn", "notes"],
            ["1", "Ann", pii.email(1), "", "first line\nsecond line"],
            ["2", "Bob", pii.email(2), pii.ssn(), ""],
            ["3", "Cy", "", "", "card " + pii.card() + " on file"],
        ],
    )


def test_csv_cells_are_reported_at_their_row_and_column(
    policyctl_in_process: RunPolicyctl, people_csv: Path
) -> None:
    report = scan_json(policyctl_in_process, people_csv, "--per-cell")
    assert [(w["row"], w["field"]) for w in where(report, "pii.email-address")] == [
        (1, "email"),
        (2, "email"),
    ]
    assert [(w["row"], w["field"]) for w in where(report, "pii.us-ssn")] == [(2, "ssn")]
    assert [(w["row"], w["field"]) for w in where(report, "pii.payment-card-number")] == [
        (3, "notes")
    ]


def test_quoted_line_breaks_keep_rows_and_file_lines_apart(
    policyctl_in_process: RunPolicyctl, people_csv: Path
) -> None:
    report = scan_json(policyctl_in_process, people_csv, "--per-cell")
    (card,) = where(report, "pii.payment-card-number")
    # row 1 spans file lines 2-3, so row 3 starts on line 5
    assert (card["row"], card["line"]) == (3, 5)


def test_a_column_gives_one_finding_with_a_count_by_default(
    policyctl_in_process: RunPolicyctl, people_csv: Path
) -> None:
    report = scan_json(policyctl_in_process, people_csv)
    emails = [f for f in report["findings"] if f["rule_id"] == "pii.email-address"]
    assert len(emails) == 1
    assert emails[0]["occurrences"] == 2
    assert (emails[0]["location"]["row"], emails[0]["location"]["field"]) == (1, "email")


def test_column_profiles_give_share_of_rows_and_verdict(
    policyctl_in_process: RunPolicyctl, people_csv: Path
) -> None:
    report = scan_json(policyctl_in_process, people_csv)
    columns = {c["field"]: c for c in report["columns"]}
    assert list(columns) == ["id", "name", "email", "ssn", "notes"]
    email = columns["email"]
    assert (email["rows"], email["verdict"]) == (3, "pii")
    assert email["matches"][0] == {
        "rule_id": "pii.email-address",
        "data_class": "contact",
        "rows": 2,
        "share": round(2 / 3, 4),
        "validated": 2,
    }
    assert columns["name"]["verdict"] == "clean"
    assert columns["notes"]["verdict"] == "partial"


def test_raw_values_stay_out_of_every_output(
    policyctl_in_process: RunPolicyctl, people_csv: Path
) -> None:
    json_run = policyctl_in_process("scan", people_csv, "--per-cell", "-f", "json", "--no-progress")
    terminal_run = policyctl_in_process("scan", people_csv, "--per-cell", "--no-progress")
    outputs = [json_run.out, json_run.err, terminal_run.out, terminal_run.err]
    assert_no_secret_in(outputs, [pii.ssn(), pii.card(), pii.email(1)])


def test_semicolon_dialect_is_sniffed(policyctl_in_process: RunPolicyctl, tmp_path: Path) -> None:
    rows = [["kunde", "telefon", "iban"], ["Meier", "030 " + "901820", pii.iban()]]
    report = scan_json(policyctl_in_process, write_csv(tmp_path / "kunden.csv", rows, ";"))
    assert [(w["row"], w["field"]) for w in where(report, "pii.iban")] == [(1, "iban")]


def test_tsv_columns_are_split_on_tabs(policyctl_in_process: RunPolicyctl, tmp_path: Path) -> None:
    rows = [["patient", "nhs number"], ["A. Smith", pii.nhs()], ["B. Jones", ""]]
    report = scan_json(policyctl_in_process, write_csv(tmp_path / "ward.tsv", rows, "\t"))
    assert [(w["row"], w["field"]) for w in where(report, "pii.uk-nhs-number")] == [
        (1, "nhs number")
    ]


def test_a_column_name_is_context_for_its_cells(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    rows = [["ssn", "amount"], [pii.ssn_digits(), pii.ssn_digits()]]
    report = scan_json(policyctl_in_process, write_csv(tmp_path / "t.csv", rows))
    assert [w["field"] for w in where(report, "pii.us-ssn-digits")] == ["ssn"]


def test_a_ragged_row_is_a_warning_and_the_scan_goes_on(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text(f"a,email\n1\n2,{pii.email()}\n", encoding="utf-8")
    report = scan_json(policyctl_in_process, path)
    assert any("row 1 (line 2)" in n["message"] for n in report["notices"])
    assert [w["row"] for w in where(report, "pii.email-address")] == [2]


def test_sample_rows_scans_only_the_first_rows(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    rows = [["email"]] + [[pii.email(n)] for n in range(10)]
    report = scan_json(
        policyctl_in_process, write_csv(tmp_path / "t.csv", rows), "--sample-rows", "4"
    )
    assert report["columns"][0]["rows"] == 4
    assert report["findings"][0]["occurrences"] == 4


def test_jsonl_log_lines_are_located_by_line_and_key_path(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    lines = [
        {"level": "info", "msg": "start"},
        {"level": "info", "user": {"email": pii.email(), "ip": pii.ipv4()}},
    ]
    path = tmp_path / "app.log"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    report = scan_json(policyctl_in_process, path)
    assert where(report, "pii.email-address") == [
        {"path": str(path), "line": 2, "field": "$.user.email"}
    ]
    assert [w["field"] for w in where(report, "pii.ipv4-address")] == ["$.user.ip"]


def test_a_broken_json_log_line_is_a_warning_and_still_scanned(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    path = tmp_path / "app.log"
    path.write_text('{"msg": "ok"}\n{"msg": "cut ' + pii.ssn() + "\n", encoding="utf-8")
    report = scan_json(policyctl_in_process, path)
    assert any("line 2: not valid JSON" in n["message"] for n in report["notices"])
    assert [w["line"] for w in where(report, "pii.us-ssn")] == [2]


def test_gzip_rotated_log_is_read_through(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    path = tmp_path / "app.log.2.gz"
    text = "".join(f"line {n} ok\n" for n in range(1, 50)) + f"user {pii.email()} login\n"
    path.write_bytes(gzip.compress(text.encode()))
    report = scan_json(policyctl_in_process, path)
    assert [w["line"] for w in where(report, "pii.email-address")] == [50]


def test_a_truncated_gzip_log_is_a_warning_and_its_start_is_scanned(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    text = f"user {pii.email()} login\n" + "".join(f"{n} padding line\n" for n in range(5000))
    blob = gzip.compress(text.encode())
    path = tmp_path / "app.log.gz"
    path.write_bytes(blob[: len(blob) // 2])
    report = scan_json(policyctl_in_process, path)
    assert any("truncated gzip" in n["message"] for n in report["notices"])
    assert [w["line"] for w in where(report, "pii.email-address")] == [1]


def test_jsonl_dataset_is_located_by_record_and_key_path(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    records = [{"id": 1}, {"id": 2, "customer": {"phones": ["none", pii.phone()]}}]
    path = tmp_path / "customers.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    report = scan_json(policyctl_in_process, path, "--per-cell")
    assert [(w["row"], w["line"], w["field"]) for w in where(report, "pii.phone-number")] == [
        (2, 2, "$.customer.phones[1]")
    ]
    profile = next(c for c in report["columns"] if c["matches"])
    assert profile["field"] == "$.customer.phones[*]"


def test_json_document_read_as_json_gives_element_and_key_path(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"name": "x"}, {"contact": {"email": pii.email()}}]), "utf-8")
    report = scan_json(policyctl_in_process, path, "--as", "json")
    assert [(w["row"], w["field"]) for w in where(report, "pii.email-address")] == [
        (2, "$.contact.email")
    ]
