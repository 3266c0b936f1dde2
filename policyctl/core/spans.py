"""Sets of whole numbers (file lines, table rows) as sorted runs: `2-40,45` is 40 numbers.

A column finding stands for every matching cell of its column; the places of those cells
are kept as runs, which stay small however long the column (a column full of e-mail
addresses is one run), so a baseline can record exactly which cells it accepted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

Spans = tuple[tuple[int, int], ...]
"""Sorted, non-overlapping, non-adjacent runs (first, last), both ends included."""

_TEXT = re.compile(r"^\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*$")


def normalised(runs: Iterable[tuple[int, int]]) -> Spans:
    """Runs in any order, overlapping or touching, as Spans."""
    merged: list[tuple[int, int]] = []
    for first, last in sorted(runs):
        if merged and first <= merged[-1][1] + 1:
            if last > merged[-1][1]:
                merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return tuple(merged)


def union(a: Spans, b: Spans) -> Spans:
    return normalised((*a, *b))


def minus(a: Spans, b: Spans) -> Spans:
    """The numbers of `a` that are not in `b`."""
    result: list[tuple[int, int]] = []
    index = 0
    for first, last in a:
        start = first
        while index < len(b) and b[index][1] < start:
            index += 1
        probe = index
        while probe < len(b) and b[probe][0] <= last:
            low, high = b[probe]
            if low > start:
                result.append((start, low - 1))
            start = max(start, high + 1)
            if high >= last:
                break
            probe += 1
        if start <= last:
            result.append((start, last))
    return tuple(result)


def size(spans: Spans) -> int:
    return sum(last - first + 1 for first, last in spans)


def render(spans: Spans) -> str:
    """`2-40,45`: the form a baseline file keeps."""
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def parse(text: str) -> Spans:
    """The Spans `render` wrote; a ValueError for anything else."""
    if not text:
        return ()
    if not _TEXT.match(text):
        raise ValueError("not a list of numbers and ranges such as 2-40,45")
    runs = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        low, high = int(first), int(last or first)
        if high < low:
            raise ValueError(f"range {part} runs backwards")
        runs.append((low, high))
    return normalised(runs)


class SpanBuilder:
    """Collects numbers that mostly come in increasing order, in constant time each."""

    def __init__(self) -> None:
        self.runs: list[tuple[int, int]] = []
        self.ordered = True

    def add(self, number: int) -> None:
        runs = self.runs
        if runs:
            first, last = runs[-1]
            if number == last + 1:
                runs[-1] = (first, number)
                return
            if first <= number <= last:
                return
            if number < first:
                self.ordered = False
        runs.append((number, number))

    def add_run(self, first: int, last: int) -> None:
        """Every number from `first` to `last`, as `add` would take them one by one."""
        self.add(first)
        runs = self.runs
        low, high = runs[-1]
        if high < last and low <= first:
            runs[-1] = (low, last)

    def spans(self) -> Spans:
        return tuple(self.runs) if self.ordered else normalised(self.runs)
