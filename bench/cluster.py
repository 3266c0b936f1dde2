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
    reports: dict[str, dict[str, Any]] = {}
    try:
        scan(root, modes["running"])  # the running cluster's workers compile the rules once
        with tempfile.TemporaryDirectory() as tiny:
            (Path(tiny) / "one.py").write_text("print('hello')\n")
            fixed = [scan(Path(tiny), modes["running"])[1] for _ in range(args.runs)]
        for _ in range(args.runs):
            for name, extra in modes.items():
                seconds, used, reports[name] = scan(root, extra)
                times[name].append(seconds)
                cpu[name].append(used)
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
    print(f"same findings in all three modes: {same} ({len(remote['findings'])} findings)")
    detect_s = remote["_stages"].get("detect", wall["running"])
    started_detect = reports["cluster"]["_stages"].get("detect", 0.0)
    tasks = max(1, info["tasks"])
    per_task_bytes = scanned / tasks
    per_task_cpu = detect_s * info["workers"] / tasks
    client_cpu = median(cpu["running"])
    client_fixed = median(fixed)
    client_per_task = max(0.0, client_cpu - client_fixed) / max(1, tasks - 1)
    print(
        f"tasks: {info['tasks']} ({info['failed_tasks']} failed), "
        f"{per_task_bytes / 1e6:.2f} MB and {per_task_cpu:.3f} worker-seconds per task"
    )
    print(
        f"outside the workers (running cluster): {wall['running'] - detect_s:.2f} s of "
        f"{wall['running']:.2f} s (start-up, rules, planning, merge, report); with "
        f"LocalCluster start and stop: {wall['cluster'] - started_detect:.2f} s"
    )
    print(
        f"client CPU (running cluster): {client_cpu:.2f} s in all, of which {client_fixed:.2f} s "
        f"for a one-file scan (start-up, rules); {client_per_task * 1000:.1f} ms per further task"
    )
    merge_per_1000, finding_bytes = client_merge_seconds(local)
    print(
        f"client merge: {merge_per_1000 * 1000:.1f} ms per 1,000 findings "
        f"(merge, sort, fold, assess, report, JSON); {finding_bytes} bytes per finding sent back"
    )
    rate = per_task_bytes / per_task_cpu if per_task_cpu else 0.0
    print(f"worker throughput: {rate / 1e6:.2f} MB per worker-second on this corpus")
    print()
    print(f"estimates on {WORKERS_AT_SCALE} workers (from the figures above):")
    findings_per_mb = len(remote["findings"]) / (scanned / 1e6)
    for label, total, task_bytes in (
        ("10,000 repositories of 50 MB (one task each)", 10_000 * 50e6, 50e6),
        ("10 TB of Parquet (64 MB tasks)", 10e12, 64e6),
    ):
        task_count = total / task_bytes
        detect_h = total / (rate * WORKERS_AT_SCALE) / 3600 if rate else float("nan")
        findings = findings_per_mb * total / 1e6
        client_h = (task_count * client_per_task + findings / 1000 * merge_per_1000) / 3600
        print(
            f"  {label}: {task_count:,.0f} tasks, detection {detect_h:.1f} h, "
            f"client {client_h:.2f} h for {findings:,.0f} findings at this corpus's density"
        )
    if per_task_cpu and client_per_task:
        limit = per_task_cpu / client_per_task
        print(
            f"client saturates at about {limit:,.0f} workers at {per_task_bytes / 1e6:.1f} MB "
            "tasks (one task's worker-seconds over the client's seconds per task)"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
