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


def within_a_line(pattern: bytes) -> bool:
    """Whether no match of `pattern` can hold a line break (a sure answer only: False
    when it is hard to say, as with a lookaround). Anchors take no byte: a match of
    `(?m)^key *= *[a-z]+$` lies within one line."""
    return 0x0A not in _bytes_of(sre_parse.parse(pattern))


MANY_REPEATS = 10
"""A repeat of something of varying length may run at most this many times: the ways to
split a run of text between the turns grow as length ** turns, e.g. (?:a{1,30}){1,30}."""


def _check(items: Any, inside_repeat: bool) -> str | None:
    """Walk the parse tree; `inside_repeat` is true below a repeat that can run twice."""
    reason = _adjacent_repeats(items)
    if reason:
        return reason
    for op, arg in items:
        if op in _REPEATS:
            _low, high, body = arg
            if inside_repeat and _unbounded(high):
                return "an unbounded repeat inside a repeat, e.g. (.*a){12} or (a+)+"
            body_low, body_high = body.getwidth()
            if _unbounded(high):
                if body_low != body_high:
                    return "a repeat of something of varying length, e.g. (a|aa)+ or (ab?)*"
                reason = _ambiguous_branch(body)
                if reason:
                    return reason
            elif high >= MANY_REPEATS and body_low != body_high and _ends_ambiguously(body):
                return (
                    "a repeat of something of varying length, repeated many times, "
                    "e.g. (?:a{1,30}){1,30}"
                )
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


def _adjacent_repeats(items: Any) -> str | None:
    """Two unbounded repeats in a row (nothing required between them) that can match the
    same bytes, such as `.*.*` or `[a-z]*[a-z]*`: on text where the rest fails, every way
    to share a stretch between them is tried, from every start (cubic and worse)."""
    previous: frozenset[int] | None = None
    for op, arg in items:
        if op in _REPEATS and _unbounded(arg[1]):
            current = _bytes_of(arg[2])
            if previous is not None and previous & current:
                return (
                    "two unbounded repeats in a row over the same bytes, e.g. .*.* or [a-z]*[a-z]*"
                )
            previous = current
        elif _can_be_empty(op, arg):
            continue  # optional: the repeats around it still meet
        else:
            previous = None
    return None


def _can_be_empty(op: Any, arg: Any) -> bool:
    if op in (sre_constants.AT,):
        return True
    try:
        low = sre_parse.SubPattern(sre_parse.State(), [(op, arg)]).getwidth()[0]
    except Exception:  # an unusual node: count it as a separator
        return False
    return bool(low == 0)


def _ends_ambiguously(body: Any) -> bool:
    r"""Whether a repeated body's variable part can meet the next turn's start: without a
    fixed byte between turns that the variable part cannot match, as in (?:\d{1,3}\.){3}."""
    items = list(body)
    if not items:
        return True
    last_op, _last_arg = items[-1]
    if (
        last_op in _REPEATS
        or last_op is sre_constants.SUBPATTERN
        or last_op is sre_constants.BRANCH
    ):
        return True
    variable = frozenset().union(*(_bytes_of([item]) for item in items if item[0] in _REPEATS))
    return bool(_bytes_of([items[-1]]) & variable) if variable else True


_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_DIGIT = frozenset(b"0123456789")
_SPACE = frozenset(b" \t\n\r\f\v")
_CATEGORIES = {
    sre_constants.CATEGORY_DIGIT: _DIGIT,
    sre_constants.CATEGORY_NOT_DIGIT: _ALL_BYTES - _DIGIT,
    sre_constants.CATEGORY_SPACE: _SPACE,
    sre_constants.CATEGORY_NOT_SPACE: _ALL_BYTES - _SPACE,
    sre_constants.CATEGORY_WORD: _WORD,
    sre_constants.CATEGORY_NOT_WORD: _ALL_BYTES - _WORD,
}


def _bytes_of(items: Any) -> frozenset[int]:
    """Every byte the items can match somewhere (all bytes when it is hard to say)."""
    found: set[int] = set()
    for op, arg in items:
        if op is sre_constants.LITERAL:
            found.add(arg & 0xFF)
        elif op is sre_constants.NOT_LITERAL or op is sre_constants.ANY:
            return _ALL_BYTES
        elif op is sre_constants.IN:
            found |= _class_bytes_all(arg)
        elif op is sre_constants.SUBPATTERN:
            found |= _bytes_of(arg[3])
        elif op is sre_constants.BRANCH:
            for alternative in arg[1]:
                found |= _bytes_of(alternative)
        elif op in _REPEATS:
            found |= _bytes_of(arg[2])
        elif op is sre_constants.AT:
            continue
        else:
            return _ALL_BYTES
    return frozenset(found)


def _class_bytes_all(members: Any) -> frozenset[int]:
    """A character class's bytes, categories included (ASCII, as for bytes patterns)."""
    chosen: set[int] = set()
    negate = False
    for op, arg in members:
        if op is sre_constants.NEGATE:
            negate = True
        elif op is sre_constants.LITERAL:
            chosen.add(arg & 0xFF)
        elif op is sre_constants.RANGE:
            chosen.update(range(arg[0], min(arg[1], 255) + 1))
        elif op is sre_constants.CATEGORY and arg in _CATEGORIES:
            chosen |= _CATEGORIES[arg]
        else:
            return _ALL_BYTES
    return _ALL_BYTES - chosen if negate else frozenset(chosen)


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
