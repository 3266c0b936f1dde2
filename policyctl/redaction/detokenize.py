"""The way back: tokens (and fpe values) turned into the values they stand for, with the
redaction key. Only for those who hold the key; everyone else sees tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policyctl.redaction.keys import RedactionKeys
from policyctl.redaction.strategies import TOKEN_PREFIX, TokenError, detokenize, fpe_cipher
from policyctl.redaction.streams import Reader, Writer

MIN_TOKEN_BODY = 23
"""base64url of the 16-byte SIV tag and at least one byte of value."""

TOKEN = re.compile(re.escape(TOKEN_PREFIX) + f"[A-Za-z0-9_-]{{{MIN_TOKEN_BODY},}}")


@dataclass
class RestoreCounts:
    restored: int = 0
    left: int = 0
    """Look-alikes that are not tokens of this key: left as they are."""


def restore_tokens(text: str, keys: RedactionKeys, counts: RestoreCounts) -> str:
    """`text` with every token of this key replaced by its value."""
    return TOKEN.sub(lambda found: _restore(found.group(), keys, counts), text)


def _restore(candidate: str, keys: RedactionKeys, counts: RestoreCounts) -> str:
    """A token may be followed by letters, digits, '_' or '-' that were next to the
    value it replaced; the longest prefix that authenticates is the token."""
    for end in range(len(candidate), len(TOKEN_PREFIX) + MIN_TOKEN_BODY - 1, -1):
        try:
            value = detokenize(candidate[:end], keys.token_key)
        except TokenError:
            continue
        counts.restored += 1
        return value + candidate[end:]
    counts.left += 1
    return candidate


def restore_stream(reader: Reader, out: Writer, keys: RedactionKeys) -> RestoreCounts:
    """Copy text from `reader` to `out` with tokens restored, a line at a time (a token
    never spans lines)."""
    counts = RestoreCounts()
    rest = b""
    while block := reader.read(1 << 20):
        lines = (rest + block).split(b"\n")
        rest = lines.pop()
        for line in lines:
            out.write(_restore_line(line, keys, counts) + b"\n")
    if rest:
        out.write(_restore_line(rest, keys, counts))
    return counts


def _restore_line(line: bytes, keys: RedactionKeys, counts: RestoreCounts) -> bytes:
    if TOKEN_PREFIX.encode() not in line:
        return line
    text = line.decode("utf-8", "surrogateescape")
    return restore_tokens(text, keys, counts).encode("utf-8", "surrogateescape")


def decrypt_fpe(value: str, keys: RedactionKeys, luhn: bool) -> str:
    """The value that fpe encrypted into `value` (with the same `luhn`)."""
    plain = fpe_cipher(keys).decrypt(value, luhn=luhn)
    if plain is None:
        raise TokenError("has too few digits or letters to be an fpe value")
    return plain
