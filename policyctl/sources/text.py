"""Turn raw file bytes into scannable text: sniff binary (by magic number and share of
control bytes, never by one NUL), honour byte-order marks."""

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
    if not raw or raw[0] not in _BOM_FIRST_BYTES:
        return None
    for bom, encoding in _BOMS:  # UTF-32-LE before UTF-16-LE: its mark starts the same
        if raw.startswith(bom):
            return encoding, len(bom)
    return None


MAGIC_NUMBERS: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a zip archive"),
    (b"PK\x05\x06", "a zip archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"\x28\xb5\x2f\xfd", "zstd data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an ELF executable"),
    (b"MZ", "a Windows executable"),
    (b"\xca\xfe\xba\xbe", "a Mach-O or Java class file"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
    (b"\xce\xfa\xed\xfe", "a Mach-O executable"),
    (b"\x00asm", "WebAssembly"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"RIFF", "a RIFF (WebP, WAV, AVI) file"),
    (b"OggS", "Ogg media"),
    (b"fLaC", "FLAC audio"),
    (b"ID3", "MP3 audio"),
    (b"wOFF", "a web font"),
    (b"wOF2", "a web font"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"PAR1", "a Parquet file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE (old Office) document"),
)
"""The first bytes of common binary formats, each from the format's specification."""

CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\v\f\r\x1b") + b"\x7f"
"""Bytes text does not hold (tab, line breaks and the terminal escape aside)."""

BINARY_CONTROL_SHARE = 0.3
"""Share of control bytes in the first SNIFF_BYTES above which a file is binary. Text
with a few NUL bytes (a padded config, a log starting with NUL) stays text: one byte
must not hide a file from the scan."""

TEXT_EXTENSIONS = frozenset(
    [
        ".txt",
        ".log",
        ".md",
        ".rst",
        ".adoc",
        ".csv",
        ".tsv",
        ".json",
        ".jsonl",
        ".ndjson",
        ".yaml",
        ".yml",
        ".toml",
        ".ini",
        ".cfg",
        ".conf",
        ".config",
        ".env",
        ".properties",
        ".xml",
        ".html",
        ".htm",
        ".svg",
        ".sql",
        ".sh",
        ".bash",
        ".zsh",
        ".ps1",
        ".bat",
        ".py",
        ".rb",
        ".js",
        ".mjs",
        ".cjs",
        ".ts",
        ".tsx",
        ".jsx",
        ".go",
        ".java",
        ".kt",
        ".scala",
        ".cs",
        ".c",
        ".h",
        ".cc",
        ".cpp",
        ".hpp",
        ".rs",
        ".php",
        ".pl",
        ".swift",
        ".tf",
        ".tfvars",
        ".hcl",
        ".gradle",
        ".pem",
        ".key",
        ".crt",
        ".pub",
        ".npmrc",
        ".pypirc",
        ".netrc",
        ".dockerfile",
        ".mk",
        ".cmake",
        ".lua",
        ".r",
        ".dart",
        ".vue",
        ".svelte",
    ]
)
"""File extensions that promise text: when such a file is skipped, that is a warning."""


def has_text_name(name: str) -> bool:
    """Whether the file's name (its extension, or a dotfile such as `.env`) says text."""
    base = name.rsplit("/", 1)[-1].lower()
    dot = base.rfind(".")
    return (dot >= 0 and base[dot:] in TEXT_EXTENSIONS) or base in ("dockerfile", "makefile")


_MAGIC_BY_FIRST_BYTE: dict[int, tuple[tuple[bytes, str], ...]] = {
    first: tuple(entry for entry in MAGIC_NUMBERS if entry[0][0] == first)
    for first in {magic[0] for magic, _ in MAGIC_NUMBERS}
}
"""MAGIC_NUMBERS by their first byte, in their order: most files start with none of them,
and one look-up says so (20,000 files of code, issue 18)."""
_BOM_FIRST_BYTES = frozenset(bom[0] for bom, _ in _BOMS)


def magic_format(raw: bytes) -> str | None:
    """The binary format the first bytes announce, or None."""
    if not raw:
        return None
    for magic, name in _MAGIC_BY_FIRST_BYTE.get(raw[0], ()):
        if raw.startswith(magic):
            return name
    return None


def binary_reason(raw: bytes) -> str | None:
    """Why `raw` is binary (a known format, or mostly control bytes), or None for text.

    A byte-order mark makes it text (UTF-16/32); a text file with some NUL bytes is text.
    """
    if bom_encoding(raw) is not None:
        return None
    found = magic_format(raw)
    if found is not None:
        return found
    head = raw[:SNIFF_BYTES]
    if not head:
        return None
    controls = len(head) - len(head.translate(None, CONTROL_BYTES))
    if controls > BINARY_CONTROL_SHARE * len(head):
        return f"binary data ({controls * 100 // len(head)}% control bytes)"
    return None


def is_binary(raw: bytes) -> bool:
    """Binary by binary_reason: a known magic number or mostly control bytes, no BOM."""
    return binary_reason(raw) is not None


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
