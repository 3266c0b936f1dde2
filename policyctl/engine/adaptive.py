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

from collections.abc import Callable, Sequence
from functools import partial
from operator import attrgetter
from typing import Any

from policyctl.engine.gates import GatedMatcher, Gates, gate_marks, split_gates
from policyctl.engine.interface import CompiledPattern, HitFilter, Mark, Match, Matcher
from policyctl.engine.re_backend import ReMatcher

_NO_GATES: Gates = {}

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
        names: list[str],
        shared: list[int] | None = None,
        marks: Sequence[Mark] = (),
        gates: Gates = _NO_GATES,
    ) -> None:
        self.patterns = patterns
        self.indices = indices
        self.names = names
        self.shared = shared
        self.marks = tuple(marks)
        self.gates = dict(gates)
        self.scanned = 0
        self.small: Matcher = _small_matcher(
            patterns, indices, names, shared, self.marks, self.gates
        )
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
        self.small = _small_matcher(
            self.patterns, self.indices, self.names, self.shared, self.marks, self.gates
        )
        self.compiled = _cached_matcher(self.patterns, self.indices, self.marks, self.gates)

    def marked_matches(
        self,
        data: bytes,
        within_lines: bool = False,
        accept: Callable[[int], bool | HitFilter] | None = None,
    ) -> tuple[list[Match], list[tuple[int, int]] | None]:
        return self._matcher(data, within_lines).marked_matches(data, within_lines, accept)

    def prepare(self) -> None:
        if self.compiled is None:
            self.compiled = self._compile()

    def _matcher(self, data: bytes, within_lines: bool) -> Matcher:
        matcher = self.compiled
        if matcher is None:
            if within_lines or self.scanned + len(data) > RE_BUDGET:
                matcher = self.compiled = self._compile()
            else:
                self.scanned += len(data)
                matcher = self.small
        return matcher

    def _compile(self) -> Matcher:
        return _compiled_matcher(self.patterns, self.indices, self.names, self.marks, self.gates)


def _compiled_matcher(
    patterns: list[CompiledPattern],
    indices: list[int],
    names: list[str],
    marks: Sequence[Mark],
    gates: Gates = _NO_GATES,
) -> Matcher:
    named = dict(zip(indices, names, strict=True))

    def compiled(chosen: list[int], marks: Sequence[Mark]) -> Matcher:
        return _compiled(patterns, chosen, named, marks)

    matcher = _gated(patterns, compiled, indices, marks, gates)
    assert matcher is not None
    return matcher


def _compiled(
    patterns: list[CompiledPattern], chosen: list[int], named: dict[int, str], marks: Sequence[Mark]
) -> Matcher:
    """Hyperscan for the `chosen` rules and `marks`, from the cache or compiled now
    (`named`: the rules' ids, to name one Hyperscan refuses)."""
    from policyctl.engine.hyperscan_backend import (
        HyperscanMatcher,
        compile_database,
        database_parts,
    )

    expressions, ids, flags = database_parts(patterns, chosen, marks)
    labels = [named.get(i, f"rule {i}") for i in chosen]
    labels += [f"mark {number}" for number in range(len(marks))]
    database = compile_database(expressions, labels, ids, flags)
    return HyperscanMatcher(patterns, database, len(marks))


def _cached_matcher(
    patterns: list[CompiledPattern],
    indices: list[int],
    marks: Sequence[Mark] = (),
    gates: Gates = _NO_GATES,
) -> Matcher | None:
    def cached(chosen: list[int], marks: Sequence[Mark]) -> Matcher | None:
        from policyctl.engine.hyperscan_backend import (
            HyperscanMatcher,
            cached_database,
            database_parts,
        )

        expressions, ids, flags = database_parts(patterns, chosen, marks)
        database = cached_database(expressions, ids, flags)
        return None if database is None else HyperscanMatcher(patterns, database, len(marks))

    return _gated(patterns, cached, indices, marks, gates)


def _gated(
    patterns: list[CompiledPattern],
    build: Callable[[list[int], Sequence[Mark]], Matcher | None],
    indices: list[int],
    marks: Sequence[Mark],
    gates: Gates,
) -> Matcher | None:
    """The matcher `build` makes for `indices` and `marks`; when some of the rules are
    gated (policyctl.engine.gates), a GatedMatcher of the main database and one per gate
    (None when `build` gives None for any of them: not all in the cache). The database
    of all the gated rules, for chunks of lines, is made on first need."""
    always, groups = split_gates(indices, gates)
    if not groups:
        return build(indices, marks)
    words, owner = gate_marks(groups)
    main = build(always, [*marks, *words])
    if main is None:
        return None
    parts = [build(list(gate.rules), ()) for gate in groups]
    if any(part is None for part in parts):
        return None
    gated = sorted(i for gate in groups for i in gate.rules)
    return GatedMatcher(
        main,
        len(marks),
        [part for part in parts if part is not None],
        owner,
        partial(_compiled, patterns, gated, {}, ()),  # (a partial pickles; a lambda not)
    )


class SplitMatcher(Matcher):
    """The matches of two matchers over disjoint sets of rules, in one list in the order
    every matcher gives (start, end, rule): each rule's matches are its own matcher's.
    The marks are the first one's."""

    name = "hyperscan"

    def __init__(self, first: Matcher, second: Matcher) -> None:
        self.first = first
        self.second = second

    def marked_matches(
        self,
        data: bytes,
        within_lines: bool = False,
        accept: Callable[[int], bool | HitFilter] | None = None,
    ) -> tuple[list[Match], list[tuple[int, int]] | None]:
        found, marked = self.first.marked_matches(data, within_lines, accept)
        more = self.second.matches(data, within_lines, accept)
        if not more:
            return found, marked
        if not found:
            return more, marked
        return sorted(found + more, key=_POSITION), marked


_POSITION = attrgetter("start", "end", "rule")


def _small_matcher(
    patterns: list[CompiledPattern],
    indices: list[int],
    names: list[str],
    shared: list[int] | None,
    marks: Sequence[Mark] = (),
    gates: Gates = _NO_GATES,
) -> Matcher:
    """`re` for the `indices` rules; when the database of the `shared` ones (a part of
    them) is in the cache, that database for those and one of their own for the rest
    (compiled once, a few seconds at most, and cached)."""
    if shared:
        cached = _cached_matcher(patterns, shared, marks, gates)
        if cached is not None:
            taken = set(shared)
            name = dict(zip(indices, names, strict=True))
            rest = [i for i in indices if i not in taken]
            own = _compiled_matcher(patterns, rest, [name[i] for i in rest], ())
            return SplitMatcher(cached, own)
    return ReMatcher(patterns, indices)


def adaptive_or_cached(
    patterns: list[CompiledPattern],
    indices: list[int],
    names: list[str],
    shared: list[int] | None = None,
    marks: Sequence[Mark] = (),
    gates: Gates = _NO_GATES,
) -> Matcher:
    """Hyperscan with the cached database when there is one, else an AdaptiveMatcher.

    `shared`, a part of `indices` (the rules for every kind of input), is matched with
    its own cached database while the input is small, when there is one. `marks` are
    compiled into the databases (see Matcher.marked_matches)."""
    cached = _cached_matcher(patterns, indices, marks, gates)
    if cached is not None:
        return cached
    if shared is not None and len(shared) == len(indices):
        shared = None  # the same rules: nothing of their own to split off
    return AdaptiveMatcher(patterns, indices, names, shared, marks, gates)
