"""Write a reader's records with their values redacted, a batch of records at a time;
for a large input, the batches are redacted by worker processes.

A batch's records are detected together (their values packed into one chunk by the
scanner's `CellBatcher`) and written back: each record exactly as it was read, unless
one of its values holds a finding. Redacting a batch does not depend on another batch,
so the batches of a large input go to a pool of `Redactor.jobs` processes, which
return each batch's text, while this process reads ahead and writes the texts in
order. At most a few batches per worker are in flight, so memory stays bounded. The
pool (core.workers.map_bounded) starts only when an input fills
a first batch (`BATCH_CHARS`): a small input never waits for one.

Every worker has its own Redactor made from the same rules, options, strategies and
key. Stand-ins are deterministic, so a value gets the same one in whichever process
it is met; each batch's counts come back with its text, added to this process's tally.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from policyctl.core.workers import map_bounded
from policyctl.redaction.cells import Change, DataResult, redact_cells, redact_loose_text
from policyctl.redaction.columns import ColumnTally
from policyctl.redaction.redactor import Redactor
from policyctl.sources.cells import CHUNK_CHARS, CellBatcher
from policyctl.sources.tabular import Malformed, Record

BATCH_CHARS = CHUNK_CHARS
"""About this many characters of records make a batch."""
IN_FLIGHT_PER_JOB = 2

Batch = list[Record | Malformed | str]
Tally = Counter[tuple[str, str | None, str]]


@dataclass(frozen=True)
class RecordFormat:
    """How records of one kind are redacted: `cells` gives the texts of a record's
    values, `rewrite` its new text from its changes (by value index) and the text
    written before it. Both are module-level functions (or partials of them), so that
    a worker process can be sent them."""

    cells: Callable[[Record], list[str]]
    rewrite: Callable[[Record, dict[int, Change], str], str]


def write_records(
    items: Iterable[Record | Malformed | str],
    form: RecordFormat,
    out: IO[str],
    redactor: Redactor,
    display: str,
    result: DataResult,
) -> None:
    """Write a reader's items (kept text, `keep_raw`) to `out`: each record as it was
    read unless one of its values holds a finding, then as `form` rewrites it; plain
    text as it is; a malformed part with its values replaced as in plain text, and a
    warning."""
    last: list[tuple[Batch, str]] = []  # the batch left when the items run out

    def full_batches() -> Iterator[tuple[Batch, str]]:
        batch: Batch = []
        size = 0
        before = ""  # the last plain text before the batch
        for item in items:
            if isinstance(item, Record):
                size += len(item.raw) if item.raw is not None else BATCH_CHARS
                result.records += 1
            elif isinstance(item, Malformed):
                result.warn(f"{item.where}: {item.message}; passed through")
            batch.append(item)
            if size < BATCH_CHARS:
                continue
            yield batch, before
            before = next((i for i in reversed(batch) if isinstance(i, str)), before)
            batch, size = [], 0
        last.append((batch, before))

    def write(text: str) -> None:
        result.lines += text.count("\n")
        out.write(text)

    if redactor.jobs <= 1:
        for batch, before in full_batches():
            write(redacted_batch(batch, before, form, redactor, display))
    else:
        for text, tally, column_tally in map_bounded(
            _in_worker,
            ((batch, before, form, display) for batch, before in full_batches()),
            redactor.jobs,
            initializer=_init_worker,
            initargs=(redactor.ruleset, redactor.options, redactor.policy, redactor.keys),
            per_job=IN_FLIGHT_PER_JOB,
            ordered=True,
        ):
            redactor.tally.update(tally)
            redactor.columns.tally.update(column_tally)
            write(text)
    batch, before = last[0]
    write(redacted_batch(batch, before, form, redactor, display))
    result.finish()


def redacted_batch(
    batch: Batch, before: str, form: RecordFormat, redactor: Redactor, display: str
) -> str:
    """The text of a batch of items, redacted: the records' values are detected
    together; `before` is the plain text last written before the batch."""
    batcher = CellBatcher(display, "datasets")  # one chunk, however full
    values: list[str] = []
    for item in batch:
        if isinstance(item, Record):
            texts = form.cells(item)
            batcher.add_row(texts, item.names, item.number, item.line)
            values.extend(texts)
    chunk = batcher.take()
    changes = redact_cells(chunk, values, redactor) if chunk is not None else {}
    changed = sorted(changes)
    changed.append(len(values))  # a sentinel: no change past the last value
    next_change = 0  # index in `changed` of the next changed value
    first = 0  # index of the next record's first value in the batch
    parts: list[str] = []
    for item in batch:
        if isinstance(item, Record):
            text = item.raw or ""
            stop = first + len(item.values)
            if changed[next_change] < stop:
                mine: dict[int, Change] = {}
                while changed[next_change] < stop:
                    index = changed[next_change]
                    mine[index - first] = changes[index]
                    next_change += 1
                text = form.rewrite(item, mine, before)
            first = stop
        elif isinstance(item, Malformed):
            text = redact_loose_text(item.raw, redactor, display) if item.raw else ""
        else:
            text = before = item
        parts.append(text)
    return "".join(parts)


_worker: Redactor | None = None


def _init_worker(*args: object) -> None:
    global _worker
    _worker = Redactor(*args)  # type: ignore[arg-type]


def _in_worker(task: tuple[Batch, str, RecordFormat, str]) -> tuple[str, Tally, ColumnTally]:
    """One batch's text and what its redactions count, in a worker."""
    assert _worker is not None, "worker used before its initializer ran"
    batch, before, form, display = task
    _worker.tally.clear()
    _worker.columns.tally.clear()
    text = redacted_batch(batch, before, form, _worker, display)
    return text, _worker.tally, _worker.columns.tally
