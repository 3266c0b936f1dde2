"""The cost of --cluster: a local scan with --jobs N against --cluster local:N, in the
same run, on the real-code corpus (or a fixed subset of it), and the figures a
scaling estimate needs.

    python bench/cluster.py [--runs 3] [--workers 2] [--subset-mb 60]

Prints, per mode, the median wall seconds of --runs alternating runs; the cluster's
overhead as a share of the local wall time (target: at most 15%); the tasks sent and
bytes per task; the time spent outside the workers (client start-up, the LocalCluster's
start, planning, merging, report); and from these an estimate of the wall time of a
sweep of 10,000 repositories or 10 TB on 50 workers, and of where the client becomes
the bottleneck. Needs policyctl[cluster] in the environment running it.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import corpus
from measure import median, policyctl_command, run_measured, warm_page_cache


def scan(root: Path, extra: list[str]) -> tuple[float, dict[str, object]]:
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
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
        if result.returncode not in (0, 1):
            raise SystemExit(f"policyctl failed ({result.returncode}): {result.stderr[-800:]}")
        document = json.loads(report.read_text())
        stages = next(
            (
                json.loads(line)["stages"]
                for line in result.stderr.splitlines()
                if '"scan.finished"' in line
            ),
            {},
        )
        document["_stages"] = stages
        return result.seconds, document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--subset-mb", type=float, default=0.0, help="0: the whole corpus")
    args = parser.parse_args()
    root = corpus.build()
    if args.subset_mb:
        root = corpus.copy_out(
            root,
            corpus.subset(root, args.subset_mb),
            corpus.CACHE / f"cluster-{args.subset_mb:g}mb",
        )
    warm_page_cache(root)
    local_times, cluster_times = [], []
    local = remote = {}
    for _ in range(args.runs):
        seconds, local = scan(root, ["--jobs", str(args.workers)])
        local_times.append(seconds)
        seconds, remote = scan(root, ["--cluster", f"local:{args.workers}"])
        cluster_times.append(seconds)
    same = [f["fingerprint"] for f in local["findings"]] == [
        f["fingerprint"] for f in remote["findings"]
    ]
    info = remote["scan"]["cluster"]
    scanned = remote["scan"]["bytes"]
    local_s, cluster_s = median(local_times), median(cluster_times)
    detect_s = remote["_stages"].get("detect", cluster_s)
    outside = cluster_s - detect_s
    per_task_bytes = scanned / max(1, info["tasks"])
    per_task_cpu = detect_s * info["workers"] / max(1, info["tasks"])
    merge_per_1000 = remote["_stages"].get("assess", 0.0) / max(1, len(remote["findings"])) * 1000
    print(f"corpus: {root} ({scanned / 1e6:.1f} MB scanned)")
    runs = {"local": local_times, "cluster": cluster_times}
    shown = {name: ", ".join(f"{t:.2f}" for t in times) for name, times in runs.items()}
    print(f"local --jobs {args.workers}: median {local_s:.2f} s ({shown['local']})")
    print(f"--cluster local:{args.workers}: median {cluster_s:.2f} s ({shown['cluster']})")
    overhead = (cluster_s - local_s) / local_s
    print(f"cluster overhead: {overhead:+.1%} of the local wall time (target <= +15%)")
    print(f"same findings: {same} ({len(remote['findings'])} findings)")
    print(
        f"tasks: {info['tasks']}, {per_task_bytes / 1e6:.2f} MB per task, "
        f"{per_task_cpu:.3f} CPU-s per task"
    )
    print(
        f"outside the workers: {outside:.2f} s (start-up, cluster start, planning, merge, report)"
    )
    print(f"client merge and assessment: {merge_per_1000:.3f} s per 1,000 findings")
    workers = 50
    rate = per_task_bytes / per_task_cpu if per_task_cpu else 0.0  # bytes per CPU-s per worker
    for label, total in (
        ("10 TB of Parquet", 10e12),
        ("10,000 repositories of 50 MB", 10_000 * 50e6),
    ):
        hours = total / (rate * workers) / 3600 if rate else float("nan")
        print(f"estimate, {label} on {workers} workers: {hours:.1f} h of detection")
    tasks_per_s = workers / per_task_cpu if per_task_cpu else 0.0
    print(
        f"client: {tasks_per_s:.0f} task results per second to merge at {workers} workers; "
        "the client, not the workers, bounds a sweep when that rate times the findings per "
        "task outgrows its merge rate above"
    )


if __name__ == "__main__":
    main()
