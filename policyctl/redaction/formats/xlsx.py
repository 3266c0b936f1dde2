"""The Excel format: `.xlsx`/`.xlsm` workbooks redacted into workbooks (openpyxl, the
`sheets` extra) that keep every sheet, style, number format, merged range, formula and
value of the cells that hold nothing to replace.

The workbook is checked as `scan` checks it (`sources.spreadsheet.open_checked`: part
count, sizes, zip bombs) and loaded whole by openpyxl (its normal mode, which can write
back). Cells are named and detected as the scanner names them (`Sheet!column`, the
header being each sheet's first non-empty row), a batch of cells at a time; only the
cells with a replacement are rewritten. A formula keeps being a formula when the value
is inside it (`=HYPERLINK("https://…?token=****")`); a number whose stand-in is a
number stays a number. Cell comments and hyperlink targets are redacted as plain text.

openpyxl does not read charts, images or shapes, so a copy is written without them, and
with a warning saying so; a macro workbook (`.xlsm`) keeps its macros.
"""

from __future__ import annotations

import warnings
from typing import Any

from policyctl.redaction.cells import Change, DataResult, redact_cells, redact_loose_text
from policyctl.redaction.formats.interface import Input, NotRedactable, RedactFormat
from policyctl.redaction.formats.json import typed_like
from policyctl.redaction.formats.parquet import _Sink
from policyctl.redaction.outputs import STDIO
from policyctl.redaction.redactor import Redactor
from policyctl.redaction.streams import Writer
from policyctl.sources.cells import CellBatcher
from policyctl.sources.spreadsheet import (
    MAX_SHEETS,
    SheetColumns,
    WorkbookRefused,
    cell_value_text,
    open_checked,
    printable_name,
    sheets_unavailable,
    workbook_problem,
)

DROPPED_PARTS = ("xl/drawings/", "xl/charts/", "xl/media/", "xl/diagrams/")
DROPPED = "charts, images and shapes are not carried into the copy (openpyxl cannot keep them)"


def sniff(name_kind: str | None, item: Input) -> bool:
    """A workbook is known by its name (.xlsx, .xlsm)."""
    return name_kind == "xlsx"


def redact(item: Input, sink: Writer, redactor: Redactor) -> DataResult:
    if item.path == STDIO:
        raise NotRedactable("an Excel workbook must be read from a file, not standard input")
    unavailable = sheets_unavailable()
    if unavailable:
        raise NotRedactable(unavailable)
    return redact_workbook(item.path, sink, redactor, item.display)


def redact_workbook(path: str, out: Writer, redactor: Redactor, display: str) -> DataResult:
    """Redact the workbook at `path` into `out`."""
    try:
        with open_checked(path) as archive:
            drops = any(name.startswith(DROPPED_PARTS) for name in archive.namelist())
    except WorkbookRefused as refused:
        raise NotRedactable(str(refused)) from refused
    result = DataResult(format="xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's warnings may quote cell values
        workbook = _load(path)
        sheets = workbook.worksheets
        if len(sheets) > MAX_SHEETS:
            raise NotRedactable(f"{len(sheets):,} sheets, over the limit of {MAX_SHEETS:,}")
        for sheet in sheets:
            _redact_sheet(sheet, redactor, display, result)
        if drops:
            result.warnings.append(DROPPED)
        workbook.save(_Sink(out))
    result.lines = result.records
    return result


def _load(path: str) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(
            path, data_only=False, keep_links=True, rich_text=True, keep_vba=_macros(path)
        )
    except Exception as exc:  # openpyxl raises what its parsers raise on a broken part
        raise NotRedactable(f"not a readable Excel workbook ({workbook_problem(exc)})") from exc


def _macros(path: str) -> bool:
    return path.lower().endswith(".xlsm")


def _redact_sheet(sheet: Any, redactor: Redactor, display: str, result: DataResult) -> None:
    """Replace the values found in the sheet's cells, a batch of cells at a time."""
    columns = SheetColumns(printable_name(str(sheet.title)))
    batch = _Batch(display)
    for _row, cells in _rows(sheet):
        texts = [(cell, text) for cell in cells if (text := cell_value_text(cell.value))]
        _redact_notes(cells, redactor, display)
        if not texts:
            continue
        names = columns.data_row([(cell.column, text) for cell, text in texts])
        if names is None:
            continue  # the header row
        result.records += 1
        for (cell, text), name in zip(texts, names, strict=True):
            batch.add(cell, text, columns.rows, name)
        if batch.batcher.full:
            batch.redact(redactor)
    batch.redact(redactor)


def _rows(sheet: Any) -> list[tuple[int, list[Any]]]:
    """The cells the sheet holds, by row, in order: only those in the file (iterating the
    sheet's rectangle would make every empty cell of a sparse sheet)."""
    rows: dict[int, list[Any]] = {}
    for (row, _column), cell in sorted(sheet._cells.items()):
        rows.setdefault(row, []).append(cell)
    return list(rows.items())


def _redact_notes(cells: list[Any], redactor: Redactor, display: str) -> None:
    """A cell's comment and hyperlink target, redacted as plain text."""
    for cell in cells:
        comment = cell.comment
        if comment is not None and comment.text:
            comment.text = redact_loose_text(comment.text, redactor, display)
        link = cell.hyperlink
        if link is not None and link.target:
            link.target = redact_loose_text(link.target, redactor, display)


class _Batch:
    """Cells queued for detection together, as `scan` batches them."""

    def __init__(self, display: str) -> None:
        self.batcher = CellBatcher(display, "datasets")
        self.cells: list[Any] = []
        self.texts: list[str] = []

    def add(self, cell: Any, text: str, row: int, name: str) -> None:
        self.batcher.add(text, row, name, cell.row)
        self.cells.append(cell)
        self.texts.append(text)

    def redact(self, redactor: Redactor) -> None:
        chunk = self.batcher.take()
        if chunk is not None:
            for index, change in redact_cells(chunk, self.texts, redactor).items():
                _rewrite(self.cells[index], change)
        self.cells, self.texts = [], []


def _rewrite(cell: Any, change: Change) -> None:
    """Put a stand-in in a cell: a formula stays a formula (its text changed), a number
    stays a number when the stand-in is one; anything else becomes text."""
    original = cell.value
    if change.removed:
        cell.value = None
        return
    if hasattr(original, "text") and not isinstance(original, str):  # an array formula
        original.text = change.text
        return
    was_formula = cell.data_type == "f"
    if change.number is not None and isinstance(original, int | float):
        cell.value = round(change.number) if isinstance(original, int) else change.number
        return
    made = typed_like(change.text, original) if isinstance(original, int | float) else None
    cell.value = made if made is not None and not isinstance(made, str) else change.text
    if isinstance(cell.value, str) and cell.value.startswith("=") and not was_formula:
        cell.data_type = "s"  # a stand-in is never a formula the copy would run


FORMAT = RedactFormat("xlsx", sniff, redact)
