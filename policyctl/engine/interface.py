"""The matcher interface every engine backend implements, and the pattern data they share."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from policyctl.core.model import Rule, new_tuple
from policyctl.engine.edges import edges_as_assertions
from policyctl.engine.regex_safety import max_width, within_a_line


class Match(NamedTuple):
    """A confirmed regex match of one rule: the whole span and the value (`secret` group).

    A named tuple rather than a dataclass: a dataset scan makes millions, and a tuple
    is several times cheaper to create."""

    rule: int
    start: int
    end: int
    value_start: int
    value_end: int


@dataclass(frozen=True)
class CompiledPattern:
    """A rule's pattern for Python `re` over bytes, with what the backends need.

    The regex, the index of its `secret` group and its longest match width are worked
    out on first use: the Hyperscan backend needs them only for rules that hit, the `re`
    backend only for rules whose keywords are in the text, and working them out for
    hundreds of patterns would dominate a pre-commit run on an empty cache.
    """

    source: bytes
    keywords: tuple[bytes, ...]
    """Lower-case; when there are any, both backends run the rule only over a text that
    holds one of them (case-insensitively), so the engine never changes what is found."""
    drops_decimals: bool = False
    """The rule has the decimal_number filter: both backends leave out a match whose
    value is plainly digits of a decimal number (in_a_decimal), which that filter
    would reject; the filter still judges every other match of the rule."""
    prefilter: bytes | None = None
    """What Hyperscan looks for in the pattern's place (Rule.prefilter), if anything."""

    @cached_property
    def regex(self) -> re.Pattern[bytes]:
        """The pattern for `re`, its edge delimiters taking no byte (engine.edges): the
        same values, and one right after another is found too. Hyperscan scans `source`
        (or the prefilter), whose width and lines the windows around its hits follow."""
        return re.compile(edges_as_assertions(self.source))

    @cached_property
    def value_group(self) -> int:
        """The index of the `secret` group (0: the whole match)."""
        return self.regex.groupindex.get("secret", 0)

    @cached_property
    def width(self) -> int:
        """The longest match (regex_safety.max_width)."""
        return max_width(self.source.decode("utf-8"))

    @cached_property
    def one_line(self) -> bool:
        """No match holds a line break (regex_safety.within_a_line)."""
        return within_a_line(self.source)

    @classmethod
    def from_rule(cls, rule: Rule) -> CompiledPattern:
        return cls(
            source=rule.pattern.encode("utf-8"),
            keywords=tuple(k.lower().encode("utf-8") for k in rule.keywords),
            drops_decimals=DECIMAL_FILTER in rule.filters,
            prefilter=None if rule.prefilter is None else rule.prefilter.encode("utf-8"),
        )

    def to_match(self, rule: int, found: re.Match[bytes]) -> Match:
        value_start, value_end = found.span(self.value_group)
        start, end = found.span()
        if value_start < 0:  # the `secret` group did not take part in the match
            value_start, value_end = start, end
        return new_tuple(Match, (rule, start, end, value_start, value_end))


DECIMAL_FILTER = "decimal_number"
_ASCII_DIGITS = frozenset(b"0123456789")
_DECIMAL_LEADS = _ASCII_DIGITS | frozenset(
    byte for byte in range(0x80) if not (chr(byte).isalnum() or byte in b"_.")
)
"""A byte before a '.' that makes it a decimal point: a digit (`0.56`), or none of a
word's nor a point (`-.56`, `(.56`, a line's start): the filter's `(?:^|\\d|[^\\w.])\\.$`
on ASCII."""


def in_a_decimal(data: bytes, value_start: int, value_end: int) -> bool:
    """True in the common cases where the decimal_number filter
    (secret_filters.is_part_of_a_decimal_number) rejects a value, decided on the bytes:
    '.' right before the value after an ASCII digit, an ASCII byte of no word or the
    start (`0.56...`, `-.56...`), or '.' and an ASCII digit right after it. ASCII bytes
    decode to themselves, so the filter sees those very characters in the candidate's
    text; any other case (a non-ASCII digit ...) is left to the filter.

    Card-number candidates are mostly the digits of floats (28,000 of 39,000 on the
    benchmark corpus, in three files of coordinates): the engine turns them away before
    a match, a candidate or a filter is made for them (issue 18)."""
    if (
        value_start >= 1
        and data[value_start - 1] == 0x2E
        and (value_start == 1 or data[value_start - 2] in _DECIMAL_LEADS)
    ):
        return True
    return (
        value_end + 1 < len(data)
        and data[value_end] == 0x2E
        and data[value_end + 1] in _ASCII_DIGITS
    )


HitFilter = Callable[[int], bool]
"""Asked with the end offset of a hit whether to confirm it (see Matcher.matches)."""


class Mark(NamedTuple):
    """An expression a caller wants the ends of in the same pass as the rules' matches
    (detection.decode's triggers): it costs one database instead of a second pass."""

    expression: bytes
    flags: int = 0


MARK_BASE = 1 << 24
"""The id of the first mark in a database: rule ids are below it."""


class Matcher(ABC):
    """Finds every match of every rule in a chunk of bytes, in one call."""

    name: str

    def matches(
        self,
        data: bytes,
        within_lines: bool = False,
        accept: Callable[[int], bool | HitFilter] | None = None,
    ) -> list[Match]:
        """The matches of marked_matches(), without the marks."""
        return self.marked_matches(data, within_lines, accept)[0]

    def prepare(self) -> None:
        """Make ready now for a large input (compile what a small one would not), so
        that worker processes forked after this share it instead of each making it."""
        return None

    @abstractmethod
    def marked_matches(
        self,
        data: bytes,
        within_lines: bool = False,
        accept: Callable[[int], bool | HitFilter] | None = None,
    ) -> tuple[list[Match], list[tuple[int, int]] | None]:
        """All matches, non-overlapping per rule (as `re.finditer` would give them), and
        the hits of the marks the matcher was built with as (mark index, end offset)
        pairs, every end Hyperscan reports, sorted; None when this matcher does not find
        its marks (then the caller looks for them itself).

        With `within_lines`, the data is a list of independent values one per line
        (dataset cells): a match is confirmed inside its own line, never across one.
        `accept`, when given, is asked once per rule that has hits whether to confirm
        them at all (the caller may know none of them could become a finding). With
        `within_lines` it may answer with a HitFilter instead, asked for each hit by
        the offset where the hit ends; it must decide by the line that offset ends, so
        that a hit and the match confirmed for it (in the same line) are judged alike.
        """


Pause = Callable[[], Callable[[], None]]
"""Stops a clock and returns what starts it again (see not_timed)."""

_pauses: list[Pause] = []


@contextmanager
def pausing(pause: Pause) -> Iterator[None]:
    """While the block runs, `pause` is called around every not_timed stretch of work:
    how a per-input time budget (detection.scan) leaves out compiling a database."""
    _pauses.append(pause)
    try:
        yield
    finally:
        _pauses.remove(pause)


@contextmanager
def not_timed() -> Iterator[None]:
    """Work done once per process, not for the input at hand: compiling a Hyperscan
    database (seconds; a minute on a busy machine). A time budget that counted it would
    cut the compile short, the database would never reach the cache, and every later
    input would compile again and be cut short too."""
    resumes = [pause() for pause in _pauses]
    try:
        yield
    finally:
        for resume in reversed(resumes):
            resume()
