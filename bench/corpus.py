"""Build the real-code benchmark corpus: pinned source distributions of popular PyPI projects.

    python bench/corpus.py            # builds bench/.cache/corpus (about 300 MB of text)
    python bench/corpus.py --print    # prints the corpus folder, building it if needed

Each archive is pinned by file name and sha256 and fetched from PyPI's simple index, so
every run of every benchmark reads the same bytes. Nothing downloaded is committed:
bench/.cache is git-ignored. The projects mix Python, C, JavaScript (including minified
bundles), JSON service models, YAML, docs and tests, which is what secret scanners meet.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the corpus folder only")
    args = parser.parse_args()
    corpus = build()
    if args.print:
        print(corpus)
        return
    files, size = describe(corpus)
    print(f"corpus: {corpus}\nfiles: {files}\nMB: {size / 1e6:.1f}")


if __name__ == "__main__":
    sys.exit(main())
