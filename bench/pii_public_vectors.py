"""Recall on an independent public collection of identifier test cases: the valid numbers
listed in python-stdnum's own test suite (the `numbers = '''...'''` blocks of its
doctests, in the sdist from PyPI), for the types policyctl has a rule for.

    python bench/pii_public_vectors.py [--version 2.2]

The values are written as people and programs write them (spaces, dots, dashes, lower
case), which is the point: they were chosen by other people, to test another library.
Each type is scanned three ways with the installed `policyctl`: every value alone on a
line of a log (no context at all), every value in a CSV column named as people name
such a column (`iban`, `vat number`, `rut` ...), and the log again with every finding
kept (`--min-confidence 0.01`: what the patterns and validators reach at all). Recall
is the share of values reported with the expected rule. The sdist is downloaded once
into bench/.cache (pip download; the benchmark's only network access).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import tarfile
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import CACHE, policyctl_command

HERE = CACHE / "stdnum-vectors"

TYPES = {
    # python-stdnum test file: (policyctl rule, the column name people would use)
    "ar_cuit": ("pii.ar-cuit", "cuit"),
    "au_abn": ("pii.au-abn", "abn"),
    "au_tfn": ("pii.au-tfn", "tfn"),
    "bic": ("pii.swift-bic", "bic"),
    "bitcoin": ("pii.bitcoin-address", "bitcoin address"),
    "br_cnpj": ("pii.br-cnpj", "cnpj"),
    "cl_rut": ("pii.cl-rut", "rut"),
    "eu_vat": ("pii.eu-vat-id", "vat number"),
    "iban": ("pii.iban", "iban"),
    "in_pan": ("pii.in-pan", "pan"),
    "it_codicefiscale": ("pii.it-fiscal-code", "codice fiscale"),
    "kr_rrn": ("pii.kr-rrn", "rrn"),
    "mx_curp": ("pii.mx-curp", "curp"),
    "no_fodselsnummer": ("pii.no-birth-number", "fodselsnummer"),
    "se_personnummer": ("pii.se-personnummer", "personnummer"),
    "tr_tckimlik": ("pii.tr-identity-number", "tc kimlik"),
    "za_idnr": ("pii.za-identity-number", "id number"),
}

_BLOCK = re.compile(r"numbers = '''\n(.*?)'''", re.S)


def tests_folder(version: str) -> Path:
    """python-stdnum's tests folder, from its sdist (downloaded once)."""
    folder = HERE / f"python_stdnum-{version}" / "tests"
    if folder.is_dir():
        return folder
    HERE.mkdir(parents=True, exist_ok=True)
    download = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary"]
    subprocess.run([*download, ":all:", "-d", str(HERE), f"python-stdnum=={version}"], check=True)
    archive = next(HERE.glob(f"python*stdnum-{version}.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extractall(HERE, filter="data")
    return folder


def vectors(text: str) -> list[str]:
    """The values of a doctest's `numbers = '''...'''` blocks, one per line."""
    found: list[str] = []
    for block in _BLOCK.findall(text):
        for line in block.splitlines():
            value = line.strip()
            value = value[3:].strip() if value.startswith("...") else value
            if value and not value.startswith("#"):
                found.append(value)
    return found


def scan(path: Path, *extra: str) -> list[dict[str, object]]:
    command = [policyctl_command(), "scan", str(path), "--per-cell", "-f", "json"]
    done = subprocess.run([*command, "--no-progress", *extra], capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"policyctl scan failed: {done.stderr[-500:]}")
    findings: list[dict[str, object]] = json.loads(done.stdout)["findings"]
    return findings


def found_at(findings: Iterable[dict[str, object]], rule: str, key: str) -> set[object]:
    """The lines (key "line") or rows (key "row") where `rule` was reported."""
    return {
        f["location"][key]  # type: ignore[index]
        for f in findings
        if f["rule_id"] == rule
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default="2.2", help="python-stdnum release")
    args = parser.parse_args()
    tests = tests_folder(args.version)
    print(f"python-stdnum {args.version} test vectors, {len(TYPES)} types")
    print(f"{'type':18} {'values':>6} {'alone':>7} {'column':>7} {'any conf.':>9}")
    totals = [0, 0, 0, 0]
    for name, (rule, column) in TYPES.items():
        values = vectors((tests / f"test_{name}.doctest").read_text(encoding="utf-8"))
        log = HERE / f"{name}.log"
        log.write_text("".join(v + "\n" for v in values), encoding="utf-8")
        table = HERE / f"{name}.csv"
        with table.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["id", column])
            writer.writerows([n, v] for n, v in enumerate(values, 1))
        alone = len(found_at(scan(log), rule, "line"))
        in_column = len(found_at(scan(table), rule, "row"))
        any_confidence = len(found_at(scan(log, "--min-confidence", "0.01"), rule, "line"))
        counts = [len(values), alone, in_column, any_confidence]
        totals = [t + c for t, c in zip(totals, counts, strict=True)]
        print(f"{name:18} {counts[0]:6} {counts[1]:7} {counts[2]:7} {counts[3]:9}")
    total = totals[0]
    print(
        f"recall: {totals[1] / total:.1%} alone, {totals[2] / total:.1%} in a named column, "
        f"{totals[3] / total:.1%} at any confidence ({total} values)"
    )


if __name__ == "__main__":
    main()
