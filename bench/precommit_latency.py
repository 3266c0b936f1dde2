"""Pre-commit latency: the hook's command on a 20-file staged change in a 10,000-file repo.

    python bench/precommit_latency.py [--runs 15]

Prints the median wall time (Python start-up included) of `policyctl scan --staged`, the
hook's entry, and its CPU time (which a busy machine does not inflate), with a warm cache
(the steady state on a developer machine) and once cold, next to `python -c pass` and
`git diff --cached` on the same repository in the same run.
Target: well under 1 s.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
from pathlib import Path

from git_corpus import code_line, commit_block, fast_import, file_text
from measure import CACHE, median, policyctl_command, run_measured

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
    cache = CACHE / "policyctl-cache"
    hook = [policyctl_command(), "scan", "--staged", "--no-progress", "-q"]
    env = {"POLICYCTL_CACHE_DIR": str(cache)}

    cpu: list[float] = []

    def timed(command: list[str]) -> float:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = run_measured(command, cwd=repo, env=env)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        assert result.returncode == 0, result.stderr
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        return result.seconds

    shutil.rmtree(cache, ignore_errors=True)
    cold = timed(hook)
    warm = median([timed(hook) for _ in range(args.runs)])
    warm_cpu = median(cpu[1:])
    python = median([timed([sys.executable, "-c", "pass"]) for _ in range(args.runs)])
    git = median([timed(["git", "diff", "--cached", "--name-only"]) for _ in range(args.runs)])
    print(f"repository: {FILES} files; staged: {STAGED} modified files; runs: {args.runs}")
    print(f"policyctl scan --staged (warm cache), median: {warm * 1000:7.0f} ms")
    print(f"  its CPU time (user + system), median:       {warm_cpu * 1000:7.0f} ms")
    print(f"policyctl scan --staged (cold cache), once:   {cold * 1000:7.0f} ms")
    print(f"python -c pass, median:                       {python * 1000:7.0f} ms")
    print(f"git diff --cached --name-only, median:        {git * 1000:7.0f} ms")
    print(f"hook / python start-up: {warm / python:.1f}x; hook / git diff: {warm / git:.1f}x")


if __name__ == "__main__":
    main()
