"""CSV scanning speed: policyctl rows/s on a table of 10 mixed columns, against
presidio-analyzer run on every cell of the same file, in one run; and policyctl's peak
memory, which must not grow with the file.

    python bench/csv_throughput.py [--rows 200000] [--presidio-rows 1000] [--repeat 3]
    python bench/csv_throughput.py --rows 20000000   # ~2 GB: the bounded-memory check
    python bench/csv_throughput.py --before main     # and main's code, alternating

With --before REF, an earlier commit's policyctl (exported with `git archive` into
bench/.cache/ref-<sha>, run as `python -P -m policyctl` with this virtualenv, as
bench/same_findings.py does) scans the same table in the same run, alternating with
this checkout's; the speed-up is printed as a ratio of medians (wall clock and CPU),
and the two reports' findings are compared (rule, fingerprint, place, confidence,
validation, row counts and cells): speed work must not change them.

The table is generated under bench/.cache (deterministic). policyctl runs as a user
runs it (`policyctl scan file.csv`, default jobs); Presidio analyses each cell with its
column name as context, on the first --presidio-rows rows, with every predefined pattern
recognizer on a blank spaCy pipeline (no NER model: none can be downloaded here, see
_env.presidio_analyzer). Medians are quoted. Besides wall-clock rows/s, rows per CPU
second are printed (user + system time of policyctl's process tree, of Presidio's
process): on a shared, loaded machine they move far less than wall-clock figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import people_table
from _env import CACHE, ensure_venv, presidio_analyzer
from people_table import HEADER
from same_findings import export

ensure_venv()


def build_table(path: Path, rows: int, seed: int = 7) -> None:
    if path.exists():
        return
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(people_table.rows(rows, seed))
    temporary.rename(path)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def policyctl_seconds(
    path: Path, code: Path | None = None, report: Path = CACHE / "throughput-report.json"
) -> tuple[float, float, int]:
    """Wall time and CPU time of one scan, and the peak RSS (KiB) of the largest process
    it ran. With `code`, the policyctl exported there (an earlier commit) scans."""
    program = [str(Path(sys.executable).with_name("policyctl"))]
    if code is not None:
        program = [sys.executable, "-P", "-m", "policyctl"]
    command = [*program, "scan", str(path), "--no-progress", "-q", "--time-budget", "0"]
    command += ["-f", "json", "-o", str(report)]
    env = {**os.environ, "PYTHONPATH": str(code)} if code is not None else None
    clock, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(command, check=False, env=env)
    if done.returncode not in (0, 1):  # 2: an incomplete scan is no measurement
        raise SystemExit(f"policyctl scan failed with exit code {done.returncode}")
    seconds = time.perf_counter() - clock
    return seconds, _children_cpu() - cpu, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def findings_of(report: Path) -> list[tuple[object, ...]]:
    """What must not change between two commits' reports of one table."""
    found = json.loads(report.read_text())["findings"]
    return sorted(
        (
            f["rule_id"], f["fingerprint"], f["location"].get("row"), f["location"].get("line"),
            f["location"].get("field"), f["confidence"], f.get("validated"),
            f.get("occurrences"), json.dumps(f.get("cells")),
        )
        for f in found
    )  # fmt: skip


def presidio_seconds(path: Path, rows: int) -> tuple[float, float]:
    """Wall time and CPU time of Presidio on every non-empty cell of the first rows."""
    analyzer = presidio_analyzer()
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        table = [row for _, row in zip(range(rows), reader, strict=False)]
    contexts = [[name.replace("_", " ")] for name in header]
    clock, cpu = time.perf_counter(), time.process_time()
    for row in table:
        for value, context in zip(row, contexts, strict=False):
            if value:
                analyzer.analyze(text=value, language="en", context=context)
    return time.perf_counter() - clock, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--presidio-rows", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--before", metavar="REF", help="also time this earlier commit, alternating (ratio)"
    )
    args = parser.parse_args()
    path = CACHE / f"mixed-{args.rows}.csv"
    build_table(path, args.rows)
    size = path.stat().st_size
    print(f"table: {args.rows:,} rows x 10 columns, {size / 1e6:.1f} MB ({path.name})")
    earlier = export(args.before) if args.before else None
    earlier_report = CACHE / "throughput-report-before.json"
    ours, ours_cpu, rss = [], [], 0
    theirs, theirs_cpu = [], []
    before, before_cpu = [], []
    for _ in range(args.repeat):
        if earlier is not None:
            seconds, cpu, _ = policyctl_seconds(path, earlier, earlier_report)
            before.append(args.rows / seconds)
            before_cpu.append(args.rows / cpu)
        seconds, cpu, rss = policyctl_seconds(path)
        ours.append(args.rows / seconds)
        ours_cpu.append(args.rows / cpu)
        seconds, cpu = presidio_seconds(path, args.presidio_rows)
        theirs.append(args.presidio_rows / seconds)
        theirs_cpu.append(args.presidio_rows / cpu)
    mine, presidio = statistics.median(ours), statistics.median(theirs)
    mine_cpu, presidio_cpu = statistics.median(ours_cpu), statistics.median(theirs_cpu)
    runs = ", ".join(f"{r:,.0f}" for r in ours)
    print(f"policyctl: {mine:,.0f} rows/s (median of {args.repeat}: {runs})")
    print(f"policyctl: {mine_cpu:,.0f} rows per CPU second (process tree)")
    print(f"presidio per cell: {presidio:,.0f} rows/s (median of {args.repeat}, first rows only)")
    print(f"presidio per cell: {presidio_cpu:,.0f} rows per CPU second")
    print(
        f"ratio: {mine / presidio:,.0f}x wall clock, {mine_cpu / presidio_cpu:,.0f}x per CPU second"
    )
    print(f"policyctl peak RSS: {rss / 1024:.0f} MiB (largest process), file {size / 1e6:,.0f} MB")
    if earlier is not None:
        then, then_cpu = statistics.median(before), statistics.median(before_cpu)
        runs = ", ".join(f"{r:,.0f}" for r in before)
        print(f"policyctl at {args.before}: {then:,.0f} rows/s (median of {args.repeat}: {runs})")
        print(f"policyctl at {args.before}: {then_cpu:,.0f} rows per CPU second")
        print(
            f"this checkout against {args.before}: {mine / then:.3f}x wall clock, "
            f"{mine_cpu / then_cpu:.3f}x per CPU second"
        )
        same = findings_of(earlier_report) == findings_of(CACHE / "throughput-report.json")
        print(f"findings: {'the same' if same else 'DIFFERENT'} in both reports")
    load = os.getloadavg()
    print(f"load average during the run: {load[0]:.1f} (1 min), {load[1]:.1f} (5 min)")


if __name__ == "__main__":
    main()
