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
from typing import TypeVar

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
    workers: int, initializer: Callable[..., None], initargs: tuple[object, ...]
) -> futures.ProcessPoolExecutor:
    """A pool of `workers` processes made ready by `initializer(*initargs)`. What this
    process holds now (rules, databases, modules) is first put out of the collector's
    reach (the caller undoes it with gc.unfreeze once the pool is shut down): a worker's
    collections would otherwise write to every object's header and copy each page it
    shares with this process."""
    gc.freeze()
    return futures.ProcessPoolExecutor(
        workers, initializer=_start_worker, initargs=(initializer, initargs)
    )


def _start_worker(initializer: Callable[..., None], initargs: tuple[object, ...]) -> None:
    die_with_parent()
    initializer(*initargs)


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
    (issue 18). With `jobs` 1, everything is done here."""
    workers = jobs - 1
    limit = workers * per_job
    pool: futures.ProcessPoolExecutor | None = None
    pending: dict[futures.Future[Result], Task] = {}
    try:
        for task in tasks:
            if pending:
                done = [future for future in pending if future.done()]
                for future in done:
                    del pending[future]
                    yield future.result()
            if len(pending) >= limit:
                yield here(task)
                continue
            if pool is None:
                pool = _pool(workers, initializer, initargs)
            pending[pool.submit(work, task)] = task
        # The tail: a task no worker has started yet is done here rather than waited for.
        for future, task in list(pending.items()):
            if future.cancel():
                del pending[future]
                yield here(task)
        for future in futures.as_completed(pending):
            yield future.result()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
            gc.unfreeze()
