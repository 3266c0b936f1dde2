"""Opening inputs by name: a local path with open(), an object-store URL through fsspec."""

from __future__ import annotations

import re
from typing import IO, Any, cast
from urllib.parse import urlsplit, urlunsplit

from policyctl.core.errors import ConfigError

_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
STORAGE_EXTRA = (
    "object storage needs fsspec: pip install 'policyctl[cluster]' (and s3fs, gcsfs or adlfs)"
)


def is_url(path: str) -> bool:
    """Whether a target names an object store (or any fsspec URL) rather than a path."""
    return bool(_URL.match(path))


def shown(url: str) -> str:
    """The URL as reports show it: without a user or password."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def fsspec_module() -> Any:
    try:
        import fsspec
    except ImportError:
        raise ConfigError(STORAGE_EXTRA) from None
    return fsspec


def open_binary(path: str) -> IO[bytes]:
    """A local file, or an object through fsspec, opened for reading bytes."""
    if not is_url(path):
        return open(path, "rb")
    return cast(IO[bytes], fsspec_module().open(path, "rb").open())
