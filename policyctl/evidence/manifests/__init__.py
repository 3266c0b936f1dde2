"""Manifest and lockfile parsers, one small function per kind, chosen by file name.

Adding a kind is adding a parser to its ecosystem's module (or a new module and one line
in PARSERS below).
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from policyctl.evidence.manifests import go, javascript, php, python, ruby, rust
from policyctl.evidence.manifests.dependency import Dependency, Parser

PARSERS: dict[str, Parser] = {
    **python.PARSERS,
    **javascript.PARSERS,
    **go.PARSERS,
    **rust.PARSERS,
    **ruby.PARSERS,
    **php.PARSERS,
}


def parser_for(file_name: str) -> Parser | None:
    """The parser for a file's base name, or None when it is no manifest we read."""
    for pattern, parser in PARSERS.items():
        if fnmatchcase(file_name, pattern):
            return parser
    return None


__all__ = ["PARSERS", "Dependency", "Parser", "parser_for"]
