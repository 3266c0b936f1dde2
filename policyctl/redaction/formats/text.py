"""The text format: plain files, .log files, rotated logs, gzip-compressed or not, streamed
in bounded memory whatever their size.

The text is read a block at a time. Each pass scans the bytes not yet written plus
some already written before them (for context words and for matches that start
earlier), writes up to a cut point and keeps the rest for the next pass. The cut is
at least OVERLAP bytes before the end of what was read, and never inside a finding:
since no match is longer than `regex_safety.MAX_WINDOW`, every value that starts
before the cut is seen whole, and the bytes between findings are written unchanged.

A gzip input (found by its magic number, whatever its name) gives a gzip output; text
with a UTF-16/32 byte-order mark is written back in its own encoding.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence

from policyctl.core.model import Location
from policyctl.engine.regex_safety import MAX_WINDOW
from policyctl.redaction.formats.interface import Input, RedactFormat, TextResult
from policyctl.redaction.redactor import Edit, Redactor, SpanChunk, apply_edits
from policyctl.redaction.streams import Reader, Writer, same_compression
from policyctl.sources.text import SNIFF_BYTES, bom_encoding, is_binary

BLOCK_BYTES = 1 << 20
CONTEXT_BYTES = 1024
"""Room for context words before a match (rules look 80 characters around by default)."""
OVERLAP = MAX_WINDOW + CONTEXT_BYTES


class NotText(Exception):
    """The input is binary: there is no text to redact in it."""


def sniff(name_kind: str | None, item: Input) -> bool:
    """Every input no other format takes is redacted as text."""
    return True


def redact(item: Input, sink: Writer, redactor: Redactor) -> TextResult:
    return redact_text_file(item.source, sink, redactor, item.display)


def redact_text_file(raw: Reader, out: Writer, redactor: Redactor, display: str) -> TextResult:
    """Redact one text input from `raw` into `out` (same compression, same encoding)."""
    with same_compression(raw, out) as (reader, sink, compressed):
        return _redact_text(reader, sink, redactor, display, compressed)


def _redact_text(
    reader: Reader, sink: Writer, redactor: Redactor, display: str, compressed: bool
) -> TextResult:
    head = reader.read(SNIFF_BYTES)
    if is_binary(head):
        raise NotText()
    found = bom_encoding(head)
    encoding = found[0] if found is not None and found[0] != "utf-8" else None
    source: Reader = _Prefixed(head, reader)
    if found is not None and encoding is not None:
        sink.write(head[: found[1]])  # the byte-order mark, as it was
        source = _Utf8Reader(_Prefixed(head[found[1] :], reader), encoding)
        sink = _Utf8Writer(sink, encoding)
    lines = redact_stream(source, sink, redactor, Location(path=display))
    if isinstance(sink, _Utf8Writer):
        sink.close()
    kind = "text" if encoding is None else f"text ({encoding})"
    return TextResult(format=f"gzip {kind}" if compressed else kind, lines=lines)


def redact_stream(reader: Reader, out: Writer, redactor: Redactor, origin: Location) -> int:
    """Copy `reader` to `out` with every finding replaced; returns the lines read."""
    history = b""  # bytes already written, kept for context
    pending = b""  # bytes read, not yet written
    lines = 0
    done = False
    while not done:
        block = reader.read(BLOCK_BYTES)
        done = not block
        pending += block
        if not done and len(pending) < BLOCK_BYTES + OVERLAP:
            continue
        data = history + pending
        base = len(history)
        edits = redactor.edits(SpanChunk(data=data, origin=origin, kind="logs"))
        cut = len(data) if done else cut_point(data, edits, base, len(data) - OVERLAP)
        out.write(apply_edits(data, base, cut, edits))
        lines += data.count(b"\n", base, cut)
        history = data[max(0, cut - OVERLAP) : cut]
        pending = data[cut:]
    last_line_open = bool(history) and not history.endswith(b"\n")
    return lines + last_line_open


def cut_point(data: bytes, edits: Sequence[Edit], start: int, limit: int) -> int:
    """Where this pass stops writing: after the last line break before `limit` (or at
    `limit` in a line longer than a block), moved past any edit it would split. It is
    never before `start`, where the bytes not yet written begin."""
    newline = data.rfind(b"\n", 0, limit)
    cut = newline + 1 if newline >= start else limit
    for edit in edits:  # sorted and disjoint: one pass moves the cut far enough
        if edit.start < cut < edit.end:
            cut = edit.end
    return cut


class _Prefixed:
    """`head` (already read to sniff the input), then the rest of `reader`."""

    def __init__(self, head: bytes, reader: Reader) -> None:
        self.head = head
        self.reader = reader

    def read(self, size: int = -1) -> bytes:
        if self.head:
            data, self.head = self.head, b""
            return data
        return self.reader.read(size)


class _Utf8Reader:
    """UTF-8 from text in `encoding` (UTF-16/32); unreadable units become U+FFFD."""

    def __init__(self, reader: Reader, encoding: str) -> None:
        self.reader = reader
        self.decoder = codecs.getincrementaldecoder(encoding)("replace")

    def read(self, size: int = -1) -> bytes:
        while True:
            raw = self.reader.read(size)
            text = self.decoder.decode(raw, final=not raw)
            if text or not raw:
                return text.encode("utf-8")


class _Utf8Writer:
    """Writes UTF-8 given to it as `encoding` to `sink`."""

    def __init__(self, sink: Writer, encoding: str) -> None:
        self.sink = sink
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.encoder = codecs.getincrementalencoder(encoding)()

    def write(self, data: bytes) -> int:
        self.sink.write(self.encoder.encode(self.decoder.decode(data)))
        return len(data)

    def flush(self) -> None:
        self.sink.flush()

    def close(self) -> None:
        self.sink.write(self.encoder.encode(self.decoder.decode(b"", final=True), final=True))


FORMAT = RedactFormat("text", sniff, redact)
