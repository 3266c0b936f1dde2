"""A disk cache of work that depends only on file contents, to keep start-up short.

Loading rule files (YAML parsing, schema validation, regex safety checks) and compiling
the Hyperscan database cost more than a pre-commit hook can afford on every commit, and
their results depend only on the files' bytes and on policyctl's own code. `memoized`
keeps such results, keyed by both, in the user's cache folder.

The cache cannot run code. An entry holds data only: JSON, or the bytes of a serialized
Hyperscan database (see policyctl.engine.hyperscan_backend), never a pickle. Each entry
starts with an HMAC-SHA256 of its name and payload under a random key kept in the cache
folder (`cache-key`, 32 bytes, mode 0600, created on first use by the user who owns it),
so a file that someone else wrote or changed there is not believed. An entry that cannot
be read, is corrupt, or does not authenticate is a miss: the result is computed again and
the entry overwritten. A cache that cannot be read or written is never an error.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_PACKAGE = Path(__file__).resolve().parent.parent

KEY_FILE = "cache-key"
KEY_SIZE = 32
MAC_SIZE = 32  # HMAC-SHA256
MAX_ENTRY = 256 * 1024 * 1024
"""Larger files in the cache folder are not read at all (a miss)."""


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


def entry_name(namespace: str, key: bytes, suffix: str = "json") -> str:
    """The file name of the entry for `key`, which also depends on policyctl's code."""
    digest = hashlib.sha256(code_digest() + namespace.encode() + b"\0" + key).hexdigest()
    return f"{namespace}-{digest[:40]}.{suffix}"


def memoized(
    namespace: str,
    key: bytes,
    compute: Callable[[], T],
    encode: Callable[[T], Any] = lambda value: value,
    decode: Callable[[Any], T] = lambda data: data,
) -> T:
    """`compute()`, or its result from an earlier run with the same `key` and code.

    The result is kept as the JSON of `encode(result)` and read back with `decode`. It is
    kept only when it reads back equal to itself, so a value JSON cannot hold faithfully
    (a date, a tuple where a list comes back) is computed every time, never changed.
    Only results are kept: when `compute` raises, nothing is stored and it runs again
    next time, so an error message is never stale.
    """
    name = entry_name(namespace, key)
    payload = load_entry(name)
    if payload is not None:
        try:
            return decode(json.loads(payload))
        except Exception:  # authenticated but unusable: a miss like any other
            pass
    value = compute()
    try:
        blob = json.dumps(encode(value), allow_nan=False, separators=(",", ":")).encode()
        faithful = decode(json.loads(blob)) == value
    except Exception:  # not representable in JSON: not cached
        return value
    if faithful:
        store_entry(name, blob)
    return value


def load_entry(name: str) -> bytes | None:
    """The payload of entry `name` if it is there and authentic, else None."""
    folder = cache_dir()
    key = cache_key(folder)
    if key is None:
        return None
    try:
        parts = _read_regular_file(folder / name, MAX_ENTRY, head=MAC_SIZE)
    except OSError:
        return None
    if parts is None or len(parts[0]) < MAC_SIZE:
        return None
    mac, payload = parts
    if not hmac.compare_digest(mac, _mac(key, name, payload)):
        return None
    return payload


def store_entry(name: str, payload: bytes) -> None:
    """Write entry `name` with its HMAC, atomically; a failure to write is not an error."""
    folder = cache_dir()
    key = cache_key(folder)
    if key is not None:
        _write_atomically(folder / name, _mac(key, name, payload) + payload)


def _mac(key: bytes, name: str, payload: bytes) -> bytes:
    # the name is authenticated too, so a genuine entry cannot stand in for another
    # (fed in two parts: a database's megabytes are not copied to join them)
    mac = hmac.new(key, name.encode() + b"\0", hashlib.sha256)
    mac.update(payload)
    return mac.digest()


_keys: dict[Path, bytes] = {}


def cache_key(folder: Path) -> bytes | None:
    """The key of the cache in `folder`, created when missing; None when no key can be had
    (then nothing is cached).

    A key file that is not a regular file of KEY_SIZE bytes owned by this user and
    readable by nobody else is not trusted: it is replaced by a new key, which makes
    every entry written under the old one a miss.
    """
    known = _keys.get(folder)
    if known is not None:
        return known
    path = folder / KEY_FILE
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = _trusted_key(path)
        if key is None:
            key = _new_key(path)
    except OSError:
        return None
    _keys[folder] = key
    return key


def _trusted_key(path: Path) -> bytes | None:
    try:
        parts = _read_regular_file(path, KEY_SIZE, owner_only=True)
    except OSError:
        return None
    return parts[1] if parts is not None and len(parts[1]) == KEY_SIZE else None


def _new_key(path: Path) -> bytes:
    """A new random key at `path`. Of two processes creating it at once, the first one
    linked wins and the other uses it; an untrusted file there is replaced."""
    key = secrets.token_bytes(KEY_SIZE)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{KEY_FILE}.")  # 0600
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(key)
        try:
            os.link(temporary, path)
        except FileExistsError:
            existing = _trusted_key(path)
            if existing is not None:
                return existing
            os.replace(temporary, path)
            temporary = ""
        except OSError:  # a file system without hard links
            os.replace(temporary, path)
            temporary = ""
    finally:
        if temporary:
            os.unlink(temporary)
    return key


def _read_regular_file(
    path: Path, limit: int, owner_only: bool = False, head: int = 0
) -> tuple[bytes, bytes] | None:
    """The first `head` bytes of `path` and the rest, if it is a regular file (not
    followed through a link) of at most `limit` bytes, else None: a FIFO, a device or a
    folder there cannot block or flood the reader. With `owner_only`, also None unless
    this user owns it and nobody else may read or write it.

    The two parts are read apart, so an entry's payload is never cut out of the whole
    with a copy (a database is megabytes: each copy of it was a fifth of its load)."""
    handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        if owner_only and (info.st_uid != os.geteuid() or info.st_mode & 0o077):
            return None
        first = os.read(handle, head) if head else b""
        chunks, size = [], len(first)
        while size <= info.st_size and (chunk := os.read(handle, info.st_size + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            return None
        return first, b"".join(chunks)  # (one chunk: joined without a copy)
    finally:
        os.close(handle)


def _write_atomically(path: Path, blob: bytes) -> None:
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(blob)
            os.replace(temporary, path)
        except OSError:
            os.unlink(temporary)
    except OSError:
        pass
