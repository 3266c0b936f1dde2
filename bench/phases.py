"""Where the CPU of one scan of a corpus goes, phase by phase, in one process.

    python bench/phases.py [--corpus pinned|local] [--subset-mb N] [--runs 3]

Each phase is timed by CPU time (user + system of this process) as the difference of
cumulative passes over the same folder, page cache warm, medians of `--runs`:

- start-up: `python -c "import policyctl.cli"` in a child process (the interpreter and
  the imports a `policyctl scan` pays before it reads a rule);
- rules: the built-in rules from the cache, prepared (load_rules, compile_ruleset);
- database: the code database loaded from the cache (its HMAC checked, deserialised);
- walk: the items of the folder (listing, stat, the kind of each file);
- read: walk + each item loaded (open, read, binary sniff) minus the walk;
- hyperscan: walk + read + the matcher's database scan of every chunk with a callback
  that does nothing, minus walk + read (the floor no Python change can go under; of a
  gated matcher, its main database: the gated ones are scanned in detection);
- detection: the whole `scan_batch` of every batch (as `--jobs 1` runs it) minus
  walk + read + hyperscan: what Python does per file and per candidate;
- report: the findings assessed and the JSON report rendered (run_scan_request's
  report stage), from its stages timer (wall clock, one process).

Then `policyctl scan --jobs 1` and `--jobs 2` as commands, alternating, CPU of the
process tree: what the worker processes cost over one process.

With `--timeline`, also where the wall clock of a `--jobs 2` scan goes (run_scan_request
in this process, each batch timed in this process and in the worker; medians): up to the
first batch (rules, database, the walk's head, the fork), each process's batches (busy
seconds), the tail (the first process done waiting for the other) and after the last
batch (merging, assessing, the report). The interpreter's start-up is the line above.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from measure import median, policyctl_command, run_measured, warm_page_cache
from throughput import corpus_root


def cpu() -> float:
    return time.process_time()


def timed(work: Callable[[], object]) -> float:
    started = cpu()
    work()
    return cpu() - started


def startup_seconds() -> float:
    """CPU of a child interpreter that imports the command line and exits."""
    before = os.times()
    subprocess.run([sys.executable, "-c", "import policyctl.cli"], check=True)
    after = os.times()
    return (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=("pinned", "local"), default="pinned")
    parser.add_argument("--subset-mb", type=float)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-commands", action="store_true", help="skip the --jobs 1/2 runs")
    parser.add_argument("--timeline", action="store_true", help="the wall clock of --jobs 2")
    args = parser.parse_args()
    root = corpus_root(args.corpus, args.subset_mb, False)
    warm_page_cache(root)

    from policyctl.core.config import resolve_settings

    settings = resolve_settings({"jobs": 1, "audit_log": ""}, [str(root)])
    from policyctl.app.scan import ScanRequest

    request = ScanRequest(targets=(str(root),), settings=settings)
    phases: dict[str, list[float]] = {}
    for _ in range(args.runs):
        for name, seconds in one_run(request).items():
            phases.setdefault(name, []).append(seconds)
    print(f"{root}: one process, CPU seconds, median of {args.runs}")
    total = 0.0
    for name, values in phases.items():
        total += median(values)
        print(f"  {name:45s} {median(values):6.2f}")
    print(f"  {'sum':45s} {total:6.2f}")
    if args.timeline:
        jobs2 = ScanRequest(
            targets=(str(root),),
            settings=resolve_settings({"jobs": 2, "audit_log": ""}, [str(root)]),
        )
        parts: dict[str, list[float]] = {}
        for _ in range(args.runs):
            for name, seconds in timeline(jobs2).items():
                parts.setdefault(name, []).append(seconds)
        print(f"  scan --jobs 2 in this process, wall seconds, median of {args.runs}:")
        for name, values in parts.items():
            print(f"    {name:45s} {median(values):6.3f}")
    if args.no_commands:
        return
    by_jobs: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(args.runs):
        for jobs in (1, 2):
            with tempfile.TemporaryDirectory() as scratch:
                result = run_measured(
                    [
                        policyctl_command(),
                        "scan",
                        str(root),
                        "--jobs",
                        str(jobs),
                        "--no-progress",
                        "--no-audit",
                        "--format",
                        "json",
                        "--output",
                        str(Path(scratch) / "report.json"),
                        "--quiet",
                    ]
                )
            by_jobs[jobs].append(result.cpu_seconds)
    for jobs, values in by_jobs.items():
        print(f"  policyctl scan --jobs {jobs}: {median(values):.2f} CPU-s (process tree)")


def one_run(request: Any) -> dict[str, float]:
    """The phases of one scan of `request`'s folder, CPU seconds (see the module doc)."""
    from policyctl.app.scan import choose_source, run_scan_request
    from policyctl.detection.detect import DetectOptions
    from policyctl.detection.rules import compile_ruleset, load_rules
    from policyctl.detection.scan import _batches, scan_batch

    phases = {"start-up (imports)": startup_seconds()}
    phases["rules"] = timed(lambda: compile_ruleset(load_rules()))
    ruleset = compile_ruleset(load_rules())
    phases["database"] = timed(lambda: ruleset.matcher_for("repo"))
    source = choose_source(request, 1)
    walk = timed(lambda: list(source.items()))
    items = list(source.items())

    def read(match: bool) -> None:
        for item in items:
            for piece in item.load() if hasattr(item, "load") else ():
                data = getattr(piece, "data", None)
                if not match or data is None:
                    continue
                matcher = ruleset.matcher_for(piece.kind)
                matcher = getattr(matcher, "main", matcher)  # a GatedMatcher's
                database = getattr(matcher, "database", None)
                if database is not None:
                    database.scan(data, match_event_handler=_count, scratch=matcher.scratch)

    read_s = timed(lambda: read(False))
    match_s = timed(lambda: read(True))
    options = DetectOptions()

    def detection() -> None:
        for batch in _batches(iter(items)):
            scan_batch(batch, ruleset, options)

    detect_s = timed(detection)
    phases["walk"] = walk
    phases["read"] = read_s
    phases["hyperscan"] = match_s - read_s
    phases["detection (Python per file and candidate)"] = detect_s - match_s
    stages = run_scan_request(request).stages or {}
    phases["assess + report (wall)"] = stages.get("assess", 0.0) + stages.get("report", 0.0)
    return phases


def timeline(request: Any) -> dict[str, float]:
    """Where the wall clock of one `--jobs 2` scan of `request` goes (see the module doc):
    each batch's start and end, in this process and in the worker (forked: it writes to
    the same file), from detection.scan.scan_batch wrapped for the run."""
    import policyctl.detection.scan as scan_module
    from policyctl.app.scan import run_scan_request

    original = scan_module.scan_batch
    with tempfile.TemporaryDirectory() as scratch:
        spans = Path(scratch) / "spans"

        def timed_batch(batch: Any, ruleset: Any, options: Any) -> Any:
            started = time.perf_counter()
            result = original(batch, ruleset, options)
            with spans.open("a") as out:
                out.write(f"{os.getpid()} {started} {time.perf_counter()}\n")
            return result

        scan_module.scan_batch = timed_batch
        try:
            began = time.perf_counter()
            run_scan_request(request)
            ended = time.perf_counter()
        finally:
            scan_module.scan_batch = original
        by_process: dict[int, list[tuple[float, float]]] = {}
        for line in spans.read_text().splitlines():
            pid, start, end = line.split()
            by_process.setdefault(int(pid), []).append((float(start), float(end)))
    here = by_process.pop(os.getpid(), [])
    worker = [span for spans_of in by_process.values() for span in spans_of]
    first = min(start for start, _ in here + worker)
    last_here = max((end for _, end in here), default=first)
    last_worker = max((end for _, end in worker), default=first)
    return {
        "to the first batch": first - began,
        "to the worker's first batch": min((start for start, _ in worker), default=first) - began,
        "this process's batches (busy)": sum(end - start for start, end in here),
        "the worker's batches (busy)": sum(end - start for start, end in worker),
        "tail (one process done, the other not)": abs(last_worker - last_here),
        "after the last batch (merge, assess, report)": ended - max(last_here, last_worker),
        "total (without the interpreter's start-up)": ended - began,
    }


def _count(*_: object) -> None:
    return None


if __name__ == "__main__":
    main()
