"""What a manifest parser gives: one dependency, named as a package URL (purl) names it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Dependency:
    """A package a project depends on. `version` is None when the manifest gives only a
    range (a lockfile beside it usually pins it)."""

    kind: str
    """The purl type: pypi, npm, golang, cargo, gem, composer."""
    name: str
    version: str | None = None
    namespace: str | None = None


Parser = Callable[[str], list[Dependency]]
"""Text of a manifest -> its dependencies; ValueError when the text is not that kind."""


def pypi(name: str, version: str | None = None) -> Dependency:
    """PEP 503 normalised, as the purl spec asks for pypi names."""
    return Dependency("pypi", re.sub(r"[-_.]+", "-", name).lower(), version or None)


def npm(full_name: str, version: str | None = None) -> Dependency:
    """`@scope/name` or `name`."""
    if full_name.startswith("@") and "/" in full_name:
        scope, name = full_name.split("/", 1)
        return Dependency("npm", name, version or None, scope)
    return Dependency("npm", full_name, version or None)


def split_path(kind: str, path: str, version: str | None) -> Dependency:
    """`a/b/c` -> namespace `a/b`, name `c` (Go modules, Composer packages)."""
    namespace, _, name = path.rpartition("/")
    return Dependency(kind, name, version or None, namespace or None)
