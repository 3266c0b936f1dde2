"""Pre-commit latency: the hook's command on a 20-file staged change in a 10,000-file repo.

    python bench/precommit_latency.py [--runs 15]

Prints the median wall time (Python start-up included) of `policyctl scan --staged`, the
hook's entry, with a warm cache (the steady state on a developer machine) and once cold,
next to `python -c pass` and `git diff --cached` on the same repository in the same run.
Target: well under 1 s.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _corpus import CACHE, code_line, commit_block, fast_import, file_text, median_seconds

FILES = 10_000
STAGED = 20


def build_repo(repo: Path) -> None:
    rng = random.Random(7)
    files = {f"src/pkg{i // 100:03d}/mod{i:05d}.py": file_text(rng, 60) for i in range(FILES)}
    fast_import(repo, iter([commit_block(1, 1_700_000_000, "initial", files, parent=False)]))


def stage_change(repo: Path) -> None:
    rng = random.Random(11)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=repo, check=True)
    for i in rng.sample(range(FILES), STAGED):
        path = repo / f"src/pkg{i // 100:03d}/mod{i:05d}.py"
        with path.open("a") as out:
            out.write("\n".join(code_line(rng) for _ in range(10)) + "\n")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    repo = CACHE / "precommit-10k"
    if not (repo / ".git").is_dir():
        print(f"building {FILES} files in {repo} ...", flush=True)
        build_repo(repo)
    stage_change(repo)
    policyctl = shutil.which("policyctl") or str(Path(sys.executable).with_name("policyctl"))
    cache = CACHE / "policyctl-cache"
    env = {**os.environ, "POLICYCTL_CACHE_DIR": str(cache)}

    def hook() -> None:
        done = subprocess.run(
            [policyctl, "scan", "--staged", "--no-progress", "-q"], cwd=repo, env=env
        )
        assert done.returncode == 0, "the staged change should be clean"

    shutil.rmtree(cache, ignore_errors=True)
    start = time.perf_counter()
    hook()
    cold = time.perf_counter() - start
    warm = median_seconds(hook, args.runs)
    python = median_seconds(lambda: subprocess.run([sys.executable, "-c", "pass"]), args.runs)
    git = median_seconds(
        lambda: subprocess.run(
            ["git", "diff", "--cached", "--name-only"], cwd=repo, capture_output=True
        ),
        args.runs,
    )
    print(f"repository: {FILES} files; staged: {STAGED} modified files; runs: {args.runs}")
    print(f"policyctl scan --staged (warm cache), median: {warm * 1000:7.0f} ms")
    print(f"policyctl scan --staged (cold cache), once:   {cold * 1000:7.0f} ms")
    print(f"python -c pass, median:                       {python * 1000:7.0f} ms")
    print(f"git diff --cached --name-only, median:        {git * 1000:7.0f} ms")
    print(f"hook / python start-up: {warm / python:.1f}x; hook / git diff: {warm / git:.1f}x")


if __name__ == "__main__":
    main()
