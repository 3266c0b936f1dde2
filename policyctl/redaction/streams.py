"""The byte streams a redaction reads and writes: a gzip input gives a gzip output, and
text keeps the encoding its byte-order mark says. Every format's `redact` uses these."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Protocol, cast

from policyctl.sources.tabular import GZIP_MAGIC, open_text
from policyctl.sources.text import bom_encoding

GZIP_LEVEL = 6
"""gzip's own default: level 9 costs several times the time for a percent or two."""


class Reader(Protocol):
    def read(self, size: int = -1) -> bytes: ...


class Writer(Protocol):
    def write(self, data: bytes) -> int: ...

    def flush(self) -> None: ...


@contextmanager
def same_compression(raw: Reader, out: Writer) -> Iterator[tuple[Reader, Writer, bool]]:
    """`raw` decompressed when it is gzip (by its magic number, whatever its name), an
    output that compresses alike, and whether they do; the output is finished on exit."""
    if _peek(raw, 2) != GZIP_MAGIC:
        yield raw, out, False
        return
    # GzipFile only reads forwards, so any reader will do (its stub asks for seek too)
    reader = gzip.GzipFile(fileobj=cast(IO[bytes], raw), mode="rb")
    sink = gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=GZIP_LEVEL, mtime=0)
    yield reader, sink, True
    sink.close()


def _peek(raw: Reader, size: int) -> bytes:
    peek = getattr(raw, "peek", None)
    return peek(size)[:size] if peek is not None else b""


class _ReadAdapter(io.RawIOBase):
    """A Reader as a raw binary stream, for io's buffered and text layers."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.reader.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _WriteAdapter(io.RawIOBase):
    """A Writer as a raw binary stream; closing it leaves the Writer open."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self.writer.write(bytes(data))
        return len(data)


@contextmanager
def text_streams(reader: Reader, writer: Writer) -> Iterator[tuple[IO[str], IO[str]]]:
    """Text read from `reader` and text written to `writer` in the same encoding (UTF-8,
    or the one a byte-order mark says, the mark written back). Bytes that are not
    valid in it pass through unchanged; the text written is flushed on exit."""
    buffered = io.BufferedReader(_ReadAdapter(reader), 1 << 16)
    found = bom_encoding(buffered.peek(4)[:4])
    encoding = "utf-8" if found is None else ("utf-8-sig" if found[0] == "utf-8" else found[0])
    written = io.TextIOWrapper(
        io.BufferedWriter(cast(IO[bytes], _WriteAdapter(writer)), 1 << 16),
        encoding=encoding,
        errors="surrogateescape",
        newline="",
    )
    yield open_text(buffered, errors="surrogateescape"), written
    written.flush()
