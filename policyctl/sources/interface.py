"""What a source is: cheap descriptions of work (items) that a worker turns into chunks."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Protocol

from policyctl.core.model import Chunk, Notice


class Item(Protocol):
    """A unit of work: small and picklable, so it can travel to a worker process."""

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
