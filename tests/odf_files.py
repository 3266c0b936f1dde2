"""OpenDocument spreadsheets (`.ods`) written part by part for tests, as LibreOffice
writes them (a `mimetype` part stored first, then `content.xml`), or as an attacker
would: the XML of each sheet is given as it should appear."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
Cell = str | int | tuple[str, str]
"""Text, a number, or ("=FORMULA", its cached text)."""


def cell(value: Cell | None, repeat: int = 1) -> str:
    """One `table:table-cell`: text in a paragraph, a number as `office:value`, a formula
    in `table:formula` with its cached text; None is an empty cell."""
    times = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if value is None:
        return f"<table:table-cell{times}/>"
    if isinstance(value, int):
        return (
            f'<table:table-cell{times} office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, tuple):
        formula, cached = value
        return (
            f"<table:table-cell{times} table:formula={quoteattr('of:' + formula)} "
            f'office:value-type="string"><text:p>{escape(cached)}</text:p></table:table-cell>'
        )
    return (
        f'<table:table-cell{times} office:value-type="string"><text:p>{escape(value)}'
        "</text:p></table:table-cell>"
    )


def row(cells: Sequence[Cell | None] | str, repeat: int = 1) -> str:
    """One `table:table-row` of cells (or of the cell XML given as a string)."""
    times = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    body = cells if isinstance(cells, str) else "".join(cell(c) for c in cells)
    return f"<table:table-row{times}>{body}</table:table-row>"


def table(name: str, rows: Sequence[str]) -> str:
    return f"<table:table table:name={quoteattr(name)}>{''.join(rows)}</table:table>"


def content(tables: Sequence[str], prolog: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<office:document-content {NAMESPACES} '
        'office:version="1.3"><office:body><office:spreadsheet>'
        f"{''.join(tables)}</office:spreadsheet></office:body></office:document-content>"
    )


def write_ods(path: Path, xml: str | bytes, extra: Sequence[tuple[str, bytes]] = ()) -> Path:
    """An `.ods` file whose content.xml is `xml`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE)  # stored, as the standard asks
        archive.writestr("content.xml", xml)
        for name, data in extra:
            archive.writestr(name, data)
    return path
