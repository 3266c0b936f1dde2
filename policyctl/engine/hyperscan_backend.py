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
from bisect import bisect_left
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

import hyperscan

from policyctl.core.cache import entry_name, load_entry, store_entry
from policyctl.core.errors import RuleError
from policyctl.engine.interface import (
    MARK_BASE,
    CompiledPattern,
    HitFilter,
    Mark,
    Match,
    Matcher,
    in_a_decimal,
    not_timed,
)

Flags = int | list[int]
"""Hyperscan flags for every expression alike, or one for each expression."""


def compile_database(
    expressions: list[bytes], names: list[str], ids: list[int], flags: Flags = 0, kind: str = "hs"
) -> Any:
    """A block-mode database for `expressions`, each reporting its id from `ids` (each
    compiled with `flags`, or its own of them), from the disk cache when it is there
    (entries named by `kind`).

    A pattern Hyperscan cannot compile is reported by the name of its rule.
    """
    cached = cached_database(expressions, ids, flags, kind)
    if cached is not None:
        return cached
    with not_timed():  # once per rule set, not the input's time (--time-budget)
        try:
            database = _compile(expressions, ids, flags)
        except hyperscan.error:
            _raise_for_first_bad_pattern(expressions, names)
            raise
        store_entry(_entry_name(expressions, ids, flags, kind), hyperscan.dumpb(database))
    return database


def _compile(expressions: list[bytes], ids: list[int], flags: Flags) -> Any:
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(
        expressions=expressions,
        ids=ids,
        elements=len(expressions),
        flags=flags if isinstance(flags, list) else [flags] * len(expressions) if flags else 0,
    )
    return database


def cached_database(
    expressions: list[bytes], ids: list[int], flags: Flags = 0, kind: str = "hs"
) -> Any | None:
    """The database for `expressions` from the disk cache, or None when it is not there.

    The entry is serialized Hyperscan bytes behind the cache's HMAC (see
    policyctl.core.cache): nothing in it can run code. A database Hyperscan refuses
    (corrupt, or built for another version or CPU) is a miss like a missing one.
    """
    payload = load_entry(_entry_name(expressions, ids, flags, kind))
    if payload is None:
        return None
    try:
        database = hyperscan.loadb(payload, hyperscan.HS_MODE_BLOCK)
        # scanning checks the database's platform, which loading does not
        database.scan(b"", match_event_handler=_ignore, scratch=hyperscan.Scratch(database))
    except hyperscan.error:
        return None
    return database


def _ignore(*_: object) -> None:
    return None


def _entry_name(expressions: list[bytes], ids: list[int], flags: Flags, kind: str) -> str:
    each = flags if isinstance(flags, list) else None
    common = 0 if isinstance(flags, list) else flags
    digest = hashlib.sha256(common.to_bytes(4, "big"))
    for position, (expression, number) in enumerate(zip(expressions, ids, strict=True)):
        digest.update(number.to_bytes(4, "big") + len(expression).to_bytes(4, "big") + expression)
        if each is not None:
            digest.update(each[position].to_bytes(4, "big"))
    version = getattr(hyperscan, "__version__", "0")
    return entry_name(f"{kind}-{version}", digest.digest(), "db")


def compile_problem(expression: bytes) -> str | None:
    """Why Hyperscan cannot compile `expression` (a lookbehind, a back-reference, a
    bounded repeat too large ...), or None when it can. Compile-time validation only."""
    probe = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        probe.compile(expressions=[expression], ids=[0], elements=1, flags=0)
    except hyperscan.error as exc:
        return str(exc) or type(exc).__name__
    return None


def _raise_for_first_bad_pattern(expressions: list[bytes], names: list[str]) -> None:
    for expression, name in zip(expressions, names, strict=True):
        probe = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        try:
            probe.compile(expressions=[expression], ids=[0], elements=1, flags=0)
        except hyperscan.error as exc:
            raise RuleError(
                f"rule {name}: field 'pattern': Hyperscan cannot compile it: {exc}"
            ) from None


def database_parts(
    patterns: list[CompiledPattern], indices: list[int], marks: Sequence[Mark]
) -> tuple[list[bytes], list[int], Flags]:
    """The expressions, ids and flags of a database for the `indices` rules (a rule's
    prefilter in its pattern's place, policyctl.engine.prefilter) and `marks` (ids from
    MARK_BASE on)."""
    expressions = [patterns[i].prefilter or patterns[i].source for i in indices]
    if not marks:
        return expressions, list(indices), 0
    expressions += [mark.expression for mark in marks]
    ids = [*indices, *range(MARK_BASE, MARK_BASE + len(marks))]
    return expressions, ids, [0] * len(indices) + [mark.flags for mark in marks]


class HyperscanMatcher(Matcher):
    name = "hyperscan"

    def __init__(self, patterns: list[CompiledPattern], database: Any, marks: int = 0) -> None:
        self.patterns = patterns
        self.database = database
        self.scratch = hyperscan.Scratch(database)
        self.marks = marks

    def __getstate__(self) -> dict[str, Any]:
        return {
            "patterns": self.patterns,
            "database": hyperscan.dumpb(self.database),
            "marks": self.marks,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.patterns = state["patterns"]
        self.database = hyperscan.loadb(state["database"], hyperscan.HS_MODE_BLOCK)
        self.scratch = hyperscan.Scratch(self.database)
        self.marks = state["marks"]

    def marked_matches(
        self,
        data: bytes,
        within_lines: bool = False,
        accept: Callable[[int], bool | HitFilter] | None = None,
    ) -> tuple[list[Match], list[tuple[int, int]] | None]:
        hits: list[int] = []
        add_hit = hits.append

        def on_hit(rule: int, _start: int, end: int, _flags: int, _context: object) -> None:
            add_hit(rule << _END_BITS | end)  # one int sorts as (rule, end), cheaper than a tuple

        self.database.scan(data, match_event_handler=on_hit, scratch=self.scratch)
        marked: list[tuple[int, int]] | None = [] if self.marks else None
        if not hits:
            return [], marked
        hits.sort()
        if marked is not None and hits[-1] >= _FIRST_MARK:
            cut = bisect_left(hits, _FIRST_MARK)
            marked = [((hit >> _END_BITS) - MARK_BASE, hit & _END_MASK) for hit in hits[cut:]]
            del hits[cut:]
            if not hits:
                return [], marked
        found = _confirmed(self.patterns, data, hits, within_lines, accept)
        return sorted(found, key=_POSITION), marked


_END_BITS = 40
_END_MASK = (1 << _END_BITS) - 1
_FIRST_MARK = MARK_BASE << _END_BITS


def _confirmed(
    patterns: list[CompiledPattern],
    data: bytes,
    hits: list[int],
    within_lines: bool,
    accept: Callable[[int], bool | HitFilter] | None,
) -> list[Match]:
    """The matches that `re` confirms around the hits (sorted by rule, then end), at most
    one for each stretch of text a rule's earlier match already covers.

    The hot loop of a dataset scan (a few hits per table row): what `_confirm` did as a
    function is written out here, with the line bounds of cell chunks found once a hit.
    """
    found: list[Match] = []
    size = len(data)
    find, rfind = data.find, data.rfind
    covered_rule, covered_to = -1, -1
    accepted: bool | HitFilter = True
    pattern = patterns[0]
    one_line = False
    keywords: _Keywords | None = None
    for hit in hits:
        rule, end = hit >> _END_BITS, hit & _END_MASK
        if rule != covered_rule:
            covered_rule, covered_to = rule, -1
            pattern = patterns[rule]
            if pattern.keywords:
                # the keyword prefilter of the re backend, so that both engines try the
                # same rules: a rule runs only where one of its keywords is in the text
                keywords = keywords or _Keywords(data)
                if not keywords.present(pattern, end):
                    accepted = False
                    continue
            accepted = True if accept is None else accept(rule)
            one_line = accepted is True and pattern.one_line
        if accepted is False or end <= covered_to:
            continue
        if accepted is not True and not accepted(end):
            continue
        # (comparisons rather than max() and min(): this loop runs for every hit)
        width = pattern.width
        low = end - width if end - width > covered_to else covered_to
        if low < 0:
            low = 0
        limit = size
        if within_lines:
            # the newline before the line stays in the window, for patterns that
            # start with (?:^|[^\w]) and the like
            newline = rfind(b"\n", 0, end - 1 if end > 0 else 0)
            if newline > low:
                low = newline
            line_end = find(b"\n", end)
            if line_end >= 0:
                limit = line_end + 1
        if one_line:
            # The match `re` finds starts on the hit's line: one on an earlier line would
            # end before the hit, where every hit of the rule is covered already (each
            # was confirmed or covered: no HitFilter passed over one). So `re` starts
            # there rather than `width` bytes back (8 KB for a pattern with a `*`).
            newline = rfind(b"\n", low, end)
            if newline >= 0:
                low = newline + 1
        # re treats the window's edge as the end of the text, so a match that could
        # reach past the edge (one starting after the hit: the hit was an earlier
        # match's) is redone from its start against the whole text (or line) for its
        # true extent; cut at the edge it can also end short of it, without an optional
        # tail (`glrt-...` without its `.wy60j9jce`)
        high = end + width if end + width < limit else limit
        regex = pattern.regex
        confirmed = regex.search(data, low, high)
        if confirmed is not None and high < limit and confirmed.start() + width > high:
            confirmed = regex.match(data, confirmed.start(), min(limit, confirmed.start() + width))
        if confirmed is None:
            covered_to = end
            continue
        matched_to = confirmed.end()
        covered_to = matched_to if matched_to > end else end
        match = pattern.to_match(rule, confirmed)
        if pattern.drops_decimals and in_a_decimal(data, match.value_start, match.value_end):
            continue  # (after its cover is noted: the later hits are judged as before)
        found.append(match)
    return found


class _Keywords:
    """Whether a chunk holds one of a rule's keywords, case-insensitively (the re
    backend's test, CompiledPattern.keywords), for each rule that hits in it."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.lowered: bytes | None = None
        self.seen: dict[bytes, bool] = {}

    def present(self, pattern: CompiledPattern, end: int) -> bool:
        """Whether one of `pattern`'s keywords is in the chunk, `end` being where one
        of its hits ends. Most patterns hold a keyword (`(?i)(?:password|token)...`),
        so first the stretch a match ending there can take is looked at (a keyword
        there is in the chunk); only when none is there, the whole chunk, each keyword
        looked for once a chunk (many rules share `key`, `api` ...): a chunk of
        megabytes read for every keyword before the one present cost more than every
        other step of a hit."""
        start = end - pattern.width
        near = self.data[start if start > 0 else 0 : end].lower()
        for keyword in pattern.keywords:
            if keyword in near:
                return True
        if self.lowered is None:
            self.lowered = self.data.lower()
        for keyword in pattern.keywords:
            present = self.seen.get(keyword)
            if present is None:
                present = self.seen[keyword] = keyword in self.lowered
            if present:
                return True
        return False


_POSITION = attrgetter("start", "end", "rule")
