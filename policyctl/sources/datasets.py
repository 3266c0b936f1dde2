"""Logs and datasets as scan items: which files they are, and how they become chunks.

A file's kind comes from its name (`.csv`, `.tsv`, `.jsonl`, `.parquet`, `.log`,
rotated `app.log.1`, `app.log-20240101`, and any of these `.gz`) or from `--as`.
Plain `.json` files stay ordinary text unless `--as json` is given: in a code
repository they are configuration far more often than datasets.

Logs become chunks of lines ("logs" kind); JSON-lines logs and every dataset become
chunks of cells ("datasets" kind for tables and JSON documents), each cell one line
located by row and column name or key path. Everything streams: memory depends on
the chunk size, not the file size.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from typing import IO, Any

from policyctl.core.errors import InputError
from policyctl.core.model import Chunk, Location, Notice
from policyctl.sources.cells import CellBatcher
from policyctl.sources.storage import open_binary
from policyctl.sources.tabular import (
    SNIFF_CHARS,
    Malformed,
    Record,
    decompressed,
    open_text,
    parquet_supported,
    read_csv,
    read_json,
    read_jsonl,
    read_parquet,
    sniff_layout,
)
from policyctl.sources.text import SNIFF_BYTES, bom_encoding, magic_format

DATA_KINDS: tuple[str, ...] = ("log", "csv", "jsonl", "json", "parquet", "xlsx", "ods")
STDIN = "-"
STDIN_DISPLAY = "<stdin>"
LOG_BLOCK_BYTES = 1 << 20
PARQUET_BATCH_ROWS = 8192
MAX_NOTICES_PER_FILE = 20
DATASETS_EXTRA = "reading Parquet files needs pyarrow: pip install 'policyctl[datasets]'"

_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".psv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".ods": "ods",
    ".log": "log",
}
_ROTATED_LOG = re.compile(r"\.log(?:[.\-_]\d[\d\-_]*)$")
_KIND_ENDINGS = frozenset([*_EXTENSIONS, ".gz"])


def may_have_kind(ending: str) -> bool:
    """Whether a file name whose last dot starts `ending` (lower case) can have a data
    kind; False is sure, so a walk leaves most files of code at one set look-up. A
    rotated log's ending is `.log…` (`app.log-2024`) or a number (`app.log.1`)."""
    return ending in _KIND_ENDINGS or ending.startswith(".log") or ending[1:2].isdigit()


def kind_for_name(name: str, json_documents: bool = False) -> str | None:
    """The data kind a file name says, or None for an ordinary file: the one decision
    `scan` and `redact` share. A plain `.json` file is ordinary text to `scan` (in a
    code repository it is configuration far more often than a dataset; `--as json`
    says otherwise) but a JSON document to `redact` (`json_documents`), whose copy
    must stay valid JSON, which replacing values as text cannot promise."""
    kind = _kind_by_extension(name)
    if kind is None and json_documents and name.lower().removesuffix(".gz").endswith(".json"):
        return "json"
    return kind


def _kind_by_extension(name: str) -> str | None:
    lower = name.lower()
    compressed = lower.endswith(".gz")
    if compressed:
        lower = lower[:-3]
    # (the extensions hold no dot but their first: the one after the name's last dot
    # is the only one it can end with; one look-up per file of a walk, issue 18)
    kind = _EXTENSIONS.get(lower[lower.rfind(".") :]) if "." in lower else None
    if kind is not None:
        return kind
    if _ROTATED_LOG.search(lower):
        return "log"
    if compressed and not lower.endswith((".tar", ".json")) and "." in lower.rsplit("/", 1)[-1]:
        return None
    return "log" if compressed else None


def tab_separated(name: str) -> bool:
    """Whether a table's name says its cells are separated by tabs (else commas)."""
    return name.lower().removesuffix(".gz").endswith((".tsv", ".tab"))


def is_json_object(line: bytes) -> bool:
    """Whether a line (the first of a log) is a JSON object: the log is JSON lines."""
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


@dataclass(frozen=True)
class DataOptions:
    """How logs and datasets are read: a forced kind, a row sample, and into how many
    parts a large table is split to use every worker process."""

    as_kind: str | None = None
    sample_rows: int | None = None
    parts: int = 1
    max_bytes: int | None = None
    """--max-bytes-per-file: read a log or table up to this many bytes (to the end of
    the line in progress; for Parquet, whole row groups within it), then stop: a sample."""


SPLIT_BYTES = 8 * 1024 * 1024
"""Tables at least this large are scanned in `parts` items, one per worker."""
STRIDE_ROWS = 4096
"""A table's rows are dealt to its parts in runs of this many."""


def data_items(
    path: str, display: str, size: int, options: DataOptions, named: bool
) -> list[DataItem | Notice]:
    """The items for a log or dataset file (empty for an ordinary file), or a notice.

    A large table becomes one item per worker: each reads the whole file (parsing is
    cheap) but scans only its own runs of rows (detection is not). A Parquet file
    without pyarrow installed is an error when it was named on the command line (or
    --as parquet), and a notice when met while walking a folder.
    """
    kind = options.as_kind if (options.as_kind and named) else kind_for_name(display)
    if kind is None:
        return []
    if kind == "parquet" and not parquet_supported():
        if named:
            raise InputError(f"{display}: {DATASETS_EXTRA}")
        return [Notice(display, f"skipped: {DATASETS_EXTRA}")]
    # A workbook is not split: every part would parse the whole of it, and parsing still
    # costs about as much as detection (split in two, 100,000 rows took 43% more CPU).
    parts = options.parts if kind not in ("log", "xlsx", "ods") and size >= SPLIT_BYTES else 1
    return [
        DataItem(path, display, size // parts, kind, options, part, parts) for part in range(parts)
    ]


@dataclass(frozen=True)
class DataItem:
    """One log or dataset file (or standard input, path '-'), or part `part` of `parts`
    of a large table."""

    path: str
    display: str
    size: int
    kind: str
    options: DataOptions
    part: int = 0
    parts: int = 1
    content: bytes | None = None
    """The file's bytes when they do not come from `path` (a blob read from git)."""

    @property
    def counts_as_file(self) -> bool:
        return self.part == 0  # a split table counts once

    def load(self) -> Iterator[Chunk | Notice]:
        notices = _NoticeLimit(self.display)
        try:
            if self.kind == "parquet":
                yield from self._parquet(notices)
                return
            if self.kind in ("xlsx", "ods"):
                yield from self._workbook(notices)
                return
            with self._open() as stream:
                budget = self.options.max_bytes
                limited = _ByteBudget(stream, budget) if budget is not None else None
                raw = io.BufferedReader(limited or stream)
                found = magic_format(raw.peek(SNIFF_BYTES)[:SNIFF_BYTES])
                if self.kind == "log":
                    yield from _log_chunks(raw, self.display, notices)
                elif found is not None:
                    if self.part == 0:
                        yield Notice(
                            self.display, f"skipped: {found}, though its name says {self.kind}"
                        )
                else:
                    text = open_text(raw, keep_bom=False)
                    yield from self._cells(self._records(text), notices)
                yield from notices.flush()
                if stream.problem and self.part == 0:
                    yield Notice(self.display, stream.problem, stream.level)
                if limited is not None and limited.sampled and self.part == 0:
                    yield Notice(self.display, sampled_note(limited.read_bytes))
        except OSError as exc:
            yield from notices.flush()
            yield Notice(self.display, f"cannot be read: {_short_error(exc)}")

    def _parquet(self, notices: _NoticeLimit) -> Iterator[Chunk | Notice]:
        try:
            source: str | IO[bytes] = (
                self.path if self.content is None else io.BytesIO(self.content)
            )
            groups: list[tuple[int, int]] = []
            records = read_parquet(
                source, PARQUET_BATCH_ROWS, self.limit, self.options.max_bytes, groups.append
            )
            yield from self._cells(records, notices)
            if groups and self.part == 0:
                read, total = groups[0]
                yield Notice(self.display, sampled_note(read, f" of {total} row groups"))
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            if self.part == 0:
                yield Notice(self.display, f"not a readable Parquet file: {_short_error(exc)}")

    def _workbook(self, notices: _NoticeLimit) -> Iterator[Chunk | Notice]:
        """An Excel workbook's or OpenDocument spreadsheet's sheets as tables (see
        sources.spreadsheet, sources.opendocument). What a limit keeps from being read
        makes the scan incomplete; a broken workbook is a warning."""
        from policyctl.sources import opendocument, spreadsheet

        read = spreadsheet.read_xlsx if self.kind == "xlsx" else opendocument.read_ods
        unavailable = spreadsheet.sheets_unavailable() if self.kind == "xlsx" else None
        if unavailable:
            if self.part == 0:
                yield Notice(self.display, f"skipped: {unavailable}")
            return
        over_limit: list[Notice] = []

        def records(source: str | IO[bytes]) -> Iterator[Record | Malformed]:
            for record in read(source, self.limit):
                if isinstance(record, spreadsheet.OverLimit):
                    over_limit.append(Notice(self.display, record.message, "error"))
                else:
                    yield record

        try:
            if self.content is not None:
                yield from self._cells(records(io.BytesIO(self.content)), notices)
            elif self.path == STDIN:  # a zip is read from its end: it would be held whole
                yield Notice(self.display, "skipped: a workbook cannot be read from standard input")
            else:
                with open_binary(self.path) as handle:
                    yield from self._cells(records(handle), notices)
        except spreadsheet.WorkbookRefused as refused:
            if self.part == 0:  # every part reads the whole workbook; one reports it
                yield Notice(self.display, f"skipped: {refused}", refused.level)
        yield from notices.flush()
        if self.part == 0:
            yield from over_limit

    @property
    def limit(self) -> int | None:
        return self.options.sample_rows

    @contextmanager
    def _open(self) -> Iterator[_GuardedStream]:
        if self.content is not None:
            yield _GuardedStream.over(io.BytesIO(self.content))
            return
        if self.path == STDIN:
            yield _GuardedStream.over(sys.stdin.buffer)
            return
        with open_binary(self.path) as raw:
            yield _GuardedStream.over(raw)

    def _records(self, stream: IO[str]) -> Iterator[Record | Malformed]:
        if self.kind == "jsonl":
            return read_jsonl(stream, self.limit)
        if self.kind == "json":
            return read_json(stream, self.limit)
        sample = stream.read(SNIFF_CHARS)
        sample += stream.readline()  # end the sample on a line break
        layout = sniff_layout(sample, "\t" if tab_separated(self.display) else ",")
        return read_csv(_chain_text(sample, stream), layout, self.limit)

    def _cells(
        self, records: Iterable[Record | Malformed], notices: _NoticeLimit
    ) -> Iterator[Chunk | Notice]:
        batcher = CellBatcher(self.display, "datasets")
        part, parts = self.part, self.parts
        as_text = self.kind in ("csv", "xlsx", "ods")  # cells already text
        add_row = batcher.add_row  # (the loop runs once a row: looked up once)
        for record in records:
            if isinstance(record, Malformed):
                if part == 0:  # every part reads the whole file; one reports its faults
                    yield from notices.add(f"{record.where}: {record.message}")
                continue
            number = record.number
            if parts > 1 and (number - 1) // STRIDE_ROWS % parts != part:
                continue
            if as_text:
                add_row(record.values, record.names, number, record.line)
            else:
                for name, value in zip(record.names, record.values, strict=True):
                    text = value if isinstance(value, str) else cell_text(value)
                    batcher.add(text, number, name, record.line)
            if batcher.full:  # (ready() without a generator a row)
                yield from batcher.rest()
        yield from batcher.rest()


def sampled_note(read: int | None, what: str = "") -> str:
    """The notice of a file read only in part, by the per-file byte budget."""
    amount = f"the first {read} bytes" if not what else f"the first {read}{what}"
    return f"sampled: only {amount} read (--max-bytes-per-file)"


LINE_GRACE = 1024 * 1024
"""Past the byte budget, the line in progress is read to its end, up to this much more."""


class _ByteBudget(io.RawIOBase):
    """A stream that ends once `budget` bytes were read and the line in progress is
    whole (or LINE_GRACE more bytes were read); `sampled` says whether data was left."""

    def __init__(self, stream: io.RawIOBase, budget: int) -> None:
        self.stream = stream
        self.budget = budget
        self.read_bytes = 0
        self.done = False
        self.sampled = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.done:
            return 0
        left = self.budget - self.read_bytes
        if left > 0:
            data = self.stream.read(min(len(buffer), left)) or b""
        else:
            data = self.stream.read(min(len(buffer), 4096)) or b""
            end = data.find(b"\n")
            if end >= 0 or not data or -left > LINE_GRACE:
                data = data[: end + 1] if end >= 0 else data
                self._finish()
        if not data:
            self.done = True
        self.read_bytes += len(data)
        buffer[: len(data)] = data
        return len(data)

    def _finish(self) -> None:
        self.done = True
        self.sampled = bool(self.stream.read(1))


def cell_text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return str(int(value))  # 4.111111111111111e15 was a card number in a float column
    return str(value)


class _NoticeLimit:
    """Malformed-data notices for one file: the first few in full, then a count."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.count = 0

    def add(self, message: str) -> Iterator[Notice]:
        self.count += 1
        if self.count <= MAX_NOTICES_PER_FILE:
            yield Notice(self.display, message)

    def flush(self) -> Iterator[Notice]:
        hidden = self.count - MAX_NOTICES_PER_FILE
        if hidden > 0:
            yield Notice(self.display, f"{hidden} more malformed records not listed")
        self.count = min(self.count, MAX_NOTICES_PER_FILE)


def _log_chunks(
    raw: io.BufferedReader[Any], display: str, notices: _NoticeLimit
) -> Iterator[Chunk | Notice]:
    """Plain log lines in blocks; JSON-lines logs as cells located by line and key path.

    A log is text whatever bytes it holds (a NUL at the start hides nothing); only a known
    binary format is skipped, with a warning. UTF-16/32 with a byte-order mark is
    transcoded. Lines are read at most LOG_BLOCK_BYTES at a time, so one endless line
    never sits in memory whole.
    """
    found = magic_format(raw.peek(SNIFF_BYTES)[:SNIFF_BYTES])
    if found is not None:
        yield Notice(display, f"skipped: {found}, though its name says a log")
        return
    found_bom = bom_encoding(raw.peek(4)[:4])
    transcoded = found_bom is not None and found_bom[0] != "utf-8"
    lines = _bounded_lines(raw)
    first_lines: list[bytes] = []
    seen = 0
    for line in lines:
        first_lines.append(line)
        seen += len(line)
        if line.strip() or seen >= SNIFF_BYTES:  # a head of blank lines is not kept whole
            break
    head = first_lines[-1].lstrip() if first_lines else b""
    stream = _chain_bytes(first_lines, lines)
    if head.startswith(b"{") and is_json_object(head):
        yield from _json_log_chunks(stream, display, notices)
    elif transcoded:
        yield from _text_log_chunks(stream, display)
    else:
        yield from _text_log_blocks(b"".join(first_lines), raw.read, display)


def _bounded_lines(raw: io.BufferedReader[Any]) -> Iterator[bytes]:
    """The lines of `raw` as UTF-8 bytes, a line longer than LOG_BLOCK_BYTES in pieces
    (each but the last without its newline); UTF-16/32 with a BOM transcoded."""
    found = bom_encoding(raw.peek(4)[:4])
    if found is None or found[0] == "utf-8":
        if found is not None:
            raw.read(found[1])
        while line := raw.readline(LOG_BLOCK_BYTES):
            yield line
        return
    text = io.TextIOWrapper(raw, encoding=found[0], errors="replace", newline="")
    while decoded := text.readline(LOG_BLOCK_BYTES):
        yield decoded.encode("utf-8", "replace")


LINE_OVERLAP = 8192
"""Bytes of a long line's window repeated at the start of the next window, so a value
across the edge is whole in one of them (as wide as the widest match, MAX_WINDOW)."""


def _text_log_chunks(lines: Iterator[bytes], display: str) -> Iterator[Chunk]:
    """Blocks of about LOG_BLOCK_BYTES of whole lines. A longer line is cut into windows
    that overlap by LINE_OVERLAP bytes; each window knows its line and column."""
    block: list[bytes] = []
    size = 0
    first_line, first_column, overlap = 1, 1, 0
    for line in lines:
        block.append(line)
        size += len(line)
        if size < LOG_BLOCK_BYTES:
            continue
        data = b"".join(block)
        yield _log_block(data, display, first_line, first_column, overlap)
        first_line, first_column, carry = _next_window(data, first_line, first_column)
        block, size, overlap = ([carry], len(carry), len(carry)) if carry else ([], 0, 0)
    if block:
        yield _log_block(b"".join(block), display, first_line, first_column, overlap)


def _text_log_blocks(head: bytes, read: Callable[[int], bytes], display: str) -> Iterator[Chunk]:
    """The blocks _text_log_chunks makes of the lines of `head` and then of what `read`
    returns, found with two searches a block rather than a readline a line (a log of
    short lines, such as pretty-printed JSON, has some 30,000 lines a block).

    The lines are those of _bounded_lines: a block takes whole pieces (a line, or
    LOG_BLOCK_BYTES of a longer one) until it holds LOG_BLOCK_BYTES; so it ends at the
    end of the piece holding its LOG_BLOCK_BYTES-th byte: the line's end, or the cut of
    a long line at a multiple of LOG_BLOCK_BYTES from where its piece started.
    """
    size = LOG_BLOCK_BYTES
    pending = head  # read and not yet in a block; it starts where a piece starts
    carry = b""
    ended = False
    first_line, first_column, overlap = 1, 1, 0
    while True:
        need = size - len(carry)
        while not ended and len(pending) < need + size:
            more = read(size)
            ended = not more
            pending += more
        if len(pending) < need:  # the end of the log: the rest is the last block
            if carry or pending:
                yield _log_block(carry + pending, display, first_line, first_column, overlap)
            return
        piece_start = pending.rfind(b"\n", 0, need) + 1
        if piece_start == need:
            end = need  # a line ends right at the block's size
        else:
            piece_start += (need - 1 - piece_start) // size * size
            newline = pending.find(b"\n", piece_start, piece_start + size)
            end = newline + 1 if newline >= 0 else min(piece_start + size, len(pending))
        data = carry + pending[:end]
        pending = pending[end:]
        yield _log_block(data, display, first_line, first_column, overlap)
        first_line, first_column, carry = _next_window(data, first_line, first_column)
        overlap = len(carry)


def _next_window(data: bytes, line: int, column: int) -> tuple[int, int, bytes]:
    """Where the block after `data` starts (line, column), and the bytes it repeats:
    nothing when `data` ends at a line's end; when it ends inside a line, the end of
    that line's window (at most LINE_OVERLAP bytes), so a value across the edge is whole
    in one of the two."""
    ended = data.count(b"\n")
    tail_start = data.rfind(b"\n") + 1
    if ended:
        line, column = line + ended, 1
    if tail_start == len(data):
        return line, column, b""
    carry_from = max(tail_start, len(data) - LINE_OVERLAP)
    column += len(data[tail_start:carry_from].decode("utf-8", "replace"))
    return line, column, data[carry_from:]


def _log_block(data: bytes, display: str, line: int, column: int, overlap: int) -> Chunk:
    """A block of a text log: where it starts, and how much of it repeats the last block."""
    return Chunk(data, Location(path=display), "logs", line, first_column=column, overlap=overlap)


def _json_log_chunks(
    lines: Iterator[bytes], display: str, notices: _NoticeLimit
) -> Iterator[Chunk | Notice]:
    """Each JSON line's values are cells at (line, key path); a line that is not JSON
    is reported and still scanned as text, so nothing in the log goes unread."""
    from policyctl.sources.tabular import json_leaves

    batcher = CellBatcher(display, "logs")
    for number, line in enumerate(lines, 1):
        text = line.decode("utf-8", "replace").strip()
        if not text:
            continue
        try:
            record = json.loads(text)
        except ValueError:
            yield from notices.add(f"line {number}: not valid JSON; scanned as text")
            batcher.add(text, None, None, number)
        else:
            for path, value in json_leaves(record):
                batcher.add(
                    value if isinstance(value, str) else cell_text(value), None, path, number
                )
        yield from batcher.ready()
    yield from batcher.rest()


def _chain_bytes(first: list[bytes], rest: Iterator[bytes]) -> Iterator[bytes]:
    yield from first
    yield from rest


def _chain_text(head: str, stream: IO[str]) -> Iterator[str]:
    """The lines of `head` (read ahead to sniff the dialect), then the rest of `stream`."""
    return chain(io.StringIO(head), stream)


MAX_DECOMPRESSED_BYTES = 1 << 30
"""A gzip file decompresses to at most this much; beyond it the scan is incomplete."""
MAX_RATIO = 100
"""Decompressed bytes per compressed byte above which a gzip stream is a bomb (text logs
compress 5 to 20 times; a file of one repeated byte, about a thousand)."""
RATIO_CHECKED_AFTER = 16 << 20
"""The ratio is judged once this much is decompressed (small files are never bombs)."""


class _GuardedStream(io.RawIOBase):
    """A byte stream that ends, instead of raising, where a gzip stream is truncated or
    corrupt, and keeps the reason: the readers then finish what they have."""

    def __init__(self, stream: IO[bytes], compressed: IO[bytes] | None = None) -> None:
        self.stream = stream
        self.compressed = compressed
        """The file under a gzip stream, whose position measures the compression ratio."""
        self.problem: str | None = None
        self.level = "warning"
        self.produced = 0

    @classmethod
    def over(cls, raw: IO[bytes]) -> _GuardedStream:
        """`raw`, decompressed when it is gzip, guarded."""
        stream = decompressed(raw)
        return cls(stream, raw if stream is not raw else None)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.problem:
            return 0
        try:
            data = self.stream.read(len(buffer))
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            self.problem = _compression_problem(exc)
            return 0
        self.produced += len(data)
        if self.compressed is not None and self.produced > RATIO_CHECKED_AFTER:
            bomb = self._bomb()
            if bomb:
                self.problem, self.level = bomb, "error"  # the rest was not scanned
                return 0
        buffer[: len(data)] = data
        return len(data)

    def _bomb(self) -> str | None:
        """Why decompression stops here (a possible gzip bomb), or None to go on."""
        if self.produced > MAX_DECOMPRESSED_BYTES:
            limit = f"{MAX_DECOMPRESSED_BYTES >> 20} MiB"
            return f"decompressed size over {limit}: only the first {limit} scanned"
        try:
            consumed = max(1, self.compressed.tell()) if self.compressed else 1
        except OSError:  # a pipe: only the size is capped
            return None
        if self.produced > MAX_RATIO * consumed:
            return (
                f"compression ratio over {MAX_RATIO}:1 (a gzip bomb?): only the first "
                f"{self.produced >> 20} MiB scanned"
            )
        return None


def _compression_problem(exc: Exception) -> str:
    if isinstance(exc, EOFError):
        return "truncated gzip stream: the end of the file is missing; scanned what was there"
    return "corrupt gzip stream; scanned what could be read before it"


def _short_error(exc: Exception) -> str:
    """An I/O or Parquet error, without any data the message might quote."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
