"""What a redaction format is: its kind, how an input is known to be one, and how it
is redacted into a copy of the same kind.

Adding a format is adding a module with a `FORMAT` and one line in `formats.FORMATS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from policyctl.redaction.cells import DataResult
from policyctl.redaction.redactor import Redactor
from policyctl.redaction.streams import Reader, Writer


class Source(Reader, Protocol):
    def peek(self, size: int) -> bytes:
        """Up to `size` bytes about to be read, not consumed (fewer, or none, may come)."""
        ...


@dataclass(frozen=True)
class Input:
    """One input being redacted: its bytes (`source`, read once), the file they come
    from (`-` for standard input) and how reports name it."""

    source: Source
    path: str
    display: str


@dataclass(frozen=True)
class TextResult:
    """What redacting a text input did: its format (`gzip text (utf-16)` ...) and lines."""

    format: str
    lines: int


Result = TextResult | DataResult


class NotRedactable(Exception):
    """An input of a kind that cannot be redacted here; the message says why."""


@dataclass(frozen=True)
class RedactFormat:
    """A kind of file `redact` writes back as the same kind.

    `sniff(name_kind, input)` says whether an input is of this kind, given the kind its
    name says (sources.datasets.kind_for_name, the decision `scan` makes too) and its
    first bytes (`input.source.peek`); `redact(input, sink, redactor)` writes the copy.
    """

    kind: str
    sniff: Callable[[str | None, Input], bool]
    redact: Callable[[Input, Writer, Redactor], Result]
