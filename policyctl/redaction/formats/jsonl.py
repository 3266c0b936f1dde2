"""The JSON-lines format: .jsonl and .ndjson files, and logs whose first line is a JSON
object, redacted record by record as formats.json redacts a document's values."""

from __future__ import annotations

import zlib

from policyctl.redaction.cells import DataResult
from policyctl.redaction.formats.interface import Input, RedactFormat
from policyctl.redaction.formats.json import redact_json
from policyctl.redaction.redactor import Redactor
from policyctl.redaction.streams import Writer
from policyctl.sources.datasets import is_json_object
from policyctl.sources.tabular import GZIP_MAGIC

JSON_LOG_SNIFF = 8192


def sniff(name_kind: str | None, item: Input) -> bool:
    """Named so, or a log (by its name) whose first record is a JSON object."""
    if name_kind == "jsonl":
        return True
    return name_kind == "log" and starts_with_json_object(item.source.peek(JSON_LOG_SNIFF))


def redact(item: Input, sink: Writer, redactor: Redactor) -> DataResult:
    return redact_json(item.source, sink, redactor, item.display, lines=True)


def starts_with_json_object(head: bytes) -> bool:
    """Whether the first non-blank line of `head` (the start of a file, gzip or not)
    is a JSON object."""
    if head[:2] == GZIP_MAGIC:
        try:
            head = zlib.decompressobj(wbits=31).decompress(head)
        except zlib.error:
            return False
    for line in head.splitlines():
        if line.strip():
            return is_json_object(line)
    return False


FORMAT = RedactFormat("jsonl", sniff, redact)
