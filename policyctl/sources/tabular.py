"""Parse the files datasets live in: CSV/TSV rows, JSON and JSON-lines records, Parquet
batches, plain or gzip-compressed, streaming.

Parsing only: these readers know rows, dialects and JSON structure, nothing about
scanning, so a writer of sanitised copies can reuse them. Problems in the data come
out as `Malformed` values in the stream (with where they are), never as exceptions,
so one bad row does not end the file.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, Literal, NamedTuple, cast, overload

from policyctl.core.model import new_tuple
from policyctl.sources.text import bom_encoding

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_CHARS = 64 * 1024
FIELD_SIZE_LIMIT = 64 * 1024 * 1024


@dataclass(frozen=True)
class Malformed:
    """A part of the input that could not be parsed, and where it is."""

    where: str
    message: str
    raw: str | None = None
    """The text of the part, when the reader was asked to keep it (`keep_raw`)."""


class Record(NamedTuple):
    """One record: its number (from 1), the file line it starts on, and its values with
    their names (column names or key paths), in file order. Rows of a table share one
    list of names; `values` may be shorter (a ragged row). A named tuple: a large table
    makes millions, and redaction sends them to worker processes."""

    number: int
    line: int | None
    names: list[str]
    values: list[Any]
    raw: str | None = None
    """The record's own text, when the reader was asked to keep it (`keep_raw`): a
    writer of sanitised copies passes untouched records on exactly as they were."""

    @classmethod
    def of_pairs(cls, number: int, line: int | None, pairs: Iterable[tuple[str, Any]]) -> Record:
        names: list[str] = []
        values: list[Any] = []
        for name, value in pairs:
            names.append(name)
            values.append(value)
        return cls(number, line, names, values)


def decompressed(raw: IO[bytes]) -> IO[bytes]:
    """`raw`, or its gzip decompression when it starts with gzip's magic number
    (rotated logs are often compressed whatever their name says)."""
    peek = getattr(raw, "peek", None)
    if peek is not None and peek(2)[:2] == GZIP_MAGIC:
        return cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb"))
    return raw


def open_text(raw: IO[bytes], errors: str = "replace", keep_bom: bool = True) -> IO[str]:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16/32 by BOM; bad bytes replaced
    (or, with errors="surrogateescape", kept so that writing the text back restores them).
    A UTF-16/32 mark is read as the text's first character (so a copy writes it back)
    unless `keep_bom` is false (readers of JSON and CSV, for which it is no character)."""
    peek = getattr(raw, "peek", None)
    head = peek(4)[:4] if peek is not None else b""
    found = bom_encoding(head)
    encoding = "utf-8-sig" if found is None or found[0] == "utf-8" else found[0]
    if not keep_bom and found is not None and found[0] != "utf-8":
        encoding = found[0][:6]  # utf-16 / utf-32: the codec reads the mark and the order
    # newline="" lets the csv module see quoted line breaks as they are
    return io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="")


# CSV and TSV


@dataclass(frozen=True)
class TableLayout:
    """How a delimited file is written: its dialect and whether row 1 names the columns."""

    delimiter: str
    quotechar: str
    has_header: bool


class _Sniffer(csv.Sniffer):
    """csv.Sniffer with the same answers, its delimiter guess made several times faster.

    csv.Sniffer._guess_delimiter tallies, for every line of the sample and every one of
    the 127 ASCII characters, how many times the character occurs in the line: 127 scans
    of each line, and `has_header` sniffs once more. On numeric tables that was more than
    half the time of scanning them (0.1-0.2 s a file). Here each line is counted once
    (collections.Counter) and a character's lines without it are tallied when next
    needed, building the very same tables, in the same order (which decides ties); the
    rest of the method is the standard library's, line for line. tests/unit/
    test_tabular_sniff.py holds it to csv.Sniffer's answers.
    """

    def _guess_delimiter(self, data: str, delimiters: str | None) -> tuple[str, int | bool]:
        lines = list(filter(None, data.split("\n")))
        ascii = [chr(c) for c in range(127)]  # 7-bit ASCII
        chunk_length = min(10, len(lines))
        iteration = 0
        char_frequency: dict[str, dict[int, int]] = {char: {} for char in ascii}
        tallied = dict.fromkeys(ascii, 0)  # lines counted into each char's table so far
        seen: list[str] = []  # the chars met so far, in ASCII order: only their tables
        counted = 0  # can have a mode (the others hold only zeros, and are skipped)
        modes: dict[str, tuple[int, int]] = {}
        delims: dict[str, tuple[int, int]] = {}
        start, end = 0, chunk_length
        while start < len(lines):
            iteration += 1
            for line in lines[start:end]:
                for char, freq in Counter(line).items():
                    table = char_frequency.get(char)
                    if table is None:
                        continue  # not 7-bit ASCII
                    if not table:
                        seen.append(char)
                    absent = counted - tallied[char]
                    if absent:
                        table[0] = table.get(0, 0) + absent
                    table[freq] = table.get(freq, 0) + 1
                    tallied[char] = counted + 1
                counted += 1
            seen.sort()
            for char in seen:  # the lines since each char was last seen hold it 0 times
                absent = counted - tallied[char]
                if absent:
                    table = char_frequency[char]
                    table[0] = table.get(0, 0) + absent
                    tallied[char] = counted

            for char in seen:
                items = list(char_frequency[char].items())
                if len(items) == 1 and items[0][0] == 0:
                    continue
                if len(items) > 1:
                    modes[char] = max(items, key=lambda x: x[1])
                    items.remove(modes[char])
                    modes[char] = (modes[char][0], modes[char][1] - sum(item[1] for item in items))
                else:
                    modes[char] = items[0]

            total = float(min(chunk_length * iteration, len(lines)))
            consistency = 1.0
            threshold = 0.9
            while len(delims) == 0 and consistency >= threshold:
                for k, v in modes.items():
                    consistent = v[0] > 0 and v[1] > 0 and (v[1] / total) >= consistency
                    if consistent and (delimiters is None or k in delimiters):
                        delims[k] = v
                consistency -= 0.01

            if len(delims) == 1:
                return _spaced(lines, next(iter(delims)))

            start = end
            end += chunk_length

        if not delims:
            return ("", 0)

        if len(delims) > 1:
            for d in self.preferred:
                if d in delims:
                    return _spaced(lines, d)

        ranked = sorted((v, k) for (k, v) in delims.items())
        return _spaced(lines, ranked[-1][1])


def _spaced(lines: list[str], delim: str) -> tuple[str, bool]:
    """The delimiter, and whether it is always followed by a space on the first line."""
    return (delim, lines[0].count(delim) == lines[0].count(f"{delim} "))


def sniff_layout(sample: str, default_delimiter: str = ",") -> TableLayout:
    """The dialect and header of a delimited file, guessed from its first lines."""
    sniffer = _Sniffer()
    try:
        dialect = sniffer.sniff(sample, delimiters=",;\t|")
        delimiter, quotechar = dialect.delimiter, dialect.quotechar or '"'
    except csv.Error:
        delimiter, quotechar = default_delimiter, '"'
    try:
        has_header = sniffer.has_header(sample) or _labels_in_first_row(sample, delimiter)
    except csv.Error:
        has_header = True
    return TableLayout(delimiter=delimiter, quotechar=quotechar, has_header=has_header)


_LABEL = re.compile(r"[A-Za-z][A-Za-z0-9_ .()/-]{0,63}")
_CODE_STYLE = re.compile(r"^[a-z0-9_ .()/-]+$|_|[a-z][A-Z]")


def _labels_in_first_row(sample: str, delimiter: str) -> bool:
    """Row 1 names the columns when each of its cells is a short label, written as
    programs write column names (`name`, `first_name`, `lastName`), that no later row
    repeats in its column. csv.Sniffer votes only by types and lengths, so a table of
    text columns (names, cities) gets no vote and would lose its header."""
    rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
    if not sample.endswith("\n"):
        rows = rows[:-1]  # the sample may end inside a row
    if len(rows) < 2:
        return False
    first, rest = rows[0], rows[1:]
    if not first or not rest or len(set(first)) != len(first):
        return False
    for index, cell in enumerate(first):
        if not _LABEL.fullmatch(cell) or not _CODE_STYLE.search(cell):
            return False
        if any(index < len(row) and row[index] == cell for row in rest):
            return False
    return True


def column_names(header: list[str], width: int) -> list[str]:
    """Unique names for `width` columns: the header's, else 'column N'."""
    names: list[str] = []
    seen: set[str] = set()
    for index in range(width):
        name = header[index].strip() if index < len(header) else ""
        name = name or f"column {index + 1}"
        while name in seen:
            name = f"{name}_{index + 1}"
        seen.add(name)
        names.append(name)
    return names


@overload
def read_csv(
    stream: Iterable[str],
    layout: TableLayout,
    limit: int | None = None,
    *,
    keep_raw: Literal[False] = False,
) -> Iterator[Record | Malformed]: ...


@overload
def read_csv(
    stream: Iterable[str], layout: TableLayout, limit: int | None = None, *, keep_raw: Literal[True]
) -> Iterator[Record | Malformed | str]: ...


def read_csv(
    stream: Iterable[str], layout: TableLayout, limit: int | None = None, *, keep_raw: bool = False
) -> Iterator[Record | Malformed | str]:
    """Rows as records of (column name, cell); a row whose length differs from the
    header's is reported (its extra cells still come, under 'column N' names).

    With `keep_raw`, every record and malformed row carries its own text, and the text
    that is neither (the header, blank lines) comes as plain strings, so that the
    items' texts joined are the input exactly."""
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    consumed: list[str] = []
    source = _recording(stream, consumed) if keep_raw else stream
    reader = csv.reader(source, delimiter=layout.delimiter, quotechar=layout.quotechar)

    def taken() -> str | None:
        if not keep_raw:
            return None
        text = "".join(consumed)
        consumed.clear()
        return text

    header: list[str] = []
    names: list[str] = []
    number = 0
    start_line = 1
    while limit is None or number < limit:
        try:
            values = next(reader)
        except StopIteration:
            if consumed:
                yield "".join(consumed)
            return
        except csv.Error as exc:
            problem = f"unreadable CSV row ({_csv_problem(exc)})"
            yield Malformed(f"line {start_line}", problem, taken())
            start_line = reader.line_num + 1
            continue
        line, start_line = start_line, reader.line_num + 1
        if not values:
            if keep_raw:
                yield taken() or ""
            continue
        if not names:
            header = values if layout.has_header else []
            names = column_names(header, len(values))
            if layout.has_header:
                if keep_raw:
                    yield taken() or ""
                continue
        number += 1
        # A cell with two line breaks spans three lines of the file: a row on one or two
        # lines (nearly all) has none to look for (a check per cell, issue 17).
        if start_line - line > 2:
            swallowed = _swallowing_cell(values, layout.delimiter)
            if swallowed:
                yield Malformed(
                    f"row {number} (line {line})",
                    f"a quoted cell runs over {swallowed} lines holding delimiters "
                    "(an unbalanced quote?): read as one cell",
                )
        if len(values) != len(names):
            yield Malformed(
                f"row {number} (line {line})",
                f"has {len(values)} fields where the header has {len(names)}",
            )
            if len(values) > len(names):
                names = column_names(header, len(values))
        yield new_tuple(Record, (number, line, names, values, taken() if keep_raw else None))


def _swallowing_cell(values: list[str], delimiter: str) -> int:
    """The line count of a cell that looks like rows swallowed by an unbalanced quote
    (several of its lines hold the delimiter), or 0. A quoted address over three lines
    is an ordinary cell; a quote never closed takes every later row into one cell."""
    for value in values:
        if value.count("\n") >= 2:
            lines = value.split("\n")
            if sum(1 for line in lines if delimiter in line) >= 2:
                return len(lines)
    return 0


def _recording(stream: Iterable[str], consumed: list[str]) -> Iterator[str]:
    """The lines of `stream`, each also appended to `consumed`."""
    for line in stream:
        consumed.append(line)
        yield line


def _csv_problem(exc: csv.Error) -> str:
    """The csv module's complaint without the offending text."""
    text = str(exc)
    return text.split("(")[0].strip() if "field larger" in text else text[:60]


# JSON and JSON lines


def json_leaves(value: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    """Every scalar in a JSON value with its key path: `$.customer.email`, `$.phones[0]`."""
    if isinstance(value, dict):
        for key, item in value.items():
            name = str(key)
            child = f"{path}.{name}" if name.isidentifier() else f"{path}[{json.dumps(name)}]"
            yield from json_leaves(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_leaves(item, f"{path}[{index}]")
    elif value is not None and not isinstance(value, bool):
        yield path, value


@overload
def read_jsonl(
    stream: IO[str], limit: int | None = None, *, keep_raw: Literal[False] = False
) -> Iterator[Record | Malformed]: ...


@overload
def read_jsonl(
    stream: IO[str], limit: int | None = None, *, keep_raw: Literal[True]
) -> Iterator[Record | Malformed | str]: ...


def read_jsonl(
    stream: IO[str], limit: int | None = None, *, keep_raw: bool = False
) -> Iterator[Record | Malformed | str]:
    """One record per non-blank line; a line that is not JSON is reported by number.
    With `keep_raw`, records and malformed lines carry their line, and blank lines come
    as plain strings."""
    number = 0
    for line_number, line in enumerate(stream, 1):
        if limit is not None and number >= limit:
            return
        if not line.strip():
            if keep_raw:
                yield line
            continue
        number += 1
        raw = line if keep_raw else None
        try:
            value = json.loads(line)
        except ValueError as exc:
            yield Malformed(f"line {line_number}", f"not valid JSON ({_json_problem(exc)})", raw)
            continue
        yield Record(number, line_number, *_leaf_lists(value), raw)


def _leaf_lists(value: Any) -> tuple[list[str], list[Any]]:
    names: list[str] = []
    values: list[Any] = []
    for name, leaf in json_leaves(value):
        names.append(name)
        values.append(leaf)
    return names, values


def _json_problem(exc: ValueError) -> str:
    return exc.msg if isinstance(exc, json.JSONDecodeError) else type(exc).__name__


@overload
def read_json(
    stream: IO[str], limit: int | None = None, *, keep_raw: Literal[False] = False
) -> Iterator[Record | Malformed]: ...


@overload
def read_json(
    stream: IO[str], limit: int | None = None, *, keep_raw: Literal[True]
) -> Iterator[Record | Malformed | str]: ...


def read_json(
    stream: IO[str], limit: int | None = None, *, keep_raw: bool = False
) -> Iterator[Record | Malformed | str]:
    """A JSON document's records: each element of a top-level array (read one at a
    time, so a large array streams), or the whole document as one record.

    With `keep_raw`, each record carries its element's text, and the text around the
    elements (brackets, commas, white space) comes as plain strings; what follows an
    element that cannot be parsed is the malformed part's text."""
    reader = _ArrayReader(stream)
    first = reader.skip_space()
    if first != "[":
        text = reader.rest()
        try:
            value = json.loads(text)
        except ValueError as exc:
            yield Malformed(
                "document", f"not valid JSON ({_json_problem(exc)})", _kept(text, keep_raw)
            )
            return
        yield Record(1, None, *_leaf_lists(value), _kept(text, keep_raw))
        return
    number = 0
    while limit is None or number < limit:
        try:
            element = reader.next_element()
        except ValueError as exc:
            where = f"element {number + 1}"
            yield Malformed(
                where, f"not valid JSON ({_json_problem(exc)})", _kept(reader.rest(), keep_raw)
            )
            return
        if keep_raw and reader.before:
            yield reader.before
        if element is _END:
            return
        number += 1
        yield Record(number, None, *_leaf_lists(element), _kept(reader.element, keep_raw))


def _kept(text: str, keep: bool) -> str | None:
    return text if keep else None


_END = object()


class _ArrayReader:
    """Decode the elements of a top-level JSON array from a text stream, one by one,
    keeping the text of each element (`element`) and of what came before it since the
    last one (`before`: brackets, commas, white space)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.buffer = ""
        self.position = 0
        self.mark = 0  # where the text not yet handed out as `before`/`element` starts
        self.decoder = json.JSONDecoder()
        self.before = ""
        self.element = ""

    def _fill(self) -> bool:
        more = self.stream.read(1 << 16)
        self.buffer = self.buffer[self.mark :] + more
        self.position -= self.mark
        self.mark = 0
        return bool(more)

    def rest(self) -> str:
        """All the text not handed out yet, to the end of the stream."""
        text = self.buffer[self.mark :] + self.stream.read()
        self.buffer, self.position, self.mark = "", 0, 0
        return text

    def skip_space(self) -> str:
        """Skip whitespace and return (and consume) the next character, or ''."""
        while True:
            while self.position < len(self.buffer) and self.buffer[self.position].isspace():
                self.position += 1
            if self.position < len(self.buffer):
                self.position += 1
                return self.buffer[self.position - 1]
            if not self._fill():
                return ""

    def next_element(self) -> Any:
        separator = self.skip_space()
        if separator == "]" or separator == "":
            self.before = self.rest()  # the closing bracket and whatever follows it
            return _END
        if separator != ",":
            self.position -= 1  # the first element starts right after '['
        while True:
            start = self.position
            while start < len(self.buffer) and self.buffer[start].isspace():
                start += 1
            try:
                value, end = self.decoder.raw_decode(self.buffer, start)
            except json.JSONDecodeError:
                if self._fill():
                    continue
                raise
            if end == len(self.buffer) and self._fill():
                continue  # a number may go on in the next block
            self.before = self.buffer[self.mark : start]
            self.element = self.buffer[start:end]
            self.position = self.mark = end
            return value


# Parquet


class ParquetUnavailable(Exception):
    """pyarrow is not installed (it comes with the `datasets` extra)."""


def parquet_supported() -> bool:
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True


def parquet_file(path: str | IO[bytes]) -> Any:
    """The file as a `pyarrow.parquet.ParquetFile` (its schema, its batches)."""
    try:
        import pyarrow.parquet as parquet
    except ImportError as exc:
        raise ParquetUnavailable() from exc
    return parquet.ParquetFile(path)


def parquet_leaves(name: str, value: Any) -> Iterator[tuple[str, Any]]:
    """The values of one Parquet cell with their names: the column's name for a
    scalar, key paths under it for structs, lists and maps; none for null."""
    if isinstance(value, dict | list):
        yield from json_leaves(value, name)
    elif value is not None:
        yield name, value


def read_parquet(
    path: str | IO[bytes],
    batch_rows: int,
    limit: int | None = None,
    max_bytes: int | None = None,
    sampled: Callable[[tuple[int, int]], None] | None = None,
) -> Iterator[Record]:
    """Rows of a Parquet file (a path, an object-store URL, or bytes already open), read
    a batch at a time (never the whole file). With `max_bytes`, only the first row groups
    whose compressed size fits in it (at least one); `sampled` is then told (row groups
    read, row groups in all) when some were left out."""
    from policyctl.sources.storage import is_url, open_binary

    if isinstance(path, str) and is_url(path):
        with open_binary(path) as handle:
            table = parquet_file(handle)
            yield from _parquet_records(table, batch_rows, limit, max_bytes, sampled)
    else:
        table = parquet_file(path)
        yield from _parquet_records(table, batch_rows, limit, max_bytes, sampled)


def budget_row_groups(metadata: Any, max_bytes: int) -> int:
    """How many of the first row groups fit in `max_bytes` of compressed data (at least 1)."""
    total = 0
    for index in range(metadata.num_row_groups):
        group = metadata.row_group(index)
        total += sum(group.column(c).total_compressed_size for c in range(group.num_columns))
        if total > max_bytes:
            return max(1, index)
    return int(metadata.num_row_groups)


def _parquet_records(
    table: Any,
    batch_rows: int,
    limit: int | None,
    max_bytes: int | None = None,
    sampled: Callable[[tuple[int, int]], None] | None = None,
) -> Iterator[Record]:
    number = 0
    groups = table.metadata.num_row_groups
    kept = groups if max_bytes is None else budget_row_groups(table.metadata, max_bytes)
    if kept < groups and sampled is not None:
        sampled((kept, groups))
    for batch in table.iter_batches(batch_size=batch_rows, row_groups=range(kept)):
        columns = [column.to_pylist() for column in batch.columns]
        names = batch.schema.names
        for index in range(batch.num_rows):
            if limit is not None and number >= limit:
                return
            number += 1
            fields: list[tuple[str, Any]] = []
            for name, values in zip(names, columns, strict=True):
                fields.extend(parquet_leaves(name, values[index]))
            yield Record.of_pairs(number, None, fields)
