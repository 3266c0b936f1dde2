"""Scan throughput and peak memory of policyctl on the real-code corpus, beside
detect-secrets 1.5.0 in the same run.

    python bench/throughput.py [--runs 3] [--jobs 2] [--skip-detect-secrets | --ds-subset-mb 20]

Prints files, MB, seconds, MB/s and peak RSS (whole process tree) for each tool, the
median of --runs runs for policyctl, and the ratio. Files are read once first so both
tools scan from the page cache. Target (issue 2): >= 135 MB/s with --jobs 2, < 300 MB.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import corpus
from measure import median, policyctl_command, run_measured, tool_venv, warm_page_cache


def scan_policyctl(root: Path, jobs: int) -> tuple[float, float, dict[str, object]]:
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        result = run_measured(
            [
                policyctl_command(),
                "scan",
                str(root),
                "--jobs",
                str(jobs),
                "--no-progress",
                "--format",
                "json",
                "--output",
                str(report),
                "--quiet",
            ]
        )
        if result.returncode not in (0, 1):
            raise SystemExit(f"policyctl failed ({result.returncode}): {result.stderr[-500:]}")
        return result.seconds, result.peak_rss_mb, json.loads(report.read_text())


def scan_detect_secrets(root: Path, jobs: int) -> tuple[float, float, int]:
    tools = tool_venv("detect-secrets", "detect-secrets==1.5.0")
    result = run_measured(
        [str(tools / "detect-secrets"), "-c", str(jobs), "scan", "--all-files", "."], cwd=root
    )
    if result.returncode != 0:
        raise SystemExit(f"detect-secrets failed: {result.stderr[-500:]}")
    found = json.loads(result.stdout)["results"]
    return result.seconds, result.peak_rss_mb, sum(len(v) for v in found.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-detect-secrets", action="store_true")
    parser.add_argument(
        "--ds-subset-mb",
        type=float,
        help="time detect-secrets on a fixed subset of this many MB (it takes about an hour "
        "on the whole corpus) and compare MB/s",
    )
    args = parser.parse_args()

    root = corpus.build()
    files, size = corpus.describe(root)
    warm_page_cache(root)
    megabytes = size / 1e6
    print(f"corpus: {files} files, {megabytes:.1f} MB ({root})")

    timings, peaks = [], []
    report: dict[str, object] = {}
    for run in range(args.runs):
        seconds, peak, report = scan_policyctl(root, args.jobs)
        timings.append(seconds)
        peaks.append(peak)
        print(
            f"  policyctl run {run + 1}: {seconds:.2f} s, {megabytes / seconds:.1f} MB/s, "
            f"peak {peak:.0f} MB"
        )
    scan = report["scan"]
    assert isinstance(scan, dict)
    ours = median(timings)
    print(
        f"policyctl --jobs {args.jobs}: files scanned {scan['files']}, "
        f"{scan['rules']} rules, engine {scan['engine']}"
    )
    print(
        f"policyctl      median {ours:7.2f} s  {megabytes / ours:8.1f} MB/s  "
        f"peak RSS {max(peaks):6.0f} MB"
    )
    if args.skip_detect_secrets:
        return
    where, their_megabytes = root, megabytes
    if args.ds_subset_mb is not None:
        names = corpus.subset(root, args.ds_subset_mb)
        where = corpus.copy_out(
            root, names, corpus.CACHE / f"throughput-subset-{args.ds_subset_mb:g}MB"
        )
        their_megabytes = sum((where / n).stat().st_size for n in names) / 1e6
        warm_page_cache(where)
        print(f"detect-secrets on a fixed subset: {len(names)} files, {their_megabytes:.1f} MB")
    theirs, their_peak, their_findings = scan_detect_secrets(where, args.jobs)
    print(
        f"detect-secrets        {theirs:7.2f} s  {their_megabytes / theirs:8.1f} MB/s  "
        f"peak RSS {their_peak:6.0f} MB  ({their_findings} findings)"
    )
    ratio = (megabytes / ours) / (their_megabytes / theirs)
    print(f"ratio: policyctl is {ratio:.0f}x faster than detect-secrets 1.5.0 (MB/s)")


if __name__ == "__main__":
    main()
