"""Differential test of secret detection on real code: policyctl beside three peers.

    python bench/differential.py                  # ~110 MB corpus, every tool on all of it
    python bench/differential.py --subset-mb 30   # every tool on the same fixed 30 MB
    python bench/differential.py --large          # adds bench/corpus.py's ~300 MB: ~500 MB

1. The corpus: pinned source releases of popular projects with test suites, PyPI sdists
   (fetched from the index as bench/corpus.py does) and npm tarballs (`npm pack`), each
   checked against its sha256 and unpacked under bench/.cache/differential (git-ignored).
2. policyctl (default confidence, secret findings), detect-secrets 1.5.0, CredSweeper
   1.19.5 and kingfisher-bin 2.14.0 (`--no-validate --no-update-check`) scan the same
   folder. Peers come from bench/_peers.py, never from policyctl's dependencies.
3. Printed: per tool, findings and findings per 100 MB; the overlap matrix on
   (file, line); and the (file, line) pairs that at least one peer reports and policyctl
   does not, and those policyctl reports alone.
4. Triage: bench/differential_triage.csv holds a person's verdict on such lines (file,
   line, verdict, reason; never the value): `credential` (credential-shaped: a real key,
   a private key in a test fixture, a hash), `fixture` (an example value written for a
   test or a doc, shaped like a credential), or `false-alarm` (not a credential at all).
   Precision = (credential + fixture) / triaged findings of policyctl; the lines two peers
   agree on and policyctl misses are listed with their verdict, and any such line
   without a triage row is listed as untriaged.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import corpus as foundation
from bench._peers import peer_bin

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
ARCHIVES = CACHE / "differential-archives"
CORPUS = CACHE / "differential"
RESULTS = CACHE / "differential-results"
TRIAGE = ROOT / "bench" / "differential_triage.csv"
POLICYCTL = Path(sys.executable).parent / "policyctl"

PYPI: dict[str, tuple[str, str]] = {
    # project: (sdist file name, sha256)
    "botocore": (
        "botocore-1.44.18.tar.gz",
        "c78f0a2346b4700d77702530d04c1fed525ef0bb9723218eb8a7cfeae07b6b28",
    ),
    "ansible-core": (
        "ansible_core-2.22.0rc1.tar.gz",
        "51d6903d48636b3e627bd312b4f97bd4d8945e35d4e1b1809c7648cf0e978947",
    ),
    "sqlalchemy": (
        "sqlalchemy-2.0.58.tar.gz",
        "2acdcec9836b7c1514a9ad426e7731669a1186d96481a2e82c50bf2aebb49061",
    ),
    "twisted": (
        "twisted-26.10.0.tar.gz",
        "5f0355403e507fc23ceea85e9dbb4bc59335aabde41dd324e8b8cea180dd38de",
    ),
    "paramiko": (
        "paramiko-5.1.0.tar.gz",
        "239b5f9b2a53006cd54f83cf8495ee742083708ead947882c8dd2786de79f39b",
    ),
    "requests": (
        "requests-2.9.2.tar.gz",
        "d8be941a08cf36e4f424ac76073eb911e5e646a33fcb3402e1642c426bf34682",
    ),
    "celery": (
        "celery-5.7.0.tar.gz",
        "6a5dfcf6662287204f009a02002b9e66c83d4105e47ebabdc7079108772fc6f0",
    ),
    "scrapy": (
        "Scrapy-2.9.0.tar.gz",
        "564c972b56e54b83141f395ce3f6a25bfe2093d61d13f9b81d05384e19db98da",
    ),
    "flask": (
        "flask-3.1.3.tar.gz",
        "0ef0e52b8a9cd932855379197dd8f94047b359ca0a78695144304cb45f87c9eb",
    ),
    "apache-libcloud": (
        "apache_libcloud-3.9.1.tar.gz",
        "b65eaa5ac32b28a0f9555e6a223dba39e73b99b682cd849624587ce7bc251661",
    ),
}

NPM: dict[str, tuple[str, str]] = {
    # package: (version, sha256 of the tarball `npm pack` fetches)
    "axios": ("1.21.1", "5659acb8c9414ad88aa539db8e529947c9bac8cdf55973e314a078fc0205751c"),
    "express": ("5.3.0", "62450d99e36dc393295f1ddd93cb9291e658c169f3b700b0110c1ae8fa799930"),
    "firebase-admin": (
        "13.10.0",
        "cad211245a33c3a2eebce7df47217df5488953d03a27d56143e15de29c6e07f1",
    ),
    "ioredis": ("6.1.0", "b4332b9cae609e292c97dd826f635d72d329db29ebea76bd417c5def86c5fd1f"),
    "jsonwebtoken": ("9.0.3", "d9af2628a7a4dda25acf1e19c7ecc2468e1e9e8d4619fe2cae829e89d96f6b82"),
    "mongoose": ("9.13.1", "f3875d55a5a32ca3a84e013db20757e09c453fb4ab222ad123cdf177fa2d7767"),
    "mysql2": ("3.25.0", "a22ee7e985b36285e79a9fb35bfb3180260b1fbe5a96826cdcb2b0cd37449bbf"),
    "nodemailer": ("10.6.1", "7b1a6615b333c7f09c5a3e9147085f6c762eb2ace4abde0341a9e0dd4bf02af8"),
    "pg": ("8.23.1", "0d7999c755c25f7c02fbd96196291148eda737bb91e78e4031b9ebe5ef7d7de7"),
    "stripe": ("23.2.0", "ccf24ad1dbc39ecb5b7878f14d983569b85bea98b08ba0ba8fd324d14b20b423"),
    "twilio": ("6.3.1", "7ff4f4b6c1cfaa81a69cdb45072e50ca1656e0331cb49435a7b30d06f252e6f7"),
}

Place = tuple[str, int]
"""(file relative to the scanned folder, line number)"""

LINE_TOLERANCE = 5
"""Two tools agree on a place when they name the same file and lines at most this far
apart: a private key is reported at its BEGIN line by one tool and at its body (after the
Proc-Type and DEK-Info headers) by another. Two peers agree on a line when both name
exactly that (file, line)."""


def near(place: Place, others: dict[str, list[int]]) -> bool:
    """Whether `others` (file -> lines) holds a line within LINE_TOLERANCE of `place`."""
    return any(abs(line - place[1]) <= LINE_TOLERANCE for line in others.get(place[0], ()))


def by_file(places: set[Place]) -> dict[str, list[int]]:
    files: dict[str, list[int]] = {}
    for path, line in places:
        files.setdefault(path, []).append(line)
    return files


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_npm(package: str, version: str, pinned: str) -> Path:
    """The package's tarball, fetched once with `npm pack` and checked against its sha256."""
    ARCHIVES.mkdir(parents=True, exist_ok=True)
    target = ARCHIVES / f"{package.replace('/', '-').lstrip('@')}-{version}.tgz"
    if not (target.exists() and sha256_of(target) == pinned):
        subprocess.run(
            ["npm", "pack", "-q", f"{package}@{version}", "--pack-destination", str(ARCHIVES)],
            check=True,
            capture_output=True,
        )
    if sha256_of(target) != pinned:
        target.unlink()
        raise SystemExit(f"{target.name}: sha256 mismatch")
    return target


def build(large: bool) -> Path:
    """The corpus folder with every pinned project unpacked (and the foundation corpus's
    projects too with `large`)."""
    archives: list[tuple[str, Callable[[], Path]]] = []
    for project, (filename, sha256) in PYPI.items():
        archives.append(
            (f"pypi/{project}", lambda p=project, f=filename, s=sha256: foundation.fetch(p, f, s))
        )  # type: ignore[misc]
    for package, (version, sha256) in NPM.items():
        archives.append(
            (f"npm/{package}", lambda p=package, v=version, s=sha256: fetch_npm(p, v, s))
        )  # type: ignore[misc]
    if large:
        for project, (filename, sha256) in foundation.PINNED.items():
            archives.append(
                (
                    f"pypi/{project}",
                    lambda p=project, f=filename, s=sha256: foundation.fetch(p, f, s),
                )
            )  # type: ignore[misc]
    for name, get in archives:
        marker = CORPUS / name / ".complete"
        if marker.exists():
            continue
        archive = get()
        shutil.rmtree(CORPUS / name, ignore_errors=True)
        foundation.extract(archive, CORPUS / name)
        marker.write_text(archive.name)
    return CORPUS


def scanned_folder(root: Path, subset_mb: float | None, large: bool) -> Path:
    """The folder every tool scans: the corpus (the foundation projects only with
    `large`), or a fixed subset of it copied out."""
    names = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
    names = [n for n in names if not n.endswith("/.complete")]
    if not large:
        foundation_names = {f"pypi/{project}/" for project in foundation.PINNED}
        names = [n for n in names if not any(n.startswith(f) for f in foundation_names)]
    if subset_mb is not None:
        ranked = sorted(names, key=lambda n: hashlib.sha256(n.encode()).digest())
        chosen, total = [], 0
        for name in ranked:
            if total >= subset_mb * 1e6:
                break
            chosen.append(name)
            total += (root / name).stat().st_size
        names = sorted(chosen)
    target = CACHE / f"differential-scan-{'large' if large else 'base'}-{subset_mb or 'all'}"
    if not (target / ".complete").exists():
        foundation.copy_out(root, names, target)
        (target / ".complete").write_text(str(len(names)))
    return target


def run_policyctl(folder: Path) -> set[Place]:
    out = RESULTS / f"policyctl-{folder.name}.json"
    # run from the results folder: the audit log policyctl keeps must not land in the corpus
    subprocess.run(
        [str(POLICYCTL), "scan", str(folder), "--format", "json", "-o", str(out), "--jobs", "2"],
        cwd=RESULTS,
        capture_output=True,
    )
    report = json.loads(out.read_text())
    # A secret found in several places is one finding listing the others (also_at): the
    # comparison is on lines, so every place counts.
    secrets = [f for f in report["findings"] if f["category"] == "secret" and not f["suppressed"]]
    print(f"{'':15} policyctl: {len(secrets)} findings (one per rule and value) at these lines")
    return {
        (where["path"], int(where["line"]))
        for f in secrets
        for where in (f["location"], *(p["location"] for p in f.get("also_at", ())))
    }


def run_detect_secrets(folder: Path) -> set[Place]:
    out = RESULTS / f"detect-secrets-{folder.name}.json"
    if not out.exists():
        done = subprocess.run(
            [str(peer_bin("detect-secrets")), "scan", "--all-files", "."],
            cwd=folder,
            capture_output=True,
            text=True,
            check=True,
        )
        out.write_text(done.stdout)
    results = json.loads(out.read_text())["results"]
    return {(name, int(item["line_number"])) for name, items in results.items() for item in items}


def run_credsweeper(folder: Path) -> set[Place]:
    out = RESULTS / f"credsweeper-{folder.name}.json"
    if not out.exists():
        subprocess.run(
            [
                str(peer_bin("credsweeper")),
                "--path",
                str(folder),
                "--save-json",
                str(out),
                "--jobs",
                "2",
            ],
            capture_output=True,
            check=True,
        )
    found: set[Place] = set()
    for item in json.loads(out.read_text()):
        for line in item["line_data_list"]:
            path = Path(line["path"]).resolve().relative_to(folder.resolve()).as_posix()
            found.add((path, int(line["line_num"])))
    return found


def run_kingfisher(folder: Path) -> set[Place]:
    out = RESULTS / f"kingfisher-{folder.name}.json"
    if not out.exists():
        done = subprocess.run(
            [
                str(peer_bin("kingfisher")),
                "scan",
                str(folder),
                "--no-validate",
                "--no-update-check",
                "--format",
                "json",
                "--jobs",
                "2",
            ],
            capture_output=True,
            text=True,
        )
        out.write_text(done.stdout.splitlines()[0] if done.stdout else '{"findings": []}')
    found: set[Place] = set()
    for item in json.loads(out.read_text())["findings"]:
        finding = item["finding"]
        path = Path(finding["path"]).resolve().relative_to(folder.resolve()).as_posix()
        found.add((path, int(finding["line"])))
    return found


TOOLS: dict[str, Callable[[Path], set[Place]]] = {
    "policyctl": run_policyctl,
    "detect-secrets": run_detect_secrets,
    "credsweeper": run_credsweeper,
    "kingfisher": run_kingfisher,
}


def read_triage() -> dict[Place, tuple[str, str]]:
    """(file, line) -> (verdict, reason) from the committed triage file."""
    if not TRIAGE.exists():
        return {}
    with TRIAGE.open(newline="") as handle:
        return {
            (row["file"], int(row["line"])): (row["verdict"], row["reason"])
            for row in csv.DictReader(handle)
        }


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subset-mb", type=float, help="scan a fixed subset of this many MB")
    parser.add_argument("--large", action="store_true", help="add the ~300 MB foundation corpus")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated tools to run")
    parser.add_argument("--list", action="store_true", help="print every disagreement line")
    args = parser.parse_args()
    folder = scanned_folder(build(args.large), args.subset_mb, args.large)
    RESULTS.mkdir(parents=True, exist_ok=True)
    megabytes = folder_size(folder) / 1e6
    print(f"corpus: {folder} ({megabytes:.1f} MB)")
    found: dict[str, set[Place]] = {}
    for name in args.tools.split(","):
        started = time.monotonic()
        # an earlier run's audit log in the folder is no part of the corpus
        found[name] = {p for p in TOOLS[name](folder) if not p[0].startswith(".policyctl/")}
        seconds = time.monotonic() - started
        per_100 = 100 * len(found[name]) / megabytes
        print(
            f"{name:15} {len(found[name]):6} findings  {per_100:7.1f} per 100 MB  ({seconds:.0f} s)"
        )
    names = list(found)
    files = {name: by_file(places) for name, places in found.items()}
    print(f"\noverlap on (file, line), lines within {LINE_TOLERANCE} counting as one place:")
    print(" " * 16 + "".join(f"{n[:14]:>15}" for n in names))
    for one in names:
        row = [sum(near(p, files[other]) for p in found[one]) for other in names]
        print(f"{one:16}" + "".join(f"{count:15}" for count in row))
    triage = read_triage()
    ours = found.get("policyctl", set())
    mine = files.get("policyctl", {})
    peers = [n for n in names if n != "policyctl"]
    missed = {p for n in peers for p in found[n] if not near(p, mine)}
    agreed_missed = {p for p in missed if sum(p in found[n] for n in peers) >= 2}
    alone = {p for p in ours if not any(near(p, files[n]) for n in peers)}
    print(f"\npeers report, policyctl does not: {len(missed)}", end="")
    print(f" (two or more peers: {len(agreed_missed)})")
    print(f"policyctl alone: {len(alone)}")
    judged = [triage[p][0] for p in ours if p in triage]
    good = sum(v in ("credential", "fixture") for v in judged)
    print(f"\ntriage ({TRIAGE.name}): {len(judged)} of policyctl's {len(ours)} findings judged")
    if judged:
        print(
            f"  precision = {good} / {len(judged)} = {good / len(judged):.1%}"
            f"  (credential {judged.count('credential')}, fixture {judged.count('fixture')},"
            f" false alarm {judged.count('false-alarm')})"
        )
    untriaged = sorted(p for p in agreed_missed if p not in triage)
    print(
        f"  lines two peers agree on that policyctl misses: {len(agreed_missed)},"
        f" untriaged: {len(untriaged)}"
    )
    for place in sorted(agreed_missed):
        verdict, reason = triage.get(place, ("untriaged", ""))
        print(f"    {place[0]}:{place[1]}  {verdict}  {reason}")
    if args.list:
        for title, places in (("policyctl alone", alone), ("peers only", missed)):
            print(f"\n{title}:")
            for place in sorted(places):
                who = [n for n in names if place in found[n]]
                verdict = triage.get(place, ("untriaged", ""))[0]
                print(f"  {place[0]}:{place[1]}  {','.join(who)}  {verdict}")


if __name__ == "__main__":
    main()
