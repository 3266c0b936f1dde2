"""Turn the findings in a piece of text into replacements, and count them.

Detection is the scanner's own (`detect.assess_chunk`, the step before findings are
located and fingerprinted, which a copy does not need), so `redact` removes exactly
what `scan` reports. Where findings overlap (a generic rule and a provider rule, an
email inside a URL) their spans are joined and replaced once, by the strategy of the
strongest: a secret before personal data, then the longest span.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from policyctl.detect import DetectOptions, assess_chunk
from policyctl.engine import Match
from policyctl.model import Chunk, Location, Rule
from policyctl.redaction.keys import RedactionKeys
from policyctl.redaction.policy import SECRET_CATEGORY, RedactionPolicy
from policyctl.redaction.strategies import Strategy, apply
from policyctl.rules import Ruleset

CACHE_ENTRIES = 1 << 16
"""Stand-ins remembered per value: logs repeat the same address or id many times, and
fpe costs a fraction of a millisecond per value."""


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace data[start:end] with `text`."""

    start: int
    end: int
    text: bytes
    strategy: str = ""
    """The strategy that made `text` (a `remove` may drop a whole JSON field)."""


@dataclass(frozen=True)
class SpanChunk(Chunk):
    """A chunk whose findings are only replaced, never shown: `locate` gives the origin
    instead of counting lines from the chunk's start for each finding, which made a
    block dense with findings quadratic (most of the time of a large log)."""

    def locate(self, offset: int) -> Location:
        return self.origin


class CountKey(NamedTuple):
    """What one count in the report is about."""

    rule_id: str
    category: str
    data_class: str
    column: str | None
    strategy: str


class Redactor:
    """Finds sensitive values with the scanner's rules and makes their stand-ins."""

    def __init__(
        self,
        ruleset: Ruleset,
        options: DetectOptions,
        policy: RedactionPolicy,
        keys: RedactionKeys | None,
    ) -> None:
        self.ruleset = ruleset
        self.options = options
        self.policy = policy
        self.keys = keys
        self.counts: Counter[CountKey] = Counter()
        self._made: dict[tuple[Strategy, str], tuple[str, str]] = {}
        self._strategies: dict[str, Strategy] = {}

    def edits(
        self,
        chunk: SpanChunk,
        column: str | None = None,
        column_at: Callable[[int], str | None] | None = None,
    ) -> list[Edit]:
        """The replacements for every finding in `chunk`, sorted and never overlapping,
        counted under `column` (or the column `column_at` gives for the value's offset)."""
        rules = self.ruleset.rules
        found = [
            (v.match, rules[v.match.rule]) for v in assess_chunk(chunk, self.ruleset, self.options)
        ]
        edits: list[Edit] = []
        for group in overlapping_groups(found):
            if len(group) == 1:
                match, strongest = group[0]
                start, end = match.value_start, match.value_end
            else:
                start = min(m.value_start for m, _ in group)
                end = max(m.value_end for m, _ in group)
                strongest = min(group, key=lambda mr: _strength(*mr))[1]
            value = chunk.data[start:end].decode("utf-8", "replace")
            where = column_at(start) if column_at is not None else column
            text, used = self.stand_in(value, strongest, where)
            edits.append(Edit(start, end, text.encode(), used))
        return edits

    def stand_in(self, value: str, rule: Rule, column: str | None) -> tuple[str, str]:
        """The replacement for one value the rule found and the strategy that made it;
        counted."""
        strategy = self._strategies.get(rule.id)
        if strategy is None:
            strategy = self.policy.strategy_for(rule.id, rule.data_class, rule.category)
            self._strategies[rule.id] = strategy
        key = (strategy, value)
        made = self._made.get(key)
        if made is None:
            if len(self._made) >= CACHE_ENTRIES:
                self._made.clear()
            text, used = apply(strategy, value, self.keys)
            made = self._made[key] = (text, str(used))
        self.counts[CountKey(rule.id, rule.category, rule.data_class, column, made[1])] += 1
        return made


def _strength(match: Match, rule: Rule) -> tuple[bool, int, str]:
    """Sort key: secrets first, then the longest value, then by rule id."""
    return (rule.category != SECRET_CATEGORY, match.value_start - match.value_end, rule.id)


def overlapping_groups(
    found: Iterable[tuple[Match, Rule]],
) -> list[list[tuple[Match, Rule]]]:
    """Findings grouped so that values that overlap (directly or through another) are
    in one group; groups in order of position."""
    groups: list[list[tuple[Match, Rule]]] = []
    reach = -1
    for pair in sorted(found, key=lambda mf: (mf[0].value_start, mf[0].value_end)):
        match = pair[0]
        if match.value_end <= match.value_start:
            continue  # an empty value has nothing to replace
        if groups and match.value_start < reach:
            groups[-1].append(pair)
            reach = max(reach, match.value_end)
        else:
            groups.append([pair])
            reach = match.value_end
    return groups
