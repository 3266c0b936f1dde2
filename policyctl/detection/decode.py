"""Encoded blobs worth a second look: base64 and URL-encoded text, decoded for a rescan.

Secrets hide under one layer of encoding: Kubernetes Secret `data:` values, HTTP basic
auth headers, docker `auths`, connection strings passed as URL parameters. A blob is
decoded only when it is of a reasonable size and decodes to text (an image or a
compressed payload is left alone), and decoding is bounded in depth by the caller.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import unquote_to_bytes

from policyctl.engine import Mark

MIN_BASE64 = 16
"""Shorter runs decode to fewer than 12 bytes: too little to hold a credential and context."""
MAX_BLOB = 64 * 1024
MAX_DECODED_PER_CHUNK = 1024 * 1024
"""Decoded bytes rescanned per chunk, so a file full of base64 cannot multiply the work."""
MAX_DEPTH = 2
"""Layers of encoding undone: base64 inside base64, or a URL-encoded string inside base64."""
PRINTABLE_SHARE = 0.95

_RUN = re.compile(rb"[A-Za-z0-9+/_\-]{%d,%d}={0,2}(?![A-Za-z0-9+/=_\-])" % (MIN_BASE64, MAX_BLOB))
"""A base64 value: a run of the base64 alphabet (standard or URL-safe), maybe padded."""
TRIGGERS = (
    rb"Basic [A-Za-z0-9+/]{%d}" % MIN_BASE64,
    rb"\"auth\"\s{0,3}:\s{0,3}\"[A-Za-z0-9+/]{%d}" % MIN_BASE64,
    rb"_auth\s{0,3}=\s{0,3}['\"]?[A-Za-z0-9+/]{%d}" % MIN_BASE64,
)
"""Where encoded credentials are written: HTTP basic auth, docker `auths` and `.npmrc`
`_auth`, up to the first MIN_BASE64 characters of the value. Decoding looks only there
(and in Secret manifests), so it costs next to nothing on files without them."""
_SECRET_MANIFEST = re.compile(rb"kind:\s{1,4}Secret\b")
_MANIFEST_VALUE = re.compile(
    rb"(?m)^[ \t]{2,8}[A-Za-z0-9_.\-]{1,100}:[ \t]+['\"]?"
    rb"([A-Za-z0-9+/]{%d,%d}={0,2})['\"]?[ \t]*\r?$" % (8, MAX_BLOB)
)
"""A `data:` entry of a Kubernetes Secret: base64 by definition, however short."""
_PERCENT = re.compile(rb"%(?:3[Aa]|40|2[Ff])")
"""The escapes of `:`, `@` and `/`: a URL-encoded credential or URL has them."""
_URL_TOKEN_END = re.compile(rb"[\s'\"<>`|\\]")
_PRINTABLE = frozenset(range(32, 127)) | {9, 10, 13}
_PRINTABLE_BYTES = bytes(sorted(_PRINTABLE))
"""The same as bytes, to count them by deleting them (one C loop, not one per byte)."""


@dataclass(frozen=True)
class Blob:
    """An encoded stretch of a chunk and what it decodes to."""

    start: int
    end: int
    encoding: str  # "base64" or "url"
    decoded: bytes


def encoded_blobs(data: bytes, marked: list[tuple[int, int]] | None = None) -> Iterator[Blob]:
    """The base64 and URL-encoded blobs in `data` that decode to text, in order.
    `marked`: the hits of MARKS in `data`, when the rules' pass found them."""
    budget = MAX_DECODED_PER_CHUNK
    found = find_triggers(data) if marked is None else _triggers(marked)
    if found is _NO_TRIGGERS:
        return
    for blob in sorted(_candidates(data, found), key=lambda b: b.start):
        if budget <= 0:
            return
        budget -= len(blob.decoded)
        yield blob


def _candidates(data: bytes, found: Triggers) -> Iterator[Blob]:
    seen: set[int] = set()
    for start, end in base64_spans(data, found):
        if start in seen:
            continue
        seen.add(start)
        decoded = base64_text(data[start:end])
        if decoded is not None:
            yield Blob(start, end, "base64", decoded)
    if found.percent:
        yield from _url_encoded(data)


@dataclass(frozen=True)
class Triggers:
    """What one pass over a chunk found: where base64 may follow, and what else is there."""

    ends: tuple[int, ...] = ()
    manifest: bool = False
    percent: bool = False


_NO_TRIGGERS = Triggers()


def find_triggers(data: bytes) -> Triggers:
    """Trigger offsets by one Hyperscan pass when it is installed, else by byte search."""
    database = _trigger_database()
    if database is None:
        ends = [found.end() for trigger in _TRIGGER_RES for found in trigger.finditer(data)]
        return Triggers(
            tuple(sorted(ends)),
            _SECRET_MANIFEST.search(data) is not None,
            _PERCENT.search(data) is not None,
        )
    hits: list[tuple[int, int]] = []

    def on_hit(kind: int, _start: int, end: int, _flags: int, _context: object) -> None:
        hits.append((kind, end))

    database[0].scan(data, match_event_handler=on_hit, scratch=database[1])
    return _triggers(hits)


def _triggers(hits: list[tuple[int, int]]) -> Triggers:
    """Triggers from the hits of the expressions of _trigger_database (or MARKS)."""
    if not hits:
        return _NO_TRIGGERS  # (most chunks: nothing to decode)
    return Triggers(
        tuple(sorted(end for kind, end in hits if kind < len(TRIGGERS))),
        any(kind == len(TRIGGERS) for kind, _ in hits),
        any(kind == len(TRIGGERS) + 1 for kind, _ in hits),
    )


_TRIGGER_RES = tuple(re.compile(trigger) for trigger in TRIGGERS)


_SINGLEMATCH = 0x08
"""hyperscan.HS_FLAG_SINGLEMATCH (hs.h), without importing Hyperscan to name it."""
MARKS = (
    *(Mark(trigger) for trigger in TRIGGERS),
    Mark(_SECRET_MANIFEST.pattern),
    Mark(_PERCENT.pattern, _SINGLEMATCH),
)
"""Literal triggers, the Secret manifest marker and %XX escapes: found in the rules'
own Hyperscan pass (detection.rules passes them to the engine), which costs far less
than a pass of their own over every chunk (0.15 CPU-s on 300 MB of code, issue 18)."""


@cache
def _trigger_database() -> tuple[Any, Any] | None:
    """MARKS in a database of their own, for chunks the rules' pass did not mark."""
    try:
        import hyperscan
    except ImportError:
        return None
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(
        expressions=[mark.expression for mark in MARKS],
        ids=list(range(len(MARKS))),
        elements=len(MARKS),
        flags=[mark.flags for mark in MARKS],
    )
    return database, hyperscan.Scratch(database)


def base64_spans(data: bytes, found: Triggers) -> Iterator[tuple[int, int]]:
    """Base64 values that start where a trigger ends, and the values of Secret manifests."""
    for after in found.ends:
        run = _RUN.match(data, after - MIN_BASE64)
        if run is not None and _mixed(run.group()):
            yield run.span()
    if found.manifest:
        for value in _MANIFEST_VALUE.finditer(data):
            yield value.span(1)


def _url_encoded(data: bytes) -> Iterator[Blob]:
    """Tokens holding two or more %XX escapes, decoded once each."""
    seen_until = -1
    for escape in _PERCENT.finditer(data):
        if escape.start() < seen_until:
            continue
        start = max(_last_token_end(data, escape.start()), escape.start() - MAX_BLOB)
        stop = _URL_TOKEN_END.search(data, escape.end(), escape.end() + MAX_BLOB)
        end = stop.start() if stop else min(len(data), escape.end() + MAX_BLOB)
        seen_until = end
        token = data[start:end]
        if token.count(b"%") < 2:
            continue
        decoded = unquote_to_bytes(token)
        if decoded != token and is_text(decoded):
            yield Blob(start, end, "url", decoded)


def _last_token_end(data: bytes, before: int) -> int:
    """Where the token holding offset `before` starts."""
    window_start = max(0, before - MAX_BLOB)
    ends = [
        data.rfind(ch, window_start, before) for ch in (b" ", b"\t", b"\n", b"'", b'"', b"<", b">")
    ]
    return max(ends) + 1 if max(ends) >= 0 else window_start


def _mixed(text: bytes) -> bool:
    """Base64 of text mixes upper case, lower case and digits; identifiers seldom do all three."""
    return (
        text.lower() != text
        and text.upper() != text
        and len(text.translate(None, b"0123456789")) != len(text)
    )


def base64_text(text: bytes) -> bytes | None:
    """The decoded bytes when `text` is base64 (standard or URL-safe) of printable text."""
    stripped = text.rstrip(b"=")
    if len(stripped) % 4 == 1:
        return None
    padded = stripped + b"=" * (-len(stripped) % 4)
    try:
        decoded = (
            base64.urlsafe_b64decode(padded)
            if b"-" in padded or b"_" in padded
            else base64.b64decode(padded, validate=True)
        )
    except (binascii.Error, ValueError):
        return None
    return decoded if is_text(decoded) else None


def is_text(decoded: bytes) -> bool:
    """Mostly printable ASCII (or valid UTF-8): what a credential or a config file is made of."""
    if len(decoded) < 8:
        return False
    printable = len(decoded) - len(decoded.translate(None, _PRINTABLE_BYTES))
    if printable >= PRINTABLE_SHARE * len(decoded):
        return True
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\0" not in decoded
