"""Redaction formats, one module each: text (and logs), CSV/TSV, JSON, JSON lines, Parquet,
Excel workbooks.

The registry below is the one place that decides how an input is redacted: the first
format whose `sniff` takes it, given the kind its name says (the decision `scan` makes,
with `.json` files as JSON documents) and its first bytes. Text takes everything else.
"""

from __future__ import annotations

from policyctl.redaction.formats import csv, json, jsonl, parquet, text, xlsx
from policyctl.redaction.formats.interface import (
    Input,
    NotRedactable,
    RedactFormat,
    Result,
    TextResult,
)
from policyctl.sources.datasets import kind_for_name

FORMATS: tuple[RedactFormat, ...] = (
    parquet.FORMAT,
    xlsx.FORMAT,
    csv.FORMAT,
    json.FORMAT,
    jsonl.FORMAT,
    text.FORMAT,
)


def format_for(item: Input) -> RedactFormat:
    """The format an input is redacted as."""
    name_kind = kind_for_name(item.display, json_documents=True)
    return next(f for f in FORMATS if f.sniff(name_kind, item))


__all__ = [
    "FORMATS",
    "Input",
    "NotRedactable",
    "RedactFormat",
    "Result",
    "TextResult",
    "format_for",
]
