"""A pattern's edge delimiters as assertions for `re`, so that values one byte apart are
each found.

Most rules end their pattern on `(?:[^A-Za-z0-9_\\-]|$)` and many start it with
`(?:^|[^A-Za-z0-9_\\-.])`: the value must not run on into more of its characters.
Hyperscan has no lookaround, so the patterns spell those edges as groups that take a
byte. Matched by `re` as written, a match takes the byte after its value, and the next
match cannot have it as the byte before its own: in `tok1\\ntok2\\n` the newline goes
to the first match and the second value is never found; a file of one key per line,
or a column of keys, gave every other one. `re` matches the same values with the edges
as assertions (`(?<![A-Za-z0-9_\\-.])`, `(?![A-Za-z0-9_\\-])`), which take no byte;
Hyperscan keeps the groups (its hits end at most one byte after the value, well inside
the window `re` confirms in: policyctl.engine.hyperscan_backend._confirmed).
"""

from __future__ import annotations

import re

_SET = rb"(?:\[\^?(?:\\.|[^\]\\])+\]|\\[sSwWdD])"
"""A character set: a class (`[...]`, `[^...]`) or a class escape (`\\s` ...)."""
_LEADING = re.compile(rb"^(\(\?[aiLmsux]+\))?\(\?:\^\|(" + _SET + rb")\)")
_TRAILING = re.compile(rb"\(\?:(" + _SET + rb")\|\$\)$")
_WORD_EDGE_START = re.compile(rb"^(?:\(\?[aiLmsux]+\))?\\b")
_ESCAPE_COMPLEMENTS = {b"\\s": b"\\S", b"\\S": b"\\s", b"\\w": b"\\W", b"\\W": b"\\w"}
_ESCAPE_COMPLEMENTS |= {b"\\d": b"\\D", b"\\D": b"\\d"}


def edges_as_assertions(pattern: bytes) -> bytes:
    """`pattern` with a leading `(?:^|S)` as `(?<!T)` and a trailing `(?:S|$)` as `(?!T)`,
    T being the complement of the set S: the same values at the same places, the edges
    taking no byte. Anything else is left as it is.

    The end is changed only when the start takes no byte before the value either (the
    leading group changed, or `\\b`): a start that takes one (`(?:[?&]|^|\\s)sv=`) would
    take the byte the match before it no longer takes, which `re` over the whole text
    does and Hyperscan's windows, starting after the byte its hit took, cannot."""
    leading = _LEADING.match(pattern)
    if leading is not None:
        flags, chars = leading.group(1) or b"", leading.group(2)
        pattern = flags + b"(?<!" + _complement(chars) + b")" + pattern[leading.end() :]
    elif _WORD_EDGE_START.match(pattern) is None:
        return pattern
    trailing = _TRAILING.search(pattern)
    if trailing is not None:
        pattern = pattern[: trailing.start()] + b"(?!" + _complement(trailing.group(1)) + b")"
    return pattern


def _complement(chars: bytes) -> bytes:
    if chars in _ESCAPE_COMPLEMENTS:
        return _ESCAPE_COMPLEMENTS[chars]
    if chars.startswith(b"[^"):
        return b"[" + chars[2:]
    return b"[^" + chars[1:]
