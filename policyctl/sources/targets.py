"""Many repositories in one scan (`--targets FILE`): local paths and git URLs, one a line.

Each target is one item of work, opened where it is scanned — in a worker of the local
pool, or on a Dask worker with `--cluster` — so a URL is cloned into that worker's
scratch space and never crosses the network twice. A target's files (or, with `--git`,
its history) are read as `policyctl scan PATH` (or `--git`) would read them, under names
that start with the target (`repos/api/src/app.py`,
`https://git.example.com/org/api.git/src/app.py`), so findings, fingerprints and notices
say which repository they are from.

The file is input, and may be hostile: a line that starts with `-` is refused (it could
be read as an option by git), and so is a URL whose transport is not https, ssh (also
`user@host:path`), git or file; `ext::` and the like never reach git, which refuses
them too (`gitrun.clone` lets only those four transports through). A clone has a time
and a size budget, runs through the one git runner (no hooks, no filters, no prompts),
and is deleted after its scan. A cloned repository's own `.policyctl.yaml` is never
read, and its symlinks out of the clone are never followed. A URL's user and password
are used for the clone and shown nowhere.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from pathlib import Path

from policyctl.core.errors import InputError
from policyctl.core.model import Chunk, Notice
from policyctl.sources import gitrun
from policyctl.sources.filesystem import FileSystemSource, WalkOptions
from policyctl.sources.git import FileChange, GitLogSource, GitScan, has_commits, resolve_commit
from policyctl.sources.interface import Item, Source
from policyctl.sources.storage import shown

TARGET_WEIGHT = 64 * 1024 * 1024
"""The size a target counts for in batching: unknown until it is opened, and large, so
each target is a batch of its own and is sent to a worker."""
DEFAULT_CLONE_TIMEOUT = 600.0
DEFAULT_CLONE_MAX_SIZE = 2 * 1024 * 1024 * 1024

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_SCP = re.compile(r"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!//)[^\s]")
"""git's scp-like ssh syntax, `user@host:path`."""


@dataclass(frozen=True)
class TargetOptions:
    """How each target is read: as files (`walk`) or, with `history`, its git history."""

    walk: WalkOptions
    history: GitScan | None = None
    clone_timeout: float = DEFAULT_CLONE_TIMEOUT
    clone_max_size: int = DEFAULT_CLONE_MAX_SIZE


@dataclass(frozen=True)
class TargetsFile:
    """`--targets FILE` and the budget of each clone (`--clone-timeout`, `--clone-max-size`)."""

    path: str
    clone_timeout: float = DEFAULT_CLONE_TIMEOUT
    clone_max_size: int = DEFAULT_CLONE_MAX_SIZE


@dataclass(frozen=True)
class TargetOutcome:
    """What became of one target, for the report's per-target summary."""

    index: int
    """The target's line in the file."""
    target: str
    status: str
    """scanned, incomplete (some of its inputs were not scanned), failed, refused"""
    files: int = 0
    bytes: int = 0
    error: str | None = None


@dataclass(frozen=True)
class TargetItem:
    """One line of the targets file: a repository to open and scan where it lands."""

    index: int
    spec: str
    """The line as written: a path or a URL, possibly with credentials (never shown)."""
    display: str
    kind: str
    """path, url, or refused (then `reason` says why)"""
    options: TargetOptions
    reason: str = ""

    @property
    def counts_as_file(self) -> bool:
        return False

    @property
    def size(self) -> int:
        return TARGET_WEIGHT

    def load(self) -> Iterator[Chunk | Notice]:
        raise TypeError("a target is opened with open_target, not loaded as a file")


def parse_targets(text: str, name: str, options: TargetOptions) -> list[TargetItem]:
    """The targets of a targets file: each line not empty and not a `#` comment."""
    targets: list[TargetItem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        kind, reason = classify(line)
        display = f"{name}:{number}" if kind == "refused" else shown_target(line, kind)
        targets.append(TargetItem(number, line, display, kind, options, reason))
    return targets


def classify(line: str) -> tuple[str, str]:
    """("path" | "url" | "refused", why it was refused)."""
    if line.startswith("-"):
        return "refused", "refused: a target may not start with '-' (git would read an option)"
    scheme = _SCHEME.match(line)
    if scheme:
        if scheme.group(1).lower() in gitrun.CLONE_PROTOCOLS:
            return "url", ""
        allowed = ", ".join(f"{p}://" for p in gitrun.CLONE_PROTOCOLS)
        return "refused", f"refused: only {allowed} and user@host:path URLs are cloned"
    if _SCP.match(line):
        return "url", ""
    if "::" in line.split("/", 1)[0]:
        return "refused", "refused: git remote helpers (transport::address) are not allowed"
    return "path", ""


def shown_target(spec: str, kind: str) -> str:
    """How reports name a target: a URL without its user or password, a clean path."""
    if kind == "url":
        return shown(spec).rstrip("/") if _SCHEME.match(spec) else spec.rstrip("/")
    cleaned = os.path.normpath(spec).replace(os.sep, "/")
    return cleaned


class OpenedTarget:
    """A target ready to read: its items under names that start with the target."""

    def __init__(self, source: Source, prefix: str) -> None:
        self.source = source
        self.prefix = prefix

    def items(self) -> Iterator[Item | Notice]:
        for entry in self.source.items():
            yield prefixed(entry, self.prefix)

    def commit_order(self) -> Mapping[str, int]:
        return self.source.commit_order()


@contextmanager
def open_target(target: TargetItem) -> Iterator[OpenedTarget]:
    """The target's source, cloned first into scratch space when it is a URL (and
    deleted afterwards); an InputError when it cannot be opened."""
    if target.kind == "refused":
        raise InputError(target.reason)
    options = target.options
    if target.kind == "path":
        path = target.spec
        if not os.path.exists(path):
            raise InputError("does not exist")
        prefix = target.display if os.path.isdir(path) else ""
        yield OpenedTarget(_source(Path(path), options, options.walk), prefix)
        return
    scratch = Path(tempfile.mkdtemp(prefix="policyctl-target-"))
    try:
        clone = scratch / "repo"
        gitrun.clone(
            target.spec,
            clone,
            shallow=options.history is None,
            bare=options.history is not None,
            timeout=options.clone_timeout,
            max_bytes=options.clone_max_size,
        )
        # A stranger's repository: its symlinks out of the clone are never read.
        walk = replace(options.walk, follow_links=False)
        yield OpenedTarget(_source(clone, options, walk), target.display)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _source(root: Path, options: TargetOptions, walk: WalkOptions) -> Source:
    scan = options.history
    if scan is None:
        return FileSystemSource([str(root)], walk)
    if not root.is_dir() or gitrun.output(root, "rev-parse", "--git-dir") is None:
        raise InputError("not a git repository (--git reads a repository's history)")
    if scan.branch:
        revisions: list[str] | None = [resolve_commit(root, scan.branch)]
    else:
        revisions = ["--all"] if has_commits(root) else None
    return GitLogSource(
        root,
        revisions,
        kind="history",
        exclude=walk.exclude,
        since=scan.since,
        max_commits=scan.max_commits,
    )


def prefixed(entry: Item | Notice, prefix: str) -> Item | Notice:
    """`entry` named under `prefix`: its display (and the origin of its chunks)."""
    if not prefix:
        return entry
    if isinstance(entry, Notice):
        return Notice(_join(prefix, entry.path), entry.message, entry.level)
    if isinstance(entry, FileChange):
        return replace(entry, origin=replace(entry.origin, path=_join(prefix, entry.origin.path)))
    if any(f.name == "display" for f in fields(entry)):  # type: ignore[arg-type]
        return replace(entry, display=_join(prefix, entry.display))  # type: ignore[type-var]
    raise TypeError(f"a target's source gave an item it cannot name: {type(entry).__name__}")


def _join(prefix: str, path: str) -> str:
    return prefix if path in ("", ".") else f"{prefix}/{path}"


def read_targets_file(path: str, options: TargetOptions) -> list[TargetItem]:
    """The targets of the file at `path` (trusted: the command line names it)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise InputError(f"--targets {path}: cannot be read: {reason}") from None
    targets = parse_targets(text, path, options)
    if not targets:
        raise InputError(f"--targets {path}: no target in it (one path or git URL a line)")
    return targets


class TargetListSource(Source):
    """The targets of a targets file, each an item that a worker opens and scans."""

    def __init__(self, targets: list[TargetItem]) -> None:
        self.targets = targets

    def items(self) -> Iterator[Item | Notice]:
        yield from self.targets
