"""Exactness check for speed work: the findings of this checkout and of an earlier commit,
on the same inputs, must be identical.

    python bench/same_findings.py [--ref REF] [--subset-mb 60] [--jobs 2]
    python bench/same_findings.py --corpus pinned --cache ~/.cache/policyctl

REF (default: where this branch left main, `git merge-base HEAD main`) is exported with
`git archive` into bench/.cache/ref-<sha> and run as `python -m policyctl` from there,
with this checkout's virtualenv (same dependencies). Both scan, each with its own empty
cache:

- a real code corpus: a fixed sample of bench/local_corpus.py (--subset-mb), or with
  `--corpus pinned` the whole of bench/corpus.py's (bench/throughput.py's corpus);
- a dataset folder made here (seeded): CSV and JSON lines of digits, dates, e-mails,
  card-like and account-like numbers under telling and neutral column names;
- the git history of this repository (`scan --git`).

Compared per finding: rule, fingerprint, path, line, column, commit, row, field,
confidence, validated and suppression. Prints IDENTICAL or the first differences, and
exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import corpus
import local_corpus
from measure import byte_compiled

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"


def export(ref: str) -> Path:
    sha = subprocess.run(
        ["git", "rev-parse", ref], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    target = CACHE / f"ref-{sha[:12]}"
    if not (target / "policyctl").is_dir():
        archive = subprocess.run(["git", "archive", sha], cwd=ROOT, capture_output=True, check=True)
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(target, filter="data")
    return byte_compiled(target)


def datasets(folder: Path) -> Path:
    """Seeded tables and JSON lines, heavy in digits: the digit rules' worst case."""
    rng = random.Random(18)
    folder.mkdir(parents=True, exist_ok=True)

    def digits(n: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(n))

    def row() -> list[str]:
        return [
            digits(rng.randint(4, 12)),
            f"{rng.randint(1950, 2010)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            f"user{rng.randint(1, 99999)}@example.org",
            " ".join(digits(4) for _ in range(4)),
            digits(9),
            f"{rng.random() * 1e6:.4f}",
            rng.choice(["ok", "late", "", digits(3) + "-" + digits(2) + "-" + digits(4)]),
        ]

    for name, header in (
        ("patients.csv", ["mrn", "dob", "email", "card", "ssn", "amount", "note"]),
        ("metrics.csv", ["id", "day", "owner", "series", "count", "value", "tag"]),
    ):
        with (folder / name).open("w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows(row() for _ in range(20_000))
    with (folder / "events.jsonl").open("w") as out:
        for _ in range(20_000):
            values = row()
            record = {"account": values[0], "when": values[1], "contact": values[2]}
            record.update({"payload": values[3:]})
            out.write(json.dumps(record) + "\n")
    return folder


def scan(
    policyctl: list[str], args: list[str], cache: Path, env_path: str | None
) -> list[tuple[object, ...]]:
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        env = {**os.environ, "POLICYCTL_CACHE_DIR": str(cache)}
        if env_path is not None:
            env["PYTHONPATH"] = env_path
        done = subprocess.run(
            [*policyctl, "scan", *args, "--no-audit", "--no-progress", "-q", "-f", "json",
             "-o", str(report)],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(policyctl)} failed: {done.stderr[-800:]}")
        findings = json.loads(report.read_text())["findings"]
    return sorted(
        (
            f["rule_id"], f["fingerprint"], f["location"]["path"], f["location"].get("line"),
            f["location"].get("column"), f["location"].get("commit"), f["location"].get("row"),
            f["location"].get("field"), f["confidence"], f.get("validated"), f.get("suppressed"),
        )
        for f in findings
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", help="the earlier commit (default: merge-base with main)")
    parser.add_argument("--subset-mb", type=float, default=60)
    parser.add_argument(
        "--corpus",
        choices=("local", "pinned"),
        default="local",
        help="the code sample: of bench/local_corpus.py (default), or with `pinned` all of "
        "bench/corpus.py's sdists (the corpus bench/throughput.py measures; --subset-mb unused)",
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--cache",
        type=Path,
        help="one policyctl cache folder for both sides, kept (default: an empty one each, "
        "removed after). Entries are named by the digest of the code that made them, so "
        "the two never share one; a kept cache spares compiling Hyperscan on a busy machine",
    )
    options = parser.parse_args()
    ref = (
        options.ref
        or subprocess.run(
            ["git", "merge-base", "HEAD", "main"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    before = export(ref)
    if options.corpus == "pinned":
        code, label = corpus.build(), "real code (the pinned corpus)"
    else:
        code = local_corpus.build()
        names = [n for n in corpus.subset(code, options.subset_mb) if not n.endswith("MANIFEST")]
        code = corpus.copy_out(code, names, CACHE / f"throughput-local-{options.subset_mb:g}MB")
        label = f"real code ({options.subset_mb:g} MB sample)"
    inputs = {
        label: [str(code)],
        "dataset folder": [str(datasets(CACHE / "same-findings-datasets"))],
        "git history of this repository": ["--git", str(ROOT)],
    }
    # -P: not the working directory first on sys.path, which would import this
    # checkout's policyctl for both sides when run from its top folder
    python = [sys.executable, "-P", "-m", "policyctl"]
    failed = False
    with tempfile.TemporaryDirectory() as caches:
        before_cache = options.cache or Path(caches) / "before"
        after_cache = options.cache or Path(caches) / "after"
        for label, target in inputs.items():
            args = [*target, "--jobs", str(options.jobs)]
            old = scan(python, args, before_cache, str(before))
            new = scan(python, args, after_cache, None)
            same = old == new
            failed |= not same
            print(f"{label}: {len(old)} findings before ({ref[:12]}), {len(new)} after: "
                  f"{'IDENTICAL' if same else 'DIFFERENT'}")  # fmt: skip
            if not same:
                print("  only before:", sorted(set(old) - set(new))[:5])
                print("  only after: ", sorted(set(new) - set(old))[:5])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
