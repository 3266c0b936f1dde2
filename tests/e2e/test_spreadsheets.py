"""Excel workbooks (the `sheets` extra): each sheet a table, cells located by sheet, column,
data row and sheet row; `redact` writes a workbook that keeps everything but the values."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests import fakes
from tests import pii_samples as pii
from tests.conftest import POLICYCTL, RunPolicyctl, assert_no_secret_in, git

openpyxl = pytest.importorskip("openpyxl")

AWS_ID = fakes.aws_access_key_id("sheets")
GITHUB = fakes.github_pat("sheets")
EMAILS = [pii.email(n) for n in range(4)]
CARD = pii.card()


@pytest.fixture(autouse=True, scope="module")
def _rules_compiled(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Compile the rules for tables into the session's cache with one scan of a small
    table first: under load, compiling them in a test's own scan can take longer than
    the scan's time budget (which would make that scan incomplete)."""
    folder = tmp_path_factory.mktemp("warm")
    (folder / "t.csv").write_text("token\nnone\n", encoding="utf-8")
    subprocess.run(
        [POLICYCTL, "scan", folder, "-q", "--time-budget", "0"], capture_output=True, timeout=600
    )


def customers_workbook(path: Path) -> Path:
    """Two sheets: customers (two empty rows, then the header at sheet row 3) and keys (a
    token, a formula holding a token, a merged note), with styles and a plain formula."""
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Customers"
    sheet.append([])
    sheet.append([])
    sheet.append(["id", "name", "email", "card", "total"])
    for number, email in enumerate(EMAILS, 1):
        sheet.append([number, "Jane", email, CARD if number == 2 else "n/a", number * 10])
    sheet["E4"] = "=SUM(A4:A7)"
    sheet["C4"].font = Font(bold=True, color="FFFF0000")
    sheet["C5"].fill = PatternFill("solid", fgColor="FFFFFF00")
    sheet["B4"].number_format = "@"
    keys = book.create_sheet("Keys")
    keys.append(["service", "token", "link"])
    keys.append(["aws", AWS_ID, f'=HYPERLINK("https://ci.example/?t={GITHUB}","open")'])
    keys["A4"] = "Exported from the CRM"
    keys.merge_cells("A4:C4")
    sheet.column_dimensions["C"].width = 42
    sheet.add_data_validation(DataValidation(type="list", formula1='"yes,no"', sqref="F4:F7"))
    sheet.conditional_formatting.add(
        "E4:E7", CellIsRule(operator="greaterThan", formula=["20"], font=Font(italic=True))
    )
    book.defined_names["totals"] = DefinedName("totals", attr_text="Customers!$E$4:$E$7")
    book.save(path)
    return path


def findings_by_rule(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["rule_id"]: f for f in report["findings"]}


def test_sheet_cells_are_located_by_sheet_column_data_row_and_sheet_row(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    path = customers_workbook(tmp_path / "book.xlsx")
    result = run_policyctl("scan", path, "-f", "json", "--no-progress")
    assert result.code == 1, result.err
    found = {
        f["rule_id"]: (f["location"]["field"], f["location"]["row"], f["location"]["line"])
        for f in result.json()["findings"]
    }
    assert found == {
        "pii.email-address": ("Customers!email", 1, 4),
        "pii.payment-card-number": ("Customers!card", 2, 5),
        "secret.aws-access-key-id": ("Keys!token", 1, 2),
        "secret.github-pat-classic": ("Keys!link", 1, 2),
    }
    assert_no_secret_in([result.out, result.err], [AWS_ID, GITHUB, CARD, *EMAILS])


def test_sheet_columns_are_profiled_with_verdicts(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    path = customers_workbook(tmp_path / "book.xlsx")
    report = policyctl_in_process("scan", path, "-f", "json").json()
    columns = {c["field"]: (c["rows"], c["verdict"]) for c in report["columns"]}
    assert columns["Customers!email"] == (4, "pii")
    assert columns["Customers!card"] == (4, "partial")
    assert columns["Customers!name"] == (4, "clean")
    email = findings_by_rule(report)["pii.email-address"]
    assert email["occurrences"] == 4


def test_per_cell_reports_every_cell_and_sample_rows_reads_the_first_rows_of_each_sheet(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    path = customers_workbook(tmp_path / "book.xlsx")
    every = policyctl_in_process("scan", path, "--per-cell", "-f", "json").json()
    rows = sorted(
        f["location"]["row"] for f in every["findings"] if f["rule_id"] == "pii.email-address"
    )
    assert rows == [1, 2, 3, 4]
    sampled = policyctl_in_process("scan", path, "--per-cell", "--sample-rows", "1", "-f", "json")
    rules = sorted(f["rule_id"] for f in sampled.json()["findings"])
    # row 1 of each sheet: the first e-mail, and the keys sheet's only row (card is row 2)
    assert rules == ["pii.email-address", "secret.aws-access-key-id", "secret.github-pat-classic"]


def test_fingerprints_of_sheet_findings_are_stable_across_runs(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    path = customers_workbook(tmp_path / "book.xlsx")

    def fingerprints() -> list[str]:
        report = policyctl_in_process("scan", path, "--per-cell", "-f", "json").json()
        return sorted(f["fingerprint"] for f in report["findings"])

    first = fingerprints()
    customers_workbook(path)  # written again: new zip timestamps, same cells
    assert fingerprints() == first
    assert len(set(first)) == len(first) == 7


def test_a_workbook_inside_a_zip_archive_is_read_as_a_workbook(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    book = customers_workbook(tmp_path / "book.xlsx")
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as archive:
        archive.write(book, "exports/book.xlsx")
    book.unlink()
    report = policyctl_in_process("scan", tmp_path, "-f", "json").json()
    (finding,) = [f for f in report["findings"] if f["rule_id"] == "secret.aws-access-key-id"]
    assert finding["location"]["path"] == "export.zip!exports/book.xlsx"
    assert finding["location"]["field"] == "Keys!token"


def test_without_openpyxl_a_workbook_gets_a_notice_naming_the_extra_and_the_scan_goes_on(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    customers_workbook(data / "book.xlsx")
    (data / "app.log").write_text(f"user {EMAILS[0]} signed in\n", encoding="utf-8")
    hidden = tmp_path / "no-openpyxl"
    (hidden / "openpyxl").mkdir(parents=True)
    (hidden / "openpyxl" / "__init__.py").write_text("raise ImportError('hidden for a test')\n")
    result = run_policyctl(
        "scan", data, "-f", "json", "--no-progress", env={"PYTHONPATH": str(hidden)}
    )
    report = result.json()
    notices = [(n["path"], n["message"]) for n in report["notices"]]
    assert (
        "book.xlsx",
        "skipped: reading .xlsx workbooks needs openpyxl: pip install 'policyctl[sheets]'",
    ) in notices
    assert [f["location"]["path"] for f in report["findings"]] == ["app.log"]


def test_as_xlsx_reads_a_workbook_under_another_name(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    path = customers_workbook(tmp_path / "book.xlsx").rename(tmp_path / "export.bin")
    report = policyctl_in_process("scan", path, "--as", "xlsx", "-f", "json").json()
    assert "secret.aws-access-key-id" in findings_by_rule(report)


# redact


def redacted_copy(run: RunPolicyctl, tmp_path: Path, *options: str) -> tuple[Any, Any, str]:
    source = customers_workbook(tmp_path / "book.xlsx")
    out = tmp_path / "shared.xlsx"
    result = run("redact", source, "-o", out, *options)
    assert result.code == 0, result.err
    return openpyxl.load_workbook(source), openpyxl.load_workbook(out), result.out + result.err


def test_redact_writes_a_workbook_without_the_values_keeping_sheets_styles_and_formulas(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    # Keys!link (its one value holds a token) is judged whole, and a judged column's
    # formula has its texts replaced (test_sheet_judged_columns); left to the rules here,
    # its token is replaced where it stands inside the formula.
    before, after, output = redacted_copy(run_policyctl, tmp_path, "--columns", "Keys!link=keep")
    assert after.sheetnames == ["Customers", "Keys"]
    customers, keys = after["Customers"], after["Keys"]
    assert customers["C4"].value == "*" * len(EMAILS[0])
    assert customers["D5"].value == "*" * len(CARD)
    assert keys["B2"].value == "*" * len(AWS_ID)
    assert (
        keys["C2"].value == '=HYPERLINK("https://ci.example/?t=' + "*" * len(GITHUB) + '","open")'
    )
    assert keys["C2"].data_type == "f"  # still a formula, its token gone
    assert customers["E4"].value == "=SUM(A4:A7)"  # untouched formula kept
    assert customers["C4"].font.b and customers["C4"].font.color.rgb == "FFFF0000"
    assert customers["C5"].fill.fgColor.rgb == "FFFFFF00"
    assert customers["B4"].number_format == "@"
    assert [str(r) for r in keys.merged_cells.ranges] == ["A4:C4"]
    assert customers.column_dimensions["C"].width == 42
    assert [str(v.sqref) for v in customers.data_validations.dataValidation] == ["F4:F7"]
    assert [str(r.sqref) for r in customers.conditional_formatting] == ["E4:E7"]
    assert after.defined_names["totals"].attr_text == "Customers!$E$4:$E$7"
    untouched = [
        (cell.coordinate, cell.value)
        for row in before["Customers"].iter_rows()
        for cell in row
        if cell.column_letter not in "CD" or cell.row < 4
    ]
    assert untouched == [
        (cell.coordinate, cell.value)
        for row in customers.iter_rows()
        for cell in row
        if cell.column_letter not in "CD" or cell.row < 4
    ]
    assert customers["D4"].value == "n/a"
    assert_no_secret_in([output], [AWS_ID, GITHUB, CARD, *EMAILS])


def test_a_redacted_workbook_scans_clean(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    redacted_copy(policyctl_in_process, tmp_path)
    report = policyctl_in_process("scan", tmp_path / "shared.xlsx", "-f", "json").json()
    assert report["findings"] == []


def test_redact_columns_replaces_every_cell_of_a_named_sheet_column(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    _before, after, _ = redacted_copy(
        policyctl_in_process, tmp_path, "--columns", "Customers!name=mask"
    )
    names = [after["Customers"].cell(row, 2).value for row in range(4, 8)]
    assert names == ["****"] * 4
    assert after["Customers"]["B3"].value == "name"  # the header stays


def test_redact_keeps_a_number_a_number_when_its_stand_in_is_one(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    book = openpyxl.Workbook()
    book.active.append(["card"])
    book.active.append([int(CARD.replace(" ", ""))])
    book.save(tmp_path / "cards.xlsx")
    env = {"POLICYCTL_REDACT_KEY": "k" * 40}
    result = policyctl_in_process(
        "redact", tmp_path / "cards.xlsx", "-o", tmp_path / "out.xlsx", "-s", "fpe", env=env
    )
    assert result.code == 0, result.err
    value = openpyxl.load_workbook(tmp_path / "out.xlsx").active["A2"].value
    assert isinstance(value, int) and value != int(CARD.replace(" ", ""))


def test_redact_warns_that_charts_are_not_carried_into_the_copy(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    from openpyxl.chart import BarChart, Reference

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["email", "n"])
    sheet.append([EMAILS[0], 3])
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=2))
    sheet.add_chart(chart, "D2")
    book.save(tmp_path / "chart.xlsx")
    result = policyctl_in_process(
        "redact", tmp_path / "chart.xlsx", "-o", tmp_path / "out.xlsx", "-f", "json"
    )
    assert result.code == 0
    notices = [(n["path"], n["message"]) for n in result.json()["notices"]]
    assert notices == [
        (
            str(tmp_path / "chart.xlsx"),
            "charts, images and shapes are not carried into the copy (openpyxl cannot keep them)",
        )
    ]


def test_a_staged_workbook_is_read_from_the_index_as_scan_reads_the_file(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    customers_workbook(git_repo / "book.xlsx")
    git(git_repo, "add", "book.xlsx")
    (git_repo / "book.xlsx").unlink()  # only the index holds it now
    report = policyctl_in_process("scan", "--staged", "-f", "json", cwd=git_repo).json()
    found = {(f["rule_id"], f["location"]["field"]) for f in report["findings"]}
    assert ("secret.aws-access-key-id", "Keys!token") in found


def test_a_workbook_on_standard_input_is_refused_with_a_notice(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    result = run_policyctl(
        "scan", "-", "--as", "xlsx", "-f", "json", "--no-progress", input="x", cwd=tmp_path
    )
    (notice,) = result.json()["notices"]
    assert (notice["path"], notice["message"]) == (
        "<stdin>",
        "skipped: a workbook cannot be read from standard input",
    )
