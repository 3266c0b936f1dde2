"""Where the built-in rules/ and policies/ folders are: inside the wheel, or beside the package."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def builtin_dir(name: str) -> Path:
    """The built-in folder `name` ("rules" or "policies").

    An installed wheel carries them as policyctl/_builtin/<name>; a source checkout or
    an editable install has them at the top of the repository.
    """
    shipped = _PACKAGE / "_builtin" / name
    if shipped.is_dir():
        return shipped
    return _PACKAGE.parent / name
