"""The redaction report: what was replaced, per file, rule and column, with which
strategy, and the SHA-256 of each input and output, so an auditor can tie a shared
copy to its source. Schema: policyctl/schemas/redaction.schema.json. It never holds a
value that was redacted.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from policyctl import __version__
from policyctl.core.model import Notice
from policyctl.redaction.columns import LEFT, MASKED, REPLACED, ColumnTally
from policyctl.redaction.redactor import CountKey

SCHEMA_VERSION = "1.0"


@dataclass
class FileRecord:
    """One input redacted into one output."""

    input: str
    output: str
    format: str
    input_sha256: str
    output_sha256: str
    input_bytes: int
    output_bytes: int
    lines: int
    counts: Counter[CountKey] = field(default_factory=Counter)
    records: int | None = None
    """Rows or JSON records, for tables and JSON."""
    warnings: list[str] = field(default_factory=list)
    """Malformed parts passed through (the copy was still written)."""
    columns: ColumnTally = field(default_factory=Counter)
    """Cells of named columns (`--columns`): replaced, masked or left, per column."""


@dataclass(frozen=True)
class RunInfo:
    started: str
    finished: str
    seconds: float
    engine: str
    rules: int
    key_id: str | None
    policy: dict[str, Any]
    privacy: dict[str, Any] | None = None
    """The dp columns' spend of the privacy budget (columns.plan_privacy)."""


def build_report(
    files: list[FileRecord], notices: list[Notice], run: RunInfo, skipped: int
) -> dict[str, Any]:
    totals: Counter[str] = Counter()
    by_rule: Counter[str] = Counter()
    for record in files:
        for key, count in record.counts.items():
            totals[key.strategy] += count
            by_rule[key.rule_id] += count
        for (_column, strategy, outcome), count in record.columns.items():
            if outcome != LEFT:
                totals[strategy if outcome == REPLACED else "mask"] += count
    redaction: dict[str, Any] = {
        "started": run.started,
        "finished": run.finished,
        "duration_seconds": round(run.seconds, 3),
        "engine": run.engine,
        "rules": run.rules,
        "strategies": run.policy,
    }
    if run.key_id is not None:
        redaction["key_id"] = run.key_id
    if run.privacy is not None:
        redaction["privacy"] = run.privacy
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "policyctl", "version": __version__},
        "redaction": redaction,
        "summary": {
            "files": len(files),
            "redactions": sum(totals.values()),
            "by_strategy": dict(sorted(totals.items())),
            "by_rule": dict(sorted(by_rule.items())),
            "skipped": skipped,
        },
        "files": [file_document(record) for record in files],
        "notices": [{"path": n.path, "message": n.message, "level": n.level} for n in notices],
    }


def file_document(record: FileRecord) -> dict[str, Any]:
    counts = []
    for key, count in sorted(record.counts.items(), key=lambda kc: _count_order(kc[0])):
        entry: dict[str, Any] = {
            "rule_id": key.rule_id,
            "category": key.category,
            "data_class": key.data_class,
            "strategy": key.strategy,
            "count": count,
        }
        if key.column is not None:
            entry["column"] = key.column
        counts.append(entry)
    document: dict[str, Any] = {
        "input": record.input,
        "output": record.output,
        "format": record.format,
        "input_sha256": record.input_sha256,
        "output_sha256": record.output_sha256,
        "input_bytes": record.input_bytes,
        "output_bytes": record.output_bytes,
        "lines": record.lines,
        "redactions": sum(record.counts.values())
        + sum(n for (_c, _s, outcome), n in record.columns.items() if outcome != LEFT),
        "counts": counts,
    }
    if record.columns:
        document["columns"] = column_counts(record.columns)
    if record.records is not None:
        document["records"] = record.records
    return document


def column_counts(tally: ColumnTally) -> list[dict[str, Any]]:
    """Per named column: its strategy and how many cells it replaced, masked instead
    (a secret, or a strategy that did not fit) and left (a dp cell that is no number)."""
    entries: dict[tuple[str, str], dict[str, Any]] = {}
    for (column, strategy, outcome), count in sorted(tally.items()):
        entry = entries.setdefault(
            (column, strategy),
            {"column": column, "strategy": strategy, REPLACED: 0, MASKED: 0, LEFT: 0},
        )
        entry[outcome] += count
    return list(entries.values())


def _count_order(key: CountKey) -> tuple[str, str, str]:
    return (key.rule_id, key.column or "", key.strategy)


def render_terminal(report: dict[str, Any], color: bool = False, width: int = 120) -> str:
    """A table of counts per file, rule, column (when there are columns) and strategy,
    then each file's digests."""
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False
    )
    rows = [(f, c) for f in report["files"] for c in f["counts"]]
    rows += [
        (f, {"rule_id": "(whole column)", **c, "count": c[REPLACED] + c[MASKED]})
        for f in report["files"]
        for c in f.get("columns", [])
    ]
    if rows:
        columns = any("column" in count for _, count in rows)  # tables and JSON have them
        table = Table(show_edge=False, pad_edge=False)
        for name in ("file", "rule", "column", "strategy", "count"):
            if name != "column" or columns:
                table.add_column(name, justify="right" if name == "count" else "left")
        for record, count in rows:
            cells = [record["input"], count["rule_id"], count.get("column", "")]
            table.add_row(*cells[: 3 if columns else 2], count["strategy"], str(count["count"]))
        console.print(table)
    for record in report["files"]:
        console.print(
            f"{record['input']} -> {record['output']}: {record['redactions']} redacted "
            f"in {record['lines']} lines\n  sha256 in  {record['input_sha256']}\n"
            f"  sha256 out {record['output_sha256']}",
            markup=False,
            soft_wrap=True,
        )
    summary = report["summary"]
    strategies = ", ".join(f"{n} {s}" for s, n in summary["by_strategy"].items()) or "nothing"
    line = (
        f"{summary['files']} files redacted in {report['redaction']['duration_seconds']:.2f} s; "
        f"{summary['redactions']} values: {strategies}"
    )
    if summary["skipped"]:
        line += f"; {summary['skipped']} inputs not redacted"
    console.print(line, markup=False, soft_wrap=True)
    left = sum(c[LEFT] for f in report["files"] for c in f.get("columns", []))
    if left:
        console.print(f"{left} cells of dp columns were not numbers: not noised, left to the rules")
    privacy = report["redaction"].get("privacy")
    if privacy is not None:
        budget = "no budget" if privacy["budget"] is None else f"budget {privacy['budget']:g}"
        spent = "; ".join(
            f"{c['column']} {c['mechanism']} epsilon {c['epsilon']:g} scale {c['scale']:.4g}"
            for c in privacy["columns"]
        )
        console.print(
            f"privacy: epsilon {privacy['spent']:g} spent ({budget})"
            + (f": {spent}" if spent else ""),
            markup=False,
            soft_wrap=True,
        )
    return buffer.getvalue()
