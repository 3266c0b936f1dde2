"""Files and folders on disk, honouring .gitignore inside a git work tree."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter

from policyctl.core.config import DEFAULT_MAX_FILE_SIZE
from policyctl.core.errors import InputError
from policyctl.core.globs import name_matches, path_matches
from policyctl.core.model import Chunk, Location, Notice
from policyctl.sources import gitrun
from policyctl.sources.archives import ARCHIVE_ENDINGS, ArchiveOptions, archive_items
from policyctl.sources.datasets import (
    STDIN,
    STDIN_DISPLAY,
    DataItem,
    DataOptions,
    data_items,
    may_have_kind,
)
from policyctl.sources.interface import Item, Source
from policyctl.sources.storage import is_url, open_binary
from policyctl.sources.text import binary_reason, has_text_name, magic_format, to_scannable


@dataclass(frozen=True)
class WalkOptions:
    exclude: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    use_gitignore: bool = True
    follow_links: bool = False
    """Read symlinks whose target is outside the scanned folder (off: a note, not read)."""
    data: DataOptions = field(default_factory=DataOptions)
    """Logs and datasets stream, so --max-file-size does not apply to them."""
    archives: ArchiveOptions = field(default_factory=lambda: ArchiveOptions(max_depth=0))
    """How archive files are read inside (policyctl.sources.archives), whatever their
    size; off unless asked for, so a walk that copies or lists files sees them as files."""


@dataclass(frozen=True)
class FileItem:
    """One regular file: `path` is where to read it, `display` how reports name it."""

    path: str
    display: str
    size: int
    limit: int | None = None
    """Read only the first `limit` bytes (a file over --max-file-size)."""

    @property
    def counts_as_file(self) -> bool:
        return True

    def load(self) -> Iterator[Chunk | Notice]:
        try:
            raw = read_file(self.path, self.size, self.limit)
        except OSError as exc:
            yield Notice(
                self.display, f"cannot be read: {exc.strerror or type(exc).__name__}", "error"
            )
            return
        reason = binary_reason(raw)
        if reason is not None:
            if not has_text_name(self.display):
                yield Notice(self.display, "skipped: binary file", level="info")
                return
            if magic_format(raw) is not None:
                yield Notice(self.display, f"skipped: {reason}, though its name says text")
                return
            # a text file padded with control bytes: its text parts are still read
            yield Notice(self.display, f"{reason} in a text file: its text parts are scanned")
        if self.limit is not None:
            yield Notice(
                self.display,
                f"only the first {_size(self.limit)} scanned: the file is larger (--max-file-size)",
            )
        yield Chunk(data=to_scannable(raw), origin=Location(path=self.display))


_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
"""O_NONBLOCK: a FIFO put where a file was listed neither blocks the open nor a read."""
READ_BLOCK = 1024 * 1024


def read_file(path: str, size: int, limit: int | None = None) -> bytes:
    """The bytes of the file at `path` (the first `limit` of them), which had `size`
    bytes when it was listed. A local file is read with one open and one read of
    size + 1 bytes, as the size is known: a read short of that is the end of a regular
    file. (A buffered open() adds a stat and a second read, and was a third of the
    time of reading 20,000 files of code, issue 18.)"""
    if is_url(path):
        with open_binary(path) as handle:
            return handle.read() if limit is None else handle.read(limit)
    fd = os.open(path, _READ_FLAGS)
    try:
        wanted = size + 1 if limit is None else limit
        data = os.read(fd, wanted)
        if limit is not None or len(data) < wanted:
            return data
        # it grew since it was listed (or its size was not known): read on to its end,
        # as long as it is still a regular file (not a device swapped in: no end)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        blocks = [data]
        while block := os.read(fd, READ_BLOCK):
            blocks.append(block)
        return b"".join(blocks)
    finally:
        os.close(fd)


class FileSystemSource(Source):
    """The files under the given paths, in sorted order."""

    def __init__(self, targets: Sequence[str], options: WalkOptions) -> None:
        self.targets = list(targets)
        self.options = options

    def items(self) -> Iterator[Item | Notice]:
        several = len(self.targets) > 1
        for target in self.targets:
            if target == STDIN:
                kind = self.options.data.as_kind or "log"
                if kind == "parquet":
                    raise InputError("Parquet cannot be read from standard input: give a file")
                yield DataItem(STDIN, STDIN_DISPLAY, 0, kind, self.options.data)
            elif os.path.isdir(target):
                yield from self._walk(target, _clean(target) if several else "")
            else:
                yield from self._file(target, _clean(target), named=True)

    def _walk(self, root: str, prefix: str) -> Iterator[Item | Notice]:
        listed = _git_listing(root) if self.options.use_gitignore else None
        if listed is None:
            yield from self._tree(root, prefix)
            return
        exclude = self.options.exclude
        excluded_folders: dict[str, bool] = {"": False}
        for relative, path, info in listed:
            cut = relative.rfind("/")
            name = relative[cut + 1 :]
            if exclude:
                folder = relative[:cut] if cut >= 0 else ""
                inside = excluded_folders.get(folder)
                if inside is None:
                    inside = excluded_folders[folder] = path_matches(folder, exclude)
                if inside or name_matches(folder, name, exclude):
                    continue
            display = _join(prefix, relative)
            if info is None:  # a symlink
                yield from self._file(path, display, root=root)
            elif stat.S_ISDIR(info.st_mode):  # a gitlink: its own repository lists it
                yield from self._walk(path, display)
            elif stat.S_ISREG(info.st_mode) and _ordinary(name):
                yield self._file_item(path, display, info.st_size)
            else:
                yield from self._stated(path, display, info)

    def _tree(self, root: str, prefix: str) -> Iterator[Item | Notice]:
        """Every file under `root`, the files of a folder (sorted) before its folders
        (sorted, depth first). `.git` folders, excluded folders and folder symlinks are
        not entered (so no symlink loops). A walk of 20,000 files spends most of its
        time here: one listing per folder, whose entries say which are folders and
        symlinks, and one stat per file."""
        exclude = self.options.exclude
        pending = [""]
        while pending:
            folder = pending.pop()
            try:
                with os.scandir(os.path.join(root, folder)) as listing:
                    entries = sorted(listing, key=_NAME)
            except OSError as exc:
                yield Notice(
                    _join(prefix, folder or "."), f"cannot be read: {exc.strerror}", "error"
                )
                continue
            inside = f"{folder}/" if folder else ""
            shown = _join(prefix, inside)
            folders = []
            for entry in entries:
                name = entry.name
                if exclude and name_matches(folder, name, exclude):
                    continue
                display = shown + name
                try:
                    regular = entry.is_file(follow_symlinks=False)
                except OSError:
                    regular = False
                if not regular:  # a folder, a symlink, or no file at all
                    try:
                        is_folder = entry.is_dir(follow_symlinks=False)
                    except OSError:
                        is_folder = False
                    if is_folder:
                        if name != ".git":
                            folders.append(inside + name)
                        continue
                    try:
                        link = entry.is_symlink()
                    except OSError:
                        link = True
                    if link:
                        yield from self._file(entry.path, display, root=root)
                        continue
                try:
                    info = entry.stat()
                except OSError as exc:
                    yield _stat_notice(entry.path, display, exc)
                    continue
                if stat.S_ISREG(info.st_mode) and _ordinary(name):
                    yield self._file_item(entry.path, display, info.st_size)
                else:
                    yield from self._stated(entry.path, display, info)
            pending.extend(reversed(folders))

    def _file(
        self, path: str, display: str, named: bool = False, root: str | None = None
    ) -> Iterator[Item | Notice]:
        """The item for `path` (a symlink when `root` is given: not followed out of it)."""
        if root is not None and not self.options.follow_links and _leads_out(path, root):
            yield Notice(
                display, "skipped: symlink out of the scanned folder (--follow-links)", "info"
            )
            return
        try:
            info = os.stat(path)
        except OSError as exc:
            yield _stat_notice(path, display, exc)
            return
        yield from self._stated(path, display, info, named)

    def _stated(
        self, path: str, display: str, info: os.stat_result, named: bool = False
    ) -> Iterator[Item | Notice]:
        if stat.S_ISDIR(info.st_mode):
            yield Notice(display, "skipped: symlink to a folder (not followed)", level="info")
        elif not stat.S_ISREG(info.st_mode):
            yield Notice(display, "skipped: not a regular file", level="info")
        elif (not named or not self.options.data.as_kind) and (
            archived := archive_items(path, display, info.st_size, self.options.archives)
        ):
            yield from archived
        elif special := data_items(path, display, info.st_size, self.options.data, named):
            yield from special
        else:
            yield self._file_item(path, display, info.st_size)

    def _file_item(self, path: str, display: str, size: int) -> FileItem:
        limit = self.options.max_file_size
        if size > limit:
            return FileItem(path, display, limit, limit)
        return FileItem(path, display, size)


_NAME = attrgetter("name")


def _ordinary(name: str) -> bool:
    """Whether the file name is sure to be neither an archive nor a log or dataset
    (most files of a walk: their ending is looked up, not put through both checks)."""
    dot = name.rfind(".")
    return dot < 0 or _ordinary_ending(name[dot:])


@lru_cache(maxsize=4096)
def _ordinary_ending(ending: str) -> bool:
    lower = ending.lower()
    return lower not in ARCHIVE_ENDINGS and not may_have_kind(lower)


def _leads_out(path: str, root: str) -> bool:
    """Whether `path` is a symlink (or under one) whose target lies outside `root`."""
    if not os.path.islink(path):
        return False
    target = os.path.realpath(path)
    base = os.path.realpath(root)
    return os.path.commonpath([target, base]) != base


def _stat_notice(path: str, display: str, exc: OSError) -> Notice:
    if exc.errno == errno.ELOOP:
        return Notice(display, "skipped: symlink loop", level="info")
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return Notice(display, "skipped: broken symlink", level="info")
    if exc.errno == errno.ENOENT:
        return Notice(display, "does not exist", "error")
    return Notice(display, f"cannot be read: {exc.strerror}", "error")


def _git_listing(root: str) -> list[tuple[str, str, os.stat_result | None]] | None:
    """Tracked and untracked-but-not-ignored files under `root`, each as its name, its
    path and its lstat (None for a symlink: what it leads to is stat'ed when it is
    read), or None when git does not apply: outside a work tree, or when `root` itself
    is ignored (the user named it, so it is scanned in full rather than silently
    skipped)."""
    if _git(root, "check-ignore", "-q", ".") is not None:
        return None
    listing = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    if listing is None:
        return None
    names = sorted({n for n in listing.decode("utf-8", "surrogateescape").split("\0") if n})
    base = os.path.join(root, "")
    entries: list[tuple[str, str, os.stat_result | None]] = []
    for name in names:
        path = base + name
        try:
            info = os.lstat(path)
        except OSError:  # tracked but deleted from the work tree: nothing to scan
            continue
        entries.append((name, path, None if stat.S_ISLNK(info.st_mode) else info))
    return entries


def _git(root: str, *args: str) -> bytes | None:
    """git's stdout when it succeeds in `root`, else None (no git, not a repository)."""
    return gitrun.output(root, *args)


def _clean(target: str) -> str:
    cleaned = os.path.normpath(target).replace(os.sep, "/")
    return "" if cleaned == "." else cleaned


def _join(prefix: str, relative: str) -> str:
    return f"{prefix}/{relative}" if prefix else relative


def _size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB" if size >= 1024 * 1024 else f"{size} bytes"
