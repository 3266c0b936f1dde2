"""Matcher backends behind one interface: Hyperscan (default) and Python `re` (fallback)."""

from __future__ import annotations

from collections.abc import Sequence

from policyctl.cache import memoized
from policyctl.engine.interface import CompiledPattern, Match, Matcher, pattern_shape
from policyctl.errors import ConfigError
from policyctl.model import Rule

BACKENDS = ("auto", "hyperscan", "re")

__all__ = ["BACKENDS", "Match", "Matcher", "build_matcher", "hyperscan_available"]


def hyperscan_available() -> bool:
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return False
    return True


def build_matcher(rules: Sequence[Rule], backend: str = "auto") -> Matcher:
    """One matcher for all `rules`: Hyperscan when it can be imported, else `re`."""
    shapes = memoized(
        "pattern-shapes",
        b"\0".join(rule.pattern.encode("utf-8") for rule in rules),
        lambda: [pattern_shape(rule.pattern) for rule in rules],
    )
    patterns = [CompiledPattern.from_rule(r, s) for r, s in zip(rules, shapes, strict=True)]
    if backend not in BACKENDS:
        raise ConfigError(f"unknown engine {backend!r}: choose one of {', '.join(BACKENDS)}")
    if backend == "re" or (backend == "auto" and not hyperscan_available()):
        from policyctl.engine.re_backend import ReMatcher

        return ReMatcher(patterns)
    if not hyperscan_available():
        raise ConfigError("engine 'hyperscan' was asked for, but hyperscan cannot be imported")
    from policyctl.engine.hyperscan_backend import HyperscanMatcher, compile_database

    database = compile_database(
        [rule.pattern.encode("utf-8") for rule in rules], [rule.id for rule in rules]
    )
    return HyperscanMatcher(patterns, database)
