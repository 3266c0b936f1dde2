"""Files and folders on disk, honouring .gitignore inside a git work tree."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from policyctl.globs import path_matches
from policyctl.model import Chunk, Location, Notice
from policyctl.sources.interface import Item, Source
from policyctl.sources.text import is_binary, to_scannable

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024


@dataclass(frozen=True)
class WalkOptions:
    exclude: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    use_gitignore: bool = True


@dataclass(frozen=True)
class FileItem:
    """One regular file: `path` is where to read it, `display` how reports name it."""

    path: str
    display: str
    size: int

    def load(self) -> Iterator[Chunk | Notice]:
        try:
            with open(self.path, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            yield Notice(self.display, f"cannot be read: {exc.strerror or type(exc).__name__}")
            return
        if is_binary(raw):
            yield Notice(self.display, "skipped: binary file", level="info")
            return
        yield Chunk(data=to_scannable(raw), origin=Location(path=self.display))


class FileSystemSource(Source):
    """The files under the given paths, in sorted order."""

    def __init__(self, targets: Sequence[str], options: WalkOptions) -> None:
        self.targets = list(targets)
        self.options = options

    def items(self) -> Iterator[Item | Notice]:
        several = len(self.targets) > 1
        for target in self.targets:
            root = Path(target)
            if root.is_dir():
                prefix = _clean(target) if several else ""
                yield from self._walk(root, prefix)
            else:
                yield from self._file(root, _clean(target))

    def _walk(self, root: Path, prefix: str) -> Iterator[Item | Notice]:
        listed = _git_listing(root) if self.options.use_gitignore else None
        relative_paths = listed if listed is not None else _walk_listing(root)
        for relative in relative_paths:
            if isinstance(relative, Notice):
                yield Notice(_join(prefix, relative.path), relative.message, relative.level)
                continue
            display = _join(prefix, relative)
            if self.options.exclude and path_matches(relative, self.options.exclude):
                continue
            path = root / relative
            if listed is not None and path.is_dir() and not path.is_symlink():
                # a submodule (gitlink): its files are listed by its own repository
                yield from self._walk(path, display)
                continue
            yield from self._file(path, display)

    def _file(self, path: Path, display: str) -> Iterator[Item | Notice]:
        try:
            info = path.stat()
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                yield Notice(display, "skipped: symlink loop", level="info")
            elif exc.errno == errno.ENOENT and path.is_symlink():
                yield Notice(display, "skipped: broken symlink", level="info")
            elif exc.errno == errno.ENOENT:
                yield Notice(display, "does not exist", level="warning")
            else:
                yield Notice(display, f"cannot be read: {exc.strerror}")
            return
        if stat.S_ISDIR(info.st_mode):
            yield Notice(display, "skipped: symlink to a folder (not followed)", level="info")
        elif not stat.S_ISREG(info.st_mode):
            yield Notice(display, "skipped: not a regular file", level="info")
        elif info.st_size > self.options.max_file_size:
            yield Notice(
                display,
                f"skipped: {_mib(info.st_size)} is over the {_mib(self.options.max_file_size)}"
                " limit (--max-file-size)",
            )
        else:
            yield FileItem(path=str(path), display=display, size=info.st_size)


def _git_listing(root: Path) -> list[str] | None:
    """Tracked and untracked-but-not-ignored files under `root`, or None outside git."""
    try:
        result = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ],
            capture_output=True,
            check=False,
            timeout=300,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    names = {name for name in result.stdout.decode("utf-8", "surrogateescape").split("\0") if name}
    return sorted(name for name in names if (root / name).exists() or (root / name).is_symlink())


def _walk_listing(root: Path) -> Iterator[str | Notice]:
    """Every file under `root` in sorted order; folder symlinks are not followed (no loops)."""

    def on_error(exc: OSError) -> None:
        problems.append(exc)

    problems: list[OSError] = []
    for folder, folders, files in os.walk(root, onerror=on_error):
        folders[:] = sorted(d for d in folders if d != ".git")
        relative_folder = os.path.relpath(folder, root)
        for problem in problems:
            where = os.path.relpath(problem.filename or folder, root)
            yield Notice(where.replace(os.sep, "/"), f"cannot be read: {problem.strerror}")
        problems.clear()
        for name in sorted(files) + sorted(d for d in folders if os.path.islink(Path(folder, d))):
            relative = name if relative_folder == "." else os.path.join(relative_folder, name)
            yield relative.replace(os.sep, "/")
    for problem in problems:
        yield Notice(str(problem.filename or root), f"cannot be read: {problem.strerror}")


def _clean(target: str) -> str:
    cleaned = os.path.normpath(target).replace(os.sep, "/")
    return "" if cleaned == "." else cleaned


def _join(prefix: str, relative: str) -> str:
    return f"{prefix}/{relative}" if prefix else relative


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"
