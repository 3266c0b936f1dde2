"""What judging findings against policy packs costs: the policy stage alone, and a whole
scan with every built-in pack against the same scan without packs, in one run.

    python bench/policy_stage.py [--findings 100000] [--runs 3] [--scan] [--jobs 2]

Part 1 builds synthetic findings from the real rules (random rule, path and source kind,
seeded) and times `assess` (waivers, controls and modes, risk, compliance) with all
built-in packs and with none (the severity threshold only). Part 2 (--scan) scans the
benchmark corpus (bench/corpus.py) with `policyctl scan` and every pack, and without.
Medians of --runs runs; the ratios are what the packs add.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date

from measure import median, policyctl_command, run_measured, warm_page_cache

from policyctl.core.model import SOURCE_KINDS, Finding, Location
from policyctl.detection.rules import load_rules
from policyctl.policy.assess import assess
from policyctl.policy.enforce import Policy
from policyctl.policy.packs import builtin_pack_files, load_packs


def synthetic_findings(count: int) -> list[Finding]:
    rules = load_rules()
    rng = random.Random(5)
    findings = []
    for index in range(count):
        rule = rng.choice(rules)
        folder = rng.choice(["src", "lib", "tests", "data", "logs"])
        findings.append(
            Finding(
                rule_id=rule.id,
                title=rule.title,
                category=rule.category,
                severity=rule.severity,
                confidence=round(rng.uniform(0.5, 1.0), 2),
                data_class=rule.data_class,
                location=Location(f"{folder}/m{index % 300}/f{index % 5000}.py", 1 + index % 90),
                preview="abcd…",
                fingerprint=f"{index:032x}",
                tags=rule.tags,
                source_kind=rng.choice(SOURCE_KINDS),
            )
        )
    return findings


def time_assess(findings: list[Finding], policy: Policy, runs: int) -> float:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        assess(findings, policy, (), date(2025, 1, 1))
        seconds.append(time.perf_counter() - started)
    return median(seconds)


def time_scan(root: str, packs: list[str], jobs: int, runs: int) -> float:
    command = [policyctl_command(), "scan", root, "--jobs", str(jobs), "--no-progress", "-q"]
    command += ["-f", "json", "-o", "/dev/null"]
    for pack in packs:
        command += ["--pack", pack]
    seconds = []
    for _ in range(runs):
        result = run_measured(command)
        if result.returncode not in (0, 1):
            raise SystemExit(f"policyctl failed: {result.stderr.strip()}")
        seconds.append(result.seconds)
    return median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scan", action="store_true", help="also scan the benchmark corpus")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    pack_ids = list(builtin_pack_files())
    packs = load_packs(pack_ids)
    findings = synthetic_findings(args.findings)
    with_packs = time_assess(findings, Policy(packs=packs), args.runs)
    without = time_assess(findings, Policy(), args.runs)
    print(f"policy stage, {len(findings):,} findings, median of {args.runs}:")
    print(
        f"  {len(packs)} packs ({sum(len(p.controls) for p in packs)} controls): "
        f"{with_packs:.2f} s ({len(findings) / with_packs:,.0f} findings/s)"
    )
    print(
        f"  no packs (severity threshold):  {without:.2f} s "
        f"({len(findings) / without:,.0f} findings/s)"
    )
    print(f"  ratio: {with_packs / without:.1f}x")

    if args.scan:
        import corpus

        root = corpus.build()
        warm_page_cache(root)
        files, size = corpus.describe(root)
        plain = time_scan(str(root), [], args.jobs, args.runs)
        packed = time_scan(str(root), pack_ids, args.jobs, args.runs)
        print(
            f"scan of the corpus ({files:,} files, {size / 1e6:.0f} MB), --jobs {args.jobs}, "
            f"median of {args.runs}:"
        )
        print(
            f"  without packs: {plain:.2f} s; with all {len(packs)} packs: {packed:.2f} s; "
            f"ratio {packed / plain:.3f}"
        )


if __name__ == "__main__":
    main()
