"""The matcher interface every engine backend implements, and the pattern data they share."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from policyctl.core.model import Rule
from policyctl.engine.regex_safety import max_width


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

    The regex is compiled on first use: the Hyperscan backend only needs it for rules
    that hit, and compiling hundreds of patterns would dominate a pre-commit run.
    """

    source: bytes
    value_group: int
    width: int
    keywords: tuple[bytes, ...]

    @cached_property
    def regex(self) -> re.Pattern[bytes]:
        return re.compile(self.source)

    @classmethod
    def from_rule(cls, rule: Rule, shape: tuple[int, int] | None = None) -> CompiledPattern:
        """`shape` is (value group, width) when known already (see `pattern_shape`)."""
        value_group, width = shape or pattern_shape(rule.pattern)
        return cls(
            source=rule.pattern.encode("utf-8"),
            value_group=value_group,
            width=width,
            keywords=tuple(k.lower().encode("utf-8") for k in rule.keywords),
        )

    def to_match(self, rule: int, found: re.Match[bytes]) -> Match:
        value_start, value_end = found.span(self.value_group)
        start, end = found.span()
        if value_start < 0:  # the `secret` group did not take part in the match
            value_start, value_end = start, end
        return new_tuple(Match, (rule, start, end, value_start, value_end))


new_tuple = tuple.__new__
"""Makes a named tuple from a tuple of its fields, without the named tuple's
Python-level __new__ (half the cost): for the records a dataset scan makes for every
matching cell (a Match, a Verdict)."""


def pattern_shape(pattern: str) -> tuple[int, int]:
    """The index of the `secret` group (0: the whole match) and the longest match width."""
    regex = re.compile(pattern.encode("utf-8"))
    return regex.groupindex.get("secret", 0), max_width(pattern)


HitFilter = Callable[[int], bool]
"""Asked with the end offset of a hit whether to confirm it (see Matcher.matches)."""


class Matcher(ABC):
    """Finds every match of every rule in a chunk of bytes, in one call."""

    name: str

    @abstractmethod
    def matches(
        self,
        data: bytes,
        within_lines: bool = False,
        accept: Callable[[int], bool | HitFilter] | None = None,
    ) -> list[Match]:
        """All matches, non-overlapping per rule (as `re.finditer` would give them).

        With `within_lines`, the data is a list of independent values one per line
        (dataset cells): a match is confirmed inside its own line, never across one.
        `accept`, when given, is asked once per rule that has hits whether to confirm
        them at all (the caller may know none of them could become a finding). With
        `within_lines` it may answer with a HitFilter instead, asked for each hit by
        the offset where the hit ends; it must decide by the line that offset ends, so
        that a hit and the match confirmed for it (in the same line) are judged alike.
        """
