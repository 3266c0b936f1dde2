"""Scan throughput and peak memory of policyctl beside kingfisher-bin in the same run.

    python bench/throughput.py [--corpus pinned|local] [--subset-mb 60] [--runs 3] [--jobs 2]
    python bench/throughput.py --detect-secrets-mb 20      # also detect-secrets 1.5.0
    python bench/throughput.py --corpus local --subset-mb 60 --before main   # and main's code

The corpus is bench/corpus.py's pinned sdists, or with `--corpus local` the real code
installed on this machine (bench/local_corpus.py); `--subset-mb` takes a fixed sample of
it (corpus.subset), to keep a run short on a shared machine; `--uncompressed` leaves
out .gz and other compressed files (botocore's and moto's JSON data). Both tools scan the same
folder with every rule enabled: policyctl `--jobs N`, kingfisher-bin 2.14 `--no-validate
--no-update-check --jobs N`. After one untimed run each (page cache, each tool's rule
cache warm), the tools run alternately, --runs times each; printed: medians of wall
seconds and MB/s, peak RSS summed over each tool's processes, and the ratio (issue 18's
target: >= 2.0x kingfisher-bin, <= 300 MB).

`--rule-sample N` also times policyctl with N of its rules, a fixed random sample
(`--enable` with their ids), alternating in the same run: with N the count of
kingfisher-bin's rules (printed) the two tools scan with as many rules each.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import corpus
import local_corpus
from measure import (
    byte_compiled,
    median,
    policyctl_command,
    run_measured,
    tool_venv,
    warm_page_cache,
)

KINGFISHER = "kingfisher-bin==2.14.0"


def scan_policyctl(
    root: Path, jobs: int, code: Path | None = None, extra: tuple[str, ...] = ()
) -> tuple[float, float, float, dict[str, object]]:
    """One timed scan; with `code`, an earlier commit's policyctl exported there (run as
    `python -P -m policyctl` with this virtualenv's dependencies, see same_findings);
    `extra` arguments are added to the scan's."""
    command = [policyctl_command()] if code is None else [sys.executable, "-P", "-m", "policyctl"]
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        result = run_measured(
            [
                *command,
                "scan",
                str(root),
                "--jobs",
                str(jobs),
                "--no-progress",
                "--no-audit",
                "--format",
                "json",
                "--output",
                str(report),
                "--quiet",
                *extra,
            ],
            env={"PYTHONPATH": str(code)} if code is not None else None,
        )
        if result.returncode not in (0, 1):
            raise SystemExit(f"policyctl failed ({result.returncode}): {result.stderr[-500:]}")
        report_data = json.loads(report.read_text())
        return result.seconds, result.peak_rss_mb, result.cpu_seconds, report_data


def scan_kingfisher(root: Path, jobs: int) -> tuple[float, float, float, int]:
    tools = tool_venv("kingfisher", KINGFISHER)
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "kingfisher.json"
        result = run_measured(
            [
                str(tools / "kingfisher"),
                "scan",
                str(root),
                "--no-validate",
                "--no-update-check",
                "--jobs",
                str(jobs),
                "--format",
                "json",
                "--output",
                str(report),
            ]
        )
        # 0: nothing found; 200: findings (kingfisher's documented exit codes)
        if result.returncode not in (0, 200, 205):
            raise SystemExit(f"kingfisher failed ({result.returncode}): {result.stderr[-500:]}")
        findings = json.loads(report.read_text())["findings"] if report.exists() else []
        return result.seconds, result.peak_rss_mb, result.cpu_seconds, len(findings)


def kingfisher_rule_count() -> int:
    """The rules kingfisher-bin scans with (`kingfisher rules list`: one table row each)."""
    tools = tool_venv("kingfisher", KINGFISHER)
    listed = subprocess.run(
        [str(tools / "kingfisher"), "rules", "list"], capture_output=True, text=True, check=True
    ).stdout
    return sum("│" in line for line in listed.splitlines()) - 1  # (less the header row)


def rule_sample(count: int) -> tuple[str, ...]:
    """`--enable` with the ids of `count` of policyctl's rules, the same ones every run."""
    from policyctl.detection.rules import load_rules

    ids = sorted(rule.id for rule in load_rules())
    return ("--enable", ",".join(random.Random(18).sample(ids, count)))


def scan_detect_secrets(root: Path, jobs: int) -> tuple[float, float, int]:
    tools = tool_venv("detect-secrets", "detect-secrets==1.5.0")
    result = run_measured(
        [str(tools / "detect-secrets"), "-c", str(jobs), "scan", "--all-files", "."], cwd=root
    )
    if result.returncode != 0:
        raise SystemExit(f"detect-secrets failed: {result.stderr[-500:]}")
    found = json.loads(result.stdout)["results"]
    return result.seconds, result.peak_rss_mb, sum(len(v) for v in found.values())


COMPRESSED = (".gz", ".bz2", ".xz", ".zip")


def corpus_root(kind: str, subset_mb: float | None, uncompressed: bool) -> Path:
    root = corpus.build() if kind == "pinned" else local_corpus.build()
    if subset_mb is None and not uncompressed:
        return root
    names = [
        n
        for n in corpus.subset(root, subset_mb if subset_mb is not None else float("inf"))
        if not n.endswith("MANIFEST") and not (uncompressed and n.endswith(COMPRESSED))
    ]
    label = f"{subset_mb:g}MB" if subset_mb is not None else "all"
    label += "-uncompressed" if uncompressed else ""
    return corpus.copy_out(root, names, corpus.CACHE / f"throughput-{kind}-{label}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=("pinned", "local"), default="pinned")
    parser.add_argument("--subset-mb", type=float, help="scan a fixed sample of this many MB")
    parser.add_argument(
        "--uncompressed",
        action="store_true",
        help="leave out compressed files (both tools decompress and scan them: policyctl as "
        "logs, with every personal-data rule)",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--detect-secrets-mb",
        type=float,
        help="also time detect-secrets 1.5.0 on a fixed sample of this many MB",
    )
    parser.add_argument(
        "--rule-sample",
        type=int,
        metavar="N",
        help="also time policyctl with a fixed sample of N of its rules (as many as "
        "kingfisher-bin's), alternating in the same run",
    )
    parser.add_argument(
        "--before",
        metavar="REF",
        help="also time policyctl at an earlier commit (e.g. main), alternating in the same run",
    )
    args = parser.parse_args()
    earlier = None
    if args.before:
        from same_findings import export

        earlier = export(args.before)
    byte_compiled(Path(__file__).resolve().parent.parent)

    root = corpus_root(args.corpus, args.subset_mb, args.uncompressed)
    files, size = corpus.describe(root)
    warm_page_cache(root)
    megabytes = size / 1e6
    print(f"corpus ({args.corpus}): {files} files, {megabytes:.1f} MB ({root})")

    scan_policyctl(root, args.jobs)  # untimed: rule caches of both tools, page cache
    scan_kingfisher(root, args.jobs)
    sampled = rule_sample(args.rule_sample) if args.rule_sample else ()
    sampled_times: list[float] = []
    sampled_cpu: list[float] = []
    if sampled:
        scan_policyctl(root, args.jobs, extra=sampled)
    if earlier is not None:
        scan_policyctl(root, args.jobs, earlier)
    before_times: list[float] = []
    before_cpu: list[float] = []
    before_findings = 0
    ours, theirs, our_peaks, their_peaks, our_cpu, their_cpu = [], [], [], [], [], []
    report: dict[str, object] = {}
    their_findings = 0
    for run in range(args.runs):
        seconds, peak, cpu, report = scan_policyctl(root, args.jobs)
        ours.append(seconds)
        our_peaks.append(peak)
        our_cpu.append(cpu)
        their_seconds, their_peak, their_cpu_s, their_findings = scan_kingfisher(root, args.jobs)
        theirs.append(their_seconds)
        their_peaks.append(their_peak)
        their_cpu.append(their_cpu_s)
        if sampled:
            sampled_s, _, sampled_cpu_s, _ = scan_policyctl(root, args.jobs, extra=sampled)
            sampled_times.append(sampled_s)
            sampled_cpu.append(sampled_cpu_s)
            print(
                f"  run {run + 1}: policyctl with {args.rule_sample} rules {sampled_s:.2f} s, "
                f"{sampled_cpu_s:.2f} CPU-s"
            )
        if earlier is not None:
            before_s, _, before_cpu_s, before_report = scan_policyctl(root, args.jobs, earlier)
            before_times.append(before_s)
            before_cpu.append(before_cpu_s)
            before_summary = before_report["summary"]
            assert isinstance(before_summary, dict)
            before_findings = before_summary["findings"]
            print(
                f"  run {run + 1}: policyctl at {args.before} {before_s:.2f} s, "
                f"{before_cpu_s:.2f} CPU-s"
            )
        print(
            f"  run {run + 1}: policyctl {seconds:.2f} s ({megabytes / seconds:.1f} MB/s, "
            f"{cpu:.2f} CPU-s, {peak:.0f} MB), kingfisher {their_seconds:.2f} s "
            f"({megabytes / their_seconds:.1f} MB/s, {their_cpu_s:.2f} CPU-s, {their_peak:.0f} MB)"
        )
    scan = report["scan"]
    summary = report["summary"]
    assert isinstance(scan, dict) and isinstance(summary, dict)
    print(
        f"policyctl --jobs {args.jobs}: {scan['files']} files scanned, {scan['rules']} rules, "
        f"engine {scan['engine']}, {summary['findings']} findings"
    )
    print(f"kingfisher-bin --jobs {args.jobs}: {their_findings} findings")
    mine, other = median(ours), median(theirs)
    print(
        f"policyctl       median {mine:7.2f} s {megabytes / mine:8.1f} MB/s  "
        f"CPU {median(our_cpu):6.2f} s  peak RSS {max(our_peaks):5.0f} MB (all processes)"
    )
    print(
        f"kingfisher-bin  median {other:7.2f} s {megabytes / other:8.1f} MB/s  "
        f"CPU {median(their_cpu):6.2f} s  peak RSS {max(their_peaks):5.0f} MB (all processes)"
    )
    print(
        f"ratio: policyctl {other / mine:.2f}x kingfisher-bin's throughput "
        f"(by CPU time: {median(their_cpu) / median(our_cpu):.2f}x); target >= 2.0x, "
        f"peak RSS <= 300 MB"
    )
    if sampled:
        few = median(sampled_times)
        print(
            f"policyctl with {args.rule_sample} of its rules (kingfisher-bin has "
            f"{kingfisher_rule_count()}): median {few:7.2f} s {megabytes / few:8.1f} MB/s  "
            f"CPU {median(sampled_cpu):6.2f} s; {other / few:.2f}x kingfisher-bin's throughput "
            f"(by CPU time: {median(their_cpu) / median(sampled_cpu):.2f}x)"
        )
    if earlier is not None:
        then = median(before_times)
        print(
            f"policyctl at {args.before}: median {then:7.2f} s {megabytes / then:8.1f} MB/s  "
            f"CPU {median(before_cpu):6.2f} s, {before_findings} findings; this checkout "
            f"{then / mine:.2f}x its throughput (by CPU time: "
            f"{median(before_cpu) / median(our_cpu):.2f}x); ratio to kingfisher-bin then "
            f"{other / then:.2f}x"
        )

    if args.detect_secrets_mb is None:
        return
    names = corpus.subset(root, args.detect_secrets_mb)
    where = corpus.copy_out(
        root, names, corpus.CACHE / f"throughput-subset-{args.detect_secrets_mb:g}MB"
    )
    their_megabytes = sum((where / n).stat().st_size for n in names) / 1e6
    warm_page_cache(where)
    seconds, peak, found = scan_detect_secrets(where, args.jobs)
    print(
        f"detect-secrets on {len(names)} files, {their_megabytes:.1f} MB: {seconds:.2f} s, "
        f"{their_megabytes / seconds:.1f} MB/s, peak RSS {peak:.0f} MB ({found} findings); "
        f"policyctl {(megabytes / mine) / (their_megabytes / seconds):.0f}x"
    )


if __name__ == "__main__":
    main()
