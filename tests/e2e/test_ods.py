"""OpenDocument spreadsheets (`.ods`): each sheet a table, as an Excel workbook's are;
cells located by sheet, column, data row and the sheet's own row number (repeat counts
included); `redact` refuses one in one line. Through the installed command, on files
written part by part (tests.odf_files); values assembled from pieces."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests import fakes
from tests import pii_samples as pii
from tests.conftest import RunPolicyctl, assert_no_secret_in
from tests.odf_files import cell, content, row, table, write_ods

EMAILS = [pii.email(n) for n in range(4)]
CARD = int(pii.card().replace(" ", ""))
TOKEN = fakes.aws_access_key_id("ods")
LINK = "https://" + "crm.acme-widgets.co.uk/?t=" + fakes.github_pat("ods")


def people_ods(path: Path) -> Path:
    """Sheet People: two empty rows (one repeated), the header at row 4, four people;
    sheet Keys: a token and a formula holding one."""
    people = table(
        "People",
        [
            row([None]),
            row(cell(None, repeat=1024), repeat=2),
            row(["id", "email", "card"]),
            *(row([n, email, CARD if n == 2 else "n/a"]) for n, email in enumerate(EMAILS, 1)),
            row(cell(None, repeat=1024), repeat=1_048_568),
        ],
    )
    keys = table(
        "Keys",
        [
            row(["service", "token", "link"]),
            row(["aws", TOKEN, (f'=HYPERLINK("{LINK}";"open")', "open")]),
        ],
    )
    return write_ods(path, content([people, keys]))


def test_ods_cells_are_located_by_sheet_column_data_row_and_sheet_row(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    people_ods(tmp_path / "book.ods")
    done = run_policyctl("scan", "book.ods", "-f", "json", "--no-progress", cwd=tmp_path)
    assert done.code == 1, done.err
    found = {
        f["rule_id"]: (f["location"]["field"], f["location"]["row"], f["location"]["line"])
        for f in done.json()["findings"]
    }
    assert found == {
        "pii.email-address": ("People!email", 1, 5),
        "pii.payment-card-number": ("People!card", 2, 6),
        "secret.aws-access-key-id": ("Keys!token", 1, 2),
        "secret.github-pat-classic": ("Keys!link", 1, 2),
    }
    assert_no_secret_in([done.out, done.err], [TOKEN, LINK, str(CARD), *EMAILS])


def test_ods_columns_are_profiled_with_verdicts(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    people_ods(tmp_path / "book.ods")
    report = policyctl_in_process("scan", "book.ods", "-f", "json", cwd=tmp_path).json()
    columns = {c["field"]: (c["rows"], c["verdict"]) for c in report["columns"]}
    assert columns["People!email"] == (4, "pii")
    assert columns["People!card"] == (4, "partial")
    assert columns["People!id"] == (4, "clean")


def test_text_spacing_elements_are_read_as_the_text_they_stand_for(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    name, domain = EMAILS[0].split("@")
    spaced = (
        '<table:table-cell office:value-type="string"><text:p>mail:<text:s text:c="3"/>'
        f"<text:span>{name}</text:span>@{domain}</text:p></table:table-cell>"
    )
    sheet = table("S", [row(["contact"]), row(spaced)])
    write_ods(tmp_path / "s.ods", content([sheet]))
    report = policyctl_in_process("scan", "s.ods", "-f", "json", "--per-cell", cwd=tmp_path).json()
    [finding] = report["findings"]
    assert finding["rule_id"] == "pii.email-address"
    assert finding["location"]["field"] == "S!contact"


def test_an_ods_inside_a_zip_archive_is_read(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    book = people_ods(tmp_path / "book.ods")
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as archive:
        archive.write(book, "book.ods")
    book.unlink()
    report = policyctl_in_process("scan", "export.zip", "-f", "json", cwd=tmp_path).json()
    paths = {f["location"]["path"] for f in report["findings"]}
    assert paths == {"export.zip!book.ods"}


def test_as_ods_reads_a_spreadsheet_under_another_name(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    people_ods(tmp_path / "export.bin")
    report = policyctl_in_process("scan", "export.bin", "--as", "ods", "-f", "json", cwd=tmp_path)
    assert "secret.aws-access-key-id" in {f["rule_id"] for f in report.json()["findings"]}


def test_redact_refuses_an_ods_in_one_line_and_writes_nothing(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    people_ods(tmp_path / "book.ods")
    done = run_policyctl("redact", "book.ods", "-o", "out.ods", cwd=tmp_path)
    assert done.code == 2
    assert done.err.strip().splitlines() == [
        "policyctl: error: book.ods: an OpenDocument spreadsheet (.ods) is scanned but not "
        "redacted (convert it to .xlsx to redact it); no copy written"
    ]
    assert not (tmp_path / "out.ods").exists()
