"""Read OpenDocument spreadsheets (`.ods`) as tables, as Excel workbooks are read
(sources.spreadsheet): each sheet a table whose header is its first non-empty row, a
cell located by `SHEET!HEADER`, its data row and the sheet's own row number.

An `.ods` file is a zip archive whose `content.xml` holds every sheet. It is untrusted
input, so it is read with the standard library only, under limits:

- the archive is checked before a byte is inflated (spreadsheet.check_archive: parts,
  declared sizes, expansion ratio); `content.xml` is streamed, never held whole;
- the XML is parsed by expat a block at a time, and a document with a DOCTYPE is
  refused: ODF never has one, and entities (billion laughs) and external entities (XXE)
  can only be declared in one;
- repeat counts (`table:number-rows-repeated`, `table:number-columns-repeated`) cost
  nothing for empty cells and rows (LibreOffice writes a million empty rows that way);
  cells with a value are expanded only up to MAX_REPEATED_CELLS copies per document,
  and nothing is read past MAX_ROWS rows or MAX_COLUMNS columns of a sheet.

What is read is each cell's value: its text, a number (`office:value`), a date or
time, and a formula as its text (`=SUM([.A1:.A3])`, its `of:` prefix dropped), never
evaluated, and not its cached result. Not read: comments (`office:annotation`),
headers and footers, styles, document properties, embedded objects.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from xml.parsers import expat

from policyctl.sources.spreadsheet import (
    MAX_SHEETS,
    OverLimit,
    SheetColumns,
    WorkbookRefused,
    check_archive,
    printable_name,
    streaming_parser,
)
from policyctl.sources.tabular import Malformed, Record

CONTENT = "content.xml"
MAX_ROWS = 1_048_576
"""Rows of a sheet read (LibreOffice's and Excel's own maximum)."""
MAX_COLUMNS = 16_384
"""Columns of a sheet read (the same)."""
MAX_REPEATED_CELLS = 100_000
"""Copies of cells with a value that repeat counts may make in one document, beyond the
cells written: past it the rest of the document is not read (a repeat bomb)."""
MAX_CELL_CHARS = 1 << 20
"""Characters of one cell's text read (the rest is dropped, with a warning)."""
BLOCK = 1 << 16
NO_DOCTYPE = "its XML has a DOCTYPE (entities or external references), which is never read"

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
T_TABLE = f"{_TABLE} table"
T_ROW = f"{_TABLE} table-row"
T_CELL = f"{_TABLE} table-cell"
T_COVERED = f"{_TABLE} covered-table-cell"
T_NAME = f"{_TABLE} name"
T_ROWS_REPEATED = f"{_TABLE} number-rows-repeated"
T_COLUMNS_REPEATED = f"{_TABLE} number-columns-repeated"
T_FORMULA = f"{_TABLE} formula"
O_TYPE = f"{_OFFICE} value-type"
O_ANNOTATION = f"{_OFFICE} annotation"
X_P = f"{_TEXT} p"
X_H = f"{_TEXT} h"
X_SPACE = f"{_TEXT} s"
X_TAB = f"{_TEXT} tab"
X_BREAK = f"{_TEXT} line-break"
X_COUNT = f"{_TEXT} c"
_VALUE_ATTRIBUTE = {
    "float": f"{_OFFICE} value",
    "percentage": f"{_OFFICE} value",
    "currency": f"{_OFFICE} value",
    "date": f"{_OFFICE} date-value",
    "time": f"{_OFFICE} time-value",
}
_FORMULA_PREFIX = re.compile(r"^[a-z]+:(?==)")
_DURATION = re.compile(r"^-?PT?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")


class _Refused(Exception):
    """Raised from a parser handler to stop reading: why, in words safe to print."""


def open_ods(source: str | IO[bytes]) -> zipfile.ZipFile:
    """The spreadsheet's zip archive, checked (WorkbookRefused otherwise)."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise WorkbookRefused(
            "not an OpenDocument spreadsheet (not a zip archive)", "warning"
        ) from exc
    try:
        check_archive(archive, lambda name: name == CONTENT)
        if CONTENT not in archive.namelist():
            raise WorkbookRefused("not an OpenDocument spreadsheet (no content.xml)", "warning")
    except WorkbookRefused:
        archive.close()
        raise
    return archive


def read_ods(source: str | IO[bytes], limit: int | None = None) -> Iterator[Record | Malformed]:
    """The data rows of every sheet, sheet after sheet, as records of (field, text) for
    the cells that hold a value; `limit` rows per sheet at most. WorkbookRefused when the
    file is not read at all; what a limit leaves unread comes as an OverLimit item, a
    broken part as a Malformed one."""
    with open_ods(source) as archive:
        reader = _Reader(limit)
        try:
            with archive.open(CONTENT) as stream:
                while block := stream.read(BLOCK):
                    reader.feed(block)
                    yield from reader.take()
                reader.feed(b"", final=True)
        except _Refused as refused:
            yield from reader.take()
            where = reader.where()
            yield OverLimit(where, f"{where}: not read to the end ({refused})")
            return
        except expat.ExpatError as exc:
            yield from reader.take()
            yield Malformed(reader.where(), f"not read to the end (invalid XML: {_problem(exc)})")
            return
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            yield from reader.take()
            yield Malformed(reader.where(), f"not read to the end ({_zip_problem(exc)})")
            return
        yield from reader.take()


def _problem(exc: expat.ExpatError) -> str:
    """expat's message names the line and column, never the text."""
    return expat.ErrorString(exc.code) if exc.code else "malformed"


def _zip_problem(exc: BaseException) -> str:
    if isinstance(exc, zipfile.BadZipFile):
        return "a corrupt zip archive"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__


@dataclass
class _Cell:
    """The cell being read: its value (or None while its text is collected), its
    text paragraphs, and how many columns it repeats over."""

    repeat: int
    value: str | None
    text: list[str] | None
    paragraphs: list[str] = field(default_factory=list)
    depth: int = 0
    """Open text paragraphs: only their text is the cell's."""
    size: int = 0


class _Reader:
    """expat handlers that turn content.xml into records, a block at a time."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.out: list[Record | Malformed] = []
        self.sheets = 0
        self.sheet: SheetColumns | None = None
        self.skipping_sheet = False
        self.row_number = 0
        self.row_repeat = 1
        self.row_cells: list[tuple[int, str]] | None = None
        self.column = 0
        self.cell: _Cell | None = None
        self.annotation = 0
        self.long_cell = False
        self.copies = 0
        self.over_columns = False
        self.parser = streaming_parser(self._start, self._end, self._characters, self._doctype)

    def feed(self, data: bytes, final: bool = False) -> None:
        self.parser.Parse(data, final)

    def take(self) -> list[Record | Malformed]:
        out, self.out = self.out, []
        return out

    def where(self) -> str:
        return f"sheet {self.sheet.title}" if self.sheet is not None else CONTENT

    def _doctype(self, *_: Any) -> None:
        raise _Refused(NO_DOCTYPE)

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        if self.annotation:
            self.annotation += 1
            return
        cell = self.cell
        if cell is not None:
            self._start_in_cell(cell, name, attributes)
            return
        if self.skipping_sheet:
            return
        if name in (T_CELL, T_COVERED):
            self._start_cell(attributes)
        elif name == T_ROW:
            self.row_repeat = _count(attributes.get(T_ROWS_REPEATED))
            self.row_cells = []
            self.column = 0
            self.over_columns = False
        elif name == T_TABLE:
            self._start_sheet(attributes)

    def _start_sheet(self, attributes: dict[str, str]) -> None:
        self.sheets += 1
        if self.sheets > MAX_SHEETS:
            if self.sheets == MAX_SHEETS + 1:
                self.out.append(
                    OverLimit(
                        f"sheets from {MAX_SHEETS + 1}",
                        f"only the first {MAX_SHEETS:,} sheets read (the limit per workbook)",
                    )
                )
            self.skipping_sheet = True
            self.sheet = None
            return
        title = printable_name(attributes.get(T_NAME) or f"Sheet{self.sheets}")
        self.sheet = SheetColumns(title)
        self.row_number = 0

    def _start_cell(self, attributes: dict[str, str]) -> None:
        repeat = _count(attributes.get(T_COLUMNS_REPEATED))
        formula = attributes.get(T_FORMULA)
        kind = attributes.get(O_TYPE)
        value: str | None = None
        if formula:
            value = _FORMULA_PREFIX.sub("", formula)
        elif kind in _VALUE_ATTRIBUTE:
            value = _typed_value(kind, attributes.get(_VALUE_ATTRIBUTE[kind], ""))
        elif kind == "boolean":
            value = ""  # no value scanned, as for a workbook's booleans
        self.cell = _Cell(repeat, value, None if value is not None else [])

    def _start_in_cell(self, cell: _Cell, name: str, attributes: dict[str, str]) -> None:
        if name == O_ANNOTATION:
            self.annotation = 1
        elif cell.text is None:
            return
        elif name in (X_P, X_H):
            cell.depth += 1
        elif name == X_SPACE:
            self._add_text(cell, " " * min(_count(attributes.get(X_COUNT)), 1024))
        elif name == X_TAB:
            self._add_text(cell, "\t")
        elif name == X_BREAK:
            self._add_text(cell, "\n")

    def _characters(self, data: str) -> None:
        cell = self.cell
        if cell is not None and cell.depth and not self.annotation:
            self._add_text(cell, data)

    def _add_text(self, cell: _Cell, data: str) -> None:
        """Collect a cell's text, up to MAX_CELL_CHARS (the rest is dropped, once said)."""
        assert cell.text is not None
        if cell.size + len(data) > MAX_CELL_CHARS:
            data = data[: max(MAX_CELL_CHARS - cell.size, 0)]
            if not self.long_cell and self.sheet is not None:
                self.long_cell = True
                self.out.append(
                    Malformed(
                        f"sheet {self.sheet.title} row {self.row_number + 1}",
                        f"a cell's text read up to {MAX_CELL_CHARS:,} characters",
                    )
                )
        cell.size += len(data)
        cell.text.append(data)

    def _end(self, name: str) -> None:
        if self.annotation:
            self.annotation -= 1
            return
        cell = self.cell
        if name in (T_CELL, T_COVERED):
            if cell is not None:
                self._end_cell(cell)
            self.cell = None
        elif cell is not None:
            if name in (X_P, X_H) and cell.text is not None and cell.depth:
                cell.depth -= 1
                if not cell.depth:
                    cell.paragraphs.append("".join(cell.text))
                    cell.text.clear()
        elif self.skipping_sheet:
            if name == T_TABLE:
                self.skipping_sheet = False
        elif name == T_ROW:
            self._end_row()
        elif name == T_TABLE:
            self.sheet = None

    def _end_cell(self, cell: _Cell) -> None:
        first = self.column + 1
        self.column += cell.repeat
        text = cell.value
        if text is None:
            text = "\n".join(cell.paragraphs)
        if not text or self.row_cells is None or self.sheet is None:
            return
        if first > MAX_COLUMNS:
            self._over_columns()
            return
        last = min(self.column, MAX_COLUMNS)
        if last < self.column:
            self._over_columns()
        self._copies(last - first)
        self.row_cells.extend((column, text) for column in range(first, last + 1))

    def _over_columns(self) -> None:
        if not self.over_columns and self.sheet is not None:
            self.over_columns = True
            self.out.append(
                OverLimit(
                    f"sheet {self.sheet.title}",
                    f"sheet {self.sheet.title} row {self.row_number + 1}: cells past column "
                    f"{MAX_COLUMNS:,} not read (the limit per sheet)",
                )
            )

    def _end_row(self) -> None:
        cells, sheet = self.row_cells, self.sheet
        self.row_cells = None
        first = self.row_number + 1
        self.row_number += self.row_repeat
        if not cells or sheet is None:
            return
        if first > MAX_ROWS:
            self._stop_sheet(f"rows past {MAX_ROWS:,} not read (the limit per sheet)")
            return
        last = min(self.row_number, MAX_ROWS)
        for line in range(first, last + 1):
            if self.limit is not None and sheet.rows >= self.limit:
                self.skipping_sheet = True
                return
            if line > first:
                self._copies(len(cells))
            names = sheet.data_row(cells)
            if names is not None:
                self.out.append(Record(sheet.rows, line, names, [text for _, text in cells]))
        if last < self.row_number:
            self._stop_sheet(f"rows past {MAX_ROWS:,} not read (the limit per sheet)")

    def _copies(self, made: int) -> None:
        """Count cells made by repeat counts; past the limit, stop reading the document."""
        self.copies += made
        if self.copies > MAX_REPEATED_CELLS:
            raise _Refused(
                f"its repeat counts make more than {MAX_REPEATED_CELLS:,} copies of cells "
                "with a value (the limit per document)"
            )

    def _stop_sheet(self, why: str) -> None:
        assert self.sheet is not None
        where = f"sheet {self.sheet.title}"
        self.out.append(OverLimit(where, f"{where}: {why}"))
        self.skipping_sheet = True


def _count(text: str | None) -> int:
    """A repeat count: a positive whole number (anything else counts once)."""
    if not text or not text.isdigit():
        return 1
    return max(int(text[:12]), 1)  # 12 digits are past every limit, and cheap to parse


def _typed_value(kind: str, text: str) -> str | None:
    """A number, date or time as text, as a workbook's is read: whole numbers without
    `.0`, a date alone when its time is midnight, a time as `10:30:00`."""
    text = text.strip()
    if not text:
        return None
    if kind == "date":
        date, _, clock = text.partition("T")
        return date if clock in ("", "00:00:00") else f"{date} {clock}"
    if kind == "time":
        found = _DURATION.match(text)
        if found is None:
            return text
        hours, minutes, seconds = (found.group(i) or "0" for i in (1, 2, 3))
        whole = seconds.split(".")[0]
        return f"{int(hours):02d}:{int(minutes):02d}:{int(whole):02d}"
    if re.fullmatch(r"-?\d+", text):
        return text.lstrip("+")
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() and abs(number) < 1e18 else str(number)
