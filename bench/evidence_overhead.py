"""What evidence costs: a scan with `--evidence --sign-key` against the same scan without,
on a 2,000-file repository whose lockfiles list N packages, and `policyctl verify`.

    python bench/evidence_overhead.py [--runs 7] [--packages 500]

Prints medians of wall time (start-up included) for: `policyctl --version` (start-up
alone), the plain scan, the scan writing a signed bundle (report, SARIF, SBOM, DSSE
provenance, detached signature, SHA256SUMS), and `policyctl verify` of that bundle; then
the bundle's cost as a ratio to the plain scan and in milliseconds. All in one run, on the
same machine, so a busy machine moves every figure alike.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
from pathlib import Path

from git_corpus import commit_block, fast_import, file_text
from measure import CACHE, median, policyctl_command, run_measured

FILES = 2_000


def lockfiles(rng: random.Random, packages: int) -> dict[str, str]:
    """Three quarters npm, three twentieths Python, a tenth Go: a web app's proportions."""
    npm_packages, python_packages = packages * 3 // 4, packages * 3 // 20
    go_modules = packages - npm_packages - python_packages
    npm = {
        f"node_modules/pkg-{i:04d}": {"version": f"{rng.randrange(1, 9)}.{i % 50}.{i % 7}"}
        for i in range(npm_packages)
    }
    poetry = "".join(
        f'[[package]]\nname = "lib-{i:03d}"\nversion = "1.{i % 30}.{i % 4}"\n\n'
        for i in range(python_packages)
    )
    go_sum = "".join(
        f"example.com/mod{i:03d} v1.{i % 9}.0 h1:x=\n"
        f"example.com/mod{i:03d} v1.{i % 9}.0/go.mod h1:y=\n"
        for i in range(go_modules)
    )
    return {
        "web/package-lock.json": json.dumps({"lockfileVersion": 3, "packages": {"": {}, **npm}}),
        "poetry.lock": poetry,
        "svc/go.sum": go_sum,
    }


def build_repo(repo: Path, packages: int) -> None:
    rng = random.Random(5)
    files = {f"src/pkg{i // 100:02d}/mod{i:04d}.py": file_text(rng, 60) for i in range(FILES)}
    files.update(lockfiles(rng, packages))
    fast_import(repo, iter([commit_block(1, 1_700_000_000, "initial", files, parent=False)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--packages", type=int, default=500)
    args = parser.parse_args()
    work = CACHE / f"evidence-{args.packages}"
    repo = work / "repo"
    if not (repo / ".git").exists():
        shutil.rmtree(work, ignore_errors=True)
        repo.mkdir(parents=True)
        build_repo(repo, args.packages)
        subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=repo, check=True)
    policyctl = policyctl_command()
    keys = work / "keys"
    if not (keys / "policyctl.key").exists():
        subprocess.run([policyctl, "keygen", "--out", keys], check=True, capture_output=True)
    scan = [policyctl, "scan", str(repo), "--no-audit", "--no-progress", "-q"]
    scan += ["--format", "json", "--output", str(work / "report.json")]
    times: dict[str, list[float]] = {"start-up": [], "scan": [], "scan+evidence": [], "verify": []}
    for run in range(args.runs):
        bundle = work / f"bundle-{run}"
        shutil.rmtree(bundle, ignore_errors=True)
        measured = {
            "start-up": run_measured([policyctl, "--version"]),
            "scan": run_measured(scan),
            "scan+evidence": run_measured(
                [*scan, "--evidence", str(bundle), "--sign-key", str(keys / "policyctl.key")]
            ),
            "verify": run_measured(
                [policyctl, "verify", str(bundle), "--key", str(keys / "policyctl.pub")]
            ),
        }
        for name, result in measured.items():
            if result.returncode != 0:
                raise SystemExit(f"{name} failed ({result.returncode}): {result.stderr[-400:]}")
            times[name].append(result.seconds)
    components = len(json.loads((work / "bundle-0" / "sbom.cdx.json").read_text())["components"])
    print(f"corpus: {FILES} files, {components} SBOM components; {args.runs} runs, medians")
    for name, values in times.items():
        print(f"  {name:14s} {median(values) * 1000:8.0f} ms")
    plain, full = median(times["scan"]), median(times["scan+evidence"])
    print(f"  evidence cost  {(full - plain) * 1000:8.0f} ms  (x{full / plain:.2f} the plain scan)")


if __name__ == "__main__":
    main()
