"""The CSV format: CSV and TSV files redacted into a file of the same dialect, streamed in
bounded memory.

Rows are read by the scanner's own reader (`sources.tabular.read_csv`, which keeps each
row's text when asked) and detected a batch of cells at a time. A row with nothing to
replace is written as it was read, byte for byte; in a row with a replacement only the
changed cells are rewritten, each keeping its quoting, so the dialect, the column
order and every other cell stay exactly as they were. The header, blank lines and
rows the csv module cannot read pass through too (the last with their sensitive
values replaced as in plain text, and a warning naming the line).
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
from collections.abc import Sequence

from policyctl.redaction.batches import RecordFormat, write_records
from policyctl.redaction.cells import Change, DataResult
from policyctl.redaction.formats.interface import Input, RedactFormat
from policyctl.redaction.redactor import Redactor
from policyctl.redaction.streams import Reader, Writer, same_compression, text_streams
from policyctl.sources.datasets import tab_separated
from policyctl.sources.tabular import (
    SNIFF_CHARS,
    Record,
    TableLayout,
    read_csv,
    sniff_layout,
)


def sniff(name_kind: str | None, item: Input) -> bool:
    """A table is known by its name (.csv, .tsv, .tab, .psv, and these .gz)."""
    return name_kind == "csv"


def redact(item: Input, sink: Writer, redactor: Redactor) -> DataResult:
    return redact_csv(item.source, sink, redactor, item.display, tab_separated(item.display))


def redact_csv(
    raw: Reader, out: Writer, redactor: Redactor, display: str, tab: bool = False
) -> DataResult:
    """Redact one CSV/TSV input from `raw` into `out` (same compression, same encoding)."""
    with (
        same_compression(raw, out) as (reader, sink, compressed),
        text_streams(reader, sink) as (text, written),
    ):
        sample = text.read(SNIFF_CHARS)
        sample += text.readline()  # end the sample on a line break
        layout = sniff_layout(sample, "\t" if tab else ",")
        kind = "tsv" if layout.delimiter == "\t" else "csv"
        result = DataResult(format=f"gzip {kind}" if compressed else kind)
        items = read_csv(itertools.chain(io.StringIO(sample), text), layout, keep_raw=True)
        form = RecordFormat(_row_values, functools.partial(_rewritten_row, layout))
        write_records(items, form, written, redactor, display, result)
    return result


def _row_values(row: Record) -> list[str]:
    values: list[str] = row.values
    return values


def _rewritten_row(
    layout: TableLayout, row: Record, changes: dict[int, Change], _before: str
) -> str:
    return rewrite_row(row.raw or "", row.values, changes, layout)


def rewrite_row(
    raw: str, values: Sequence[str], changes: dict[int, Change], layout: TableLayout
) -> str:
    """The row's text with the changed cells replaced, every other cell's text (quoting
    included) and the line ending kept. Should the text not split into the cells the
    reader found (a dialect the sniffer guessed wrong), the row is written anew."""
    body = raw.rstrip("\r\n")
    ending = raw[len(body) :]
    fields = split_fields(body, values, layout)
    if fields is None:
        buffer = io.StringIO()
        writer = csv.writer(
            buffer, delimiter=layout.delimiter, quotechar=layout.quotechar, lineterminator=ending
        )
        writer.writerow([changes[i].text if i in changes else v for i, v in enumerate(values)])
        return buffer.getvalue()
    for index, change in changes.items():
        was_quoted = fields[index].startswith(layout.quotechar)
        fields[index] = quote_field(change.text, layout, force=was_quoted)
    return layout.delimiter.join(fields) + ending


def split_fields(body: str, values: Sequence[str], layout: TableLayout) -> list[str] | None:
    """The text of each field of a row whose cells are `values`, or None when the row's
    text is not those cells written in this dialect."""
    delimiter = layout.delimiter
    if body == delimiter.join(values):
        return list(values)  # nothing quoted: the common case
    minimal = [quote_field(value, layout) for value in values]
    if body == delimiter.join(minimal):
        return minimal  # quoted only where it must be, as the csv module writes
    fields: list[str] = []
    position = 0
    for number, value in enumerate(values):
        last = number == len(values) - 1
        for written in (value, quote_field(value, layout, force=True)):
            end = position + len(written)
            if body.startswith(written, position) and (
                body.startswith(delimiter, end) if not last else end == len(body)
            ):
                fields.append(written)
                position = end + len(delimiter)
                break
        else:
            return None
    return fields if values else None


def quote_field(value: str, layout: TableLayout, force: bool = False) -> str:
    """A cell as the csv module writes it (quoted when it must be, or when `force`)."""
    quote = layout.quotechar
    if force or layout.delimiter in value or quote in value or "\n" in value or "\r" in value:
        return quote + value.replace(quote, quote + quote) + quote
    return value


FORMAT = RedactFormat("csv", sniff, redact)
