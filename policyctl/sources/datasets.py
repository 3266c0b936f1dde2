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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from policyctl.core.errors import InputError
from policyctl.core.model import Chunk, Location, Notice
from policyctl.sources.cells import CellBatcher
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

DATA_KINDS: tuple[str, ...] = ("log", "csv", "jsonl", "json", "parquet")
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
    ".log": "log",
}
_ROTATED_LOG = re.compile(r"\.log(?:[.\-_]\d[\d\-_]*)$")


def kind_for_name(name: str) -> str | None:
    """The data kind a file name says, or None for an ordinary file."""
    lower = name.lower()
    compressed = lower.endswith(".gz")
    if compressed:
        lower = lower[:-3]
    for extension, kind in _EXTENSIONS.items():
        if lower.endswith(extension):
            return kind
    if _ROTATED_LOG.search(lower):
        return "log"
    if compressed and not lower.endswith((".tar", ".json")) and "." in lower.rsplit("/", 1)[-1]:
        return None
    return "log" if compressed else None


@dataclass(frozen=True)
class DataOptions:
    """How logs and datasets are read: a forced kind, a row sample, and into how many
    parts a large table is split to use every worker process."""

    as_kind: str | None = None
    sample_rows: int | None = None
    parts: int = 1


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
    parts = options.parts if kind != "log" and size >= SPLIT_BYTES else 1
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

    @property
    def counts_as_file(self) -> bool:
        return self.part == 0  # a split table counts once

    def load(self) -> Iterator[Chunk | Notice]:
        notices = _NoticeLimit(self.display)
        try:
            if self.kind == "parquet":
                yield from self._parquet(notices)
                return
            with self._open() as stream:
                raw = io.BufferedReader(stream)
                if self.kind == "log":
                    yield from _log_chunks(raw, self.display, notices)
                else:
                    yield from self._cells(self._records(open_text(raw)), notices)
                yield from notices.flush()
                if stream.problem and self.part == 0:
                    yield Notice(self.display, stream.problem)
        except OSError as exc:
            yield from notices.flush()
            yield Notice(self.display, f"cannot be read: {_short_error(exc)}")

    def _parquet(self, notices: _NoticeLimit) -> Iterator[Chunk | Notice]:
        try:
            yield from self._cells(read_parquet(self.path, PARQUET_BATCH_ROWS, self.limit), notices)
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            if self.part == 0:
                yield Notice(self.display, f"not a readable Parquet file: {_short_error(exc)}")

    @property
    def limit(self) -> int | None:
        return self.options.sample_rows

    @contextmanager
    def _open(self) -> Iterator[_GuardedStream]:
        if self.path == STDIN:
            yield _GuardedStream(decompressed(sys.stdin.buffer))
            return
        with open(self.path, "rb") as raw:
            yield _GuardedStream(decompressed(raw))

    def _records(self, stream: IO[str]) -> Iterator[Record | Malformed]:
        if self.kind == "jsonl":
            return read_jsonl(stream, self.limit)
        if self.kind == "json":
            return read_json(stream, self.limit)
        sample = stream.read(SNIFF_CHARS)
        sample += stream.readline()  # end the sample on a line break
        tab = self.display.lower().removesuffix(".gz").endswith((".tsv", ".tab"))
        layout = sniff_layout(sample, "\t" if tab else ",")
        return read_csv(_chain_text(sample, stream), layout, self.limit)

    def _cells(
        self, records: Iterable[Record | Malformed], notices: _NoticeLimit
    ) -> Iterator[Chunk | Notice]:
        batcher = CellBatcher(self.display, "datasets")
        part, parts = self.part, self.parts
        for record in records:
            if isinstance(record, Malformed):
                if part == 0:  # every part reads the whole file; one reports its faults
                    yield from notices.add(f"{record.where}: {record.message}")
                continue
            if parts > 1 and (record.number - 1) // STRIDE_ROWS % parts != part:
                continue
            if self.kind == "csv":
                batcher.add_row(record.values, record.names, record.number, record.line)
            else:
                for name, value in zip(record.names, record.values, strict=True):
                    text = value if isinstance(value, str) else cell_text(value)
                    batcher.add(text, record.number, name, record.line)
            yield from batcher.ready()
        yield from batcher.rest()


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


def _log_chunks(raw: IO[bytes], display: str, notices: _NoticeLimit) -> Iterator[Chunk | Notice]:
    """Plain log lines in blocks; JSON-lines logs as cells located by line and key path."""
    lines = iter(raw)
    first_lines: list[bytes] = []
    for line in lines:
        first_lines.append(line)
        if line.strip():
            break
    if first_lines and b"\0" in first_lines[-1][:8192]:
        yield Notice(display, "skipped: binary data", level="info")
        return
    head = first_lines[-1].lstrip() if first_lines else b""
    stream = _chain_bytes(first_lines, lines)
    if head.startswith(b"{") and _is_json_object(head):
        yield from _json_log_chunks(stream, display, notices)
    else:
        yield from _text_log_chunks(stream, display)


def _text_log_chunks(lines: Iterator[bytes], display: str) -> Iterator[Chunk]:
    block: list[bytes] = []
    size = 0
    first_line = 1
    for line in lines:
        block.append(line)
        size += len(line)
        if size >= LOG_BLOCK_BYTES:
            yield Chunk(b"".join(block), Location(path=display), "logs", first_line)
            first_line += len(block)
            block, size = [], 0
    if block:
        yield Chunk(b"".join(block), Location(path=display), "logs", first_line)


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


def _is_json_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def _chain_bytes(first: list[bytes], rest: Iterator[bytes]) -> Iterator[bytes]:
    yield from first
    yield from rest


def _chain_text(head: str, stream: IO[str]) -> Iterator[str]:
    """The lines of `head` (read ahead to sniff the dialect), then the rest of `stream`."""
    yield from io.StringIO(head)
    yield from stream


class _GuardedStream(io.RawIOBase):
    """A byte stream that ends, instead of raising, where a gzip stream is truncated or
    corrupt, and keeps the reason: the readers then finish what they have."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.problem: str | None = None

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
        buffer[: len(data)] = data
        return len(data)


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
