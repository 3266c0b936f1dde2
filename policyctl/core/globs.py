"""Path globs as users write them in .gitignore style: `*.min.js`, `node_modules`, `docs/**`."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase


def path_matches(path: str, globs: Iterable[str]) -> bool:
    """True when the '/'-separated `path` (or a folder above it) matches one of `globs`.

    A glob without a slash matches any single component (`node_modules`, `*.pem`);
    a glob with one matches from the top (`tests/fixtures`, `docs/*.md`); a leading
    `**/` or `/` and a trailing `/` are accepted as in .gitignore.
    """
    parts = [part for part in path.replace("\\", "/").split("/") if part not in ("", ".")]
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for glob in globs:
        while glob.startswith("**/"):
            glob = glob[3:]
        glob = glob.rstrip("/")
        if not glob:
            continue
        if "/" in glob.lstrip("/"):
            anchored = glob.lstrip("/").removeprefix("./")
            if any(fnmatchcase(prefix, anchored) for prefix in prefixes):
                return True
        elif any(fnmatchcase(part, glob.lstrip("/")) for part in parts):
            return True
    return False
