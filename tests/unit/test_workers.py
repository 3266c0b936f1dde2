"""The bounded worker pools: redact's (core.workers.map_bounded) and scan's, where this
process works too (map_shared)."""

from __future__ import annotations

import os
import time

from policyctl.core.workers import Claims, map_bounded, map_shared

_offset = 0


def _init(offset: int) -> None:
    global _offset
    _offset = offset


def _work(task: int) -> tuple[int, int, int]:
    return task, task + _offset, os.getpid()


def test_ordered_results_come_in_the_order_of_the_tasks_from_initialised_workers() -> None:
    results = list(
        map_bounded(
            _work, range(40), 2, initializer=_init, initargs=(100,), per_job=2, ordered=True
        )
    )
    assert [(task, value) for task, value, _ in results] == [(n, n + 100) for n in range(40)]
    assert os.getpid() not in {pid for _, _, pid in results}


def test_unordered_results_are_each_task_once() -> None:
    results = map_bounded(
        _work, range(40), 2, initializer=_init, initargs=(1,), per_job=1, ordered=False
    )
    assert sorted((task, value) for task, value, _ in results) == [(n, n + 1) for n in range(40)]


def test_no_tasks_give_no_results() -> None:
    assert (
        list(map_bounded(_work, [], 2, initializer=_init, initargs=(0,), per_job=1, ordered=True))
        == []
    )


def _slow_work(task: int) -> tuple[int, int, int]:
    time.sleep(0.02)
    return _work(task)


def test_shared_work_is_each_task_once_done_by_the_worker_and_by_this_process() -> None:
    """map_shared: one worker for two jobs, this process doing what would wait."""
    results = list(
        map_shared(
            _slow_work,
            lambda task: (task, task + 7, os.getpid()),
            range(60),
            2,
            initializer=_init,
            initargs=(7,),
            per_job=2,
        )
    )
    assert sorted((task, value) for task, value, _ in results) == [(n, n + 7) for n in range(60)]
    pids = {pid for _, _, pid in results}
    assert os.getpid() in pids, "this process did some of the work"
    assert len(pids) == 2, "and one worker process the rest"


def test_shared_work_with_one_job_is_all_done_here() -> None:
    results = list(
        map_shared(
            _work,
            lambda task: (task, task, os.getpid()),
            range(5),
            1,
            initializer=_init,
            initargs=(0,),
            per_job=3,
        )
    )
    assert [(task, pid) for task, _, pid in results] == [(n, os.getpid()) for n in range(5)]


def test_at_the_end_this_process_takes_back_its_share_of_what_no_worker_started() -> None:
    """map_shared's Claims: of the tasks a worker has not started, this process takes
    the last ones back, its share (rounded up); a worker then refuses those."""
    claims = Claims()
    assert claims.start(0), "a worker starts task 0"
    assert claims.take_back([0, 1, 2], workers=1) == 2, "1 and 2 wait: one each"
    assert claims.start(1)
    assert not claims.start(2), "taken back: the worker leaves it"
    fresh = Claims()
    assert fresh.take_back([0, 1, 2, 3, 4], workers=2) == 3, "5 waiting, 3 processes: 2 here"
    assert [fresh.start(n) for n in range(5)] == [True, True, True, False, False]
    assert Claims().take_back([], workers=1) > 2**32, "nothing waits: nothing taken"
    crossed = Claims()
    assert crossed.start(3) and crossed.start(2), "two workers mark 3 and 2 out of order"
    assert crossed.take_back([2, 3, 4, 5], workers=1) == 5, "only 4 and 5 wait: 5 here"


def test_shared_work_taking_back_the_last_tasks_does_each_task_once() -> None:
    """The worker slower than this process: the tasks queued for it at the end are
    taken back, and every task is done once all the same."""

    def here(task: int) -> tuple[int, int, int]:
        time.sleep(0.05)
        return task, task, os.getpid()

    results = list(
        map_shared(_slower_work, here, range(12), 2, initializer=_init, initargs=(0,), per_job=3)
    )
    assert sorted(task for task, _, _ in results) == list(range(12))
    assert {pid for _, _, pid in results} - {os.getpid()}, "the worker did some"


def _slower_work(task: int) -> tuple[int, int, int]:
    time.sleep(0.3)
    return _work(task)
