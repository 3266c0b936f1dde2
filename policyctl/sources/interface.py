"""What a source is: cheap descriptions of work (items) that a worker turns into chunks."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from typing import Protocol

from policyctl.core.model import Chunk, Notice


class Item(Protocol):
    """A unit of work: small and picklable, so it can travel to a worker process."""

    @property
    def display(self) -> str:
        """How reports and notices name the input (a path, `-`, `commit:path`)."""
        ...

    @property
    def counts_as_file(self) -> bool:
        """Whether scanning this item adds one to the files scanned: false for every
        part of a split table but the first, so a table counts once."""
        ...

    @property
    def size(self) -> int:
        """Bytes this item will scan (for progress and for batching)."""
        ...

    def load(self) -> Iterator[Chunk | Notice]:
        """Read the input and give its chunks, or a notice when it cannot be scanned."""
        ...


class Source(ABC):
    """Where inputs come from: a file tree, git history, logs, datasets, stdin."""

    @abstractmethod
    def items(self) -> Iterator[Item | Notice]:
        """The items to scan, in a deterministic order; notices for inputs passed over."""

    def commit_order(self) -> Mapping[str, int]:
        """Once `items` is exhausted, the position of each commit it read (oldest
        first), by which findings repeated across commits are folded into the first
        (see detection.repeats); empty for sources that read no history."""
        return {}
