"""Shortcuts in the detection hot loop answer exactly what the slow path would."""

from __future__ import annotations

import random

from policyctl.core.model import Chunk, Location
from policyctl.detection.detect import candidate
from policyctl.detection.secret_filters import FILTERS
from policyctl.engine import Match
from policyctl.engine.interface import DECIMAL_FILTER, in_a_decimal
from policyctl.engine.words import WordSet


def test_the_decimal_shortcut_never_rejects_what_the_filter_keeps() -> None:
    rng = random.Random(18)
    alphabet = ["0", "7", ".", " ", "\n", "-", "(", "_", "a", "é", "٣", "\x00"]
    decided = 0
    for _ in range(20_000):
        before = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4)))
        after = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4)))
        value = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 6)))
        data = (before + value + after).encode()
        start = len(before.encode())
        match = Match(0, start, start + len(value), start, start + len(value))
        chunk = Chunk(data=data, origin=Location(path="x.py"), kind="repo")
        if in_a_decimal(data, match.value_start, match.value_end):
            decided += 1
            assert FILTERS[DECIMAL_FILTER](candidate(chunk, match, value)), data
    assert decided > 200  # the shortcut does take the common cases


def test_a_word_set_finds_exactly_the_words_in_a_text() -> None:
    rng = random.Random(7)
    words = [b"dob", b"date of birth", b"birth", b"ssn", b"", b"card no", b"\xc3\xa9t\xc3\xa9"]
    letters = b"dobirthsnca \n\xc3\xa9"
    texts = [bytes(rng.choice(letters) for _ in range(300)) for _ in range(200)]
    texts += [b"x date of birth y", "été".encode(), b""]
    texts += [t * 100 for t in texts[:20]]  # past SMALL_TEXT: the database answers
    for engine in ("hyperscan", "re"):
        found = WordSet(words, engine)
        for text in texts:
            assert found.present(text) == {i for i, w in enumerate(words) if w in text}
