"""Temporaries written beside a destination and renamed into place when whole.

A temporary (`.NAME.XXXX.policyctl-tmp`, a file or a folder) is locked by the run that
writes it; one that nothing holds locked was left by a run that was killed, and the next
run writing the same destination removes it. Only regular files and real folders are
removed, never what a symbolic link points to.
"""

from __future__ import annotations

import os
import shutil
import stat

TEMPORARY_SUFFIX = ".policyctl-tmp"


def lock(descriptor: int, wait: bool) -> bool:
    """An exclusive lock on the open file or folder (released when it is closed): False
    when another process holds it and `wait` is off."""
    import fcntl

    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def remove_abandoned(folder: str, prefix: str) -> None:
    """Remove the temporaries `prefix*.policyctl-tmp` in `folder` that no running process
    holds (a killed run's): a lock nobody holds is a temporary nobody writes."""
    try:
        names = [
            n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(TEMPORARY_SUFFIX)
        ]
    except OSError:
        return
    for name in names:
        path = os.path.join(folder, name)
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            mode = os.fstat(descriptor).st_mode
            if stat.S_ISREG(mode) and lock(descriptor, wait=False):
                os.unlink(path)
            elif stat.S_ISDIR(mode) and lock(descriptor, wait=False):
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            pass
        finally:
            os.close(descriptor)
