"""Cold start: a one-file scan with an empty cache, policyctl beside kingfisher-bin, and
`scan --staged` in a fresh clone with an empty cache (the pre-commit.ci case).

    python bench/cold_start.py [--runs 5] [--before REF]

Each cold run gets a new empty cache folder: POLICYCTL_CACHE_DIR for policyctl, HOME
and XDG_CACHE_HOME for kingfisher-bin 2.14 (its Vectorscan rule cache lives there). The
file is a real module of the standard library (json/decoder.py, about 12 KB). Warm runs
reuse one cache after a priming run. The tools alternate; printed: medians of wall
seconds and peak RSS summed over each tool's processes (issue 18's targets: cold <= 1.0 s
and no slower than kingfisher-bin, warm <= 0.4 s).

The staged case: a repository of 300 standard-library files is committed, cloned afresh,
three files are changed and staged, and `policyctl scan --staged` (kingfisher-bin: `scan
--staged`) runs in the clone with an empty cache.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from measure import byte_compiled, median, policyctl_command, run_measured, tool_venv

KINGFISHER = "kingfisher-bin==2.14.0"
STDLIB = Path(sysconfig.get_paths()["stdlib"])


def policyctl(
    args: list[str], cache: Path, cwd: Path | None = None, code: Path | None = None
) -> tuple[float, float, float]:
    """`policyctl scan args`; with `code`, an earlier commit's policyctl exported there
    (run as python -m policyctl, with this virtualenv's dependencies)."""
    # -P: the working directory (maybe this checkout) must not come before `code`
    command = [policyctl_command()] if code is None else [sys.executable, "-P", "-m", "policyctl"]
    env = {"POLICYCTL_CACHE_DIR": str(cache)}
    if code is not None:
        env["PYTHONPATH"] = str(code)
    result = run_measured(
        [*command, "scan", *args, "--no-progress", "--no-audit", "-q"], cwd=cwd, env=env
    )
    if result.returncode not in (0, 1):
        raise SystemExit(f"policyctl failed ({result.returncode}): {result.stderr[-500:]}")
    return result.seconds, result.peak_rss_mb, result.cpu_seconds


def kingfisher(args: list[str], home: Path, cwd: Path | None = None) -> tuple[float, float, float]:
    tool = tool_venv("kingfisher", KINGFISHER) / "kingfisher"
    result = run_measured(
        [str(tool), "scan", *args, "--no-validate", "--no-update-check", "--jobs", "2"],
        cwd=cwd,
        env={"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")},
    )
    if result.returncode not in (0, 200, 205):
        raise SystemExit(f"kingfisher failed ({result.returncode}): {result.stderr[-500:]}")
    return result.seconds, result.peak_rss_mb, result.cpu_seconds


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def staged_clone(scratch: Path) -> Path:
    origin = scratch / "origin"
    files = sorted(p for p in (STDLIB / "email").rglob("*.py"))
    files += sorted(p for p in (STDLIB / "test").glob("test_*.py"))
    for path in files[:300]:
        target = origin / path.relative_to(STDLIB)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    git(origin, "init", "-q")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "corpus")
    clone = scratch / "clone"
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True)
    changed = sorted(clone.rglob("*.py"))[:3]
    for path in changed:
        path.write_text(path.read_text() + "\nTIMEOUT_SECONDS = 30\n")
    git(clone, "add", *[str(p.relative_to(clone)) for p in changed])
    return clone


def report(label: str, runs: list[tuple[float, float, float]]) -> float:
    seconds = median([s for s, _, _ in runs])
    cpu = median([c for _, _, c in runs])
    peak = max(p for _, p, _ in runs)
    spread = ", ".join(f"{s:.2f}" for s, _, _ in runs)
    print(
        f"  {label:34} median {seconds:5.2f} s  CPU {cpu:5.2f} s  peak RSS {peak:4.0f} MB  "
        f"(runs: {spread})"
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--before",
        metavar="REF",
        help="also time the one-file scans (cold, warm) of this earlier commit, alternating",
    )
    args = parser.parse_args()
    tool_venv("kingfisher", KINGFISHER)
    earlier = None
    if args.before:
        from same_findings import export

        earlier = export(args.before)
    byte_compiled(Path(__file__).resolve().parent.parent)
    with tempfile.TemporaryDirectory() as temporary:
        scratch = Path(temporary)
        one = scratch / "one" / "decoder.py"
        one.parent.mkdir()
        shutil.copyfile(STDLIB / "json" / "decoder.py", one)
        print(f"one file: {one.name}, {one.stat().st_size} bytes")

        cold: dict[str, list[tuple[float, float, float]]] = {
            "policyctl": [], "kingfisher": [], "before": []
        }  # fmt: skip
        for run in range(args.runs):
            cold["policyctl"].append(policyctl([str(one)], scratch / f"pc-cold-{run}"))
            cold["kingfisher"].append(kingfisher([str(one)], scratch / f"kf-cold-{run}"))
            if earlier is not None:
                cold["before"].append(
                    policyctl([str(one)], scratch / f"pc-before-{run}", code=earlier)
                )
        warm: dict[str, list[tuple[float, float, float]]] = {
            "policyctl": [], "kingfisher": [], "before": []
        }  # fmt: skip
        policyctl([str(one)], scratch / "pc-warm")
        kingfisher([str(one)], scratch / "kf-warm")
        if earlier is not None:
            policyctl([str(one)], scratch / "pc-before-warm", code=earlier)
        for _ in range(args.runs):
            warm["policyctl"].append(policyctl([str(one)], scratch / "pc-warm"))
            warm["kingfisher"].append(kingfisher([str(one)], scratch / "kf-warm"))
            if earlier is not None:
                warm["before"].append(
                    policyctl([str(one)], scratch / "pc-before-warm", code=earlier)
                )

        clone = staged_clone(scratch)
        staged: dict[str, list[tuple[float, float, float]]] = {"policyctl": [], "kingfisher": []}
        for run in range(args.runs):
            staged["policyctl"].append(
                policyctl(["--staged"], scratch / f"pc-staged-{run}", cwd=clone)
            )
            staged["kingfisher"].append(
                kingfisher([".", "--staged"], scratch / f"kf-staged-{run}", cwd=clone)
            )

    print(f"medians of {args.runs} alternating runs:")
    print("one-file scan, empty cache:")
    ours = report("policyctl", cold["policyctl"])
    theirs = report("kingfisher-bin", cold["kingfisher"])
    print(f"  ratio: kingfisher-bin takes {theirs / ours:.2f}x policyctl's time")
    if cold["before"]:
        earlier_time = report(f"policyctl at {args.before}", cold["before"])
        print(f"  ratio: {args.before} takes {earlier_time / ours:.2f}x this checkout's time")
    print("one-file scan, warm cache:")
    ours = report("policyctl", warm["policyctl"])
    report("kingfisher-bin", warm["kingfisher"])
    if warm["before"]:
        earlier_time = report(f"policyctl at {args.before}", warm["before"])
        print(f"  ratio: {args.before} takes {earlier_time / ours:.2f}x this checkout's time")
    print("--staged in a fresh clone (3 staged files of 300), empty cache:")
    report("policyctl", staged["policyctl"])
    report("kingfisher-bin", staged["kingfisher"])


if __name__ == "__main__":
    main()
