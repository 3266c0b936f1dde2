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
"""

from __future__ import annotations

from collections.abc import Callable
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
    ) -> None:
        self.patterns = patterns
        self.indices = indices
        self.expressions = expressions
        self.names = names
        self.scanned = 0
        self.small: Matcher = ReMatcher(patterns, indices)
        self.compiled: Matcher | None = None

    def __getstate__(self) -> dict[str, Any]:
        # a worker process gets the patterns; it looks in the cache for the database first
        state = dict(self.__dict__)
        state["compiled"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
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


def adaptive_or_cached(
    patterns: list[CompiledPattern], indices: list[int], names: list[str]
) -> Matcher:
    """Hyperscan with the cached database when there is one, else an AdaptiveMatcher."""
    expressions = [patterns[i].source for i in indices]
    cached = _cached_matcher(patterns, expressions, indices)
    if cached is not None:
        return cached
    return AdaptiveMatcher(patterns, indices, expressions, names)
