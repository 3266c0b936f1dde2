"""Worker processes for scan and redact: how many, and the bounded pools they use
(redact's map_bounded; scan's map_shared, where this process works too).

Work is handed to the pool as it is produced (files to scan, batches of records to
redact), never all at once: at most `jobs * per_job` tasks are in flight, so memory
stays bounded however large the input. The pool starts with the first task, so an
input too small to fill one never waits for processes to start. A worker dies with
the process that started it (policyctl.core.lifetime), so `kill -9` of a scan leaves
none running.
"""

from __future__ import annotations

import concurrent.futures as futures
import gc
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter
from typing import TypeVar, cast

from policyctl.core.lifetime import die_with_parent

Task = TypeVar("Task")
Result = TypeVar("Result")


def worker_count(requested: int) -> int:
    """The worker processes to use: as many as `--jobs`/`jobs:` asked, or, when that is
    0, one per CPU this process may run on."""
    if requested:
        return requested
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def map_bounded(
    work: Callable[[Task], Result],
    tasks: Iterable[Task],
    jobs: int,
    *,
    initializer: Callable[..., None],
    initargs: tuple[object, ...],
    per_job: int,
    ordered: bool,
) -> Iterator[Result]:
    """`work(task)` for every task, in `jobs` worker processes made ready by
    `initializer(*initargs)`, with at most `jobs * per_job` tasks in flight. Results
    come in the tasks' order when `ordered` (a copy written in order), else as they
    finish (results that are merged and sorted anyway). `work` and the tasks must be
    picklable; the pool is shut down when the results are all taken or abandoned."""
    limit = jobs * per_job
    pool: futures.ProcessPoolExecutor | None = None
    waiting: deque[futures.Future[Result]] = deque()
    pending: set[futures.Future[Result]] = set()
    try:
        for task in tasks:
            if pool is None:
                pool = _pool(jobs, initializer, initargs)
            if ordered:
                waiting.append(pool.submit(work, task))
                while len(waiting) > limit:
                    yield waiting.popleft().result()
                continue
            if len(pending) >= limit:
                done, pending = futures.wait(pending, return_when=futures.FIRST_COMPLETED)
                for future in done:
                    yield future.result()
            pending.add(pool.submit(work, task))
        while waiting:
            yield waiting.popleft().result()
        for future in futures.as_completed(pending):
            yield future.result()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
            gc.unfreeze()


def _pool(
    workers: int,
    initializer: Callable[..., None],
    initargs: tuple[object, ...],
    claims: Claims | None = None,
) -> futures.ProcessPoolExecutor:
    """A pool of `workers` processes made ready by `initializer(*initargs)` (and given
    `claims`, for map_shared). What this process holds now (rules, databases, modules)
    is first put out of the collector's reach (the caller undoes it with gc.unfreeze once
    the pool is shut down): a worker's collections would otherwise write to every
    object's header and copy each page it shares with this process."""
    gc.freeze()
    return futures.ProcessPoolExecutor(
        workers, initializer=_start_worker, initargs=(initializer, initargs, claims)
    )


def _start_worker(
    initializer: Callable[..., None], initargs: tuple[object, ...], claims: Claims | None
) -> None:
    global _claims
    die_with_parent()
    _claims = claims
    initializer(*initargs)


class Claims:
    """Which of the tasks handed to the pool (numbered in the order they were) a worker
    may still start. The pool queues a task for its workers at once, where it cannot be
    cancelled, so at the end of the input this process, with nothing left to do, would
    wait for every task queued (issue 18: some 0.1 s of one core idle at the end of each
    scan). With these it takes the last ones back: a worker starting a task first marks
    it started, and refuses it when it has been taken back (both under one lock)."""

    def __init__(self) -> None:
        import multiprocessing  # (as the pool does: not for the start-up of a small scan)

        self.lock = multiprocessing.Lock()
        self.started = multiprocessing.RawValue("q", -1)
        """The last task a worker has started. Tasks leave the pool's queue in order, so
        an earlier one is started, or about to be by the worker that took it."""
        self.taken_from = multiprocessing.RawValue("q", 2**62)
        """The first task taken back: no worker starts this one or a later one."""

    def start(self, number: int) -> bool:
        """In a worker: whether task `number` is still its own to do (marked started)."""
        with self.lock:
            if number >= self.taken_from.value:
                return False
            # (two workers may mark theirs out of order: the last one stays)
            self.started.value = max(self.started.value, number)
            return True

    def take_back(self, numbers: list[int], workers: int) -> int:
        """Take back this process's share of the tasks `numbers` (in order) that no
        worker has started, the last ones: returns the first number taken back."""
        with self.lock:
            waiting = [n for n in numbers if n > self.started.value]
            share = (len(waiting) + workers) // (workers + 1)  # (rounded up)
            first = waiting[-share] if share else 2**62
            self.taken_from.value = first
            return first


_claims: Claims | None = None
"""In a worker process of map_shared: the pool's Claims."""


class _TakenBack:
    """What a worker returns for a task taken back by the process that handed it out
    (a copy of it arrives: known by its class)."""


def _unless_taken_back(
    work: Callable[[Task], Result], number: int, task: Task
) -> Result | _TakenBack:
    assert _claims is not None, "map_shared's worker used before its start"
    return work(task) if _claims.start(number) else _TakenBack()


def map_shared(
    work: Callable[[Task], Result],
    here: Callable[[Task], Result],
    tasks: Iterable[Task],
    jobs: int,
    *,
    initializer: Callable[..., None],
    initargs: tuple[object, ...],
    per_job: int,
) -> Iterator[Result]:
    """`work(task)` for every task, as they finish, in `jobs - 1` worker processes and
    this one: a task goes to a worker while fewer than `(jobs - 1) * per_job` are in
    flight, else this process does it itself (`here(task)`, the same work without the
    trip). On two cores that is one worker instead of two, whose tasks and results
    this process would otherwise pickle while it waits: less CPU for the same work
    (issue 18). With `jobs` 1, everything is done here. At the end of the tasks, this
    process takes back its share of those no worker has started (Claims)."""
    workers = jobs - 1
    limit = workers * per_job
    pool: futures.ProcessPoolExecutor | None = None
    claims: Claims | None = None
    pending: dict[futures.Future[Result | _TakenBack], tuple[int, Task]] = {}
    try:
        for number, task in enumerate(tasks):
            if pending:
                done = [future for future in pending if future.done()]
                for future in done:
                    del pending[future]
                    yield cast(Result, future.result())
            if len(pending) >= limit:
                yield here(task)
                continue
            if pool is None:
                claims = Claims()
                pool = _pool(workers, initializer, initargs, claims)
            pending[pool.submit(_unless_taken_back, work, number, task)] = (number, task)
        if claims is not None and pending:
            queued = sorted(pending.values(), key=itemgetter(0))
            first = claims.take_back([number for number, _ in queued], workers)
            for number, task in queued:
                if number >= first:
                    yield here(task)
        for future in futures.as_completed(pending):
            result = future.result()
            if not isinstance(result, _TakenBack):
                yield result
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
            gc.unfreeze()
