"""Read a YAML file, turning every failure into one line that names the file and position."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from policyctl.core.cache import memoized

T = TypeVar("T")


def cached_yaml(
    namespace: str,
    path: Path,
    read: Callable[[Path], T],
    encode: Callable[[T], Any] | None = None,
    decode: Callable[[Any], T] | None = None,
) -> T:
    """`read(path)` (which parses and checks a YAML file), kept in the disk cache keyed
    by the file's path and bytes (policyctl.core.cache): for rule, pack and config files,
    whose parsing and schema checks are most of start-up's cost. A file that cannot be
    read is handed to `read`, whose load_yaml words the error. The cache keeps JSON:
    `encode` and `decode` turn a result that is not plain JSON data into it and back."""
    try:
        content = path.read_bytes()
    except OSError:
        return read(path)
    key = str(path).encode() + b"\0" + content
    if encode is None or decode is None:
        return memoized(namespace, key, lambda: read(path))
    return memoized(namespace, key, lambda: read(path), encode, decode)


def load_yaml(path: Path, error: type[Exception]) -> Any:
    """The parsed document at `path`; `error` is raised with a one-line message otherwise.

    The message gives the position and the parser's problem but never the offending
    text, which may hold a secret.
    """
    import yaml  # here, not at the top: cached rule and config loads never need it

    loader = _loader()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        return yaml.load(text, Loader=loader)  # a safe loader (CSafeLoader or SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        raise error(f"{path}: invalid YAML at {where}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: invalid YAML: {type(exc).__name__}") from None


@cache
def _loader() -> Any:
    """A safe loader (CSafeLoader when built) that keeps dates as text: our documents are
    checked by JSON Schemas, and JSON has no date type (`expires: 2025-06-30` must stay
    the string the schema's "date" format checks)."""
    import yaml

    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_str)
    return Loader
