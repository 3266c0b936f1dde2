"""The matcher interface every engine backend implements, and the pattern data they share."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass

from policyctl.model import Rule
from policyctl.regex_safety import max_width


@dataclass(frozen=True, slots=True)
class Match:
    """A confirmed regex match of one rule: the whole span and the value (`secret` group)."""

    rule: int
    start: int
    end: int
    value_start: int
    value_end: int


@dataclass(frozen=True)
class CompiledPattern:
    """A rule's pattern compiled for Python `re` over bytes, with what the backends need."""

    regex: re.Pattern[bytes]
    value_group: int
    width: int
    keywords: tuple[bytes, ...]

    @classmethod
    def from_rule(cls, rule: Rule) -> CompiledPattern:
        regex = re.compile(rule.pattern.encode("utf-8"))
        return cls(
            regex=regex,
            value_group=regex.groupindex.get("secret", 0),
            width=max_width(rule.pattern),
            keywords=tuple(k.lower().encode("utf-8") for k in rule.keywords),
        )

    def to_match(self, rule: int, found: re.Match[bytes]) -> Match:
        value_start, value_end = found.span(self.value_group)
        if value_start < 0:  # the `secret` group did not take part in the match
            value_start, value_end = found.span()
        return Match(rule, found.start(), found.end(), value_start, value_end)


class Matcher(ABC):
    """Finds every match of every rule in a chunk of bytes, in one call."""

    name: str

    @abstractmethod
    def matches(self, data: bytes) -> list[Match]:
        """All matches, non-overlapping per rule (as `re.finditer` would give them)."""
