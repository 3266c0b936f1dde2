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

A formula in a column redacted whole (judged `pii`, or named with --columns) is code,
not data: it stays a formula, and each text written in it (each string literal) is
data of the column and gets the column's stand-in, as a value of the column would
(`=HYPERLINK(B2,"Ann Lee")` -> `=HYPERLINK(B2,"*******")`). References and functions
are kept: the cells they read are redacted by their own columns, and a copy whose
formulas all became text would no longer compute. The rest of the formula is still
read by the rules (a card number written as a constant is replaced where it stands).

openpyxl does not read charts, images or shapes, so a copy is written without them, and
with a warning saying so; a macro workbook (`.xlsm`) keeps its macros.
"""

from __future__ import annotations

import re
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
            batch.add(cell, text, columns.rows, name, redactor)
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


_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')
"""A text constant in a formula (a quote inside it is written twice)."""


class _Batch:
    """Cells queued for detection together, as `scan` batches them. A formula in a
    column redacted whole is queued as its text constants, one value each
    (`_FormulaParts`), and put back together once they are redacted."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.batcher = CellBatcher(display, "datasets")
        self.cells: list[Any] = []
        self.texts: list[str] = []
        self.formulas: list[_FormulaParts] = []

    def add(self, cell: Any, text: str, row: int, name: str, redactor: Redactor) -> None:
        if text.startswith("=") and _whole_column(redactor, name):
            parts = _FormulaParts(cell, text)
            for literal in parts.literals:
                parts.indexes.append(len(self.texts))
                self._queue(cell, literal, row, name)
            self.formulas.append(parts)
            return
        self._queue(cell, text, row, name)

    def _queue(self, cell: Any, text: str, row: int, name: str) -> None:
        self.batcher.add(text, row, name, cell.row)
        self.cells.append(cell)
        self.texts.append(text)

    def redact(self, redactor: Redactor) -> None:
        chunk = self.batcher.take()
        changes = redact_cells(chunk, self.texts, redactor) if chunk is not None else {}
        in_formulas = {index for parts in self.formulas for index in parts.indexes}
        for index, change in changes.items():
            if index not in in_formulas:
                _rewrite(self.cells[index], change)
        for parts in self.formulas:
            parts.rewrite(changes, redactor, self.display)
        self.cells, self.texts, self.formulas = [], [], []


def _whole_column(redactor: Redactor, name: str) -> bool:
    """Whether every value of the column is replaced by its rule (not noise: a formula
    is no number, so a dp column leaves it to the rules)."""
    rule = redactor.columns.rule_for(name) if redactor.columns.active else None
    return rule is not None and rule.noise is None


class _FormulaParts:
    """A formula of a column redacted whole: its text constants (without their quotes),
    queued as values at `indexes`, and the code between them."""

    def __init__(self, cell: Any, text: str) -> None:
        self.cell = cell
        self.code: list[str] = []
        self.literals: list[str] = []
        self.indexes: list[int] = []
        at = 0
        for found in _STRING_LITERAL.finditer(text):
            self.code.append(text[at : found.start()])
            self.literals.append(found.group()[1:-1].replace('""', '"'))
            at = found.end()
        self.code.append(text[at:])

    def rewrite(self, changes: dict[int, Change], redactor: Redactor, display: str) -> None:
        """Put the formula back with each changed constant's stand-in, and the values
        the rules find in its code replaced where they stand."""
        pieces = [redact_loose_text(self.code[0], redactor, display)]
        changed = False
        for literal, index, code in zip(self.literals, self.indexes, self.code[1:], strict=True):
            change = changes.get(index)
            text = literal if change is None else "" if change.removed else change.text
            changed |= change is not None
            pieces.append('"' + text.replace('"', '""') + '"')
            pieces.append(redact_loose_text(code, redactor, display))
        formula = "".join(pieces)
        if changed or formula != "".join(self._original()):
            _set_formula(self.cell, formula)

    def _original(self) -> list[str]:
        pieces = [self.code[0]]
        for literal, code in zip(self.literals, self.code[1:], strict=True):
            pieces += ['"' + literal.replace('"', '""') + '"', code]
        return pieces


def _set_formula(cell: Any, formula: str) -> None:
    original = cell.value
    if hasattr(original, "text") and not isinstance(original, str):  # an array formula
        original.text = formula
    else:
        cell.value = formula


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
