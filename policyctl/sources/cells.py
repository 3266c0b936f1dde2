"""Batch many short values (table cells, JSON leaves) into few chunks, one value a line.

Scanning each cell as its own chunk would pay the engine's per-call cost millions of
times; instead thousands of cells share one chunk and `CellLocations` maps each line
back to its row and column, building a Location only for lines that hold a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import repeat
from typing import overload

from policyctl.core.model import Chunk, LineLocations, Location

CHUNK_CHARS = 1 << 20
"""About this many characters of cells go into one chunk."""


@dataclass(frozen=True)
class CellLocations(LineLocations):
    """Line k of a cell chunk is the cell at (rows[k], fields[k]), on file line lines[k]."""

    path: str
    rows: list[int | None] = field(default_factory=list)
    fields: list[str | None] = field(default_factory=list)
    lines: list[int | None] = field(default_factory=list)
    origin: Location | None = None
    """Where the cells come from when more than a path says it (a commit, for git)."""

    def __len__(self) -> int:
        return len(self.fields)

    def field_at(self, index: int) -> str | None:
        fields = self.fields
        return fields[index] if index < len(fields) else None

    @overload
    def __getitem__(self, index: int) -> Location: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Location]: ...

    def __getitem__(self, index: int | slice) -> Location | Sequence[Location]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if self.origin is not None:
            return replace(
                self.origin,
                line=self.lines[index],
                row=self.rows[index],
                field=self.fields[index],
            )
        return Location(
            path=self.path, line=self.lines[index], row=self.rows[index], field=self.fields[index]
        )


_ARRAY_INDEX = re.compile(r"\[\d+\]")


def column_key(field_name: str) -> str:
    """The column a value belongs to: its key path with array positions as [*]."""
    return _ARRAY_INDEX.sub("[*]", field_name) if "[" in field_name else field_name


class CellBatcher:
    """Collects (text, row, field, line) cells and hands out chunks of about CHUNK_CHARS."""

    def __init__(
        self, path: str, kind: str, limit: int = CHUNK_CHARS, origin: Location | None = None
    ) -> None:
        self.path = path
        self.kind = kind
        self.limit = limit
        self.origin = origin
        self._reset()

    def _reset(self) -> None:
        self.texts: list[str] = []
        self.where = CellLocations(self.path, origin=self.origin)
        self.size = 0

    def add(self, text: str, row: int | None, field_name: str | None, line: int | None) -> None:
        """Queue one value; newlines inside it become spaces, so it stays one line."""
        if "\n" in text or "\r" in text:
            text = text.replace("\r", " ").replace("\n", " ")
        self.texts.append(text)
        self.where.rows.append(row)
        self.where.fields.append(field_name)
        self.where.lines.append(line)
        self.size += len(text) + 1

    def add_row(self, values: list[str], names: list[str], row: int, line: int | None) -> None:
        """Queue a table row's cells (all text) at once: the fast path for CSV."""
        joined = "".join(values)
        if "\n" in joined or "\r" in joined:
            values = [v.replace("\r", " ").replace("\n", " ") for v in values]
        count = len(values)
        where = self.where
        self.texts.extend(values)
        where.fields.extend(names if count == len(names) else names[:count])
        where.rows.extend(repeat(row, count))
        where.lines.extend(repeat(line, count))
        self.size += len(joined) + count

    @property
    def full(self) -> bool:
        return self.size >= self.limit

    def ready(self) -> Iterator[Chunk]:
        """The queued cells as a chunk once there are enough of them."""
        if self.full:
            yield from self.rest()

    def rest(self) -> Iterator[Chunk]:
        """Whatever cells are queued, as a chunk (at the end of the input)."""
        chunk = self.take()
        if chunk is not None:
            yield chunk

    def take(self) -> Chunk | None:
        """The queued cells as one chunk (None when there are none), and start afresh."""
        if not self.texts:
            return None
        data = "\n".join(self.texts).encode("utf-8", "replace")
        chunk = Chunk(
            data=data,
            origin=self.origin or Location(path=self.path),
            kind=self.kind,
            line_locations=self.where,
        )
        self._reset()
        return chunk
