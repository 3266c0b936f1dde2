"""Archives as scan items: the members of zip files (and the formats built on zip: jar,
war, ear, aar, whl, nupkg, apk), tar files (plain or gzip, bzip2, xz compressed) and
gzip-compressed files, read with the standard library.

A member is located as `archive.zip!inner/path` (nested: `a.zip!b.tar!c.txt`) and read
like a file of that name: code, a log or a dataset. Archives inside archives are opened
down to `max_depth` levels (the top level is 1). Its name is only a label: nothing is
ever written to disk, so `../` or absolute member names cannot escape anywhere, and
links inside an archive are never followed.

Everything an archive holds counts against one budget per archive on disk (entries and
decompressed bytes, nested archives included), and a member that expands more than
`max_ratio` times its compressed size is passed over: a decompression bomb ends as a
notice, not as a hang or an out-of-memory.
"""

from __future__ import annotations

import io
import stat
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, cast

from policyctl.core.config import (
    DEFAULT_MAX_ARCHIVE_DEPTH,
    DEFAULT_MAX_ARCHIVE_SIZE,
    DEFAULT_MAX_FILE_SIZE,
)
from policyctl.core.globs import path_matches
from policyctl.core.model import Chunk, Location, Notice
from policyctl.sources.datasets import DATASETS_EXTRA, DataItem, DataOptions, kind_for_name
from policyctl.sources.tabular import parquet_supported
from policyctl.sources.text import is_binary, to_scannable

if TYPE_CHECKING:  # imported when an archive is read, not by every walk (start-up time)
    import tarfile
    import zipfile

ZIP_SUFFIXES = (".zip", ".jar", ".war", ".ear", ".aar", ".whl", ".nupkg", ".apk")
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz")
ARCHIVE_ENDINGS = frozenset(s[s.rfind(".") :] for s in (*ZIP_SUFFIXES, *TAR_SUFFIXES, ".gz"))
"""What an archive's name ends with from its last dot: a name ending otherwise is none."""
SEPARATOR = "!"

MAX_ENTRIES = 100_000
"""Entries one archive on disk may hold, nested archives included."""
MAX_RATIO = 100
"""A member decompressing to more than this many times its compressed size is a bomb ..."""
RATIO_FLOOR = 1024 * 1024
"""... once it is past this size (small, very repetitive files are common and harmless)."""
MAX_MEMBER_BYTES = 64 * 1024 * 1024
"""The most read of one member that is a log, a dataset or a nested archive (code
members are limited by --max-file-size, like files)."""
BLOCK = 1024 * 1024


def _archive_errors() -> tuple[type[BaseException], ...]:
    """What reading a corrupt or hostile archive raises, in any of its formats."""
    import gzip
    import lzma
    import tarfile
    import zipfile
    import zlib

    return (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        tarfile.TarError,
        EOFError,
        zlib.error,
        lzma.LZMAError,
        gzip.BadGzipFile,
        NotImplementedError,
        RuntimeError,  # zipfile: an encrypted member, a bad password
        ValueError,
        OSError,  # bz2 reports corrupt data as OSError
    )


def archive_format(name: str) -> str | None:
    """ "zip", "tar" or "gzip" when the name says an archive, else None.

    A gzip-compressed log or dataset (`app.log.gz`, `users.csv.gz`) is not an archive:
    it streams as the log or dataset it holds (policyctl.sources.datasets)."""
    lower = name.lower()
    if lower.endswith(ZIP_SUFFIXES):
        return "zip"
    if lower.endswith(TAR_SUFFIXES):
        return "tar"
    if lower.endswith(".gz") and kind_for_name(name) is None:
        return "gzip"
    return None


@dataclass(frozen=True)
class ArchiveOptions:
    """How deep to open archives (0: not at all), how much one may expand, and how its
    members are read (the walk's excludes, file size limit and dataset options)."""

    max_depth: int = DEFAULT_MAX_ARCHIVE_DEPTH
    max_size: int = DEFAULT_MAX_ARCHIVE_SIZE
    """Decompressed bytes one archive on disk may yield, nested archives included."""
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    exclude: tuple[str, ...] = ()
    data: DataOptions = field(default_factory=DataOptions)


def archive_items(path: str, display: str, size: int, options: ArchiveOptions) -> list[ArchiveItem]:
    """The item for an archive file (empty for any other file, or with archives off)."""
    found = archive_format(display) if options.max_depth > 0 else None
    return [ArchiveItem(path, display, size, found, options)] if found else []


@dataclass(frozen=True)
class ArchiveItem:
    """One archive file on disk, read whole (nested archives too) by one worker."""

    path: str
    display: str
    size: int
    format: str
    options: ArchiveOptions

    @property
    def counts_as_file(self) -> bool:
        return True

    def load(self) -> Iterator[Chunk | Notice]:
        try:
            with open(self.path, "rb") as handle:
                reader = _Reader(self.options, _Budget(self.options.max_size))
                yield from reader.archive(handle, self.format, self.display, 1, self.size)
        except OSError as exc:
            yield Notice(self.display, f"cannot be read: {exc.strerror or type(exc).__name__}")


class _LimitReached(Exception):
    """The archive's budget is spent: the rest of it is not read."""


class _TooBig(Exception):
    """One member is over its size limit or its compression ratio: it is passed over."""


@dataclass
class _Budget:
    """What is left of one archive's allowance, shared by everything nested in it."""

    bytes_left: int
    entries_left: int = MAX_ENTRIES
    limit: int = 0

    def __post_init__(self) -> None:
        self.limit = self.bytes_left

    def entry(self) -> None:
        self.entries_left -= 1
        if self.entries_left < 0:
            raise _LimitReached(
                f"stopped after {MAX_ENTRIES:,} entries, the limit per archive; "
                "the rest is not scanned"
            )

    def spend(self, count: int) -> None:
        self.bytes_left -= count
        if self.bytes_left < 0:
            raise _LimitReached(
                f"stopped after {_mib(self.limit)} of decompressed data, the limit per "
                "archive (--max-archive-size); the rest is not scanned"
            )


@dataclass(frozen=True)
class _Member:
    """One entry of an archive, whatever the format."""

    name: str
    kind: str
    """"file", "folder", "link" (symbolic or hard) or "special" (device, FIFO)."""
    size: int
    packed: int | None
    """Its compressed size, when the format records one (zip); else None."""
    open: Callable[[], IO[bytes]]
    encrypted: bool = False
    charged: bool = False
    """Its size is already counted against the budget (a compressed tar's members)."""


class _Reader:
    """Reads one archive on disk and everything nested in it, under one budget."""

    def __init__(self, options: ArchiveOptions, budget: _Budget) -> None:
        self.options = options
        self.budget = budget

    def archive(
        self, handle: IO[bytes], form: str, label: str, depth: int, packed_size: int
    ) -> Iterator[Chunk | Notice]:
        try:
            for member in self._members(handle, form, label, packed_size):
                yield from self._member(member, label, depth)
        except _LimitReached as reached:
            yield Notice(label, str(reached))
        except _archive_errors() as exc:
            yield Notice(label, f"not a readable {form} archive: {_short(exc)}")

    def _members(
        self, handle: IO[bytes], form: str, label: str, packed_size: int
    ) -> Iterator[_Member]:
        if form == "zip":
            return _zip_members(handle, self.budget)
        if form == "tar":
            compressed = not label.lower().endswith(".tar")
            return _tar_members(handle, self.budget, compressed, packed_size)
        return _gzip_members(handle, label, packed_size)

    def _member(self, member: _Member, label: str, depth: int) -> Iterator[Chunk | Notice]:
        self.budget.entry()
        inner = _label(member.name)
        where = f"{label}{SEPARATOR}{inner}"
        if member.kind == "folder":
            return
        if self.options.exclude and path_matches(inner.lstrip("/"), self.options.exclude):
            return
        if member.kind == "link":
            yield Notice(where, "skipped: link inside an archive (not followed)", level="info")
            return
        if member.kind == "special":
            yield Notice(where, "skipped: not a regular file", level="info")
            return
        if member.encrypted:
            yield Notice(where, "skipped: encrypted member (no password is tried)")
            return
        nested = archive_format(inner)
        data_kind = None if nested else kind_for_name(inner)
        if nested and depth >= self.options.max_depth:
            yield Notice(
                where,
                f"skipped: archive nested deeper than --max-archive-depth {self.options.max_depth}",
            )
            return
        if data_kind == "parquet" and not parquet_supported():
            yield Notice(where, f"skipped: {DATASETS_EXTRA}")
            return
        limit = MAX_MEMBER_BYTES if nested or data_kind else self.options.max_file_size
        try:
            content = self._read(member, limit)
        except _TooBig as reason:
            yield Notice(where, f"skipped: {reason}")
            return
        if nested:
            yield from self.archive(io.BytesIO(content), nested, where, depth + 1, len(content))
        elif data_kind:
            options = DataOptions(sample_rows=self.options.data.sample_rows)
            item = DataItem(where, where, len(content), data_kind, options, content=content)
            yield from item.load()
        elif is_binary(content):
            yield Notice(where, "skipped: binary file", level="info")
        else:
            yield Chunk(data=to_scannable(content), origin=Location(path=where))

    def _read(self, member: _Member, limit: int) -> bytes:
        """The member's bytes, charged to the budget; _TooBig when it is over `limit` or
        expands past the compression ratio (read no further than that)."""
        if member.size > limit:
            raise _TooBig(f"{_mib(member.size)} is over the {_mib(limit)} limit")
        if _bomb(member.size, member.packed):
            raise _TooBig(_BOMB)
        parts: list[bytes] = []
        total = 0
        with member.open() as stream:
            while block := stream.read(BLOCK):
                total += len(block)
                if not member.charged:
                    self.budget.spend(len(block))
                if total > limit:
                    raise _TooBig(f"over the {_mib(limit)} limit")
                if _bomb(total, member.packed):
                    raise _TooBig(_BOMB)
                parts.append(block)
        return b"".join(parts)


_BOMB = f"expands more than {MAX_RATIO} times its compressed size (a decompression bomb?); not read"


def _bomb(expanded: int, packed: int | None) -> bool:
    return packed is not None and expanded > RATIO_FLOOR and expanded > MAX_RATIO * max(packed, 1)


def _zip_members(handle: IO[bytes], budget: _Budget) -> Iterator[_Member]:
    declared = zip_entry_count(handle)
    if declared is not None and declared > budget.entries_left:
        raise _LimitReached(
            f"skipped: declares {declared:,} entries, over the limit of {MAX_ENTRIES:,} per archive"
        )
    import zipfile

    with zipfile.ZipFile(handle) as archive:
        for info in archive.infolist():
            mode = info.external_attr >> 16
            if info.is_dir():
                kind = "folder"
            elif stat.S_ISLNK(mode):
                kind = "link"
            elif stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
                kind = "special"
            else:
                kind = "file"
            yield _Member(
                info.filename,
                kind,
                info.file_size,
                info.compress_size,
                _zip_opener(archive, info),
                encrypted=bool(info.flag_bits & 0x1),
            )


def _zip_opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], IO[bytes]]:
    return lambda: archive.open(info)


_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"


def zip_entry_count(handle: IO[bytes]) -> int | None:
    """The entry count a zip's end record declares, read before zipfile parses the
    central directory (which it holds in memory whole): None when there is no record."""
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    tail_start = max(0, size - (22 + 0xFFFF))
    handle.seek(tail_start)
    tail = handle.read()
    handle.seek(0)
    at = tail.rfind(_EOCD)
    if at < 0 or at + 22 > len(tail):
        return None
    (count,) = struct.unpack_from("<H", tail, at + 10)
    if count != 0xFFFF or at < 20 or tail[at - 20 : at - 16] != _ZIP64_LOCATOR:
        return int(count)
    (offset,) = struct.unpack_from("<Q", tail, at - 20 + 8)
    handle.seek(offset)
    record = handle.read(56)
    handle.seek(0)
    if len(record) < 40 or record[:4] != _ZIP64_EOCD:
        return int(count)
    (count64,) = struct.unpack_from("<Q", record, 32)
    return int(count64)


def _tar_members(
    handle: IO[bytes], budget: _Budget, compressed: bool, packed_size: int
) -> Iterator[_Member]:
    """Members of a tar; in a compressed tar, even a member passed over is decompressed
    to reach the next one, so every member's declared size counts against the budget
    and the ratio is judged on the whole file."""
    import tarfile

    with tarfile.open(fileobj=handle, mode="r:*") as archive:
        while (info := archive.next()) is not None:
            # tarfile keeps every header it has read (an attribute typeshed does not list):
            # a tar of many small entries would fill memory with them
            vars(archive)["members"].clear()
            if compressed:
                if _bomb(info.offset_data + info.size, packed_size):
                    raise _LimitReached(_BOMB.replace("; not read", "; the rest is not read"))
                budget.spend(info.size)
            if info.isreg():
                kind = "file"
            elif info.isdir():
                kind = "folder"
            elif info.issym() or info.islnk():
                kind = "link"
            else:
                kind = "special"
            opener = _tar_opener(archive, info)
            yield _Member(info.name, kind, info.size, None, opener, charged=compressed)


def _tar_opener(archive: tarfile.TarFile, info: tarfile.TarInfo) -> Callable[[], IO[bytes]]:
    def open_member() -> IO[bytes]:
        stream = archive.extractfile(info)
        if stream is None:  # not a regular file: never reached, kinds are checked first
            return io.BytesIO()
        return stream

    return open_member


def _gzip_members(handle: IO[bytes], label: str, packed_size: int) -> Iterator[_Member]:
    """The one file a .gz holds, named for the archive without `.gz` (the name stored
    in the gzip header is the archive author's to choose, so it is not used)."""
    inner = label.rsplit(SEPARATOR, 1)[-1].rsplit("/", 1)[-1][:-3] or "content"
    import gzip

    yield _Member(
        inner, "file", 0, packed_size, lambda: cast(IO[bytes], gzip.GzipFile(fileobj=handle))
    )


def _label(name: str) -> str:
    """A member name as it may be printed: control characters (a terminal escape, a
    line break that would forge a report line) and undecodable bytes made visible."""
    text = name.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"
