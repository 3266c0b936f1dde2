"""Where each sanitised copy goes, and writing it so that nothing is lost on a failure.

An input is never overwritten unless `--in-place` says so, and then only by renaming a
completely written copy over it (atomic on one file system): a crash or an error part
way leaves the input as it was and no half-written file behind. An output that exists
already is replaced only with `--force`. All of this is checked before anything is
written.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import IO

from policyctl.core.errors import InputError
from policyctl.core.model import Notice
from policyctl.core.temporaries import TEMPORARY_SUFFIX, lock, remove_abandoned
from policyctl.sources.datasets import DataItem
from policyctl.sources.filesystem import FileItem, FileSystemSource, WalkOptions

STDIO = "-"
NO_SIZE_LIMIT = 1 << 62
"""Redaction streams, so no input is too large to redact."""


@dataclass(frozen=True)
class Target:
    """One input to redact: where to read it, how to name it, where its copy goes."""

    source: str
    display: str
    destination: str


@dataclass(frozen=True)
class OutputRequest:
    inputs: tuple[str, ...]
    output: str | None = None
    in_place: bool = False
    force: bool = False
    exclude: tuple[str, ...] = ()
    use_gitignore: bool = True
    report: str | None = None
    """Where the report will be written: it may be neither an input nor a copy."""


def plan_targets(request: OutputRequest) -> tuple[list[Target], list[Notice]]:
    """Every file to redact and its destination; an InputError when the request could
    overwrite something it must not, before any file is written."""
    if request.in_place == (request.output is not None):
        raise InputError("give either --output PATH or --in-place")
    from policyctl.redaction.objects import involves_objects, plan_object_targets

    if involves_objects(request.inputs, request.output):
        return plan_object_targets(request)
    into_folder = _output_is_folder(request)
    exclude_root = os.path.realpath(request.output) if into_folder and request.output else None
    targets: list[Target] = []
    notices: list[Notice] = []
    for given in request.inputs:
        if given == STDIO:
            if request.in_place or into_folder:
                raise InputError("standard input (-) needs --output FILE or --output -")
            targets.append(Target(STDIO, "<stdin>", request.output or STDIO))
            continue
        _check_input(given)
        if exclude_root and _inside(given, exclude_root):
            raise InputError(
                f"--output {request.output}: holds the input {given}, so its copies would "
                "replace or mix with what they are made from; choose a folder outside the "
                "inputs (or --in-place)"
            )
        for entry in _files(given, request):
            if isinstance(entry, Notice):
                notices.append(entry)
                continue
            if exclude_root and _inside(entry.path, exclude_root):
                continue  # an earlier run's copies, inside the folder being redacted
            destination = _destination(given, entry, request, into_folder)
            targets.append(Target(entry.path, entry.display, destination))
    _check_destinations(targets, request)
    _check_report(targets, request.report)
    return targets, notices


def _check_input(given: str) -> None:
    """An input named on the command line that exists is a file or a folder: a link loop,
    a FIFO or a device is an error, never "0 files redacted". (A missing input is a
    warning and exit code 1, like any input that could not be redacted.)"""
    try:
        mode = os.stat(given).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(f"{given}: is a symbolic link loop") from None
        return
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise InputError(
            f"{given}: is a FIFO, socket or device, not a file; to redact a stream, "
            f"pipe it in: policyctl redact - --output FILE < {given}"
        )


def _output_is_folder(request: OutputRequest) -> bool:
    output = request.output
    if output is None or output == STDIO:
        return False
    single_file = len(request.inputs) == 1 and not os.path.isdir(request.inputs[0])
    return not single_file or os.path.isdir(output) or output.endswith(("/", os.sep))


def _files(given: str, request: OutputRequest) -> Iterator[FileItem | Notice]:
    options = WalkOptions(
        exclude=request.exclude, max_file_size=NO_SIZE_LIMIT, use_gitignore=request.use_gitignore
    )
    for entry in FileSystemSource([given], options).items():
        if isinstance(entry, FileItem | Notice):
            yield entry
        elif isinstance(entry, DataItem) and entry.part == 0 and entry.path != STDIO:
            # Logs and tables are redacted as text, values replaced where they stand;
            # a large table the scanner splits into parts is still one file here.
            yield FileItem(path=entry.path, display=entry.display, size=os.path.getsize(entry.path))


def _destination(given: str, item: FileItem, request: OutputRequest, into_folder: bool) -> str:
    if request.in_place:
        # the file a link points to: renaming over the link would leave that file as it was
        return os.path.realpath(item.path)
    assert request.output is not None
    if not into_folder:
        return request.output
    if not os.path.isdir(given):
        return os.path.join(request.output, os.path.basename(item.path))
    relative = os.path.relpath(item.path, given)
    if len(request.inputs) == 1:
        return os.path.join(request.output, relative)
    name = os.path.basename(os.path.abspath(given))
    return os.path.join(request.output, name, relative)


def _inside(path: str, folder: str) -> bool:
    real = os.path.realpath(path)
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def _check_destinations(targets: Sequence[Target], request: OutputRequest) -> None:
    sources = [t.source for t in targets if t.source != STDIO]
    seen: dict[str, str] = {}
    for target in targets:
        if target.destination == STDIO:
            if len(targets) > 1:
                raise InputError("--output - (standard output) takes a single input")
            continue
        real = os.path.realpath(target.destination)
        if real in seen:
            raise InputError(
                f"{seen[real]} and {target.display} would both be written to {target.destination}"
            )
        seen[real] = target.display
        if request.in_place:
            continue
        if any(_same_file(target.destination, source) for source in sources):
            raise InputError(
                f"{target.destination}: is an input; redact never overwrites its input "
                "(use --in-place to replace inputs with their redacted copies)"
            )
        if os.path.lexists(target.destination) and not request.force:
            raise InputError(f"{target.destination}: already exists (--force replaces it)")


def _check_report(targets: Sequence[Target], report: str | None) -> None:
    if report is None:
        return
    for target in targets:
        for path, what in ((target.source, "an input"), (target.destination, "a redacted copy")):
            if path != STDIO and _same_file(report, path):
                raise InputError(f"--report {report}: is {what}; choose another file")


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


@contextmanager
def atomic_output(destination: str, like: str | None = None) -> Iterator[IO[bytes]]:
    """A file to write the copy to; on success it replaces `destination` in one rename,
    with the permissions of `like` (the input). On failure nothing is left behind.

    The temporary copy (`.NAME.XXXX.policyctl-tmp` beside the destination) is locked while
    it is written; one left by a run that was killed (nothing holds its lock) is removed
    by the next run writing the same destination."""
    if destination == STDIO:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    folder = os.path.dirname(os.path.abspath(destination))
    os.makedirs(folder, exist_ok=True)
    prefix = f".{os.path.basename(destination)}."
    remove_abandoned(folder, prefix)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=TEMPORARY_SUFFIX)
    try:
        with os.fdopen(handle, "wb") as out:
            lock(out.fileno(), wait=True)
            yield out
            out.flush()
            os.fsync(out.fileno())
            if like is not None and like != STDIO:
                shutil.copymode(like, temporary)
            os.replace(temporary, destination)  # still locked: never taken for abandoned
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


class DigestReader:
    """Reads through to `raw`, hashing every byte read (SHA-256)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def peek(self, size: int) -> bytes:
        peek = getattr(self.raw, "peek", None)
        return peek(size) if peek is not None else b""

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data

    def drain(self) -> str:
        """Hash what is left unread (a reader may stop early) and give the hex digest."""
        while self.read(1 << 20):
            pass
        return self.digest.hexdigest()


class DigestWriter:
    """Writes through to `raw`, hashing every byte written (SHA-256)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()
