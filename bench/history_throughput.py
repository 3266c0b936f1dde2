"""History scan throughput: MB of diffs per second of `policyctl scan --git`.

    python bench/history_throughput.py [--commits 3000] [--runs 3]

Builds a repository of many commits (bench/.cache), measures the size of its diffs
(`git log -p -U0 --cc --all`, what policyctl reads) and prints the median time of that
`git log` alone and of `policyctl scan --git`, the throughput in MB of diffs per second,
and the ratio to git's own time (the floor for any scanner that reads history via git).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
from pathlib import Path

from git_corpus import code_line, commit_block, fast_import, file_text, secret_line
from measure import CACHE, median, policyctl_command, run_measured

FILES = 400


def build_repo(repo: Path, commits: int) -> None:
    rng = random.Random(3)
    texts = {f"app/module{i:03d}.py": file_text(rng, 120) for i in range(FILES)}

    def stream():  # type: ignore[no-untyped-def]
        yield commit_block(1, 1_600_000_000, "initial", dict(texts), parent=False)
        for n in range(2, commits + 1):
            changed = {}
            for path in rng.sample(sorted(texts), 4):
                lines = texts[path].splitlines()
                for _ in range(12):
                    at = rng.randrange(len(lines) + 1)
                    line = secret_line(rng) if rng.random() < 0.002 else code_line(rng)
                    lines.insert(at, line)
                del lines[: rng.randrange(0, 8)]
                texts[path] = changed[path] = "\n".join(lines) + "\n"
            yield commit_block(n, 1_600_000_000 + n * 60, f"change {n}", changed, parent=True)

    fast_import(repo, stream())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    repo = CACHE / f"history-{args.commits}"
    if not (repo / ".git").is_dir():
        print(f"building {args.commits} commits in {repo} ...", flush=True)
        build_repo(repo, args.commits)
    log = ["git", "log", "-p", "-U0", "--cc", "--full-index", "--all", "--format=%H"]
    diff_bytes = len(subprocess.run(log, cwd=repo, capture_output=True, check=True).stdout)
    scan = [policyctl_command(), "scan", "--git", "--no-progress", "-f", "json", "-o", os.devnull]
    env = {"POLICYCTL_CACHE_DIR": str(CACHE / "policyctl-cache")}
    run_measured(scan, cwd=repo, env=env)  # warm the rule and engine caches
    git_runs = [run_measured(log, cwd=repo) for _ in range(args.runs)]
    scan_runs = [run_measured(scan, cwd=repo, env=env) for _ in range(args.runs)]
    assert all(r.returncode in (0, 1) for r in scan_runs), scan_runs[0].stderr
    git_time = median([r.seconds for r in git_runs])
    scan_time = median([r.seconds for r in scan_runs])
    peak = median([r.peak_rss_mb for r in scan_runs])
    megabytes = diff_bytes / 1e6
    print(f"commits: {args.commits}; diffs: {megabytes:.1f} MB; runs: {args.runs}")
    for name, seconds in (("git log -p (alone)", git_time), ("policyctl scan --git", scan_time)):
        print(f"{name + ', median:':34} {seconds:6.2f} s  ({megabytes / seconds:6.1f} MB/s)")
    print(f"policyctl / git log: {scan_time / git_time:.1f}x; policyctl peak memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
