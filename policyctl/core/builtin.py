"""Where the built-in rules/ and policies/ folders are: inside the wheel, or beside the package."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def builtin_dir(name: str) -> Path:
    """The built-in folder `name` ("rules" or "policies").

    An installed wheel carries them as policyctl/_builtin/<name>; a source checkout or
    an editable install has them at the top of the repository.
    """
    shipped = _PACKAGE / "_builtin" / name
    if shipped.is_dir():
        return shipped
    return _PACKAGE.parent / name


PACK_SUFFIXES = (".yaml", ".yml")


def is_pack_file(ref: str) -> bool:
    """A pack reference names a file (rather than a built-in id) when it looks like a path."""
    return ref.endswith(PACK_SUFFIXES) or "/" in ref or "\\" in ref


def resolve_pack_ref(ref: str, folder: Path) -> str:
    """A pack reference as written in a file in `folder`: paths become relative to it."""
    if is_pack_file(ref) and not Path(ref).is_absolute():
        return str(folder / ref)
    return ref
