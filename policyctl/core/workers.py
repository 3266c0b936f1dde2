"""Worker processes for scan and redact: how many, and one bounded pool that both use.

Work is handed to the pool as it is produced (files to scan, batches of records to
redact), never all at once: at most `jobs * per_job` tasks are in flight, so memory
stays bounded however large the input. The pool starts with the first task, so an
input too small to fill one never waits for processes to start. A worker dies with
the process that started it (policyctl.core.lifetime), so `kill -9` of a scan leaves
none running.
"""

from __future__ import annotations

import concurrent.futures as futures
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
                pool = futures.ProcessPoolExecutor(
                    jobs, initializer=_start_worker, initargs=(initializer, initargs)
                )
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


def _start_worker(initializer: Callable[..., None], initargs: tuple[object, ...]) -> None:
    die_with_parent()
    initializer(*initargs)
