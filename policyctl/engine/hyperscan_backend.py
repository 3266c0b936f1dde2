"""The Hyperscan backend: one pass finds where every rule's matches end; `re` then
confirms each hit inside a window no wider than the rule's longest match.

Hyperscan reports every end offset of every match (it never backtracks). Hits of one
rule are visited in order; a window [end - width, end + width] around a hit is
searched with the rule's `re`, which gives the leftmost-first match there, exactly as
`re.finditer` over the whole chunk would. So `re` only ever reads text near a hit, and
the compiled database is cached on disk, so start-up does not pay for compilation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from operator import attrgetter
from typing import Any

import hyperscan

from policyctl.cache import cache_dir, store
from policyctl.engine.interface import CompiledPattern, Match, Matcher
from policyctl.errors import RuleError


def compile_database(expressions: list[bytes], names: list[str], ids: list[int]) -> Any:
    """A block-mode database for `expressions`, each reporting its id from `ids`, from the
    disk cache when it is there.

    A pattern Hyperscan cannot compile is reported by the name of its rule.
    """
    digest = hashlib.sha256()
    for expression, number in zip(expressions, ids, strict=True):
        digest.update(number.to_bytes(4, "big") + len(expression).to_bytes(4, "big") + expression)
    version = getattr(hyperscan, "__version__", "0")
    cached = cache_dir() / f"hs-{version}-{digest.hexdigest()[:32]}.db"
    try:
        return hyperscan.loadb(cached.read_bytes(), hyperscan.HS_MODE_BLOCK)
    except (OSError, hyperscan.error):
        pass
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        database.compile(
            expressions=expressions,
            ids=ids,
            elements=len(expressions),
            flags=0,
        )
    except hyperscan.error:
        _raise_for_first_bad_pattern(expressions, names)
        raise
    store(cached, hyperscan.dumpb(database))
    return database


def _raise_for_first_bad_pattern(expressions: list[bytes], names: list[str]) -> None:
    for expression, name in zip(expressions, names, strict=True):
        probe = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        try:
            probe.compile(expressions=[expression], ids=[0], elements=1, flags=0)
        except hyperscan.error as exc:
            raise RuleError(
                f"rule {name}: field 'pattern': Hyperscan cannot compile it: {exc}"
            ) from None


class HyperscanMatcher(Matcher):
    name = "hyperscan"

    def __init__(self, patterns: list[CompiledPattern], database: Any) -> None:
        self.patterns = patterns
        self.database = database
        self.scratch = hyperscan.Scratch(database)

    def __getstate__(self) -> dict[str, Any]:
        return {"patterns": self.patterns, "database": hyperscan.dumpb(self.database)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.patterns = state["patterns"]
        self.database = hyperscan.loadb(state["database"], hyperscan.HS_MODE_BLOCK)
        self.scratch = hyperscan.Scratch(self.database)

    def matches(
        self,
        data: bytes,
        within_lines: bool = False,
        accept: Callable[[int], bool] | None = None,
    ) -> list[Match]:
        hits: list[tuple[int, int]] = []

        def on_hit(rule: int, _start: int, end: int, _flags: int, _context: object) -> None:
            hits.append((rule, end))

        self.database.scan(data, match_event_handler=on_hit, scratch=self.scratch)
        if not hits:
            return []
        hits.sort()
        found: list[Match] = []
        size = len(data)
        covered_rule, covered_to = -1, -1
        accepted = True
        for rule, end in hits:
            if rule != covered_rule:
                covered_rule, covered_to = rule, -1
                accepted = accept is None or accept(rule)
            if not accepted or end <= covered_to:
                continue
            pattern = self.patterns[rule]
            low = max(covered_to, end - pattern.width, 0)
            if within_lines:
                # the newline before the line stays in the window, for patterns that
                # start with (?:^|[^\w]) and the like
                low = max(low, data.rfind(b"\n", 0, max(end - 1, 0)))
            confirmed = _confirm(pattern, data, size, low, end, within_lines)
            if confirmed is None:
                covered_to = end
                continue
            found.append(pattern.to_match(rule, confirmed))
            covered_to = max(confirmed.end(), end)
        found.sort(key=_POSITION)
        return found


_POSITION = attrgetter("start", "end", "rule")


def _confirm(
    pattern: CompiledPattern, data: bytes, size: int, low: int, end: int, within_lines: bool
) -> Any:
    """The leftmost-first match in the window around a hit ending at `end`.

    `re` treats the window's edge as the end of the text, so a match that reaches the
    edge is redone from its start against the whole text (or its whole line) to get its
    true extent.
    """
    limit = size
    if within_lines:
        line_end = data.find(b"\n", end)
        limit = size if line_end < 0 else line_end + 1
    high = min(limit, end + pattern.width)
    found = pattern.regex.search(data, low, high)
    if found is not None and found.end() == high < limit:
        found = pattern.regex.match(data, found.start(), min(limit, found.start() + pattern.width))
    return found
