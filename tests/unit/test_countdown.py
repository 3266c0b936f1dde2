"""The per-piece time budget (--time-budget): a piece over it is interrupted, pieces
under it never are, however many follow one another on the one timer set for them."""

from __future__ import annotations

import signal
import time

import pytest

from policyctl.detection.scan import TimeBudgetExceeded, time_budget
from policyctl.engine.interface import not_timed


def test_pieces_each_under_the_budget_are_never_interrupted_though_together_over_it() -> None:
    with time_budget(0.3) as countdown:
        for _ in range(6):  # 0.6 s in all, twice the budget
            countdown.restart()
            time.sleep(0.1)
        countdown.stop()


def test_a_piece_over_the_budget_is_interrupted_after_quick_ones() -> None:
    with time_budget(0.3) as countdown:
        countdown.restart()
        time.sleep(0.2)
        countdown.restart()  # the quick piece's timer is still set: it moves on
        started = time.monotonic()
        with pytest.raises(TimeBudgetExceeded):
            time.sleep(5)
        assert 0.25 < time.monotonic() - started < 2


def test_a_stopped_countdown_does_not_interrupt_and_starts_again_on_restart() -> None:
    with time_budget(0.2) as countdown:
        countdown.restart()
        countdown.stop()
        time.sleep(0.4)  # between items: the timer goes off and is left off
        countdown.restart()
        with pytest.raises(TimeBudgetExceeded):
            time.sleep(5)


def test_work_not_timed_is_left_out_of_the_budget() -> None:
    with time_budget(0.3) as countdown:
        countdown.restart()
        with not_timed():  # compiling a database: longer than the whole budget
            time.sleep(0.5)
        time.sleep(0.1)
        countdown.stop()
        countdown.restart()
        with not_timed():
            time.sleep(0.1)
        with pytest.raises(TimeBudgetExceeded):
            time.sleep(5)


def test_no_timer_is_left_set_after_the_block() -> None:
    with time_budget(0.2) as countdown:
        countdown.restart()
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    time.sleep(0.3)  # nothing goes off
