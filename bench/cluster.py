"""The cost of --cluster: a local scan with --jobs N against --cluster local:N and against
a cluster already running, in the same run, on the foundation corpus (or a fixed subset
of it), and the figures a scaling estimate needs.

    python bench/cluster.py [--runs 3] [--workers 2] [--subset-mb 30]

Per mode, the median wall seconds of --runs alternating runs:
- `local`: `--jobs N`, this machine's process pool;
- `cluster`: `--cluster local:N`, which starts (and stops) a LocalCluster in the scan;
- `running`: `--cluster tcp://...`, a LocalCluster of N workers this script started
  before the runs, as an operator's cluster would be: the path's own cost, without
  the cluster's start-up.
The overhead of each cluster mode is given as a share of the local wall time (target:
at most 15%). Then the tasks sent, bytes per task, CPU seconds per task, the time
spent outside the workers, the client's CPU time per task (it alone runs in the scan's
process in the `running` mode), and the client's merge cost per 1,000 findings,
measured in this process on 20,000 findings shaped like the corpus's (merge, sort,
fold, assess, report, JSON). From these: an estimate of 10,000 repositories and of
10 TB of Parquet on 50 workers, and the number of workers past which the client, not
the workers, bounds the sweep. Needs policyctl[cluster] in the environment running it.
The foundation corpus is fetched by bench/corpus.py; when it cannot be, the corpus of
bench/local_corpus.py is used instead.
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import corpus
from measure import median, policyctl_command, run_measured, warm_page_cache

WORKERS_AT_SCALE = 50


def scan(root: Path, extra: list[str]) -> tuple[float, float, dict[str, Any]]:
    """Wall seconds, CPU seconds of the scan's process tree (without a running
    cluster's workers, which are not its children) and the JSON report."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = run_measured(
            [
                policyctl_command(),
                "scan",
                str(root),
                "--no-progress",
                "--no-audit",
                "-q",
                "-f",
                "json",
                "-o",
                str(report),
                "--log-format",
                "json",
                *extra,
            ]
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if result.returncode not in (0, 1):
            raise SystemExit(f"policyctl failed ({result.returncode}): {result.stderr[-800:]}")
        document = json.loads(report.read_text())
        document["_stages"] = next(
            (
                json.loads(line)["stages"]
                for line in result.stderr.splitlines()
                if '"scan.finished"' in line
            ),
            {},
        )
        return result.seconds, cpu, document


def running_workers_cpu(cluster: Any) -> float:
    """CPU seconds the running cluster's worker processes have used so far."""
    import psutil

    total = 0.0
    for nanny in cluster.workers.values():
        times = psutil.Process(nanny.process.pid).cpu_times()
        total += times.user + times.system
    return total


def round_trip_seconds(cluster: Any, tasks: int = 400) -> float:
    """Seconds per task of the client and scheduler for tasks that do nothing: what a
    task costs outside the workers however small its work (submit, schedule, result)."""
    from distributed import Client, as_completed

    with Client(cluster) as client:
        started = time.perf_counter()
        futures = [client.submit(len, [n], pure=False) for n in range(tasks)]
        for future in as_completed(futures):
            future.result()
        return (time.perf_counter() - started) / tasks


TABLE_ROWS = 100_000


def parquet_throughput(fixed_cpu: float) -> tuple[float, float, int]:
    """Rows per CPU-second of one worker (`--jobs 1`, less `fixed_cpu`, the start-up of
    a one-file scan) on a generated 10-column Parquet table with some personal data, its
    compressed bytes per row, and its findings."""
    import random

    import pyarrow as pa
    import pyarrow.parquet as pq

    path = corpus.CACHE / f"cluster-table-{TABLE_ROWS}.parquet"
    if not path.exists():
        rng = random.Random(19)
        words = ["alpha", "delta", "north", "river", "stone", "amber", "cedar", "maple"]
        columns = {
            "id": list(range(TABLE_ROWS)),
            "name": [
                f"{rng.choice(words).title()} {rng.choice(words).title()}"
                for _ in range(TABLE_ROWS)
            ],
            "email": [f"user{n}@example.org" if n % 3 else "" for n in range(TABLE_ROWS)],
            "city": [rng.choice(words) for _ in range(TABLE_ROWS)],
            "amount": [round(rng.uniform(1, 5000), 2) for _ in range(TABLE_ROWS)],
            "status": [rng.choice(["open", "paid", "late"]) for _ in range(TABLE_ROWS)],
            "note": [" ".join(rng.choices(words, k=6)) for _ in range(TABLE_ROWS)],
            "phone": [
                f"+1 415 555 {n % 10000:04d}" if n % 5 == 0 else "" for n in range(TABLE_ROWS)
            ],
            "created": [f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}" for n in range(TABLE_ROWS)],
            "score": [rng.random() for _ in range(TABLE_ROWS)],
        }
        pq.write_table(pa.table(columns), path, row_group_size=20_000)
    used = median([scan(path, ["--jobs", "1"])[1] for _ in range(3)])
    _, _, report = scan(path, ["--jobs", "1"])
    rows_per_s = TABLE_ROWS / max(0.01, used - fixed_cpu)
    return rows_per_s, path.stat().st_size / TABLE_ROWS, len(report["findings"])


def foundation_corpus(subset_mb: float) -> Path:
    try:
        root = corpus.build()
    except Exception as exc:  # no network, a changed archive: the local corpus instead
        print(f"foundation corpus unavailable ({type(exc).__name__}); using local_corpus")
        import local_corpus

        root = local_corpus.build()
    if subset_mb:
        root = corpus.copy_out(
            root, corpus.subset(root, subset_mb), corpus.CACHE / f"cluster-{subset_mb:g}mb"
        )
    return root


def client_merge_seconds(sample: dict[str, Any], count: int = 20_000) -> tuple[float, int]:
    """Seconds the client spends per 1,000 findings to merge batch results, sort, fold,
    assess, build the report and render its JSON; and pickled bytes per finding (what a
    worker sends back). Findings are copies of one real finding, each in its own file."""
    from policyctl.core.model import Finding, Location
    from policyctl.detection.scan import BatchResult, _finished
    from policyctl.policy.assess import ScanResult, assess
    from policyctl.policy.enforce import Policy
    from policyctl.report.build import build_report

    shape = sample["findings"][0]
    where = shape["location"]
    base = Finding(
        rule_id=shape["rule_id"],
        title=shape["title"],
        category=shape["category"],
        severity=shape["severity"],
        confidence=shape["confidence"],
        data_class=shape["data_class"],
        location=Location(path=where["path"], line=where.get("line"), column=where.get("column")),
        preview=shape["preview"],
        fingerprint=shape["fingerprint"],
        source_kind=shape["source_kind"],
    )
    batches = []
    for start in range(0, count, 50):
        result = BatchResult()
        for n in range(start, start + 50):
            location = replace(base.location, path=f"src/module_{n:06}.py", line=n % 400 + 1)
            result.findings.append(replace(base, location=location, fingerprint=f"{n:032x}"))
        batches.append(pickle.dumps(result))
    per_finding = sum(len(b) for b in batches) // count
    started = time.perf_counter()
    total = BatchResult()
    for payload in batches:
        total.merge(pickle.loads(payload))
    total = _finished(total)
    findings, assessment = assess(total.findings, Policy(packs=()), (), date.today())
    report = build_report(
        ScanResult(
            findings=findings,
            notices=[],
            stats=total.stats,
            rules=(),
            targets=("corpus",),
            engine="hyperscan",
            assessment=assessment,
        )
    )
    _ = report.json
    return (time.perf_counter() - started) / count * 1000, per_finding


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--subset-mb", type=float, default=0.0, help="0: the whole corpus")
    args = parser.parse_args()
    root = foundation_corpus(args.subset_mb)
    warm_page_cache(root)
    from distributed import LocalCluster

    running = LocalCluster(
        n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    modes = {
        "local": ["--jobs", str(args.workers)],
        "cluster": ["--cluster", f"local:{args.workers}"],
        "running": ["--cluster", running.scheduler_address],
    }
    times: dict[str, list[float]] = {name: [] for name in modes}
    cpu: dict[str, list[float]] = {name: [] for name in modes}
    detect: dict[str, list[float]] = {name: [] for name in modes}
    reports: dict[str, dict[str, Any]] = {}
    worker_cpu: list[float] = []
    try:
        scan(root, modes["running"])  # the running cluster's workers compile the rules once
        with tempfile.TemporaryDirectory() as tiny:
            (Path(tiny) / "one.py").write_text("print('hello')\n")
            fixed = [scan(Path(tiny), modes["running"])[1] for _ in range(args.runs)]
        for _ in range(args.runs):
            for name, extra in modes.items():
                before = running_workers_cpu(running)
                seconds, used, reports[name] = scan(root, extra)
                times[name].append(seconds)
                cpu[name].append(used)
                detect[name].append(reports[name]["_stages"].get("detect", seconds))
                if name == "running":
                    worker_cpu.append(running_workers_cpu(running) - before)
        round_trip = round_trip_seconds(running)
    finally:
        running.close()
    local, remote = reports["local"], reports["running"]
    fingerprints = {name: [f["fingerprint"] for f in r["findings"]] for name, r in reports.items()}
    same = fingerprints["local"] == fingerprints["cluster"] == fingerprints["running"]
    info = remote["scan"]["cluster"]
    scanned = remote["scan"]["bytes"]
    wall = {name: median(values) for name, values in times.items()}
    print(f"corpus: {root} ({scanned / 1e6:.1f} MB, {remote['scan']['files']} files scanned)")
    print(f"{'mode':<34} median wall  runs")
    labels = {
        "local": f"local --jobs {args.workers}",
        "cluster": f"--cluster local:{args.workers} (starts one)",
        "running": f"--cluster tcp:// ({args.workers} running)",
    }
    for name in modes:
        shown = ", ".join(f"{t:.2f}" for t in times[name])
        print(f"{labels[name]:<34} {wall[name]:8.2f} s  {shown}")
    for name in ("cluster", "running"):
        overhead = (wall[name] - wall["local"]) / wall["local"]
        print(
            f"overhead of {labels[name]}: {overhead:+.1%} of the local wall time (target <= +15%)"
        )
    used = {name: median(values) for name, values in cpu.items()}
    used["running"] += median(worker_cpu)
    print(
        "CPU seconds (all processes; steadier than wall time on a loaded machine): "
        + ", ".join(f"{name} {used[name]:.2f}" for name in modes)
    )
    for name in ("cluster", "running"):
        overhead = (used[name] - used["local"]) / used["local"]
        print(f"CPU overhead of {labels[name]}: {overhead:+.1%}")
    print(f"same findings in all three modes: {same} ({len(remote['findings'])} findings)")
    detect_s = median(detect["running"])
    tasks = max(1, info["tasks"])
    per_task_bytes = scanned / tasks
    per_task_cpu = median(worker_cpu) / tasks
    client_cpu = median(cpu["running"])
    client_fixed = median(fixed)
    client_per_task = max(0.0, client_cpu - client_fixed) / max(1, tasks - 1)
    print(
        f"tasks: {info['tasks']} ({info['failed_tasks']} failed), "
        f"{per_task_bytes / 1e6:.2f} MB and {per_task_cpu:.3f} worker-seconds per task"
    )
    print(
        f"outside the workers (running cluster): {wall['running'] - detect_s:.2f} s of "
        f"{wall['running']:.2f} s (start-up, rules, planning, merge, report); a LocalCluster's "
        f"start and stop add {wall['cluster'] - wall['running']:.2f} s"
    )
    print(
        f"client CPU (running cluster): {client_cpu:.2f} s in all, of which {client_fixed:.2f} s "
        f"for a one-file scan (start-up, rules); {client_per_task * 1000:.1f} ms per further task"
    )
    print(f"a task's round trip through client and scheduler: {round_trip * 1000:.2f} ms")
    client_per_task = max(client_per_task, round_trip)
    merge_per_1000, finding_bytes = client_merge_seconds(local)
    print(
        f"client merge: {merge_per_1000 * 1000:.1f} ms per 1,000 findings "
        f"(merge, sort, fold, assess, report, JSON); {finding_bytes} bytes per finding sent back"
    )
    rate = per_task_bytes / per_task_cpu if per_task_cpu else 0.0
    print(f"worker throughput: {rate / 1e6:.2f} MB per worker-second on this corpus")
    rows_per_s, row_bytes, table_findings = parquet_throughput(client_fixed)
    print(
        f"Parquet, one worker: {rows_per_s:,.0f} rows per CPU-s of 10 columns, "
        f"{row_bytes:.0f} bytes per row compressed "
        f"({rows_per_s * row_bytes / 1e6:.2f} MB/s of file), {table_findings} column findings"
    )
    big_tasks = 32e6 / rate if rate else 0.0
    print()
    print(f"estimates on {WORKERS_AT_SCALE} workers (from the figures above):")
    findings_per_mb = len(remote["findings"]) / (scanned / 1e6)
    repo_bytes = 50e6
    repos = 10_000
    findings = findings_per_mb * repos * repo_bytes / 1e6
    detect_h = repos * repo_bytes / (rate * WORKERS_AT_SCALE) / 3600
    client_h = (repos * client_per_task + findings / 1000 * merge_per_1000) / 3600
    print(
        f"  {repos:,} repositories of 50 MB, one task each: detection {detect_h:.2f} h "
        f"(clones and their network time not counted), client {client_h:.2f} h for "
        f"{findings:,.0f} findings at this corpus's density"
    )
    lake = 10e12
    files = lake / 64e6
    lake_h = lake / row_bytes / (rows_per_s * WORKERS_AT_SCALE) / 3600
    lake_findings = files * table_findings
    lake_client_h = (files * client_per_task + lake_findings / 1000 * merge_per_1000) / 3600
    print(
        f"  10 TB of Parquet in 64 MB files: {files:,.0f} tasks, detection {lake_h:,.0f} h, "
        f"client {lake_client_h:.2f} h for {lake_findings:,.0f} column findings"
    )
    if client_per_task:
        for label, work in (
            (f"{per_task_bytes / 1e6:.1f} MB code tasks (this run)", per_task_cpu),
            ("32 MB code tasks (CLUSTER_BATCH_BYTES)", big_tasks),
            ("one 50 MB repository a task", repo_bytes / rate if rate else 0.0),
            ("64 MB Parquet files", 64e6 / row_bytes / rows_per_s),
        ):
            print(
                f"  the client saturates at about {work / client_per_task:,.0f} workers with "
                f"{label} ({work:.2f} worker-s a task over {client_per_task * 1000:.1f} ms)"
            )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
