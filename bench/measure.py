"""Shared by the benchmarks: run a command, time it, and sample the peak memory of its
whole process tree (parent and workers) from /proc; medians; tools in cache venvs."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import threading
import time
import venv
from dataclasses import dataclass
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"


@dataclass(frozen=True)
class RunResult:
    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0
    """User plus system CPU time of the process and the workers it waited for."""


def run_measured(
    command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> RunResult:
    """Run `command`, returning wall seconds and the peak summed RSS of its process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return RunResult(seconds, peak[0] / 1024, process.returncode, stdout, stderr, cpu)


def _tree_rss_kb(pid: int) -> int:
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
            )
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(child) for child in children)
        except (OSError, StopIteration, ValueError):
            continue
    return total


def median(values: list[float]) -> float:
    return statistics.median(values)


def tool_venv(name: str, requirement: str) -> Path:
    """A venv under bench/.cache/tools holding `requirement`; returns its bin folder."""
    home = CACHE / "tools" / name
    marker = home / ".installed"
    if not marker.exists() or marker.read_text() != requirement:
        venv.create(home, with_pip=True, clear=True)
        subprocess.run(
            [str(home / "bin" / "python"), "-m", "pip", "install", "-q", requirement], check=True
        )
        marker.write_text(requirement)
    return home / "bin"


def policyctl_command() -> str:
    """The policyctl installed beside the Python running the benchmark."""
    return str(Path(sys.executable).with_name("policyctl"))


def warm_page_cache(root: Path) -> int:
    """Read every file once so timings measure scanning, not the disk; returns bytes."""
    total = 0
    for folder, _, files in os.walk(root):
        for name in files:
            try:
                with open(os.path.join(folder, name), "rb") as handle:
                    while block := handle.read(1 << 20):
                        total += len(block)
            except OSError:
                continue
    return total


def byte_compiled(code: Path) -> Path:
    """`code`'s policyctl with its modules byte-compiled, as an installed package is: with
    PYTHONDONTWRITEBYTECODE set, nothing writes them, and every run of an exported commit
    (or of an edited module here) compiles them again: 0.2 CPU-s, which timed one side
    and not the other (issue 18)."""
    import compileall

    compileall.compile_dir(code / "policyctl", quiet=1)
    return code
