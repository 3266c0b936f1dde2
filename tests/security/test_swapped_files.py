"""A file listed by the walk and replaced before it is read (by a FIFO or a device): the
read neither blocks nor runs on without end (issue 18's read with one os.read)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest

from policyctl.core.model import Chunk, Notice
from policyctl.sources.filesystem import FileItem


class Blocked(Exception):
    """Not an OSError: the item must not take it for a file it cannot read."""


@pytest.fixture
def deadline() -> Iterator[None]:
    """Fail a test that is still running after 5 s (a read that blocks)."""

    def expire(_signal: int, _frame: FrameType | None) -> None:
        raise Blocked("the read blocked")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(5)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.usefixtures("deadline")
def test_a_fifo_swapped_in_for_a_listed_file_does_not_block(tmp_path: Path) -> None:
    path = tmp_path / "config.py"
    os.mkfifo(path)  # no writer: a blocking open would wait for one forever
    pieces = list(FileItem(str(path), "config.py", 100).load())
    assert all(isinstance(p, Chunk) and p.data == b"" for p in pieces)


@pytest.mark.usefixtures("deadline")
@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_swapped_in_for_a_listed_file_is_not_read_without_end() -> None:
    pieces = list(FileItem("/dev/zero", "config.py", 100).load())
    assert pieces == [Notice("config.py", "cannot be read: not a regular file", "error")]
