"""Issue 14.21: `kill -9` of policyctl leaves no worker running and, after the next run,
no temporary copy behind."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import POLICYCTL, RunPolicyctl

LINE = "2026-12-05T10:00:00Z user=alice@example.com action=login ip=10.1.2.3 ok\n"


Process = tuple[int, str]
"""A process as (pid, start time): a pid alone may be another process's by the time a
check runs, on a busy machine where pids wrap around."""


def _stat(pid: int | str) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state first), or None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None


def children_of(pid: int) -> list[Process]:
    """Live (not zombie) processes whose parent is `pid`."""
    found = []
    for entry in os.listdir("/proc"):
        fields = _stat(entry) if entry.isdigit() else None
        if fields is not None and int(fields[1]) == pid and fields[0] != "Z":
            found.append((int(entry), fields[19]))  # field 22 of stat: the start time
    return found


def alive(process: Process) -> bool:
    """The same process still runs (same pid, same start time, not a zombie)."""
    fields = _stat(process[0])
    return fields is not None and fields[19] == process[1] and fields[0] != "Z"


def wait_for(condition: Callable[[], object], seconds: float) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.02)
    return None


def kill_once_workers_run(command: list[str | Path], workers: int) -> list[Process]:
    """Start `command`, SIGKILL it as soon as `workers` children run; their pids."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        pids = wait_for(lambda: (c := children_of(process.pid)) and len(c) >= workers and c, 60)
        assert pids, "the workers never started"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    assert isinstance(pids, list)
    return pids


def reap(processes: list[Process]) -> None:
    """Kill what a failed test left running: workers that outlived their parent (never a
    process that took one of their pids since)."""
    for process in processes:
        if alive(process):
            os.kill(process[0], signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_scan_workers_die_with_their_parent(tmp_path: Path) -> None:
    target = tmp_path / "logs"
    target.mkdir()
    for number in range(12):
        (target / f"app-{number}.txt").write_text(LINE * 14_000)  # about 1 MB each
    # --jobs 3: two worker processes beside the parent, which scans too (map_shared)
    pids = kill_once_workers_run(
        [POLICYCTL, "scan", target, "--jobs", "3", "--no-progress", "--no-audit"], 2
    )
    try:
        assert wait_for(lambda: not any(alive(p) for p in pids), 10), "workers outlived it"
    finally:
        reap(pids)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_redact_workers_die_with_their_parent(tmp_path: Path) -> None:
    table = tmp_path / "users.csv"
    rows = "".join(f"{n},user{n}@example.com,+1 415 555 {n % 10000:04d}\n" for n in range(120_000))
    table.write_text("id,email,phone\n" + rows)
    # the table is scanned first, by one worker beside the parent (map_shared)
    pids = kill_once_workers_run(
        [POLICYCTL, "redact", table, "--output", tmp_path / "out.csv", "--jobs", "2", "--no-audit"],
        1,
    )
    try:
        assert wait_for(lambda: not any(alive(p) for p in pids), 10), "workers outlived it"
    finally:
        reap(pids)


def test_the_next_in_place_run_removes_a_killed_runs_temporary_copy(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    log = tmp_path / "app.log"
    log.write_text(LINE * 5_000)  # redacted for a second or more
    before = log.read_bytes()
    process = subprocess.Popen(
        [POLICYCTL, "redact", log, "--in-place", "--no-audit"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        copy = wait_for(lambda: [p for p in tmp_path.iterdir() if p.name.endswith("-tmp")], 60)
        assert copy, "no temporary copy was seen"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    if log.read_bytes() != before:
        pytest.skip("the run finished before it was killed")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".policyctl-tmp")]
    again = run_policyctl("redact", log, "--in-place", "--no-audit", "-q", timeout=300)
    assert again.code == 0, again.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.log"]


def test_the_next_evidence_run_removes_a_killed_runs_staging_folder_only(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    """A bundle is staged in `.NAME.XXXX.policyctl-tmp` and renamed whole; a run killed
    before the rename leaves the staging folder. The next run writing the same bundle
    removes it, but never one a running scan holds, nor what a link of that name points to."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src/app.py").write_text("print('hello')\n")
    abandoned = tmp_path / ".bundle.k1ll3d.policyctl-tmp"
    abandoned.mkdir()
    (abandoned / "report.json").write_text("{}\n")
    busy = tmp_path / ".bundle.running.policyctl-tmp"
    busy.mkdir()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("keep\n")
    (tmp_path / ".bundle.link.policyctl-tmp").symlink_to(precious)
    holder = subprocess.Popen(
        [
            "python3",
            "-c",
            "import fcntl, os, sys, time\n"
            "d = os.open(sys.argv[1], os.O_RDONLY)\n"
            "fcntl.flock(d, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "time.sleep(120)\n",
            str(busy),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        result = run_policyctl(
            "scan",
            tmp_path / "src",
            "--no-progress",
            "--no-audit",
            "--evidence",
            tmp_path / "bundle",
        )
        assert result.code == 0, result.all_output
    finally:
        holder.kill()
        holder.wait(10)
    assert not abandoned.exists()
    assert busy.is_dir()
    assert (precious / "keep.txt").read_text() == "keep\n"
    assert (tmp_path / "bundle/SHA256SUMS").is_file()
