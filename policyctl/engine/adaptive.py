"""The `auto` engine on a machine whose cache has no compiled database yet.

Compiling the Hyperscan database of every rule takes seconds (4-7 s for 400 rules on a
busy 2-core machine), more than the whole scan of a commit or a pull request's few files
with Python `re`. So until the rules' database is in the cache, `auto` matches with `re`
(the exact reference backend: tests/e2e/test_engine.py holds the two to the same
findings) while the input stays small, and compiles Hyperscan (and caches it) the moment
it is not: before the chunk that would take the bytes matched with `re` past RE_BUDGET,
and before any chunk of dataset cells or records, where the backends confirm matches at
line edges by different routes. A CI job or a fresh container scanning one file never
pays for compilation; a large scan pays it once, as before, and later runs load it.

A kind of input whose rules are the shared ones (rules for every kind) and a few of its
own (logs: the personal-data rules for logs and datasets) is matched, while small, with
the shared rules' database when that one is in the cache (a scan of code leaves it
there) and a database of its own rules alone (114 rules: under 2 s to compile, once,
where all 1,212 take several times that): a scan of code with a few small logs among it
read them with every rule's `re` at every run (0.7 CPU-s for 380 KB of logs, issue 18).
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from policyctl.engine.interface import CompiledPattern, HitFilter, Match, Matcher
from policyctl.engine.re_backend import ReMatcher

RE_BUDGET = 1024 * 1024
"""Bytes one matcher reads with `re` before it compiles Hyperscan instead: about a
second of `re` with today's rules, a fraction of the compilation it avoids."""


class AdaptiveMatcher(Matcher):
    """`re` for the first RE_BUDGET bytes of plain text, then Hyperscan for everything."""

    name = "hyperscan"

    def __init__(
        self,
        patterns: list[CompiledPattern],
        indices: list[int],
        expressions: list[bytes],
        names: list[str],
        shared: list[int] | None = None,
    ) -> None:
        self.patterns = patterns
        self.indices = indices
        self.expressions = expressions
        self.names = names
        self.shared = shared
        self.scanned = 0
        self.small: Matcher = _small_matcher(patterns, indices, names, shared)
        self.compiled: Matcher | None = None

    def __getstate__(self) -> dict[str, Any]:
        # a worker process gets the patterns; it looks in the cache for the database first
        state = dict(self.__dict__)
        state["compiled"] = None
        state["small"] = None  # rebuilt from the cache in the worker (a database of its own)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state.pop("small", None)
        self.__dict__.update(state)
        self.small = _small_matcher(self.patterns, self.indices, self.names, self.shared)
        self.compiled = _cached_matcher(self.patterns, self.expressions, self.indices)

    def matches(
        self,
        data: bytes,
        within_lines: bool = False,
        accept: Callable[[int], bool | HitFilter] | None = None,
    ) -> list[Match]:
        matcher = self.compiled
        if matcher is None:
            if within_lines or self.scanned + len(data) > RE_BUDGET:
                matcher = self.compiled = self._compile()
            else:
                self.scanned += len(data)
                matcher = self.small
        return matcher.matches(data, within_lines, accept)

    def _compile(self) -> Matcher:
        from policyctl.engine.hyperscan_backend import HyperscanMatcher, compile_database

        database = compile_database(self.expressions, self.names, self.indices)
        return HyperscanMatcher(self.patterns, database)


def _cached_matcher(
    patterns: list[CompiledPattern], expressions: list[bytes], indices: list[int]
) -> Matcher | None:
    from policyctl.engine.hyperscan_backend import HyperscanMatcher, cached_database

    database = cached_database(expressions, indices)
    return None if database is None else HyperscanMatcher(patterns, database)


class SplitMatcher(Matcher):
    """The matches of two matchers over disjoint sets of rules, in one list in the order
    every matcher gives (start, end, rule): each rule's matches are its own matcher's."""

    name = "hyperscan"

    def __init__(self, first: Matcher, second: Matcher) -> None:
        self.first = first
        self.second = second

    def matches(
        self,
        data: bytes,
        within_lines: bool = False,
        accept: Callable[[int], bool | HitFilter] | None = None,
    ) -> list[Match]:
        found = self.first.matches(data, within_lines, accept)
        more = self.second.matches(data, within_lines, accept)
        if not more:
            return found
        if not found:
            return more
        return sorted(found + more, key=_POSITION)


_POSITION = attrgetter("start", "end", "rule")


def _small_matcher(
    patterns: list[CompiledPattern], indices: list[int], names: list[str], shared: list[int] | None
) -> Matcher:
    """`re` for the `indices` rules; when the database of the `shared` ones (a part of
    them) is in the cache, that database for those and one of their own for the rest
    (compiled once, a few seconds at most, and cached)."""
    if shared:
        cached = _cached_matcher(patterns, [patterns[i].source for i in shared], shared)
        if cached is not None:
            from policyctl.engine.hyperscan_backend import HyperscanMatcher, compile_database

            taken = set(shared)
            rest = [i for i in indices if i not in taken]
            name = dict(zip(indices, names, strict=True))
            database = compile_database(
                [patterns[i].source for i in rest], [name[i] for i in rest], rest
            )
            return SplitMatcher(cached, HyperscanMatcher(patterns, database))
    return ReMatcher(patterns, indices)


def adaptive_or_cached(
    patterns: list[CompiledPattern],
    indices: list[int],
    names: list[str],
    shared: list[int] | None = None,
) -> Matcher:
    """Hyperscan with the cached database when there is one, else an AdaptiveMatcher.

    `shared`, a part of `indices` (the rules for every kind of input), is matched with
    its own cached database while the input is small, when there is one."""
    expressions = [patterns[i].source for i in indices]
    cached = _cached_matcher(patterns, expressions, indices)
    if cached is not None:
        return cached
    if shared is not None and len(shared) == len(indices):
        shared = None  # the same rules: nothing of their own to split off
    return AdaptiveMatcher(patterns, indices, expressions, names, shared)
