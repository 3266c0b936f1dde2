"""Hostile OpenDocument spreadsheets: a zip bomb, entities (billion laughs), an external
entity (XXE), repeat counts that would make billions of cells, thousands of sheets, a
file that is no zip. Each ends as one notice naming the file, in bounded time and
memory, and the rest of the scan goes on."""

from __future__ import annotations

from pathlib import Path

from tests import fakes
from tests.odf_files import cell, content, row, table, write_ods
from tests.security.test_spreadsheet_attacks import (
    MIB,
    beside_log,
    found_paths,
    notices,
    scan_folder,
)


def test_a_zip_bomb_content_part_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    # 512 MiB of XML in about 500 KiB: inflating it would take time and memory
    bomb = (
        content([table("S", [row(["token"])])])
        .encode()
        .replace(b"<office:body>", b"<office:body>" + b" " * (512 * MIB))
    )
    write_ods(tmp_path / "bomb.ods", bomb)
    del bomb
    beside_log(tmp_path)
    report, seconds, peak = scan_folder(tmp_path)
    message, level = notices(report)["bomb.ods"]
    assert message == (
        "skipped: part content.xml expands more than 100 times its compressed size (a zip bomb?)"
    )
    assert level == "error" and report["exit_code"] == 2  # unread: the scan is incomplete
    assert found_paths(report) == {"app.log"}
    assert seconds < 60 and peak < 200


def test_billion_laughs_entities_in_content_xml_are_refused(tmp_path: Path) -> None:
    levels = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{n} "{("&l" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    ]
    prolog = f"<!DOCTYPE office:document-content [{''.join(levels)}]>"
    sheet = table(
        "S", [row(["note"]), row("<table:table-cell><text:p>&l9;</text:p></table:table-cell>")]
    )
    write_ods(tmp_path / "lol.ods", content([sheet], prolog=prolog))
    beside_log(tmp_path)
    report, seconds, peak = scan_folder(tmp_path)
    message, level = notices(report)["lol.ods"]
    assert message == (
        "content.xml: not read to the end (its XML has a DOCTYPE (entities or external "
        "references), which is never read)"
    )
    assert level == "error" and report["exit_code"] == 2
    assert found_paths(report) == {"app.log"}
    assert seconds < 60 and peak < 200


def test_an_external_entity_in_content_xml_is_never_resolved(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    planted = fakes.aws_access_key_id("ods-xxe")
    (outside / "secret.txt").write_text(planted, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    prolog = (
        f'<!DOCTYPE office:document-content [<!ENTITY x SYSTEM "file://{outside}/secret.txt">]>'
    )
    sheet = table(
        "S", [row(["token"]), row("<table:table-cell><text:p>&x;</text:p></table:table-cell>")]
    )
    write_ods(data / "xxe.ods", content([sheet], prolog=prolog))
    beside_log(data)
    report, _seconds, _peak = scan_folder(data)
    message, level = notices(report)["xxe.ods"]
    assert "has a DOCTYPE" in message and level == "error"
    assert found_paths(report) == {"app.log"}  # the file the entity names was not read


def test_a_huge_columns_repeat_of_a_value_is_cut_at_the_last_column(tmp_path: Path) -> None:
    token = fakes.aws_access_key_id("ods-wide")
    sheet = table("S", [row(["token"]), row(cell(token) + cell("n/a", repeat=2_000_000_000))])
    write_ods(tmp_path / "wide.ods", content([sheet]))
    beside_log(tmp_path)
    report, seconds, peak = scan_folder(tmp_path)
    message, level = notices(report)["wide.ods"]
    assert message == "sheet S row 2: cells past column 16,384 not read (the limit per sheet)"
    assert level == "error" and report["exit_code"] == 2
    assert found_paths(report) == {"app.log", "wide.ods"}
    assert seconds < 60 and peak < 300


def test_a_huge_rows_repeat_of_values_stops_at_the_repeat_budget(tmp_path: Path) -> None:
    # a billion rows of 1,000 copies of a value: a trillion cells if expanded
    token = fakes.aws_access_key_id("ods-tall")
    sheet = table("S", [row(["token"]), row(cell(token, repeat=1_000), repeat=1_000_000_000)])
    write_ods(tmp_path / "tall.ods", content([sheet]))
    beside_log(tmp_path)
    report, seconds, peak = scan_folder(tmp_path)
    message, level = notices(report)["tall.ods"]
    assert message == (
        "sheet S: not read to the end (its repeat counts make more than 100,000 copies "
        "of cells with a value (the limit per document))"
    )
    assert level == "error" and report["exit_code"] == 2
    assert found_paths(report) == {"app.log", "tall.ods"}  # the rows before the limit
    assert seconds < 60 and peak < 300


def test_huge_repeats_of_empty_cells_and_rows_cost_nothing(tmp_path: Path) -> None:
    far = fakes.github_pat("ods-far")
    sheet = table(
        "S",
        [
            row(["token"]),
            row(cell(None, repeat=2_000_000_000), repeat=1_048_574),
            row([*([None] * 3), far]),
        ],
    )
    write_ods(tmp_path / "sparse.ods", content([sheet]))
    report, seconds, peak = scan_folder(tmp_path)
    places = [(f["location"]["line"], f["location"]["field"]) for f in report["findings"]]
    assert places == [(1_048_576, "S!column D")]
    assert all(n["path"] != "sparse.ods" for n in report["notices"])
    assert seconds < 60 and peak < 300


def test_thousands_of_sheets_are_read_up_to_the_limit_and_the_rest_reported(
    tmp_path: Path,
) -> None:
    token = fakes.aws_access_key_id("ods-sheet5")
    sheets = [
        table(f"S{n}", [row(["token"]), row([token if n in (5, 1500) else "none"])])
        for n in range(1, 3001)
    ]
    write_ods(tmp_path / "many.ods", content(sheets))
    beside_log(tmp_path)
    report, seconds, peak = scan_folder(tmp_path)
    message, level = notices(report)["many.ods"]
    assert message == "only the first 1,000 sheets read (the limit per workbook)"
    assert level == "error" and report["exit_code"] == 2
    fields = {(f["location"]["path"], f["location"].get("field")) for f in report["findings"]}
    assert fields == {("app.log", None), ("many.ods", "S5!token")}
    assert seconds < 60 and peak < 300


def test_an_ods_that_is_no_zip_archive_is_a_warning_and_the_scan_goes_on(
    tmp_path: Path,
) -> None:
    (tmp_path / "fake.ods").write_bytes(b"<office:document-content/>")
    beside_log(tmp_path)
    report, _seconds, _peak = scan_folder(tmp_path)
    assert notices(report)["fake.ods"] == (
        "skipped: not an OpenDocument spreadsheet (not a zip archive)",
        "warning",
    )
    assert found_paths(report) == {"app.log"}
