"""Path globs as users write them in .gitignore style: `*.min.js`, `node_modules`, `docs/**`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from fnmatch import translate
from functools import lru_cache

GLOB_CHARS = frozenset("*?[")
"""What makes a name a glob (fnmatch's): a rule id (`secret.aws-*`) or a path."""

MAX_NAME_GLOBS = 256
"""Rule-id globs one list may hold (--enable/--disable with the config's, one pack's
controls): each is matched against every rule, so tens of thousands of them in a hostile
repository's config or pack would hold a scan for minutes before it read a byte."""


def is_glob(name: str) -> bool:
    return not GLOB_CHARS.isdisjoint(name)


def glob_positions(glob: str, by_name: Mapping[str, set[int]]) -> set[int]:
    """The positions of every name in `by_name` (name -> positions of what bears it,
    rules by id or tag) that `glob` matches, as fnmatch.fnmatchcase would."""
    match = re.compile(translate(glob)).match
    return {n for name, at in by_name.items() if match(name) for n in at}


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


def name_matches(folder: str, name: str, globs: tuple[str, ...]) -> bool:
    """path_matches(f"{folder}/{name}", globs), for a walk that asks it of every entry
    of a folder that does not match itself (it prunes those): then only the name can
    match a glob of one component, and only the whole path a glob from the top."""
    component, anchored = _compiled(globs)
    if "\\" in name or "\\" in folder:  # path_matches cuts components at backslashes too
        return path_matches(f"{folder}/{name}" if folder else name, globs)
    if component is not None and component.match(name) is not None:
        return True
    return (
        anchored is not None and anchored.match(f"{folder}/{name}" if folder else name) is not None
    )


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
