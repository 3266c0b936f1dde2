"""Text logs are cut into blocks by searching the bytes, not line by line: the blocks
are the ones the line-by-line reading made (same bytes, first line and column, overlap),
whatever the mix of short lines, long lines and a missing last newline."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator

import pytest

from policyctl.sources import datasets


def pieces(data: bytes, size: int) -> Iterator[bytes]:
    """The lines of `data`, each longer than `size` cut into `size`-byte pieces: what
    `readline(size)` returns, written out as the specification."""
    start = 0
    while start < len(data):
        newline = data.find(b"\n", start, start + size)
        end = newline + 1 if newline >= 0 else min(start + size, len(data))
        yield data[start:end]
        start = end


def blocks_line_by_line(data: bytes) -> list[tuple[bytes, int, int, int]]:
    chunks = datasets._text_log_chunks(pieces(data, datasets.LOG_BLOCK_BYTES), "a.log")
    return [(c.data, c.first_line, c.first_column, c.overlap) for c in chunks]


def blocks_searched(data: bytes, head_pieces: int) -> list[tuple[bytes, int, int, int]]:
    head = b"".join(list(pieces(data, datasets.LOG_BLOCK_BYTES))[:head_pieces])
    stream = io.BufferedReader(io.BytesIO(data[len(head) :]))
    chunks = datasets._text_log_blocks(head, stream.read, "a.log")
    return [(c.data, c.first_line, c.first_column, c.overlap) for c in chunks]


@pytest.mark.parametrize(("size", "overlap"), [(64, 8), (100, 30), (37, 5)])
def test_blocks_are_those_of_line_by_line_reading(
    size: int, overlap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(datasets, "LOG_BLOCK_BYTES", size)
    monkeypatch.setattr(datasets, "LINE_OVERLAP", overlap)
    chance = random.Random(size)
    for _ in range(1500):
        alphabet = b"ab\n" if chance.random() < 0.5 else b"abcdefghij" * 20 + b"\n"
        data = bytes(chance.choice(alphabet) for _ in range(chance.randrange(size * 6)))
        head_pieces = chance.randrange(3)
        assert blocks_searched(data, head_pieces) == blocks_line_by_line(data), data


def test_a_block_of_short_lines_ends_at_the_line_that_fills_it() -> None:
    data = b"".join(b"line %07d\n" % n for n in range(300_000))  # 3.6 MB
    blocks = blocks_searched(data, 1)
    assert [len(b[0]) for b in blocks][:3] == [datasets.LOG_BLOCK_BYTES + 4] * 3
    assert b"".join(b[0] for b in blocks) == data
    assert [b[1] for b in blocks[:2]] == [1, 1 + blocks[0][0].count(b"\n")]
