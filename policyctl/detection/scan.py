"""Run the detection pipeline over the items of some sources, in parallel when worth it.

Items (file descriptions, not contents) are grouped into batches and sent to worker
processes, at most a few batches per worker in flight, so memory stays bounded however
large the tree: only findings come back. Small inputs are scanned in this process,
because starting workers costs more than it saves.
"""

from __future__ import annotations

import concurrent.futures as futures
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain

from policyctl.core.model import ColumnProfile, Finding, Notice, ScanStats
from policyctl.detection.detect import DetectOptions, detect
from policyctl.detection.profiles import ColumnTally, merge_column_findings, merge_profiles
from policyctl.detection.rules import Ruleset
from policyctl.sources.interface import Item

INLINE_BYTES = 4 * 1024 * 1024
"""Inputs smaller than this in all are scanned without worker processes."""

BATCH_BYTES = 4 * 1024 * 1024
BATCH_ITEMS = 256
IN_FLIGHT_PER_JOB = 3

Progress = Callable[[int, int], None]
"""Called with the files and bytes just finished."""


@dataclass
class BatchResult:
    findings: list[Finding] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    stats: ScanStats = field(default_factory=ScanStats)
    columns: list[ColumnProfile] = field(default_factory=list)

    def merge(self, other: BatchResult) -> None:
        self.findings.extend(other.findings)
        self.notices.extend(other.notices)
        self.stats.add(other.stats)
        self.columns.extend(other.columns)


def worker_count(requested: int) -> int:
    """The worker processes to use: as many as `--jobs`/`jobs:` asked, or, when that is
    0, one per CPU this process may run on."""
    if requested:
        return requested
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_scan(
    items: Iterable[Item | Notice],
    ruleset: Ruleset,
    options: DetectOptions,
    jobs: int,
    progress: Progress | None = None,
) -> BatchResult:
    """Scan every item; findings sorted by place, notices sorted by path."""
    total = BatchResult()
    stream = iter(items)
    head: list[Item | Notice] = []
    head_bytes = 0
    for entry in stream:
        head.append(entry)
        head_bytes += 0 if isinstance(entry, Notice) else entry.size
        if head_bytes > INLINE_BYTES:
            break
    everything = chain(head, stream)
    if jobs <= 1 or head_bytes <= INLINE_BYTES:
        for batch in _batches(everything):
            _report(total, scan_batch(batch, ruleset, options), progress)
    else:
        _scan_in_workers(everything, ruleset, options, jobs, total, progress)
    total.findings = merge_column_findings(total.findings)
    total.findings.sort(key=finding_order)
    total.notices.sort(key=lambda n: (n.path, n.message))
    total.columns = merge_profiles(total.columns)
    return total


def finding_order(finding: Finding) -> tuple[object, ...]:
    """Deterministic order of findings: by place, then by rule."""
    where = finding.location
    return (
        where.path,
        where.commit or "",
        where.row or 0,
        where.line or 0,
        where.column or 0,
        where.field or "",
        finding.rule_id,
        finding.fingerprint,
    )


def scan_batch(batch: list[Item | Notice], ruleset: Ruleset, options: DetectOptions) -> BatchResult:
    """Load and scan each item of a batch; a failing item becomes a notice, never a crash."""
    result = BatchResult()
    for entry in batch:
        if isinstance(entry, Notice):
            result.notices.append(entry)
        else:
            scan_item(entry, ruleset, options, result)
    return result


def scan_item(item: Item, ruleset: Ruleset, options: DetectOptions, result: BatchResult) -> None:
    """Scan one item's chunks into `result`: cell chunks through the file's column
    tally (datasets), every other chunk through `detect`."""
    scanned = False
    tally: ColumnTally | None = None
    try:
        for piece in item.load():
            if isinstance(piece, Notice):
                result.notices.append(piece)
                continue
            scanned = True
            result.stats.bytes += len(piece.data)
            if ColumnTally.applies_to(piece):
                tally = tally or ColumnTally(piece.origin.path, ruleset, options)
                result.findings.extend(tally.scan(piece))
            else:
                result.findings.extend(detect(piece, ruleset, options))
        if tally is not None:
            findings, columns = tally.finish()
            result.findings.extend(findings)
            result.columns.extend(columns)
    except Exception as exc:  # one bad input must not end the scan
        # The exception text may quote the input, so only its kind is reported.
        result.notices.append(Notice(item.display, f"could not be scanned: {type(exc).__name__}"))
    result.stats.files += scanned and item.counts_as_file


def _batches(entries: Iterator[Item | Notice]) -> Iterator[list[Item | Notice]]:
    batch: list[Item | Notice] = []
    size = 0
    for entry in entries:
        batch.append(entry)
        size += 0 if isinstance(entry, Notice) else entry.size
        if size >= BATCH_BYTES or len(batch) >= BATCH_ITEMS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _report(total: BatchResult, result: BatchResult, progress: Progress | None) -> None:
    total.merge(result)
    if progress is not None:
        progress(result.stats.files, result.stats.bytes)


_worker_state: tuple[Ruleset, DetectOptions] | None = None


def _init_worker(ruleset: Ruleset, options: DetectOptions) -> None:
    global _worker_state
    _worker_state = (ruleset, options)


def _scan_in_worker(batch: list[Item | Notice]) -> BatchResult:
    assert _worker_state is not None, "worker used before its initializer ran"
    return scan_batch(batch, *_worker_state)


def _scan_in_workers(
    entries: Iterator[Item | Notice],
    ruleset: Ruleset,
    options: DetectOptions,
    jobs: int,
    total: BatchResult,
    progress: Progress | None,
) -> None:
    with futures.ProcessPoolExecutor(
        max_workers=jobs, initializer=_init_worker, initargs=(ruleset, options)
    ) as pool:
        pending: set[futures.Future[BatchResult]] = set()
        for batch in _batches(entries):
            if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                done, pending = futures.wait(pending, return_when=futures.FIRST_COMPLETED)
                for future in done:
                    _report(total, future.result(), progress)
            pending.add(pool.submit(_scan_in_worker, batch))
        for future in futures.as_completed(pending):
            _report(total, future.result(), progress)
