"""The Parquet format: Parquet files redacted into Parquet files with the same schema
(pyarrow, the `datasets` extra), a batch of rows at a time.

Cells are named and detected as the scanner does (`sources.tabular.parquet_leaves`:
a column's name, or key paths inside structs and lists). A column with nothing to
replace in a batch is written as the very array that was read; in a changed column
each stand-in takes the column's type: text stays text, digits an fpe value made of a
number stay a number, and a stand-in the type cannot hold (a masked number, a
generalized date) becomes null. `remove` makes the cell null. The schema, with its
metadata, and the compression codec are those of the input; row groups hold at most
BATCH_ROWS rows.
"""

from __future__ import annotations

from typing import Any

from policyctl.redaction.cells import Change, DataResult, redact_cells
from policyctl.redaction.formats.interface import Input, NotRedactable, RedactFormat
from policyctl.redaction.formats.json import replaced_leaves, typed_like
from policyctl.redaction.outputs import STDIO
from policyctl.redaction.redactor import Redactor
from policyctl.redaction.streams import Writer
from policyctl.sources.cells import CellBatcher
from policyctl.sources.datasets import cell_text
from policyctl.sources.tabular import parquet_file, parquet_leaves

BATCH_ROWS = 65536


class _Sink:
    """A Writer as the file object pyarrow writes to."""

    closed = False

    def __init__(self, writer: Writer) -> None:
        self.writer = writer
        self.position = 0

    def write(self, data: bytes) -> int:
        self.writer.write(bytes(data))
        self.position += len(data)
        return len(data)

    def flush(self) -> None:
        self.writer.flush()

    def tell(self) -> int:
        return self.position


def sniff(name_kind: str | None, item: Input) -> bool:
    """A Parquet file is known by its name (.parquet, .pq)."""
    return name_kind == "parquet"


def redact(item: Input, sink: Writer, redactor: Redactor) -> DataResult:
    if item.path == STDIO:
        raise NotRedactable("a Parquet file must be read from a file, not standard input")
    return redact_parquet(item.path, sink, redactor, item.display)


def redact_parquet(path: str, out: Writer, redactor: Redactor, display: str) -> DataResult:
    """Redact the Parquet file at `path` into `out`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = parquet_file(path)
    metadata = source.metadata
    codec = metadata.row_group(0).column(0).compression if metadata.num_row_groups else "NONE"
    schema = source.schema_arrow
    result = DataResult(format="parquet")
    sink = pa.PythonFile(_Sink(out), mode="w")
    with pq.ParquetWriter(sink, schema, compression=codec.lower()) as writer:
        for batch in source.iter_batches(batch_size=BATCH_ROWS):
            columns = _redacted_columns(batch, result.records, redactor, display)
            writer.write_batch(pa.RecordBatch.from_arrays(columns, schema=batch.schema))
            result.records += batch.num_rows
    result.lines = result.records
    return result


def _redacted_columns(batch: Any, first_row: int, redactor: Redactor, display: str) -> list[Any]:
    """The batch's columns, each the one read unless a value in it was replaced."""
    batcher = CellBatcher(display, "datasets")
    values: list[str] = []
    places: list[tuple[int, int]] = []  # (column, row) of each cell
    cells: list[list[Any]] = []
    for column_index, (name, column) in enumerate(
        zip(batch.schema.names, batch.columns, strict=True)
    ):
        cells.append(column.to_pylist())
        for row, value in enumerate(cells[-1]):
            for leaf_name, leaf in parquet_leaves(name, value):
                text = leaf if isinstance(leaf, str) else cell_text(leaf)
                batcher.add(text, first_row + row + 1, leaf_name, None)
                values.append(text)
                places.append((column_index, row))
    chunk = batcher.take()
    changes = redact_cells(chunk, values, redactor) if chunk is not None else {}
    by_cell: dict[tuple[int, int], dict[int, Change]] = {}
    first_leaf: dict[tuple[int, int], int] = {}
    for index, place in enumerate(places):
        first_leaf.setdefault(place, index)
        if index in changes:
            by_cell.setdefault(place, {})[index - first_leaf[place]] = changes[index]
    arrays = list(batch.columns)
    for column_index in sorted({column for column, _ in by_cell}):
        rows = {row: change for (c, row), change in by_cell.items() if c == column_index}
        arrays[column_index] = _rebuilt(batch.columns[column_index], cells[column_index], rows)
    return arrays


def _rebuilt(column: Any, values: list[Any], rows: dict[int, dict[int, Change]]) -> Any:
    """The column with the changed rows' values replaced, in the column's own type."""
    import pyarrow as pa

    kind = column.type
    nested = pa.types.is_struct(kind) or pa.types.is_list(kind) or pa.types.is_large_list(kind)
    made = list(values)
    for row, changes in rows.items():
        if nested or pa.types.is_map(kind):
            made[row] = replaced_leaves(values[row], changes)
        else:
            made[row] = _scalar(changes[0], values[row], kind)
    try:
        return pa.array(made, type=kind)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        for row in rows:  # a stand-in the type cannot hold: the value becomes null
            made[row] = None
        return pa.array(made, type=kind)


def _scalar(change: Change, original: Any, kind: Any) -> Any:
    import pyarrow as pa

    if change.removed:
        return None
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return change.text
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        return change.text.encode("utf-8", "surrogateescape")
    if change.number is not None and isinstance(original, float):
        return change.number  # a dp column's noisy value, not its rounded text
    made = typed_like(change.text, original)
    return made if type(made) is type(original) else None


FORMAT = RedactFormat("parquet", sniff, redact)
