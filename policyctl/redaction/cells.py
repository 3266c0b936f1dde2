"""Redact many short values (table cells, JSON values) at once, the way they are scanned.

The values are packed into one chunk, a value a line, by the scanner's own
`CellBatcher`, so detection sees exactly what `policyctl scan` sees (column names and
key paths count as context) and pays the engine's per-call cost once per batch. Each
replacement is then mapped back to its value, and `write_records` writes each record
of the batch changed or exactly as it was read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO

from policyctl.model import Chunk, Location
from policyctl.redaction.redactor import Edit, Redactor, SpanChunk
from policyctl.redaction.text import apply_edits
from policyctl.sources.cells import CellBatcher, CellLocations, column_key
from policyctl.sources.tabular import Malformed, Record

MAX_WARNINGS = 20
"""Malformed-data warnings listed in full per file; the rest are counted."""


@dataclass(frozen=True, slots=True)
class Change:
    """What one value becomes; `removed` when the `remove` strategy took it whole."""

    text: str
    removed: bool


def redact_cells(chunk: Chunk, values: Sequence[str], redactor: Redactor) -> dict[int, Change]:
    """The values of a cell chunk (value k on line k) that hold a finding, by index,
    with what each becomes. Every other value is left exactly as it was."""
    locations = chunk.line_locations
    assert isinstance(locations, CellLocations)
    fields = locations.fields
    span = SpanChunk(
        data=chunk.data, origin=chunk.origin, kind=chunk.kind, line_locations=locations
    )

    lines: dict[int, tuple[int, int, int]] = {}  # offset -> its line, found once

    def column_at(offset: int) -> str | None:
        line = lines[offset] = span.line_span(offset)
        name = fields[line[0]]
        return column_key(name) if name else None

    grouped: dict[int, tuple[bytes, list[Edit]]] = {}
    for edit in redactor.edits(span, column_at=column_at):
        index, start, end = lines[edit.start]
        relative = Edit(edit.start - start, min(edit.end, end) - start, edit.text, edit.strategy)
        grouped.setdefault(index, (span.data[start:end], []))[1].append(relative)
    changes: dict[int, Change] = {}
    for index, (line, edits) in grouped.items():
        original = _value_bytes(values[index], line)
        text = apply_edits(original, 0, len(original), edits).decode("utf-8", "surrogateescape")
        whole = edits[0].start == 0 and edits[-1].end == len(original)
        changes[index] = Change(text, whole and all(e.strategy == "remove" for e in edits))
    return changes


def _value_bytes(value: str, line: bytes) -> bytes:
    """The value as bytes with offsets matching its `line` in the chunk (where line
    breaks became spaces, one byte for one byte). Undecodable input bytes, kept as
    surrogates, come back as they were; a value that cannot be encoded (a lone
    surrogate from a JSON escape) is taken as the chunk has it."""
    try:
        original = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return line
    return original if len(original) == len(line) else line


def redact_loose_text(text: str, redactor: Redactor, display: str) -> str:
    """A piece of text that is not a well-formed record (a malformed CSV row, a line of
    a JSON-lines file that is not JSON), its sensitive values replaced where they
    stand: it is passed on, never lost, and never a way for a value to get through."""
    data = text.encode("utf-8", "surrogateescape")
    edits = redactor.edits(SpanChunk(data=data, origin=Location(path=display), kind="datasets"))
    if not edits:
        return text
    return apply_edits(data, 0, len(data), edits).decode("utf-8", "surrogateescape")


@dataclass
class DataResult:
    """What redacting one table or JSON file did: its format, lines and records read,
    and the warnings about malformed parts it passed through."""

    format: str
    lines: int = 0
    records: int = 0
    warnings: list[str] = field(default_factory=list)
    malformed: int = 0

    def warn(self, message: str) -> None:
        self.malformed += 1
        if self.malformed <= MAX_WARNINGS:
            self.warnings.append(message)

    def finish(self) -> None:
        hidden = self.malformed - MAX_WARNINGS
        if hidden > 0:
            self.warnings.append(f"{hidden} more malformed records passed through, not listed")


Rewrite = Callable[[Record, dict[int, Change], str], str]
"""A record's new text from its changes (by value index) and the text written before it."""


def write_records(
    items: Iterable[Record | Malformed | str],
    cells: Callable[[Record], list[str]],
    rewrite: Rewrite,
    out: IO[str],
    redactor: Redactor,
    display: str,
    result: DataResult,
) -> None:
    """Write a reader's items (kept text, `keep_raw`) to `out`: each record as it was
    read unless one of its `cells` holds a finding, then as `rewrite` makes it; plain
    text as it is; a malformed part with its values replaced as in plain text, and a
    warning. Records are detected in batches of about CHUNK_CHARS."""
    batcher = CellBatcher(display, "datasets")
    pending: list[Record | Malformed | str] = []
    values: list[str] = []
    state = [""]  # the last plain text written
    for item in items:
        if isinstance(item, Record):
            texts = cells(item)
            batcher.add_row(texts, item.names, item.number, item.line)
            values.extend(texts)
            result.records += 1
        elif isinstance(item, Malformed):
            result.warn(f"{item.where}: {item.message}; passed through")
        pending.append(item)
        if batcher.full:
            _flush(pending, values, batcher, rewrite, out, redactor, display, result, state)
            pending, values = [], []
    _flush(pending, values, batcher, rewrite, out, redactor, display, result, state)
    result.finish()


def _flush(
    pending: Sequence[Record | Malformed | str],
    values: Sequence[str],
    batcher: CellBatcher,
    rewrite: Rewrite,
    out: IO[str],
    redactor: Redactor,
    display: str,
    result: DataResult,
    state: list[str],
) -> None:
    """Detect the batch's cells and write its items, each changed or as it was."""
    chunk = batcher.take()
    changes = redact_cells(chunk, values, redactor) if chunk is not None else {}
    first = 0  # index of the next record's first cell in the batch
    for item in pending:
        if isinstance(item, Record):
            text = item.raw or ""
            count = len(item.values)
            mine = {i - first: changes[i] for i in range(first, first + count) if i in changes}
            if mine:
                text = rewrite(item, mine, state[0])
            first += count
        elif isinstance(item, Malformed):
            text = redact_loose_text(item.raw, redactor, display) if item.raw else ""
        else:
            text = state[0] = item
        result.lines += text.count("\n")
        out.write(text)
