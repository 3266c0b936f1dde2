"""The dataset readers keep each record's text when asked, so a writer of sanitised
copies can pass on what it does not change exactly as it was."""

from __future__ import annotations

import io

import pytest

from policyctl.sources.tabular import (
    Malformed,
    Record,
    TableLayout,
    read_csv,
    read_json,
    read_jsonl,
)

CSV_TEXT = 'id,note\r\n1,"a, b"\r\n\r\n2,"two\nlines"\r\n3,x,extra\r\n4,"last"'
JSONL_TEXT = '{"a": 1}\n\n{"b": [1, 2]}\nnot json\n{"c":"d"}'
JSON_TEXT = '  [\n  {"a": 1},\n  [1, 2] ,\n  "x"\n]\n'


def joined(items: list[Record | Malformed | str]) -> str:
    return "".join(i if isinstance(i, str) else (i.raw or "") for i in items)


def test_csv_items_joined_are_the_input_exactly() -> None:
    layout = TableLayout(delimiter=",", quotechar='"', has_header=True)
    items = list(read_csv(io.StringIO(CSV_TEXT, newline=""), layout, keep_raw=True))
    assert joined(items) == CSV_TEXT
    records = [i for i in items if isinstance(i, Record)]
    assert [r.raw for r in records] == [
        '1,"a, b"\r\n',
        '2,"two\nlines"\r\n',
        "3,x,extra\r\n",
        '4,"last"',
    ]


def test_csv_records_carry_no_text_unless_asked() -> None:
    layout = TableLayout(delimiter=",", quotechar='"', has_header=True)
    items = list(read_csv(io.StringIO(CSV_TEXT, newline=""), layout))
    assert all(not isinstance(i, str) and i.raw is None for i in items)


def test_json_lines_items_joined_are_the_input_exactly() -> None:
    items = list(read_jsonl(io.StringIO(JSONL_TEXT), keep_raw=True))
    assert joined(items) == JSONL_TEXT
    assert [type(i).__name__ for i in items] == ["Record", "str", "Record", "Malformed", "Record"]


@pytest.mark.parametrize("text", [JSON_TEXT, '{"a": {"b": 1}}\n', "[]", "[1, {oops"])
def test_json_document_items_joined_are_the_input_exactly(text: str) -> None:
    assert joined(list(read_json(io.StringIO(text), keep_raw=True))) == text


def test_a_json_document_that_is_not_an_array_is_one_record() -> None:
    document = '{"user": {"email": "x"}, "pad": "' + "p" * 70000 + '"}'
    items = list(read_json(io.StringIO(document)))
    assert len(items) == 1 and isinstance(items[0], Record)
    assert items[0].names == ["$.user.email", "$.pad"]
