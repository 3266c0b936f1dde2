"""Reject rule patterns whose backtracking could blow up, and measure how wide a match gets.

Hyperscan itself never backtracks, but Python `re` confirms each Hyperscan hit inside a
small window, and is the whole engine when Hyperscan is missing. A backtracking engine is
exponential on nested or ambiguous repeats such as `(a+)+`, `(a|aa)*` or `(.*a){12}`, so
those shapes are refused when a rule is loaded. Polynomial worst cases that remain are
bounded by the window: `re` never sees more than `MAX_WINDOW` bytes around a hit.
"""

from __future__ import annotations

import re
import re._constants as sre_constants  # the parser's opcodes: stable across 3.11+
import re._parser as sre_parse
from typing import Any

MAX_WINDOW = 8192
"""Widest stretch of text `re` looks at around one Hyperscan hit, and the cap on a match."""

LARGE_REPEAT = 64
"""A repeat with a higher upper bound is treated like an unbounded one."""

_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT}
_ALL_BYTES = frozenset(range(256))


def unsafe_reason(pattern: str) -> str | None:
    """Why `pattern` can backtrack exponentially, or None when it cannot."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as exc:
        return f"not a valid regular expression: {exc}"
    return _check(parsed, inside_repeat=False)


def max_width(pattern: str) -> int:
    """The longest match `pattern` can make, capped at MAX_WINDOW."""
    return int(min(sre_parse.parse(pattern).getwidth()[1], MAX_WINDOW))


def _check(items: Any, inside_repeat: bool) -> str | None:
    """Walk the parse tree; `inside_repeat` is true below a repeat that can run twice."""
    for op, arg in items:
        if op in _REPEATS:
            _low, high, body = arg
            if inside_repeat and _unbounded(high):
                return "an unbounded repeat inside a repeat, e.g. (.*a){12} or (a+)+"
            if _unbounded(high):
                body_low, body_high = body.getwidth()
                if body_low != body_high:
                    return "a repeat of something of varying length, e.g. (a|aa)+ or (ab?)*"
                reason = _ambiguous_branch(body)
                if reason:
                    return reason
            reason = _check(body, inside_repeat or high > 1)
        elif op is sre_constants.SUBPATTERN:
            reason = _check(arg[3], inside_repeat)
        elif op is sre_constants.BRANCH:
            reason = next((r for alt in arg[1] if (r := _check(alt, inside_repeat))), None)
        else:
            reason = None
        if reason:
            return reason
    return None


def _unbounded(high: int) -> bool:
    return bool(high > LARGE_REPEAT)


def _ambiguous_branch(items: Any) -> str | None:
    """An alternation inside an unbounded repeat whose branches can start alike or be empty.

    The parser factors common prefixes, so `(a|a)*` arrives as `a` followed by a branch
    of two empty alternatives: every branch in the body counts, not just a leading one.
    """
    for op, arg in items:
        if op is sre_constants.SUBPATTERN:
            reason = _ambiguous_branch(arg[3])
            if reason:
                return reason
        elif op is sre_constants.BRANCH:
            seen: set[int] = set()
            for alternative in arg[1]:
                first = _first_bytes(list(alternative))
                if first is None or seen & first:
                    return "alternatives that overlap inside a repeat, e.g. (a|a)* or (a|ab)*"
                seen |= first
    return None


def _first_bytes(items: list[tuple[Any, Any]]) -> frozenset[int] | None:
    """The bytes a sequence can start with, or None when it is hard to say (or can be empty)."""
    if not items:
        return None
    op, arg = items[0]
    if op is sre_constants.LITERAL:
        return frozenset({arg})
    if op is sre_constants.IN:
        return _class_bytes(arg)
    if op is sre_constants.SUBPATTERN:
        return _first_bytes(list(arg[3]))
    if op in _REPEATS and arg[0] >= 1:
        return _first_bytes(list(arg[2]))
    return None


def _class_bytes(members: list[tuple[Any, Any]]) -> frozenset[int] | None:
    chosen: set[int] = set()
    negate = False
    for op, arg in members:
        if op is sre_constants.NEGATE:
            negate = True
        elif op is sre_constants.LITERAL:
            chosen.add(arg)
        elif op is sre_constants.RANGE:
            chosen.update(range(arg[0], min(arg[1], 255) + 1))
        else:
            return None  # categories such as \w: treat as unknown
    return _ALL_BYTES - chosen if negate else frozenset(chosen)
