"""Path globs as users write them in .gitignore style: `*.min.js`, `node_modules`, `docs/**`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from fnmatch import translate
from functools import lru_cache


def path_matches(path: str, globs: Iterable[str]) -> bool:
    """True when the '/'-separated `path` (or a folder above it) matches one of `globs`.

    A glob without a slash matches any single component (`node_modules`, `*.pem`);
    a glob with one matches from the top (`tests/fixtures`, `docs/*.md`); a leading
    `**/` or `/` and a trailing `/` are accepted as in .gitignore.
    """
    component, anchored = _compiled(globs if isinstance(globs, tuple) else tuple(globs))
    if component is None and anchored is None:
        return False
    parts = [part for part in path.replace("\\", "/").split("/") if part not in ("", ".")]
    if component is not None and any(map(component.match, parts)):
        return True
    if anchored is not None:
        prefix = ""
        for part in parts:
            prefix = f"{prefix}/{part}" if prefix else part
            if anchored.match(prefix):
                return True
    return False


@lru_cache(maxsize=256)
def _compiled(globs: tuple[str, ...]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """The globs as two regexes, each the alternation of fnmatch's own translation of
    its globs (so a match is exactly fnmatchcase's): those matched against one path
    component, and those matched against a path from the top. A walk asks about every
    file, and a regex per glob and component was most of its time (issue 18)."""
    component: list[str] = []
    anchored: list[str] = []
    for glob in globs:
        while glob.startswith("**/"):
            glob = glob[3:]
        glob = glob.rstrip("/")
        if not glob:
            continue
        if "/" in glob.lstrip("/"):
            anchored.append(translate(glob.lstrip("/").removeprefix("./")))
        else:
            component.append(translate(glob.lstrip("/")))
    return _alternation(component), _alternation(anchored)


def _alternation(expressions: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(expressions)) if expressions else None
