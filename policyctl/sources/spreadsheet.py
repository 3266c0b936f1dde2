"""Read Excel workbooks (`.xlsx`, `.xlsm`) as tables: each sheet a table whose header is
its first non-empty row. openpyxl (the `sheets` extra) reads the workbook's own parts
(sheet list, shared strings, styles); each sheet's XML is then streamed through expat
here (`SheetCells`), giving the values openpyxl's read-only parser gives at a sixth of
its cost.

Parsing only, like `tabular`: a writer of redacted copies names cells exactly as the
scanner does (`SheetColumns`). A workbook is untrusted input, so before openpyxl sees it
the zip archive is checked (`check_workbook`): how many parts it has, how large each
declares itself and how far it expands past its compressed size (zipfile never reads a
part past its declared size, so the declared sizes bound the work). XML entities are
refused by defusedxml, which openpyxl uses when it is installed (the extra installs it;
without it no workbook is read), and in a sheet by SheetCells, which refuses a
DOCTYPE. Formulas are read as their text (`=HYPERLINK(...)`), never evaluated; the
declared dimension of a sheet is ignored (only the cells present are read, so
`A1:XFD1048576` costs nothing).

A cell is located by its sheet and column (`Customers!email`, the field), its data row
(`row`, from 1, header and empty rows excluded, as for CSV) and the sheet's own row
number (`line`, as Excel shows it).
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import IO, Any
from xml.parsers import expat

from policyctl.sources.tabular import Malformed, Record

INSTALL = "pip install 'policyctl[sheets]'"
SHEETS_EXTRA = f"reading .xlsx workbooks needs openpyxl: {INSTALL}"

MAX_PARTS = 10_000
"""Zip entries a workbook may have (a sheet is at least one)."""
MAX_SHEETS = 1_000
"""Sheets read from one workbook; the rest are reported, not read."""
MAX_PART_BYTES = 1 << 30
"""Decompressed size one part (a sheet's XML) may declare; sheets stream, so this bounds time."""
MAX_HELD_BYTES = 64 << 20
"""Decompressed size of a part read whole into memory (shared strings, styles, the
workbook itself): every part but the sheets."""
MAX_TOTAL_BYTES = 2 << 30
"""Decompressed size of all parts together."""
MAX_RATIO = 100
"""A part expanding more than this many times its compressed size is a bomb ..."""
RATIO_FLOOR = 1 << 20
"""... once it is over this size (small, repetitive parts are common and harmless)."""
MAX_TITLE = 80
ENTITIES = "its XML declares entities or external references, which are never read"


class WorkbookRefused(Exception):
    """A workbook that is not read: not a zip archive, or over a limit. The message says
    why in words safe to print (no cell content); `level` is "error" when a limit kept
    it from being read (the scan is incomplete), "warning" when it is broken."""

    def __init__(self, message: str, level: str = "error") -> None:
        super().__init__(message)
        self.level = level


@dataclass(frozen=True)
class OverLimit(Malformed):
    """Part of a workbook left unread because it is over a limit (sheets past MAX_SHEETS)."""


def sheets_unavailable() -> str | None:
    """Why workbooks cannot be read here (openpyxl missing, or reading XML without
    defusedxml, which refuses entities), or None when they can."""
    try:
        import openpyxl
    except ImportError:
        return SHEETS_EXTRA
    try:
        import defusedxml  # noqa: F401
    except ImportError:
        return f"reading .xlsx workbooks safely needs defusedxml: {INSTALL}"
    if not openpyxl.DEFUSEDXML:
        return "openpyxl does not use defusedxml here (OPENPYXL_DEFUSEDXML is not True)"
    return None


def check_workbook(archive: zipfile.ZipFile) -> None:
    """Raise WorkbookRefused when the archive's parts are too many, too large, or
    expand too far (a zip bomb)."""
    check_archive(archive, _streamed)


def streaming_parser(
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None],
    characters: Callable[[str], None],
    refuse: Callable[..., Any],
) -> Any:
    """An expat parser for a workbook's XML: names as `namespace local`, text in one
    piece, and `refuse` (which raises) called for any DOCTYPE, entity declaration or
    external entity, so no entity is ever expanded or fetched."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    return parser


def check_archive(archive: zipfile.ZipFile, streamed: Callable[[str], bool]) -> None:
    """check_workbook for any zip of XML parts (an OpenDocument spreadsheet too): the
    parts `streamed` names are read a block at a time, the others whole."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise WorkbookRefused(f"holds {len(parts):,} parts, over the limit of {MAX_PARTS:,}")
    total = 0
    for part in parts:
        size = part.file_size
        total += size
        limit = MAX_PART_BYTES if streamed(part.filename) else MAX_HELD_BYTES
        name = printable_name(part.filename)
        if size > RATIO_FLOOR and size > MAX_RATIO * max(part.compress_size, 1):
            raise WorkbookRefused(
                f"part {name} expands more than {MAX_RATIO} times its compressed size (a zip bomb?)"
            )
        if size > limit:
            raise WorkbookRefused(
                f"part {name} expands to {_mib(size)}, over the {_mib(limit)} limit"
            )
    if total > MAX_TOTAL_BYTES:
        raise WorkbookRefused(f"expands to {_mib(total)}, over the {_mib(MAX_TOTAL_BYTES)} limit")


def _streamed(name: str) -> bool:
    """Sheets are read a row at a time; every other part is read whole."""
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _mib(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MiB"


def printable_name(name: str) -> str:
    """A part or sheet name from the file, safe to print: control characters replaced,
    cut to MAX_TITLE characters."""
    text = "".join(c if c.isprintable() else "?" for c in name)
    return text if len(text) <= MAX_TITLE else text[: MAX_TITLE - 3] + "..."


def open_checked(source: str | IO[bytes]) -> zipfile.ZipFile:
    """The workbook's zip archive, checked (WorkbookRefused otherwise)."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise WorkbookRefused("not an Excel workbook (not a zip archive)", "warning") from exc
    try:
        check_workbook(archive)
    except WorkbookRefused:
        archive.close()
        raise
    return archive


def cell_value_text(value: Any) -> str | None:
    """A cell's value as the text scanned, or None for no value: formulas as their text,
    whole floats without `.0`, dates in ISO form (a date alone when the time is 0:00)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e18 else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int | timedelta):
        return str(value)
    if isinstance(value, list):  # rich text (openpyxl's CellRichText): its plain text
        return str(value) or None
    text = getattr(value, "text", None)  # an array formula
    return text if isinstance(text, str) and text else None


@dataclass
class SheetColumns:
    """Names the cells of one sheet: its first non-empty row is the header, and a data
    cell's field is `SHEET!HEADER` (`SHEET!column C` under an empty header cell)."""

    title: str
    names: dict[int, str] | None = None
    rows: int = 0
    _taken: set[str] = field(default_factory=set)

    def data_row(self, cells: list[tuple[int, str]]) -> list[str] | None:
        """The fields of a row's cells (column index from 1, text), or None when the row
        is the header. Count the row as data otherwise."""
        if self.names is None:
            self.names = {}
            for column, text in cells:
                self._name(column, text.strip())
            return None
        self.rows += 1
        return [self.names.get(column) or self._name(column, "") for column, _ in cells]

    def _name(self, column: int, header: str) -> str:
        assert self.names is not None
        letter = column_letter(column)
        name = header or f"column {letter}"
        if name in self._taken:
            name = f"{name} ({letter})"
        self._taken.add(name)
        made = self.names[column] = f"{self.title}!{name}"
        return made


def column_letter(column: int) -> str:
    """A column's letters as spreadsheets show them (1 is A, 27 is AA), its number past
    ZZZ (18,278)."""
    if column > 18278:
        return str(column)
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def read_xlsx(source: str | IO[bytes], limit: int | None = None) -> Iterator[Record | Malformed]:
    """The data rows of every worksheet, sheet after sheet, as records of (field, text)
    for the cells that hold a value; `limit` rows per sheet at most. WorkbookRefused
    when the workbook is not read at all; a sheet that cannot be read (or past
    MAX_SHEETS) comes as a Malformed item, and the next one is read."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's warnings may quote cell values
        open_checked(source).close()
        if not isinstance(source, str):
            source.seek(0)
        book = _Book.read(source)
        with book.archive as archive:
            for index, (title, part) in enumerate(book.sheets):
                if index >= MAX_SHEETS:
                    yield OverLimit(
                        f"sheets {MAX_SHEETS + 1}-{len(book.sheets)}",
                        f"only the first {MAX_SHEETS:,} of its {len(book.sheets):,} sheets "
                        "read (the limit per workbook)",
                    )
                    break
                yield from _sheet_records(archive, book, title, part, limit)


@dataclass
class _Book:
    """What reading a sheet needs from the rest of the workbook: the worksheets' titles
    and parts, the shared strings, and which styles make a number a date."""

    archive: zipfile.ZipFile
    sheets: list[tuple[str, str]]
    strings: list[str]
    epoch: Any
    date_formats: Any
    timedelta_formats: Any

    @classmethod
    def read(cls, source: str | IO[bytes]) -> _Book:
        """openpyxl's read-only reader, up to (not including) its worksheets: opening
        those it would parse each sheet once more to learn its size, which this reader
        never needs (it reads only the cells present)."""
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet

        try:
            reader = ExcelReader(source, read_only=True, data_only=False, keep_links=False)
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            parts = set(reader.valid_files)
            sheets = [
                (printable_name(str(sheet.name)), rel.target)
                for sheet, rel in reader.parser.find_sheets()
                if rel.target in parts and "chartsheet" not in str(rel.Type)
            ]
        except Exception as exc:  # openpyxl raises what its parsers raise on a broken part
            problem = workbook_problem(exc)
            level = "error" if problem == ENTITIES else "warning"
            raise WorkbookRefused(f"not a readable Excel workbook ({problem})", level) from exc
        book = reader.wb
        return cls(
            reader.archive,
            sheets,
            reader.shared_strings,
            book.epoch,
            book._date_formats,
            book._timedelta_formats,
        )


def _sheet_records(
    archive: zipfile.ZipFile, book: _Book, title: str, part: str, limit: int | None
) -> Iterator[Record | Malformed]:
    columns = SheetColumns(title)
    try:
        with archive.open(part) as stream:
            for line, parsed in SheetCells(book).rows(stream):
                cells = [
                    (column, text)
                    for column, value in parsed
                    if (text := cell_value_text(value)) is not None
                ]
                if not cells:
                    continue
                if limit is not None and columns.rows >= limit:
                    return
                names = columns.data_row(cells)
                if names is not None:
                    yield Record(columns.rows, line, names, [text for _, text in cells])
    except Exception as exc:  # a broken or hostile sheet: reported, the next one is read
        problem = workbook_problem(exc)
        kind = OverLimit if problem == ENTITIES else Malformed
        yield kind(f"sheet {title}", f"not read to the end ({problem})")


class XmlRefused(Exception):
    """A sheet's XML declares a DOCTYPE (where entities and external references live)."""


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW, _CELL, _VALUE, _FORMULA = (f"{_MAIN} {tag}" for tag in ("row", "c", "v", "f"))
_INLINE, _TEXT, _PHONETIC = (f"{_MAIN} {tag}" for tag in ("is", "t", "rPh"))
_SHEET_BLOCK = 1 << 16


class SheetCells:
    """A worksheet's cells, a row at a time, from its XML streamed through expat: the
    values openpyxl's read-only parser gives (shared strings looked up, numbers cast,
    dates by their style, formulas as `=` and their text, shared formulas translated),
    at a fraction of its cost (it builds an element tree per row and an object per
    inline string). A DOCTYPE is refused (XmlRefused), as defusedxml refuses one."""

    def __init__(self, book: _Book) -> None:
        self.book = book
        self.done: list[tuple[int, list[tuple[int, Any]]]] = []
        self.row = 0
        self.column = 0
        self.cells: list[tuple[int, Any]] = []
        self.kind = "n"
        self.style = 0
        self.reference = ""
        self.text: list[str] | None = None  # the <v>, <f> or <t> being read
        self.value: str | None = None
        self.formula: str | None = None
        self.formula_attributes: dict[str, str] = {}
        self.inline: list[str] | None = None
        self.phonetic = 0
        self.shared: dict[str, Any] = {}

    def rows(self, stream: IO[bytes]) -> Iterator[tuple[int, list[tuple[int, Any]]]]:
        parser = streaming_parser(self._start, self._end, self._characters, self._refuse)
        while block := stream.read(_SHEET_BLOCK):
            parser.Parse(block, False)
            done, self.done = self.done, []
            yield from done
        parser.Parse(b"", True)
        yield from self.done

    def _refuse(self, *_: Any) -> None:
        raise XmlRefused(ENTITIES)

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        if name == _CELL:
            self.kind = attributes.get("t", "n")
            style = attributes.get("s")
            self.style = int(style) if style else 0
            self.reference = attributes.get("r", "")
            self.value = self.formula = self.inline = None
            self.column = _column_index(self.reference) or self.column + 1
        elif name == _VALUE:
            self.text = []
        elif name == _FORMULA:
            self.text = []
            self.formula_attributes = attributes
        elif name == _INLINE:
            self.inline = []
        elif name == _TEXT and self.inline is not None and not self.phonetic:
            self.text = []
        elif name == _PHONETIC:
            self.phonetic += 1
        elif name == _ROW:
            number = attributes.get("r")
            self.row = _row_number(number) if number else self.row + 1
            self.column = 0
            self.cells = []

    def _characters(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def _end(self, name: str) -> None:
        if name == _CELL:
            self.cells.append((self.column, self._cell_value()))
        elif name == _VALUE and self.text is not None:
            self.value = "".join(self.text)
            self.text = None
        elif name == _FORMULA and self.text is not None:
            self.formula = "".join(self.text)
            self.text = None
        elif name == _TEXT and self.text is not None:
            assert self.inline is not None
            self.inline.append("".join(self.text))
            self.text = None
        elif name == _PHONETIC:
            self.phonetic -= 1
        elif name == _ROW:
            self.done.append((self.row, self.cells))

    def _cell_value(self) -> Any:
        """The cell's value as openpyxl's read-only parser gives it (data_only=False)."""
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        if self.formula is not None:
            return self._formula_value("=" + self.formula)
        kind, value = self.kind, self.value
        if kind == "inlineStr":
            return "".join(self.inline) if self.inline is not None else None
        if not value:
            return None
        if kind == "n":
            number = float(value) if "." in value or "E" in value or "e" in value else int(value)
            if self.style in self.book.date_formats:
                try:
                    timedelta = self.style in self.book.timedelta_formats
                    return from_excel(number, self.book.epoch, timedelta=timedelta)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.book.strings[int(value)]
        if kind == "b":
            return None  # a boolean is no text to scan
        if kind == "d":
            return from_ISO8601(value)
        return value

    def _formula_value(self, formula: str) -> str | None:
        kind = self.formula_attributes.get("t")
        if kind == "shared":
            from openpyxl.formula.translate import Translator

            index = self.formula_attributes.get("si", "")
            if index in self.shared:
                return str(self.shared[index].translate_formula(self.reference))
            if formula != "=":
                self.shared[index] = Translator(formula, self.reference)
        elif kind == "dataTable":
            return None
        return formula


def _column_index(reference: str) -> int:
    """The column number of a cell reference (`B2` is 2), 0 when there is none."""
    number = 0
    for char in reference:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        else:
            break
    return number


def _row_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():
            raise
        return int(number)


def workbook_problem(exc: BaseException) -> str:
    """Why a workbook or sheet could not be read, in words that quote nothing from it."""
    name = type(exc).__name__
    if isinstance(exc, XmlRefused) or name in (
        "EntitiesForbidden",
        "ExternalReferenceForbidden",
        "DTDForbidden",
    ):
        return ENTITIES
    if isinstance(exc, zipfile.BadZipFile | zipfile.LargeZipFile):
        return "a corrupt zip archive"
    if isinstance(exc, SyntaxError | expat.ExpatError):  # xml.etree's ParseError, expat's
        return "invalid XML"
    if isinstance(exc, KeyError):
        return "a part it names is missing"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    cause = exc.__cause__ or exc.__context__
    if cause is not None and cause is not exc and isinstance(exc, ValueError):
        return workbook_problem(cause)
    return name
