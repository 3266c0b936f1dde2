"""Turn the findings in a piece of text into replacements, and count them.

Detection is the scanner's own (`detect.assess_chunk`, the step before findings are
located and fingerprinted, which a copy does not need), so `redact` removes exactly
what `scan` reports. Where findings overlap (a generic rule and a provider rule, an
email inside a URL) their spans are joined and replaced once, by the strategy of the
strongest: a secret before personal data, then the longest span.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from policyctl.core.model import Chunk, Location, Rule
from policyctl.detection.detect import DetectOptions, Verdict, assess_chunk
from policyctl.detection.rules import Ruleset
from policyctl.redaction.columns import ColumnRedactor
from policyctl.redaction.keys import RedactionKeys
from policyctl.redaction.policy import SECRET_CATEGORY, RedactionPolicy
from policyctl.redaction.strategies import KEYED, Strategy, entity_name, maker

CACHE_ENTRIES = 1 << 16
"""Stand-ins of a keyed strategy remembered per value: logs repeat the same address or
id many times, and fpe costs a fraction of a millisecond per value."""


class Edit(NamedTuple):
    """Replace data[start:end] with `text` (a tuple: a large log makes millions)."""

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


class StandIns:
    """One strategy's stand-ins. Those of a keyed strategy (an HMAC, AES-SIV or FF3-1 per
    value) are remembered, the latest CACHE_ENTRIES of them; the others cost less to
    make than to look up."""

    def __init__(
        self,
        strategy: Strategy,
        keys: RedactionKeys | None,
        entity: str | None = None,
        validator: str | None = None,
    ) -> None:
        self.strategy = strategy
        self.name = str(strategy)
        self.maker = maker(strategy, keys, entity, validator)
        self.remember = strategy.name in KEYED
        self.made: dict[str, tuple[str, str]] = {}

    def make(self, value: str) -> tuple[str, str]:
        """The stand-in for `value` and the name of the strategy that made it."""
        made = self.made.get(value) if self.remember else None
        if made is None:
            text, used = self.maker(value)
            made = (text, self.name if used is self.strategy else str(used))
            if self.remember:
                if len(self.made) >= CACHE_ENTRIES:
                    self.made.clear()
                self.made[value] = made
        return made


class Redactor:
    """Finds sensitive values with the scanner's rules and makes their stand-ins."""

    def __init__(
        self,
        ruleset: Ruleset,
        options: DetectOptions,
        policy: RedactionPolicy,
        keys: RedactionKeys | None,
        jobs: int = 1,
    ) -> None:
        self.ruleset = ruleset
        self.options = options
        self.policy = policy
        self.keys = keys
        self.jobs = jobs
        """Processes that may detect the cells of a large table or JSON file at once."""
        self.tally: Counter[tuple[str, str | None, str]] = Counter()
        """Values replaced, by rule id, column and strategy (see `counts`)."""
        self._rules = {rule.id: rule for rule in ruleset.rules}
        self.columns = ColumnRedactor(policy.columns, keys)
        """Named columns redacted whole (`--columns`); its tally counts their cells."""
        self._makers: dict[tuple[Strategy, str | None], StandIns] = {}
        self._by_rule: dict[str, StandIns] = {}

    def edits(self, chunk: SpanChunk, column: str | None = None) -> list[Edit]:
        """The replacements for every finding in `chunk`, sorted and never overlapping,
        counted under `column`."""
        data = chunk.data
        edits: list[Edit] = []
        for start, end, rule in self.spans(chunk):
            text, used = self.stand_in(data[start:end].decode("utf-8", "replace"), rule, column)
            edits.append(Edit(start, end, text.encode(), used))
        return edits

    def spans(self, chunk: Chunk) -> list[tuple[int, int, Rule]]:
        """What to replace in `chunk`: each finding's value, in order of position, with
        the rule whose strategy replaces it. Values that overlap (directly or through
        another) are joined into one span, which goes to the strongest of their rules:
        a secret before personal data, then the longest value, then by rule id."""
        rules = self.ruleset.rules
        spans: list[tuple[int, int, Rule]] = []
        strongest: tuple[bool, int, str] = (True, 0, "")  # the last span's rule's strength
        reach = -1  # where the last span ends
        for verdict in sorted(assess_chunk(chunk, self.ruleset, self.options), key=_value_span):
            match = verdict.match
            start, end = match.value_start, match.value_end
            if end <= start:
                continue  # an empty value has nothing to replace
            rule = rules[match.rule]
            strength = (rule.category != SECRET_CATEGORY, start - end, rule.id)
            if start < reach:  # it overlaps the last span: they become one
                first, _end, chosen = spans[-1]
                reach = max(reach, end)
                if strength < strongest:
                    chosen, strongest = rule, strength
                spans[-1] = (first, reach, chosen)
            else:
                spans.append((start, end, rule))
                strongest, reach = strength, end
        return spans

    def stand_in(self, value: str, rule: Rule, column: str | None) -> tuple[str, str]:
        """The replacement for one value the rule found and the name of the strategy
        that made it; counted."""
        stand_ins = self._by_rule.get(rule.id)
        if stand_ins is None:
            strategy = self.policy.strategy_for(rule.id, rule.data_class, rule.category)
            entity = entity_name(rule.id) if strategy.name == "replace" else None
            validator = None
            if strategy.name == "synthetic":  # a fake of the rule's kind, passing its check
                entity, validator = rule.id, rule.validator
            stand_ins = self._makers.get((strategy, entity))
            if stand_ins is None:
                stand_ins = StandIns(strategy, self.keys, entity, validator)
                self._makers[strategy, entity] = stand_ins
            self._by_rule[rule.id] = stand_ins
        made = stand_ins.make(value)
        self.tally[rule.id, column, made[1]] += 1
        return made

    def counts(self) -> Counter[CountKey]:
        """The tally with what the report says of each rule."""
        counts: Counter[CountKey] = Counter()
        for (rule_id, column, used), n in self.tally.items():
            rule = self._rules[rule_id]
            counts[CountKey(rule_id, rule.category, rule.data_class, column, used)] = n
        return counts


def apply_edits(data: bytes, base: int, cut: int, edits: Sequence[Edit]) -> bytes:
    """data[base:cut] with the edits that fall in it applied. An edit that began before
    `base` (already written) has its remaining part masked."""
    parts: list[bytes] = []
    position = base
    for edit in edits:
        if edit.end <= base or edit.start >= cut:
            continue
        if edit.start < base:
            parts.append(b"*" * (edit.end - base))
        else:
            parts.append(data[position : edit.start])
            parts.append(edit.text)
        position = edit.end
    parts.append(data[position:cut])
    return b"".join(parts)


def _value_span(verdict: Verdict) -> tuple[int, int]:
    return verdict.match[3:5]  # (value_start, value_end)
