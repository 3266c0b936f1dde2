"""Rules that report only with one of their words in the chunk, scanned only where one is.

A rule whose context is required (`context: {required: true}`) never reports a match
without one of its context words near it, so in a chunk that holds none of its words
anywhere its matches are all thrown away. Some such rules have patterns with no literal
to anchor on (40 hex digits with the provider named nearby): in the one database of all
rules they cost Hyperscan as much as hundreds of prefixed rules (14 rules, 40% of the
pass over code; issue 18). So they go into databases of their own, one per set of
words, and the main database finds their words (as marks, in the same pass): a gated
database is scanned only over a chunk where one of its words is.

The words are context forms (detection.rules: lower case, `_` and `-` as spaces), which
are compared with the chunk's text in the same form (detection.detect.context_form); a
mark matches exactly the bytes that fold to the word, so the gate opens whenever the
word is in the folded text. Chunks of cells or records (`within_lines`) are judged by
their column names too, which the marks do not see: there every gated rule is scanned,
in one database of them all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import attrgetter
from typing import NamedTuple

from policyctl.engine.interface import HitFilter, Mark, Match, Matcher

Gates = Mapping[int, tuple[bytes, ...]]
"""Rule index -> the words (context forms) one of which a chunk must hold for the rule
to report anything in it."""

_SINGLEMATCH = 0x08
"""hyperscan.HS_FLAG_SINGLEMATCH: one report of a word per chunk is all a gate needs."""


class Gate(NamedTuple):
    rules: tuple[int, ...]
    words: tuple[bytes, ...]


SHORTEST_WORD = 4
"""A rule with a shorter word stays in the main database: a word of three letters is
in too much text for its gate to stay shut (`fal`, a provider's name, is in `False`: in
nine files of code in ten), and scanning the rule's own database over nearly every
chunk costs three times what it adds to the main one."""


def split_gates(indices: Sequence[int], gates: Gates) -> tuple[list[int], list[Gate]]:
    """The `indices` always scanned, and the gated ones grouped by their words (in the
    order of first appearance). No gate when every rule would be gated: the main
    database needs a rule of its own."""
    by_words: dict[tuple[bytes, ...], list[int]] = {}
    always: list[int] = []
    for index in indices:
        words = gates.get(index)
        if not words or any(len(word) < SHORTEST_WORD for word in words):
            always.append(index)
        else:
            by_words.setdefault(words, []).append(index)
    if not always or not by_words:
        return list(indices), []
    return always, [Gate(tuple(rules), words) for words, rules in by_words.items()]


def word_expression(word: bytes) -> bytes:
    """A Hyperscan expression for the bytes that fold to `word` (a context form): an
    ASCII letter in either case, a space as a space, `_` or `-`, any other byte itself."""
    parts = []
    for byte in word:
        if 0x61 <= byte <= 0x7A:
            parts.append(b"[%c%c]" % (byte, byte - 0x20))
        elif byte == 0x20:
            parts.append(b"[ _\\-]")
        else:
            parts.append(b"\\x%02x" % byte)
    return b"".join(parts)


def gate_marks(groups: Sequence[Gate]) -> tuple[list[Mark], list[int]]:
    """One mark for each word of each gate, and the gate of each mark."""
    marks: list[Mark] = []
    owner: list[int] = []
    for number, gate in enumerate(groups):
        for word in gate.words:
            marks.append(Mark(word_expression(word), _SINGLEMATCH))
            owner.append(number)
    return marks, owner


class GatedMatcher(Matcher):
    """`main` (the ungated rules, the caller's marks, then the gates' words as marks)
    and a matcher per gate, asked only when a word of its gate was marked; in chunks of
    lines, `every` (all the gated rules) instead."""

    name = "hyperscan"

    def __init__(
        self,
        main: Matcher,
        own_marks: int,
        gates: Sequence[Matcher],
        owner: Sequence[int],
        every: Callable[[], Matcher],
    ) -> None:
        self.main = main
        self.own_marks = own_marks
        self.gates = tuple(gates)
        self.owner = tuple(owner)
        self._every = every
        self._every_matcher: Matcher | None = None

    def marked_matches(
        self,
        data: bytes,
        within_lines: bool = False,
        accept: Callable[[int], bool | HitFilter] | None = None,
    ) -> tuple[list[Match], list[tuple[int, int]] | None]:
        found, marked = self.main.marked_matches(data, within_lines, accept)
        own = self.own_marks
        if not marked and not within_lines:
            return found, ([] if own else None)  # (most chunks: no gate opened, no mark)
        marked = marked or []  # (the main database has the gates' words as marks)
        opened: set[int] = set()
        if marked and marked[-1][0] >= own:  # (sorted by mark: the gates' come last)
            cut = next(n for n, (mark, _) in enumerate(marked) if mark >= own)
            opened = {self.owner[mark - own] for mark, _ in marked[cut:]}
            del marked[cut:]
        more: list[Match] = []
        if within_lines:
            more = self._every_gated().matches(data, within_lines, accept)
        else:
            for number in sorted(opened):
                more.extend(self.gates[number].matches(data, within_lines, accept))
        if more:
            found = sorted(found + more, key=_POSITION) if found else sorted(more, key=_POSITION)
        return found, (marked if own else None)

    def _every_gated(self) -> Matcher:
        if self._every_matcher is None:
            self._every_matcher = self._every()
        return self._every_matcher


_POSITION = attrgetter("start", "end", "rule")
