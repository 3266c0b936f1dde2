"""Read a YAML file, turning every failure into one line that names the file and position."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def load_yaml(path: Path, error: type[Exception]) -> Any:
    """The parsed document at `path`; `error` is raised with a one-line message otherwise.

    The message gives the position and the parser's problem but never the offending
    text, which may hold a secret.
    """
    import yaml  # here, not at the top: cached rule and config loads never need it

    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
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
