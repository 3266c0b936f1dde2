"""Worker processes that never outlive the process that started them.

A pool worker whose parent is killed (`kill -9`, an OOM kill, a CI job cancelled) would
run on, reading files for a report nobody will write. `die_with_parent()`, called first
in a pool's initializer, ties the worker to its parent: on Linux the kernel sends it
SIGKILL when the parent dies (prctl PR_SET_PDEATHSIG); elsewhere a daemon thread
notices that the parent is gone (the worker is re-parented) within a second and exits.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    import multiprocessing

    started_by = multiprocessing.parent_process()
    parent = started_by.pid if started_by is not None and started_by.pid else os.getppid()
    if sys.platform.startswith("linux") and _set_parent_death_signal():
        # The parent may have died before the signal was set: then nobody will send it.
        if os.getppid() != parent:
            os._exit(1)
        return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _set_parent_death_signal() -> bool:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)
