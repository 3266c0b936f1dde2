"""The bounded worker pool scan and redact share (core.workers.map_bounded)."""

from __future__ import annotations

import os

from policyctl.core.workers import map_bounded

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
