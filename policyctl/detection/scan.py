"""Run the detection pipeline over the items of some sources, in parallel when worth it.

Items (file descriptions, not contents) are grouped into batches and sent to worker
processes, at most a few batches per worker in flight, so memory stays bounded however
large the tree: only findings come back. Small inputs are scanned in this process,
because starting workers costs more than it saves.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import chain
from time import monotonic

from policyctl.core.errors import InputError
from policyctl.core.model import ColumnProfile, Finding, Notice, ScanStats
from policyctl.core.workers import map_shared
from policyctl.detection.cluster import ClusterInfo, Connection
from policyctl.detection.detect import DetectOptions, detect
from policyctl.detection.profiles import ColumnTally, merge_column_findings, merge_profiles
from policyctl.detection.repeats import fold_repeats
from policyctl.detection.rules import Ruleset
from policyctl.engine.adaptive import RE_BUDGET
from policyctl.engine.interface import pausing
from policyctl.sources.filesystem import FileItem
from policyctl.sources.interface import Item
from policyctl.sources.targets import TargetItem, TargetOutcome, open_target

INLINE_BYTES = 4 * 1024 * 1024
"""Inputs smaller than this in all are scanned without worker processes."""

BATCH_BYTES = 4 * 1024 * 1024
BATCH_ITEMS = 256
CLUSTER_BATCH_BYTES = 32 * 1024 * 1024
"""On a cluster a task costs the client about 10 ms of CPU whatever its size (submit,
schedule, receive, merge; bench/cluster.py), against 0.09 worker-seconds for 3.7 MB of
code, so batches grow from BATCH_BYTES to this: the first ones spread a small scan over
every worker, the later ones keep some 70 workers from waiting on one client."""
CLUSTER_GROWTH = 8
"""On a cluster, batches double in size after every this many."""
IN_FLIGHT_PER_JOB = 3

Progress = Callable[[int, int], None]
"""Called with the files and bytes just finished."""


@dataclass
class BatchResult:
    findings: list[Finding] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    stats: ScanStats = field(default_factory=ScanStats)
    columns: list[ColumnProfile] = field(default_factory=list)
    cluster: ClusterInfo | None = None
    """Set when the scan ran on a Dask cluster (--cluster)."""
    targets: list[TargetOutcome] = field(default_factory=list)
    """With --targets: what became of each target scanned."""

    def merge(self, other: BatchResult) -> None:
        self.findings.extend(other.findings)
        self.notices.extend(other.notices)
        self.stats.add(other.stats)
        self.columns.extend(other.columns)
        self.targets.extend(other.targets)


def run_scan(
    items: Iterable[Item | Notice],
    ruleset: Ruleset,
    options: DetectOptions,
    jobs: int,
    progress: Progress | None = None,
    cluster: str | Connection | None = None,
) -> BatchResult:
    """Scan every item; findings sorted by place, notices sorted by path. With `cluster`
    (an address, see detection.cluster) the batches run on a Dask cluster."""
    total = BatchResult()
    if cluster is not None:
        from policyctl.detection.cluster import scan_on_cluster

        total.cluster = scan_on_cluster(
            _batches(iter(items), grow_every=CLUSTER_GROWTH),
            ruleset,
            options,
            cluster,
            lambda result: _report(total, result, progress),
        )
        return _finished(total)
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
        prepare_matchers(head, ruleset)
        _scan_in_workers(everything, ruleset, options, jobs, total, progress)
    return _finished(total)


def prepare_matchers(head: list[Item | Notice], ruleset: Ruleset) -> None:
    """The code's matcher made ready here, before the workers are forked, when the first
    items hold more code than is matched without compiling: each worker shares this
    process's instead of loading it from the cache, and on an empty cache it is compiled
    once, not by every worker at the same time (issue 18)."""
    code = sum(entry.size for entry in head if isinstance(entry, FileItem))
    if code > RE_BUDGET:
        ruleset.matcher_for("repo").prepare()


def _finished(total: BatchResult) -> BatchResult:
    """Merge what the batches found, in a deterministic order."""
    total.findings = merge_column_findings(total.findings)
    total.findings.sort(key=finding_order)
    total.notices.sort(key=lambda n: (n.path, n.message))
    total.columns = merge_profiles(total.columns)
    total.targets.sort(key=lambda t: t.index)
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


class TimeBudgetExceeded(Exception):
    """Raised (by a timer signal) when one piece of input takes too long to scan."""


class Countdown:
    """Interrupts the work in progress with TimeBudgetExceeded once `seconds` have passed
    since the last `restart`, until `stop`. Does nothing when `seconds` is 0 or timer
    signals are unavailable (Windows, a thread other than the main one).

    A restart notes a deadline and sets no timer when one is pending: a timer set and
    cleared with a system call for every piece was 62,000 calls on 20,700 files (issue
    18). The timer, set once, checks the deadline when it goes off (`expire`): passed, it
    interrupts; moved by a restart since, it is set again for the time left; stopped, it
    is left off until the next restart sets it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.usable = (
            seconds > 0
            and hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()
        )
        self.deadline: float | None = None
        """When the piece in progress is over its time (time.monotonic); None: stopped."""
        self.pending = False
        """A timer is set (its signal will call `expire`)."""

    def restart(self) -> None:
        if self.usable:
            self.deadline = monotonic() + self.seconds
            if not self.pending:
                self.pending = True
                signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def stop(self) -> None:
        self.deadline = None

    def expire(self) -> None:
        """The timer went off: raise TimeBudgetExceeded when the deadline has passed."""
        self.pending = False
        if self.deadline is None:
            return
        left = self.deadline - monotonic()
        if left <= 0:
            self.deadline = None
            raise TimeBudgetExceeded
        self.pending = True
        signal.setitimer(signal.ITIMER_REAL, max(left, _SHORTEST_TIMER))

    def pause(self) -> Callable[[], None]:
        """Stop the clock of the piece in progress; what starts it again (not_timed)."""
        if self.deadline is None:
            return _nothing
        left = self.deadline - monotonic()
        self.deadline = None

        def resume() -> None:
            self.deadline = monotonic() + left
            if not self.pending:
                self.pending = True
                signal.setitimer(signal.ITIMER_REAL, max(left, _SHORTEST_TIMER))

        return resume

    def close(self) -> None:
        """Stopped, and no timer left set."""
        self.deadline = None
        if self.pending:
            signal.setitimer(signal.ITIMER_REAL, 0)
            self.pending = False


_SHORTEST_TIMER = 0.001
"""Seconds: a timer set for 0 would be cleared instead (a clock read a hair early)."""


def _nothing() -> None:
    return None


@contextmanager
def time_budget(seconds: float) -> Iterator[Countdown]:
    """A Countdown of `seconds`, its signal handler installed for the time of the block.

    Python's `re` checks for signals while it backtracks, so a pattern that would run for
    hours on a hostile line is stopped.
    """
    countdown = Countdown(seconds)
    if not countdown.usable:
        yield countdown
        return

    def expire(_signum: int, _frame: object) -> None:
        countdown.expire()

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        with pausing(countdown.pause):  # compiling Hyperscan is not the input's time
            yield countdown
    finally:
        countdown.close()
        signal.signal(signal.SIGALRM, previous)


def scan_batch(batch: list[Item | Notice], ruleset: Ruleset, options: DetectOptions) -> BatchResult:
    """Load and scan each item of a batch; a failing item becomes a notice, never a crash.

    Each piece of an item (a file, or a block of a log or table) has options.time_budget
    seconds; one that takes longer ends the item's scan with an error notice, and the
    scan is incomplete.
    """
    result = BatchResult()
    with time_budget(options.time_budget) as countdown:
        for entry in batch:
            if isinstance(entry, Notice):
                result.notices.append(entry)
            elif isinstance(entry, TargetItem):
                scan_target(entry, ruleset, options, result, countdown)
            else:
                scan_item(entry, ruleset, options, result, countdown)
    return result


def scan_target(
    target: TargetItem,
    ruleset: Ruleset,
    options: DetectOptions,
    result: BatchResult,
    countdown: Countdown,
) -> None:
    """Open one target of --targets (cloning a URL here) and scan each of its items;
    its findings are located by target, repeats across its commits folded here (the
    commit order is known only where its history was read), and its outcome recorded.
    A target that cannot be opened is an error notice naming it."""
    part = BatchResult()
    error = None
    order: dict[str, int] = {}
    try:
        with open_target(target) as opened:
            for entry in opened.items():
                if isinstance(entry, Notice):
                    part.notices.append(entry)
                else:
                    scan_item(entry, ruleset, options, part, countdown)
            order = dict(opened.commit_order())
    except InputError as exc:
        error = str(exc)
    except Exception as exc:  # one bad target must not end the scan
        # The exception text may quote a URL with its credentials: only its kind is said.
        error = f"could not be scanned: {type(exc).__name__}"
    if error is not None:
        part.notices.append(Notice(target.display, error, "error"))
    part.findings = [
        replace(f, location=replace(f.location, target=target.display))
        for f in fold_repeats(part.findings, order)
    ]
    unscanned = any(n.level == "error" for n in part.notices)
    status = "scanned" if not unscanned else "incomplete"
    if error is not None:
        status = "refused" if target.kind == "refused" else "failed"
    outcome = TargetOutcome(
        target.index, target.display, status, part.stats.files, part.stats.bytes, error
    )
    part.targets.append(outcome)
    result.merge(part)


def scan_item(
    item: Item,
    ruleset: Ruleset,
    options: DetectOptions,
    result: BatchResult,
    countdown: Countdown | None = None,
) -> None:
    """Scan one item's chunks into `result`: cell chunks through the file's column
    tally (datasets), every other chunk through `detect`. Each chunk has the
    `countdown`'s time; one over it ends the item with an error notice."""
    countdown = countdown or Countdown(0)
    scanned = False
    tally: ColumnTally | None = None
    try:
        countdown.restart()
        for piece in item.load():
            if isinstance(piece, Notice):
                result.notices.append(piece)
                continue
            countdown.restart()
            scanned = True
            result.stats.bytes += len(piece.data)
            if ColumnTally.applies_to(piece):
                tally = tally or ColumnTally(piece.origin.path, ruleset, options)
                result.findings.extend(tally.scan(piece))
            else:
                result.findings.extend(detect(piece, ruleset, options))
                if options.ner_model is not None:  # imported only when asked for
                    from policyctl.detection import ner

                    result.findings.extend(ner.entity_findings(piece, options))
        if tally is not None:
            findings, columns = tally.finish()
            result.findings.extend(findings)
            result.columns.extend(columns)
    except TimeBudgetExceeded:
        countdown.stop()
        result.notices.append(
            Notice(
                item.display,
                f"not scanned in full: over the time budget of {countdown.seconds:g} s "
                "(--time-budget)",
                "error",
            )
        )
    except Exception as exc:  # one bad input must not end the scan
        countdown.stop()
        # The exception text may quote the input, so only its kind is reported.
        result.notices.append(
            Notice(item.display, f"could not be scanned: {type(exc).__name__}", "error")
        )
    finally:
        countdown.stop()
    result.stats.files += scanned and item.counts_as_file


def _batches(
    entries: Iterator[Item | Notice], grow_every: int = 0
) -> Iterator[list[Item | Notice]]:
    """Items in batches of BATCH_BYTES or BATCH_ITEMS; with `grow_every`, batches double
    after every that many, up to CLUSTER_BATCH_BYTES."""
    batch: list[Item | Notice] = []
    size = made = 0
    limit_bytes, limit_items = BATCH_BYTES, BATCH_ITEMS
    for entry in entries:
        batch.append(entry)
        size += 0 if isinstance(entry, Notice) else entry.size
        if size >= limit_bytes or len(batch) >= limit_items:
            yield batch
            batch, size, made = [], 0, made + 1
            if grow_every and made % grow_every == 0 and limit_bytes < CLUSTER_BATCH_BYTES:
                limit_bytes, limit_items = limit_bytes * 2, limit_items * 2
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
    """The batches in `jobs - 1` worker processes and this one (core.workers.map_shared)."""
    for result in map_shared(
        _scan_in_worker,
        lambda batch: scan_batch(batch, ruleset, options),
        _batches(entries),
        jobs,
        initializer=_init_worker,
        initargs=(ruleset, options),
        per_job=IN_FLIGHT_PER_JOB,
    ):
        _report(total, result, progress)
