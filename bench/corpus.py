"""Build the real-code benchmark corpus: pinned source distributions of popular PyPI projects.

    python bench/corpus.py            # builds bench/.cache/corpus (about 300 MB of text)
    python bench/corpus.py --print    # prints the corpus folder, building it if needed
    python bench/corpus.py --findings # policyctl's secret findings on it, one line each
    python bench/corpus.py --findings --kingfisher   # and what kingfisher-bin reports

Each archive is pinned by file name and sha256 and fetched from PyPI's simple index, so
every run of every benchmark reads the same bytes. Nothing downloaded is committed:
bench/.cache is git-ignored. The projects mix Python, C, JavaScript (including minified
bundles), JSON service models, YAML, docs and tests, which is what secret scanners meet.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import urllib.request
import zipfile
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
ARCHIVES = CACHE / "sdists"
CORPUS = CACHE / "corpus"

PINNED: dict[str, tuple[str, str]] = {
    # project: (sdist file name, sha256) -- about 300 MB of text in all
    "django": (
        "django-6.1.3.tar.gz",
        "b5d2d9e35295065d13b1927b3f19a59bd119f737aa6299def14ccca1ae3c8c0d",
    ),
    "salt": (
        "salt-3008.5.tar.gz",
        "0259deafd601d783721e5aa8ed10677d8c4d6cc12f5de17499af71590d593315",
    ),
    "sympy": (
        "sympy-1.14.0.tar.gz",
        "d3d3fe8df1e5a0b42f0e7bdf50541697dbe7d23746e894990c030e2b05e72517",
    ),
    "transformers": (
        "transformers-5.23.0.tar.gz",
        "19d647a4d5d903a7c644ca5cde2d86efc3dde7d8c687ae7988806ff2205efa71",
    ),
    "plotly": (
        "plotly-7.1.0.tar.gz",
        "f860166a4a3d78c69cb1f4a15f28a5c8283eade98a282a698f3bb853a449ace5",
    ),
    "kubernetes": (
        "kubernetes-37.0.2.tar.gz",
        "6967599ef976d0bb9c663c3621e690db0e26fbab7cf5c5e3ccf7e11b790d2de9",
    ),
}

INDEX = "https://pypi.org/simple/{project}/"
_LINK = re.compile(r'<a href="([^"#]+)#sha256=([0-9a-f]{64})"')


def locate(project: str, filename: str) -> tuple[str, str]:
    """The download URL and the index's sha256 of `filename` in `project`'s simple index."""
    with urllib.request.urlopen(INDEX.format(project=project), timeout=120) as response:
        page = response.read().decode("utf-8")
    for url, sha256 in _LINK.findall(page):
        if url.rsplit("/", 1)[-1] == filename:
            return url, sha256
    raise SystemExit(f"{filename} is not in the index of {project}")


def fetch(project: str, filename: str, pinned_sha256: str) -> Path:
    """The archive, downloaded once and checked against its pinned sha256."""
    target = ARCHIVES / filename
    if target.exists() and _sha256(target) == pinned_sha256:
        return target
    url, index_sha256 = locate(project, filename)
    if index_sha256 != pinned_sha256:
        raise SystemExit(f"{filename}: the index's sha256 differs from the pinned one")
    ARCHIVES.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with urllib.request.urlopen(url, timeout=600) as response, partial.open("wb") as out:
        shutil.copyfileobj(response, out)
    if _sha256(partial) != pinned_sha256:
        partial.unlink()
        raise SystemExit(f"{filename}: sha256 mismatch")
    partial.replace(target)
    return target


def extract(archive: Path, destination: Path) -> None:
    """Unpack into `destination`, refusing members that would land outside it."""
    destination.mkdir(parents=True, exist_ok=True)
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as bundle:
            bundle.extractall(destination)
        return
    with tarfile.open(archive) as bundle:
        bundle.extractall(destination, filter="data")


def build() -> Path:
    """Make sure the corpus folder holds every pinned project, and return it."""
    for project, (filename, sha256) in PINNED.items():
        marker = CORPUS / project / ".complete"
        if marker.exists():
            continue
        archive = fetch(project, filename, sha256)
        shutil.rmtree(CORPUS / project, ignore_errors=True)
        extract(archive, CORPUS / project)
        marker.write_text(filename)
    return CORPUS


def describe(corpus: Path) -> tuple[int, int]:
    """Files and bytes in the corpus (the markers left out)."""
    files = size = 0
    for path in corpus.rglob("*"):
        if path.is_file() and path.name != ".complete":
            files += 1
            size += path.stat().st_size
    return files, size


def subset(root: Path, megabytes: float) -> list[str]:
    """A fixed sample of the corpus: its files in the order of the sha256 of their
    relative path, taken until `megabytes` are reached. Hashing the path, not listing
    the folder, makes it the same files on every machine and independent of packages."""
    files = [p for p in root.rglob("*") if p.is_file() and p.name != ".complete"]
    ranked = sorted(
        files, key=lambda p: hashlib.sha256(p.relative_to(root).as_posix().encode()).digest()
    )
    chosen: list[str] = []
    total = 0
    for path in ranked:
        if total >= megabytes * 1e6:
            break
        chosen.append(path.relative_to(root).as_posix())
        total += path.stat().st_size
    return sorted(chosen)


def copy_out(root: Path, names: list[str], destination: Path) -> Path:
    """A folder holding copies of the corpus files `names` (relative paths), afresh."""
    shutil.rmtree(destination, ignore_errors=True)
    for name in names:
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / name, destination / name)
    return destination


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


FINDINGS = CACHE / "corpus-findings.json"
"""policyctl's report on the corpus with --show-secrets: it stays in the git-ignored cache;
only digests of the values are printed."""


def scan_findings(corpus: Path) -> list[dict[str, object]]:
    """policyctl's secret findings on the corpus, at the default confidence."""
    policyctl = Path(sys.executable).parent / "policyctl"
    subprocess.run(
        [
            *(str(policyctl), "scan", str(corpus), "--enable", "secret", "--jobs", "2"),
            *("-f", "json", "--show-secrets", "-o", str(FINDINGS), "--no-progress"),
        ],
        cwd=CACHE,
        capture_output=True,
    )
    report = json.loads(FINDINGS.read_text())
    return [f for f in report["findings"] if f["category"] == "secret"]


def print_findings(findings: list[dict[str, object]]) -> None:
    """One line per finding: rule, places, a digest of the value (never the value), the
    shown place; a private key's identity (detection.key_identity) beside it."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from policyctl.detection.key_identity import key_identity

    keys: dict[str, int] = {}
    for finding in sorted(findings, key=lambda f: (str(f["rule_id"]), str(f["location"]))):
        value = str(finding.get("secret") or "")
        digest = hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()[:10]
        where = finding["location"]
        assert isinstance(where, dict)
        identity = key_identity(value) if "private-key" in str(finding["rule_id"]) else None
        kind = ""
        if "private-key" in str(finding["rule_id"]):
            kind = identity.split(":")[0] + ":" + identity.split(":")[1][:10] if identity else "-"
            keys[identity or digest] = keys.get(identity or digest, 0) + 1
        print(
            f"{finding['rule_id']:42} {finding.get('occurrences', 1):3}x  {digest}  {kind:17}"
            f"{where['path']}:{where['line']}"
        )
    places = sum(int(str(f.get("occurrences", 1))) for f in findings)
    print(f"\n{len(findings)} secret findings at {places} places; {len(keys)} distinct keys")


def kingfisher_places(corpus: Path) -> list[tuple[str, int, str]]:
    """(file, line, rule) of every kingfisher-bin finding on the corpus (the benchmarks'
    pinned peer, `--no-validate --no-update-check`)."""
    from bench._peers import peer_bin

    done = subprocess.run(
        [
            *(str(peer_bin("kingfisher")), "scan", str(corpus)),
            *("--no-validate", "--no-update-check", "--format", "json", "--jobs", "2"),
        ],
        capture_output=True,
        text=True,
    )
    report = json.loads(done.stdout.splitlines()[0])
    return [
        (
            Path(item["finding"]["path"]).resolve().relative_to(corpus.resolve()).as_posix(),
            int(item["finding"]["line"]),
            item["rule"]["id"],
        )
        for item in report["findings"]
    ]


def compare_kingfisher(corpus: Path, findings: list[dict[str, object]]) -> None:
    """Kingfisher's findings beside policyctl's places (lines within 5 count as one)."""
    ours: dict[str, list[int]] = {}
    for finding in findings:
        others = finding.get("also_at", [])
        assert isinstance(others, list)
        for where in [finding["location"], *(p["location"] for p in others)]:
            assert isinstance(where, dict)
            ours.setdefault(str(where["path"]), []).append(int(where["line"]))
    theirs = kingfisher_places(corpus)
    missed = [
        (path, line, rule)
        for path, line, rule in theirs
        if not any(abs(line - mine) <= 5 for mine in ours.get(path, ()))
    ]
    print(f"\nkingfisher-bin: {len(theirs)} findings; {len(missed)} at no place policyctl reports:")
    for path, line, rule in sorted(missed):
        print(f"  {rule:40} {path}:{line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the corpus folder only")
    parser.add_argument("--findings", action="store_true", help="list policyctl's findings")
    parser.add_argument("--kingfisher", action="store_true", help="with --findings: compare")
    args = parser.parse_args()
    corpus = build()
    if args.print:
        print(corpus)
        return
    if args.findings:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        findings = scan_findings(corpus)
        print_findings(findings)
        if args.kingfisher:
            compare_kingfisher(corpus, findings)
        return
    files, size = describe(corpus)
    print(f"corpus: {corpus}\nfiles: {files}\nMB: {size / 1e6:.1f}")


if __name__ == "__main__":
    sys.exit(main())
