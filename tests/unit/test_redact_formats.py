"""The redaction formats' registry: one decision, shared with scan, of how an input is
redacted, from the kind its name says and its first bytes."""

from __future__ import annotations

import gzip
import io

import pytest

from policyctl.redaction.formats import FORMATS, Input, format_for
from policyctl.sources.datasets import kind_for_name


def kind_of(display: str, head: bytes = b"") -> str:
    source = io.BufferedReader(io.BytesIO(head))
    return format_for(Input(source, display, display)).kind


@pytest.mark.parametrize(
    ("display", "kind"),
    [
        ("people.csv", "csv"),
        ("people.tsv.gz", "csv"),
        ("events.jsonl", "jsonl"),
        ("events.ndjson", "jsonl"),
        ("orders.parquet", "parquet"),
        ("config.json", "json"),
        ("notes.txt", "text"),
        ("app.log", "text"),
        ("app.log.1", "text"),
    ],
)
def test_an_input_is_redacted_as_the_kind_its_name_says(display: str, kind: str) -> None:
    assert kind_of(display, b"plain words\n") == kind


def test_a_log_whose_first_record_is_a_json_object_is_redacted_as_json_lines() -> None:
    head = b'\n{"user": "a", "level": "info"}\n{"user": "b"}\n'
    assert kind_of("app.log", head) == "jsonl"
    assert kind_of("app.log.gz", gzip.compress(head)) == "jsonl"
    assert kind_of("app.log", b"[1, 2]\n") == "text"
    assert kind_of("notes.txt", head) == "text"  # only a log is sniffed


def test_a_json_file_is_a_document_to_redact_and_ordinary_text_to_scan() -> None:
    assert kind_for_name("config.json") is None
    assert kind_for_name("config.json", json_documents=True) == "json"
    assert kind_for_name("dump.json.gz", json_documents=True) == "log"  # as scan reads it


def test_every_format_is_registered_once_and_text_takes_the_rest() -> None:
    kinds = [f.kind for f in FORMATS]
    assert sorted(kinds) == ["csv", "json", "jsonl", "parquet", "text", "xlsx"]
    assert kinds[-1] == "text"
