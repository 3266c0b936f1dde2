"""Turn raw file bytes into scannable text: sniff binary, honour byte-order marks."""

from __future__ import annotations

import codecs

SNIFF_BYTES = 8192

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def bom_encoding(raw: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark announces and the mark's length, if there is one."""
    for bom, encoding in _BOMS:  # UTF-32-LE before UTF-16-LE: its mark starts the same
        if raw.startswith(bom):
            return encoding, len(bom)
    return None


def is_binary(raw: bytes) -> bool:
    """A NUL byte near the start, and no byte-order mark that would explain it."""
    return b"\0" in raw[:SNIFF_BYTES] and bom_encoding(raw) is None


def to_scannable(raw: bytes) -> bytes:
    """UTF-8 bytes for the engine: UTF-16/32 (with a BOM) are transcoded; UTF-8 and
    anything else (latin-1, broken UTF-8) are scanned as they are, never rejected."""
    found = bom_encoding(raw)
    if found is None:
        return raw
    encoding, skip = found
    if encoding == "utf-8":
        return raw[skip:]
    return raw[skip:].decode(encoding, "replace").encode("utf-8")
