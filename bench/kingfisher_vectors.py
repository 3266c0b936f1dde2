"""Recall on a second collection of credentials nobody here wrote: Kingfisher's rule examples.

    python bench/kingfisher_vectors.py                 # build the cases, scan them, print recall
    python bench/kingfisher_vectors.py --show-misses   # and each missed case, by kind
    python bench/kingfisher_vectors.py --why           # and why each was missed
    python bench/kingfisher_vectors.py --peers         # detect-secrets and CredSweeper too

`bench/peer_vectors.py` measures recall on Betterleaks' labelled vectors; a figure fitted
to one collection says little, so this is a second, independent one. Kingfisher (MongoDB's
secret scanner, Apache-2.0) writes each of its own rules with `examples` that the rule
must match. Its 1.x releases ship those rules inside the binary, and the binary's wheel is
on PyPI (kingfisher-bin 1.112.0, pinned here by file name and sha256: its 2.x releases
replaced the native rules with imported Betterleaks ones, which would measure the same
collection twice). The script fetches the wheel into bench/.cache at run time, asks the
binary for its rules (`kingfisher rules list --format json`, no network, no scan) and
writes every example as its own case file under bench/.cache/kingfisher-vectors/pos/<rule
id>/. Nothing of it is committed, and no pattern or example of it is copied into the
rules.

How the labels are counted (the same way as peer_vectors.py):
- a positive is found when policyctl reports any secret finding in its file at the
  default confidence; recall is given per case and averaged over kinds (rule ids);
- rules whose name says they find an identifier, an address or a published key rather
  than a credential (`... Client ID`, `... URL`, `... Username`, `... Publishable Key`,
  see IDENTIFIER) are shown apart and left out of the headline figure, as are examples
  whose value says it is a placeholder;
- the JSON the binary prints holds no negative examples, so this source has no negatives:
  clean-negative false positives are measured on Betterleaks' negatives (peer_vectors.py).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import corpus as foundation
from bench.peer_vectors import (
    CACHE,
    WHY_HELP,
    Case,
    report,
    scan_peers,
    scan_policyctl,
    why_missed,
)

CASES = CACHE / "kingfisher-vectors"
RESULTS = CACHE / "kingfisher-vectors-results"
SOURCE = (
    "kingfisher-bin",
    "kingfisher_bin-1.112.0-py3-none-manylinux_2_17_x86_64.musllinux_1_2_x86_64.whl",
    "b4e95a485435d1d11fa4108be5b66038979a7d74b4ae55d5c3fc81248ce19b88",
)

IDENTIFIER = re.compile(
    r"(?i)\b(?:client|app(?:lication)?|account|org(?:anization)?|tenant|project|user|"
    r"instance|site|workspace|team|subscription|merchant|customer|key|api)[ -]?ids?\b"
    r"|\bID\b|\b(?:user ?name|login|e-?mail|url|uri|endpoint|host(?:name)?|domain|region"
    r"|address|publishable|public|publish|site key|sdk key|client key)\b"
)
"""Words in a Kingfisher rule's name that say its match is an identifier, an address or a
key the provider publishes to browsers and apps, not something that grants access alone."""


def is_identifier(case: Case) -> bool:
    return IDENTIFIER.search(case.syntax) is not None


def binary() -> Path:
    """The kingfisher 1.x binary, unpacked from its pinned wheel."""
    project, filename, sha256 = SOURCE
    wheel = foundation.fetch(project, filename, sha256)
    unpacked = CACHE / "kingfisher-1.x"
    target = unpacked / "kingfisher" / "bin" / "kingfisher"
    if not target.exists():
        shutil.rmtree(unpacked, ignore_errors=True)
        with zipfile.ZipFile(wheel) as bundle:
            bundle.extract("kingfisher/bin/kingfisher", unpacked)
        target.chmod(0o755)
    return target


def read_cases(kingfisher: Path) -> list[Case]:
    """One positive case per example of every rule; `syntax` holds the rule's name."""
    listed = subprocess.run(
        [str(kingfisher), "rules", "list", "--format", "json", "--no-update-check"],
        check=False,
        capture_output=True,
        text=True,
    )
    if listed.returncode != 0:  # older releases know no --no-update-check
        listed = subprocess.run(
            [str(kingfisher), "rules", "list", "--format", "json"],
            check=True,
            capture_output=True,
            text=True,
        )
    cases: list[Case] = []
    for rule in json.loads(listed.stdout):
        for example in rule.get("examples") or []:
            if isinstance(example, str) and example.strip():
                cases.append(Case(rule["id"], True, example, rule["name"]))
    return cases


def write_cases(cases: list[Case]) -> dict[str, Case]:
    shutil.rmtree(CASES, ignore_errors=True)
    where: dict[str, Case] = {}
    counters: Counter[str] = Counter()
    for case in cases:
        n = counters[case.kind]
        counters[case.kind] += 1
        stripped = case.text.lstrip()
        suffix = ".json" if stripped.startswith("{") else ".xml" if stripped[:1] == "<" else ".txt"
        rel = f"pos/{case.kind}/{n:03d}{suffix}"
        path = CASES / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(case.text if case.text.endswith("\n") else case.text + "\n")
        where[rel] = case
    return where


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument(
        "--peers", action="store_true", help="also run detect-secrets and CredSweeper"
    )
    parser.add_argument("--why", action="store_true", help=WHY_HELP)
    args = parser.parse_args()
    cases = read_cases(binary())
    unique = list({(c.kind, c.text): c for c in cases}.values())
    where = write_cases(unique)
    print(
        f"source: {SOURCE[1]} (sha256 {SOURCE[2][:12]}...), {len(unique)} examples of "
        f"{len({c.kind for c in unique})} rules written to {CASES}; no negatives in this "
        "source (clean negatives: bench/peer_vectors.py)"
    )
    found, _ = scan_policyctl(cases=CASES, results=RESULTS)
    _, refuted = scan_policyctl("0.3", cases=CASES, results=RESULTS)
    hits = {"policyctl": found}
    if args.peers:
        hits.update(scan_peers(CASES, RESULTS))
    why = (lambda missed: why_missed(CASES, missed)) if args.why else None
    report(where, hits, refuted - found, args.show_misses, identifier=is_identifier, why=why)


if __name__ == "__main__":
    sys.exit(main())
