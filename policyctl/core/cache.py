"""A disk cache of work that depends only on file contents, to keep start-up short.

Loading rule files (YAML parsing, schema validation, regex safety checks) costs more than
a pre-commit hook can afford on every commit, and its result depends only on the files'
bytes and on policyctl's own code. `memoized` keeps such results, keyed by both, in the
user's cache folder. A cache that cannot be read or written is never an error.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_PACKAGE = Path(__file__).resolve().parent.parent


def cache_dir() -> Path:
    """$POLICYCTL_CACHE_DIR, else $XDG_CACHE_HOME/policyctl, else ~/.cache/policyctl."""
    explicit = os.environ.get("POLICYCTL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "policyctl"


@cache
def code_digest() -> bytes:
    """A digest of policyctl's own source and schemas: any change invalidates the cache."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".json") and path.is_file():
            digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.digest()


def memoized(namespace: str, key: bytes, compute: Callable[[], T]) -> T:
    """`compute()`, or its result from an earlier run with the same `key` and code.

    Only results are kept: when `compute` raises, nothing is stored and it runs again
    next time, so an error message is never stale.
    """
    digest = hashlib.sha256(code_digest() + namespace.encode() + b"\0" + key).hexdigest()
    path = cache_dir() / f"{namespace}-{digest[:40]}.pickle"
    try:
        value: T = pickle.loads(path.read_bytes())
        return value
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        pass
    value = compute()
    store(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value


def store(path: Path, blob: bytes) -> None:
    """Write a cache file atomically; a cache that cannot be written is not an error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "wb") as out:
            out.write(blob)
        os.replace(temporary, path)
    except OSError:
        pass
