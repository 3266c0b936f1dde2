"""Files and folders on disk, honouring .gitignore inside a git work tree."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from policyctl.core.config import DEFAULT_MAX_FILE_SIZE
from policyctl.core.errors import InputError
from policyctl.core.globs import path_matches
from policyctl.core.model import Chunk, Location, Notice
from policyctl.sources import gitrun
from policyctl.sources.archives import ArchiveOptions, archive_items
from policyctl.sources.datasets import STDIN, STDIN_DISPLAY, DataItem, DataOptions, data_items
from policyctl.sources.interface import Item, Source
from policyctl.sources.storage import open_binary
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
            with open_binary(self.path) as handle:
                raw = handle.read() if self.limit is None else handle.read(self.limit)
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
        entries = listed if listed is not None else _tree(root)
        for entry in entries:
            if isinstance(entry, Notice):
                yield Notice(_join(prefix, entry.path), entry.message, entry.level)
                continue
            relative, kind = entry
            if self.options.exclude and path_matches(relative, self.options.exclude):
                continue
            path = os.path.join(root, relative)
            if kind == "submodule":
                yield from self._walk(path, _join(prefix, relative))
            else:
                # (a folder's listing says which entries are symlinks: no lstat for the rest)
                inside = None if kind == "plain" else root
                yield from self._file(path, _join(prefix, relative), root=inside)

    def _file(
        self, path: str, display: str, named: bool = False, root: str | None = None
    ) -> Iterator[Item | Notice]:
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
        elif info.st_size > self.options.max_file_size:
            limit = self.options.max_file_size
            yield FileItem(path=path, display=display, size=limit, limit=limit)
        else:
            yield FileItem(path=path, display=display, size=info.st_size)


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


Entry = tuple[str, str]
"""A relative path and what it is: "file" (or anything to stat), "plain" (the same, and
its folder's listing says it is no symlink), or "submodule"."""


def _git_listing(root: str) -> list[Entry] | None:
    """Tracked and untracked-but-not-ignored files under `root`, or None when git does not
    apply: outside a work tree, or when `root` itself is ignored (the user named it, so
    it is scanned in full rather than silently skipped)."""
    if _git(root, "check-ignore", "-q", ".") is not None:
        return None
    listing = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    if listing is None:
        return None
    names = sorted({n for n in listing.decode("utf-8", "surrogateescape").split("\0") if n})
    entries: list[Entry] = []
    for name in names:
        path = os.path.join(root, name)
        if os.path.isdir(path) and not os.path.islink(path):
            entries.append((name, "submodule"))  # a gitlink: its own repository lists it
        elif os.path.lexists(path):  # tracked but deleted from the work tree: nothing to scan
            entries.append((name, "file"))
    return entries


def _git(root: str, *args: str) -> bytes | None:
    """git's stdout when it succeeds in `root`, else None (no git, not a repository)."""
    return gitrun.output(root, *args)


def _tree(root: str) -> Iterator[Entry | Notice]:
    """Every entry under `root`, folders sorted, depth first; `.git` folders and folder
    symlinks are not entered (so no symlink loops)."""
    pending = [""]
    while pending:
        relative_folder = pending.pop()
        try:
            with os.scandir(os.path.join(root, relative_folder)) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            yield Notice(relative_folder or ".", f"cannot be read: {exc.strerror}", "error")
            continue
        folders = []
        for entry in entries:
            relative = f"{relative_folder}/{entry.name}" if relative_folder else entry.name
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_folder = False
            if is_folder:
                if entry.name != ".git":
                    folders.append(relative)
            else:
                try:
                    plain = not entry.is_symlink()
                except OSError:
                    plain = False
                yield relative, "plain" if plain else "file"
        pending.extend(reversed(folders))


def _clean(target: str) -> str:
    cleaned = os.path.normpath(target).replace(os.sep, "/")
    return "" if cleaned == "." else cleaned


def _join(prefix: str, relative: str) -> str:
    return f"{prefix}/{relative}" if prefix else relative


def _size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB" if size >= 1024 * 1024 else f"{size} bytes"
