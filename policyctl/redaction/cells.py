"""Redact many short values (table cells, JSON values) at once, the way they are scanned.

The values are packed into one chunk, a value a line, by the scanner's own
`CellBatcher`, so detection sees exactly what `policyctl scan` sees (column names and
key paths count as context) and pays the engine's per-call cost once per batch. Each
replacement is then mapped back to its value (`batches.write_records` then writes each
record of the batch changed or exactly as it was read).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from policyctl.core.model import Chunk, Location
from policyctl.redaction.policy import SECRET_CATEGORY
from policyctl.redaction.redactor import Edit, Redactor, SpanChunk, apply_edits
from policyctl.sources.cells import CellLocations, column_key

MAX_WARNINGS = 20
"""Malformed-data warnings listed in full per file; the rest are counted."""


class Change(NamedTuple):
    """What one value becomes; `removed` when the `remove` strategy took it whole;
    `number` the noisy value of a dp column (a float column keeps it as it is)."""

    text: str
    removed: bool
    number: float | None = None


def redact_cells(chunk: Chunk, values: Sequence[str], redactor: Redactor) -> dict[int, Change]:
    """The values of a cell chunk (value k on line k) that hold a finding, by index,
    with what each becomes. Every other value is left exactly as it was."""
    locations = chunk.line_locations
    assert isinstance(locations, CellLocations)
    fields = locations.fields
    data = chunk.data
    span = SpanChunk(data=data, origin=chunk.origin, kind=chunk.kind, line_locations=locations)
    changes: dict[int, Change] = {}
    partly: dict[int, tuple[int, int, list[Edit]]] = {}  # line -> its bounds, its edits
    columns = redactor.columns
    claimed = columns.claim(fields, values) if columns.active else {}
    secrets: set[int] = set()  # claimed cells in which a rule finds a secret
    for start, end, rule in redactor.spans(span):
        index, line_start, line_end = span.line_span(start)
        if index in claimed:  # the column's own strategy replaces the whole cell
            if rule.category == SECRET_CATEGORY:
                secrets.add(index)
            continue
        name = fields[index]
        value = data[start:end].decode("utf-8", "replace")
        text, used = redactor.stand_in(value, rule, column_key(name) if name else None)
        if start == line_start and end >= line_end:
            # the whole value replaced (the usual case), so the only edit of its line
            changes[index] = Change(text, used == "remove")
            continue
        edit = Edit(start - line_start, min(end, line_end) - line_start, text.encode(), used)
        partly.setdefault(index, (line_start, line_end, []))[2].append(edit)
    for index, (line_start, line_end, edits) in partly.items():
        original = _value_bytes(values[index], data[line_start:line_end])
        text = apply_edits(original, 0, len(original), edits).decode("utf-8", "surrogateescape")
        whole = edits[0].start == 0 and edits[-1].end == len(original)
        changes[index] = Change(text, whole and all(e.strategy == "remove" for e in edits))
    if claimed:
        for index, made in columns.replace(claimed, values, secrets).items():
            changes[index] = Change(*made)
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
