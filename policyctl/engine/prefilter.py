"""A rule's prefilter: a part of its pattern that Hyperscan looks for in its place.

A pattern with no literal to anchor on (a UUID, `:`, then 32 hex digits) keeps a
Hyperscan automaton busy at every byte of the text, and a few such patterns cost as much
of the pass as a thousand prefixed ones (issue 18: fal.ai's and Trend Micro's keys were a
fifth of the pass over code). Its `prefilter` is a run of the pattern's own consecutive
parts, starting where a rarer stretch begins (`-[a-f0-9]{12}:[a-f0-9]{32}`). Every match
of the pattern holds a match of that run, so Hyperscan reporting the run's matches
misses none of the pattern's; `re` confirms the whole pattern around each of them, over
the pattern's full width on both sides (policyctl.engine.hyperscan_backend._confirmed),
so what is found is the same. `prefilter_problem` proves that a prefilter is such a run.
"""

from __future__ import annotations

import re
import re._constants as sre_constants  # the parser's opcodes: stable across 3.11+
import re._parser as sre_parse
from typing import Any

from policyctl.engine.regex_safety import MAX_WINDOW, within_a_line


def prefilter_problem(pattern: str, prefilter: str) -> str | None:
    """Why `prefilter` cannot stand in for `pattern` in Hyperscan, or None when it can:
    it must be consecutive parts of the pattern outside any alternative or repeat (so
    every match of the pattern holds one of it), with the same global flags, hold no
    line break (a hit lies on its match's line, which line-wise filters read), and the
    pattern's matches must have a bounded width (`re` confirms within it of a hit)."""
    try:
        whole = sre_parse.parse(pattern)
        part = sre_parse.parse(prefilter)
    except re.error as exc:
        return f"not a valid regular expression: {exc}"
    if whole.state.flags != part.state.flags:
        return "its inline flags differ from the pattern's"
    if whole.getwidth()[1] > MAX_WINDOW:
        return f"the pattern's matches can be wider than {MAX_WINDOW} bytes"
    if not within_a_line(prefilter.encode("utf-8")):
        return "it can match a line break"
    needle = _parts(part)
    haystack = _parts(whole)
    if not needle or not any(
        haystack[at : at + len(needle)] == needle for at in range(len(haystack))
    ):
        return "it is not a run of consecutive parts of the pattern (outside alternatives)"
    return None


def _parts(parsed: Any) -> list[Any]:
    """The parts every match goes through in order: the top-level items, with plain
    groups (capturing or not, no flags of their own) opened up."""
    parts: list[Any] = []
    for op, arg in parsed:
        if op is sre_constants.SUBPATTERN and not arg[1] and not arg[2]:
            parts.extend(_parts(arg[3]))
        else:
            parts.append(_comparable((op, arg)))
    return parts


def _comparable(node: Any) -> Any:
    """A parse-tree node as nested tuples (sub-patterns compare by identity), group
    numbers left out: the same text parses to equal values wherever it stands."""
    if isinstance(node, sre_parse.SubPattern):
        return tuple(_comparable(item) for item in node.data)
    if isinstance(node, (list, tuple)):
        if len(node) == 2 and node[0] is sre_constants.SUBPATTERN:
            _group, add, remove, body = node[1]
            return (node[0], (add, remove, _comparable(body)))
        return tuple(_comparable(item) for item in node)
    return node
