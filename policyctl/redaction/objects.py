"""Redaction to and from object storage (`redact s3://b/in/ -o s3://b/out/`), via fsspec.

An object is read through a local copy (Parquet needs a file it can seek in) and its
redacted copy is written to a local temporary file first, then uploaded in one piece:
an object store shows an object only once its upload is complete, so a failure part way
leaves no half-written copy, as `atomic_output` does on disk. The same checks as for
files run before anything is written: an input is never a destination, a destination
that exists is replaced only with `--force`, and the copies may not go under an input
prefix. Credentials come from each filesystem's provider chain; URLs are shown without
any user or password.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING

from policyctl.core.errors import InputError
from policyctl.core.globs import path_matches
from policyctl.core.model import Notice
from policyctl.sources.storage import fsspec_module, is_url, shown

if TYPE_CHECKING:
    from policyctl.redaction.outputs import OutputRequest, Target


def involves_objects(inputs: tuple[str, ...], output: str | None) -> bool:
    """Whether a redaction reads or writes object storage."""
    return any(is_url(given) for given in inputs) or (output is not None and is_url(output))


def plan_object_targets(request: OutputRequest) -> tuple[list[Target], list[Notice]]:
    """The objects and files to redact and the destination of each, under `--output`
    (a prefix or a folder); an InputError, before anything is written, when the request
    could overwrite what it must not."""
    from policyctl.redaction.outputs import STDIO, Target, _files

    output = request.output
    if request.in_place or output is None or output == STDIO:
        raise InputError(
            "object storage is redacted into a prefix or folder: give --output s3://BUCKET/"
            "PREFIX/ (or a folder); --in-place and --output - do not apply"
        )
    several = len(request.inputs) > 1
    targets: list[Target] = []
    notices: list[Notice] = []
    for given in request.inputs:
        if given == STDIO:
            raise InputError("standard input (-) cannot be redacted into object storage")
        if _under(output, given):
            raise InputError(
                f"--output {shown(output)}: is inside the input {shown(given)}; choose a "
                "prefix outside the inputs"
            )
        base = _base_name(given) if several else ""
        if is_url(given):
            listed = _objects(given)
            if not listed:
                notices.append(Notice(shown(given), "no objects under this prefix", "error"))
            for url, relative in listed:
                if request.exclude and path_matches(relative, request.exclude):
                    continue
                targets.append(Target(url, shown(url), _join(output, base, relative)))
            continue
        for entry in _files(given, request):
            if isinstance(entry, Notice):
                notices.append(entry)
                continue
            relative = (
                os.path.relpath(entry.path, given).replace(os.sep, "/")
                if os.path.isdir(given)
                else os.path.basename(entry.path)
            )
            targets.append(Target(entry.path, entry.display, _join(output, base, relative)))
    _check(targets, request.force)
    return targets, notices


def _objects(prefix: str) -> list[tuple[str, str]]:
    """(URL, name relative to the prefix) of every object under `prefix`, sorted."""
    fsspec = fsspec_module()
    try:
        fs, root = fsspec.core.url_to_fs(prefix)
        listing = fs.find(root, detail=True)
    except (OSError, ValueError) as exc:
        raise InputError(f"{shown(prefix)}: cannot be listed: {type(exc).__name__}") from None
    protocol = prefix.split("://", 1)[0]
    found = []
    for name in sorted(listing):
        if listing[name].get("type") == "directory":
            continue
        relative = name[len(root) :].lstrip("/") if name.startswith(root) else name
        url = name if "://" in name else f"{protocol}://{name}"
        found.append((url, relative or os.path.basename(name)))
    return found


def _check(targets: list[Target], force: bool) -> None:
    sources = {t.source for t in targets}
    seen: dict[str, str] = {}
    for target in targets:
        destination = target.destination
        if destination in seen:
            raise InputError(
                f"{seen[destination]} and {target.display} would both be written to "
                f"{shown(destination)}"
            )
        seen[destination] = target.display
        if destination in sources:
            raise InputError(f"{shown(destination)}: is an input; redact never overwrites it")
        if _exists(destination) and not force:
            raise InputError(f"{shown(destination)}: already exists (--force replaces it)")


def _exists(destination: str) -> bool:
    if not is_url(destination):
        return os.path.lexists(destination)
    fs, path = fsspec_module().core.url_to_fs(destination)
    try:
        return bool(fs.exists(path))
    except OSError:
        return False


def _under(output: str, given: str) -> bool:
    if is_url(output) != is_url(given):
        return False
    if is_url(output):
        root = given.rstrip("/") + "/"
        return output.rstrip("/") + "/" == root or output.startswith(root)
    real, folder = os.path.realpath(output), os.path.realpath(given)
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def _base_name(given: str) -> str:
    return (
        given.rstrip("/").rsplit("/", 1)[-1]
        if is_url(given)
        else os.path.basename(os.path.abspath(given))
    )


def _join(output: str, base: str, relative: str) -> str:
    parts = [p for p in (base, relative) if p]
    if is_url(output):
        return "/".join([output.rstrip("/"), *parts])
    return os.path.join(output, *parts)


@contextmanager
def local_copy(source: str) -> Iterator[str]:
    """A local path holding `source`: the file itself, or an object downloaded to a
    temporary folder under its own name (so its kind is read from the name as usual)."""
    if not is_url(source):
        yield source
        return
    folder = tempfile.mkdtemp(prefix="policyctl-object-")
    try:
        local = os.path.join(folder, os.path.basename(source.rstrip("/")) or "object")
        fs, path = fsspec_module().core.url_to_fs(source)
        fs.get_file(path, local)
        yield local
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def object_output(destination: str) -> Iterator[IO[bytes]]:
    """A temporary file to write the copy to, uploaded to `destination` once complete."""
    with tempfile.NamedTemporaryFile(prefix="policyctl-copy-") as handle:
        yield handle
        handle.flush()
        fs, path = fsspec_module().core.url_to_fs(destination)
        fs.put_file(handle.name, path)
