"""Matcher backends behind one interface: Hyperscan (default) and Python `re` (fallback)."""

from __future__ import annotations

from collections.abc import Sequence

from policyctl.core.errors import ConfigError
from policyctl.core.model import Rule
from policyctl.engine.gates import Gates
from policyctl.engine.interface import CompiledPattern, HitFilter, Mark, Match, Matcher

BACKENDS = ("auto", "hyperscan", "re")

__all__ = [
    "BACKENDS",
    "HitFilter",
    "Mark",
    "Match",
    "Matcher",
    "build_matcher",
    "engine_name",
    "engine_problem",
    "hyperscan_available",
]


def hyperscan_available() -> bool:
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return False
    return True


def build_matcher(
    rules: Sequence[Rule],
    backend: str = "auto",
    chosen: Sequence[int] | None = None,
    marks: Sequence[Mark] = (),
    gates: Gates | None = None,
) -> Matcher:
    """One matcher for the `chosen` rules (by index; default all): Hyperscan when it can
    be imported, else `re`. Matches name rules by their index in `rules`. `marks` are
    found in the same pass where the backend can (Matcher.marked_matches).

    With `auto`, a database not yet in the cache is compiled only when the input is
    large enough to repay it (policyctl.engine.adaptive).

    `gates` maps rules that report nothing in a chunk without one of their words to
    those words: Hyperscan scans them only where one is (policyctl.engine.gates)."""
    patterns = [CompiledPattern.from_rule(rule) for rule in rules]
    indices = list(range(len(rules)) if chosen is None else chosen)
    if engine_name(backend) == "re" or not indices:
        # (no rule for this kind of input: Hyperscan cannot compile an empty database)
        from policyctl.engine.re_backend import ReMatcher

        return ReMatcher(patterns, indices)
    names = [rules[i].id for i in indices]
    if backend == "auto":
        from policyctl.engine.adaptive import adaptive_or_cached

        shared = [i for i in indices if not rules[i].sources]  # the rules of every kind
        return adaptive_or_cached(patterns, indices, names, shared, marks, gates or {})
    from policyctl.engine.adaptive import _compiled_matcher

    return _compiled_matcher(patterns, indices, names, marks, gates or {})


def engine_problem(pattern: str, backend: str = "auto") -> str | None:
    """Why the engine `backend` resolves to cannot run `pattern`, or None when it can.

    Python `re` (the fallback, and the confirm step after Hyperscan) is checked when the
    rule is loaded; this adds the engine that will scan, so a rule Hyperscan refuses is an
    error at load time, never a scan where every file fails."""
    if engine_name(backend) == "re":
        return None
    from policyctl.engine.hyperscan_backend import compile_problem

    problem = compile_problem(pattern.encode("utf-8"))
    return f"Hyperscan cannot compile it: {problem}" if problem else None


def engine_name(backend: str) -> str:
    """The backend that `backend` (auto, hyperscan or re) resolves to on this machine."""
    if backend not in BACKENDS:
        raise ConfigError(f"unknown engine {backend!r}: choose one of {', '.join(BACKENDS)}")
    if backend == "re" or (backend == "auto" and not hyperscan_available()):
        return "re"
    if not hyperscan_available():
        raise ConfigError("engine 'hyperscan' was asked for, but hyperscan cannot be imported")
    return "hyperscan"
