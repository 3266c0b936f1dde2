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

_BLOCK = re.compile(r"numbers = '''\n(.*?)'''\n(?:>>> )?(.*?)\n", re.S)
_VALID_CHECK = re.compile(r"if x and not \w+\.(?:is_valid|validate)\(x")
_INVALID_CHECK = re.compile(r"if x and \w+\.is_valid\(x")


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


def vectors(text: str) -> tuple[list[str], list[str]]:
    """The valid and the invalid values of a doctest's `numbers = '''...'''` blocks, one
    per line: a block holds valid values when the test after it lists those that are
    not valid (`if x and not m.is_valid(x)`, expecting none), invalid ones when it lists
    those that are."""
    valid: list[str] = []
    invalid: list[str] = []
    for block, check in _BLOCK.findall(text):
        if _VALID_CHECK.search(check):
            into = valid
        elif _INVALID_CHECK.search(check):
            into = invalid
        else:
            continue
        for line in block.splitlines():
            value = line.strip()
            value = value[3:].strip() if value.startswith("...") else value
            if value and not value.startswith("#"):
                into.append(value)
    return valid, invalid


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


def split(places: set[object], valid: int) -> tuple[int, int]:
    """How many of the places are of the first `valid` values, and how many after them."""
    hits = [p for p in places if isinstance(p, int)]
    return sum(p <= valid for p in hits), sum(p > valid for p in hits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default="2.2", help="python-stdnum release")
    args = parser.parse_args()
    tests = tests_folder(args.version)
    print(f"python-stdnum {args.version} test vectors, {len(TYPES)} types")
    print(
        f"{'type':18} {'valid':>5} {'alone':>6} {'column':>6} {'any':>5}"
        f" {'invalid':>7} {'alone':>6} {'column':>6}"
    )
    totals = [0] * 7
    for name, (rule, column) in TYPES.items():
        valid, invalid = vectors((tests / f"test_{name}.doctest").read_text(encoding="utf-8"))
        values = valid + invalid  # line (row) n <= len(valid): a valid value
        log = HERE / f"{name}.log"
        log.write_text("".join(v + "\n" for v in values), encoding="utf-8")
        table = HERE / f"{name}.csv"
        with table.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["id", column])
            writer.writerows([n, v] for n, v in enumerate(values, 1))
        alone = found_at(scan(log), rule, "line")
        in_column = found_at(scan(table), rule, "row")
        any_confidence = found_at(scan(log, "--min-confidence", "0.01"), rule, "line")
        (alone_ok, alone_bad) = split(alone, len(valid))
        (column_ok, column_bad) = split(in_column, len(valid))
        counts = [len(valid), alone_ok, column_ok, split(any_confidence, len(valid))[0]]
        counts += [len(invalid)]
        counts += [alone_bad, column_bad]
        totals = [t + c for t, c in zip(totals, counts, strict=True)]
        print(
            f"{name:18} {counts[0]:5} {counts[1]:6} {counts[2]:6} {counts[3]:5}"
            f" {counts[4]:7} {counts[5]:6} {counts[6]:6}"
        )
    valid_total, invalid_total = totals[0], totals[4]
    print(
        f"recall: {totals[1] / valid_total:.1%} alone, {totals[2] / valid_total:.1%} in a named"
        f" column, {totals[3] / valid_total:.1%} at any confidence ({valid_total} valid values)"
    )
    print(
        f"false positives: {totals[5] / invalid_total:.1%} alone, {totals[6] / invalid_total:.1%}"
        f" in a named column ({invalid_total} invalid values: reported as the type)"
    )


if __name__ == "__main__":
    main()
