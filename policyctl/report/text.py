"""Text from scanned inputs made safe for a report: file names that are not UTF-8, and
control characters that a terminal would obey.

A file name on Linux is bytes; one that is not valid UTF-8 reaches policyctl with its
undecodable bytes as lone surrogates (Python's surrogateescape). Each format keeps them
in the one lossless way it can: JSON (and SARIF) as `\\udcXX` escapes, which decode back
to the same name; SARIF URIs percent-encode the original bytes; the text formats show
the byte as `\\xNN`, as git does.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def json_text(text: str) -> str:
    """JSON text with each lone surrogate as a `\\uXXXX` escape (valid JSON, lossless)."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def display(text: str) -> str:
    """Text with each undecodable byte of a file name shown as `\\xNN`."""
    return _SURROGATE.sub(_byte_escape, text)


def printable(text: str) -> str:
    """One line for a terminal: undecodable bytes as `\\xNN`, and control and format
    characters (escape sequences, newlines, bidirectional overrides) as escapes, so a
    file name can neither move the cursor, recolour the screen nor reorder the text."""
    return _CONTROL.sub(_control_escape, display(text))


def _byte_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def _control_escape(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if char in named:
        return named[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
