"""Which of a fixed list of words occur in a text, all found in one pass.

Rules that need a context word are not confirmed at all in a chunk that holds none of
their words (detection.detect.could_pass). Asking that of each rule with its own search
read a chunk of megabytes once per word of every such rule; one Hyperscan pass over all
rules' words answers for all of them. The answer is exactly `word in text` for each word
(the words are matched as literal bytes), which the `re` engine computes directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SMALL_TEXT = 16 * 1024
"""Texts up to this size are searched word by word: quicker than compiling the database
on an empty cache (a one-file scan), and just as exact."""


class WordSet:
    """A fixed list of words (bytes); `present(text)` is the set of indices of those in it."""

    def __init__(self, words: Sequence[bytes], engine: str) -> None:
        self.words = tuple(words)
        self.engine = engine
        self._database: Any = None
        self._scratch: Any = None

    def __getstate__(self) -> dict[str, Any]:
        # a worker process compiles (or loads from the cache) its own database
        return {"words": self.words, "engine": self.engine}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["words"], state["engine"])  # type: ignore[misc]

    def present(self, text: bytes) -> set[int]:
        if self.engine != "hyperscan" or not self.words or len(text) <= SMALL_TEXT:
            return {index for index, word in enumerate(self.words) if word in text}
        if self._database is None:
            self._compile()
        found = {index for index, word in enumerate(self.words) if not word}
        add = found.add

        def on_word(index: int, _from: int, _to: int, _flags: int, _context: object) -> None:
            add(index)

        self._database.scan(text, match_event_handler=on_word, scratch=self._scratch)
        return found

    def _compile(self) -> None:
        import hyperscan

        from policyctl.engine.hyperscan_backend import compile_database

        chosen = [index for index, word in enumerate(self.words) if word]
        expressions = [b"".join(b"\\x%02x" % byte for byte in self.words[i]) for i in chosen]
        names = [f"context word {i}" for i in chosen]
        self._database = compile_database(
            expressions, names, chosen, hyperscan.HS_FLAG_SINGLEMATCH, "words"
        )
        self._scratch = hyperscan.Scratch(self._database)
