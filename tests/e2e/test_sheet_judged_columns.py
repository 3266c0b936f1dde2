"""`policyctl redact` on a workbook: a sheet column that `scan` judges personal data is
redacted whole, as in a CSV file; a formula in such a column stays a formula and only
the texts written in it are replaced. Through the CLI, on workbooks openpyxl writes in
the test; values are assembled from pieces (tests.pii_samples)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests import pii_samples as pii
from tests.conftest import RunPolicyctl

openpyxl = pytest.importorskip("openpyxl")

EMAILS = [pii.email(n) for n in range(5)]
ODD = "ask front desk"
"""A value of the e-mail column no rule matches: it must not survive the copy."""
NAME = "Ann" + " Lee"
SITE = "https://" + "shop.acme-widgets.co.uk"


def people_workbook(folder: Path) -> Path:
    """Sheet People: id, email (five addresses, an odd value, a formula), note."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "People"
    sheet.append(["id", "email", "note"])
    for number, email in enumerate(EMAILS, 1):
        sheet.append([number, email, "called back"])
    sheet.append([6, ODD, "moved"])
    sheet.append([7, f'=HYPERLINK("mailto:"&B2,"{NAME}")', "=B3"])
    path = folder / "people.xlsx"
    book.save(path)
    return path


def redact(run: RunPolicyctl, folder: Path, *options: str) -> Any:
    done = run("redact", "people.xlsx", "-o", "out.xlsx", *options, cwd=folder)
    assert done.code == 0, done.err
    return openpyxl.load_workbook(folder / "out.xlsx")["People"]


def test_a_judged_sheet_column_is_redacted_whole(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    people_workbook(tmp_path)
    scanned = run_policyctl("scan", "people.xlsx", "-f", "json", "--no-progress", cwd=tmp_path)
    verdicts = {c["field"]: c["verdict"] for c in scanned.json()["columns"]}
    assert verdicts["People!email"] == "pii"
    sheet = redact(run_policyctl, tmp_path)
    assert [sheet.cell(row, 2).value for row in range(2, 8)] == [
        "*" * len(value) for value in [*EMAILS, ODD]
    ]
    assert [sheet.cell(row, 3).value for row in range(2, 8)] == ["called back"] * 5 + ["moved"]


def test_the_report_counts_a_judged_sheet_column_as_a_whole_column(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    people_workbook(tmp_path)
    done = policyctl_in_process(
        "redact",
        "people.xlsx",
        "-o",
        "out.xlsx",
        "--report",
        "r.json",
        "-f",
        "json",
        cwd=tmp_path,
    )
    assert done.code == 0, done.err
    text = (tmp_path / "r.json").read_text(encoding="utf-8")
    assert "People!email" in text
    assert ODD not in text and EMAILS[0] not in text


def test_a_formula_in_a_judged_column_stays_a_formula_with_its_texts_replaced(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    people_workbook(tmp_path)
    sheet = redact(policyctl_in_process, tmp_path)
    assert sheet["B8"].data_type == "f"
    assert sheet["B8"].value == f'=HYPERLINK("*******"&B2,"{"*" * len(NAME)}")'
    assert sheet["C8"].value == "=B3"  # a column not judged: its formula is untouched


def test_keep_leaves_a_judged_sheet_column_to_the_rules(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    people_workbook(tmp_path)
    sheet = redact(policyctl_in_process, tmp_path, "--columns", "People!email=keep")
    assert sheet["B7"].value == ODD
    assert sheet["B2"].value == "*" * len(EMAILS[0])
    assert sheet["B8"].value == f'=HYPERLINK("mailto:"&B2,"{NAME}")'


def test_a_column_of_product_links_in_a_workbook_is_not_redacted_whole(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Links"
    sheet.append(["sku", "page"])
    for number in range(1, 7):
        sheet.append([number, f'=HYPERLINK("{SITE}/products/{number}","open")'])
    sheet.append([7, ODD])
    book.save(tmp_path / "links.xlsx")
    report = policyctl_in_process("scan", "links.xlsx", "-f", "json", cwd=tmp_path).json()
    verdicts = {c["field"]: c["verdict"] for c in report["columns"]}
    assert verdicts["Links!page"] == "partial"
    done = policyctl_in_process("redact", "links.xlsx", "-o", "out.xlsx", cwd=tmp_path)
    assert done.code == 0, done.err
    out = openpyxl.load_workbook(tmp_path / "out.xlsx")["Links"]
    assert out["B8"].value == ODD
    assert out["B2"].data_type == "f" and SITE not in out["B2"].value
    assert out["B2"].value.endswith(',"open")')
