"""The JSON format: JSON documents (and, for formats.jsonl, JSON-lines files) redacted into
valid JSON of the same shape.

Records are read by the scanner's own readers (`read_jsonl`, `read_json`, which keep
each record's text when asked) and their values detected a batch at a time, located by
key path as in a scan. A record with nothing to replace is written as it was read,
byte for byte; so is all the text between records. A record with a replacement is
parsed again, its values replaced in place and written back in its own layout (indent,
separators, escaping) when that layout can be recognised, so keys, their order, nesting
and every other value stay as they were. Types are kept where the stand-in allows it: a
string stays a string, a number encrypted by fpe stays a number; a masked or hashed
number becomes a string (`****` is no number). `remove` drops the key from its object
(an array element becomes null, so the others keep their positions).

A line of a JSON-lines file that is not JSON is passed through, its sensitive values
replaced as in plain text, with a warning naming it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from policyctl.redaction.batches import RecordFormat, write_records
from policyctl.redaction.cells import Change, DataResult
from policyctl.redaction.formats.interface import Input, RedactFormat
from policyctl.redaction.redactor import Redactor
from policyctl.redaction.streams import Reader, Writer, same_compression, text_streams
from policyctl.sources.datasets import cell_text
from policyctl.sources.tabular import Record, read_json, read_jsonl

_DROP = object()
_INTEGER = re.compile(r"-?\d+")


def sniff(name_kind: str | None, item: Input) -> bool:
    """A JSON document is known by its name: .json (to `scan`, ordinary text)."""
    return name_kind == "json"


def redact(item: Input, sink: Writer, redactor: Redactor) -> DataResult:
    return redact_json(item.source, sink, redactor, item.display, lines=False)


def redact_json(
    raw: Reader, out: Writer, redactor: Redactor, display: str, lines: bool
) -> DataResult:
    """Redact a JSON-lines file (`lines`) or a JSON document from `raw` into `out`."""
    with (
        same_compression(raw, out) as (reader, sink, compressed),
        text_streams(reader, sink) as (text, written),
    ):
        kind = "jsonl" if lines else "json"
        result = DataResult(format=f"gzip {kind}" if compressed else kind)
        items = read_jsonl(text, keep_raw=True) if lines else read_json(text, keep_raw=True)
        write_records(items, JSON_RECORDS, written, redactor, display, result)
    return result


FORMAT = RedactFormat("json", sniff, redact)


def _leaf_texts(record: Record) -> list[str]:
    return [v if isinstance(v, str) else cell_text(v) for v in record.values]


def _rewrite(record: Record, changes: dict[int, Change], before: str) -> str:
    """The record rewritten; an element of a pretty-printed array is indented as the
    line it starts on (the end of the text before it)."""
    line = before[before.rfind("\n") + 1 :]
    return rewrite_record(record.raw or "", changes, line[: len(line) - len(line.lstrip(" \t"))])


JSON_RECORDS = RecordFormat(_leaf_texts, _rewrite)


def rewrite_record(raw: str, changes: dict[int, Change], indent: str) -> str:
    """The record's text with its changed values (numbered as `json_leaves` yields
    them) replaced, in the record's own layout when it can be recognised."""
    text = raw.strip()
    value = json.loads(text)
    dump = layout_of(value, text, indent)
    lead = raw[: len(raw) - len(raw.lstrip())]
    return lead + dump(replaced_leaves(value, changes)) + raw[len(lead) + len(text) :]


def replaced_leaves(value: Any, changes: dict[int, Change]) -> Any:
    """`value` with its scalars (numbered as `json_leaves` yields them: not null, not
    true/false) replaced by their changes; null if the value itself was removed."""
    replaced = _replaced(value, changes, [0])
    return None if replaced is _DROP else replaced


def layout_of(value: Any, text: str, indent: str) -> Callable[[Any], str]:
    """A function that writes JSON the way `text` (the JSON of `value`) was written:
    compact or spaced, indented by 2, 4 or a tab, ASCII-escaped or not; the common
    spaced single-line layout when none of them reproduces it."""
    for ensure_ascii in (False, True):
        for spacing in ((", ", ": "), (",", ":")):
            for step in (None, 2, 4, "\t"):
                separators = (spacing[0].rstrip(), spacing[1]) if step is not None else spacing

                def dump(v: Any, a: bool = ensure_ascii, s: Any = separators, i: Any = step) -> str:
                    made = json.dumps(v, ensure_ascii=a, separators=s, indent=i)
                    return made.replace("\n", "\n" + indent) if i is not None else made

                if dump(value) == text:
                    return dump
    return lambda v: json.dumps(v, ensure_ascii=False)


def _replaced(value: Any, changes: dict[int, Change], counter: list[int]) -> Any:
    """See replaced_leaves; `counter` numbers the scalars met so far."""
    if isinstance(value, dict):
        kept: dict[str, Any] = {}
        for key, item in value.items():
            new = _replaced(item, changes, counter)
            if new is not _DROP:
                kept[key] = new
        return kept
    if isinstance(value, list):
        return [
            None if new is _DROP else new for new in (_replaced(v, changes, counter) for v in value)
        ]
    if value is None or isinstance(value, bool):
        return value
    index = counter[0]
    counter[0] += 1
    change = changes.get(index)
    if change is None:
        return value
    if change.removed:
        return _DROP
    if change.number is not None and isinstance(value, float):
        return change.number  # a dp column's noisy value, not its rounded text
    return typed_like(change.text, value)


def typed_like(text: str, original: Any) -> Any:
    """The stand-in as the original's type when it is one (digits for an integer, a
    number for a float), else as a string."""
    if isinstance(original, int) and _INTEGER.fullmatch(text):
        return int(text)
    if isinstance(original, float):
        try:
            return float(text)
        except ValueError:
            return text
    return text
