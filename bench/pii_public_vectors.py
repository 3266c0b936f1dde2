"""Recall on an independent public collection of identifier test cases: the numbers
listed in python-stdnum's own test suite (the `numbers = '''...'''` blocks and single
`validate(...)` calls of its doctests) and in its modules' doctests, in the sdist from
PyPI, for the types policyctl has a rule for.

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

TYPES: dict[str, tuple[tuple[str, ...], str]] = {
    # python-stdnum module: (the policyctl rules that may report it, the column name
    # people would use); the module's test file and its own doctests give the values
    "ar_cuit": (("pii.ar-cuit",), "cuit"),
    "au_abn": (("pii.au-abn",), "abn"),
    "au_tfn": (("pii.au-tfn",), "tfn"),
    "bic": (("pii.swift-bic",), "bic"),
    "bitcoin": (("pii.bitcoin-address",), "bitcoin address"),
    "br_cnpj": (("pii.br-cnpj",), "cnpj"),
    "cl_rut": (("pii.cl-rut",), "rut"),
    "eu_vat": (("pii.eu-vat-id", "pii.de-vat-id"), "vat number"),
    "iban": (("pii.iban",), "iban"),
    "in_pan": (("pii.in-pan",), "pan"),
    "it_codicefiscale": (("pii.it-fiscal-code",), "codice fiscale"),
    "kr_rrn": (
        ("pii.kr-rrn", "pii.kr-rrn-digits", "pii.kr-foreigner-registration-number"),
        "rrn",
    ),
    "mx_curp": (("pii.mx-curp",), "curp"),
    "no_fodselsnummer": (("pii.no-birth-number",), "fodselsnummer"),
    "se_personnummer": (("pii.se-personnummer",), "personnummer"),
    "tr_tckimlik": (("pii.tr-identity-number",), "tc kimlik"),
    "za_idnr": (("pii.za-identity-number",), "id number"),
    # types added with issue 17, and types whose only vectors are the module's doctests
    "au_acn": (("pii.au-acn",), "acn"),
    "de_handelsregisternummer": (("pii.de-commercial-register-number",), "handelsregister"),
    "de_stnr": (("pii.de-tax-number",), "steuernummer"),
    "fi_hetu": (("pii.fi-hetu",), "hetu"),
    "in_aadhaar": (("pii.in-aadhaar", "pii.in-aadhaar-digits"), "aadhaar"),
    "in_epic": (("pii.in-voter-id",), "voter id"),
    "in_gstin": (("pii.in-gstin",), "gstin"),
    "kr_brn": (("pii.kr-business-registration-number",), "business registration number"),
    "se_orgnr": (("pii.se-organisation-number",), "organisationsnummer"),
    "sg_uen": (("pii.sg-uen",), "uen"),
    "th_pin": (("pii.th-national-id", "pii.th-national-id-digits"), "national id"),
}
FIRST_SET = 17
"""The first 17 types: the collection the README's earlier figures were measured on."""

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


_CALL = re.compile(r">>> (?:\w+\.)?(validate|is_valid)\('([^'\n]*)'\)[^\n]*\n([^\n]*)")


def calls(text: str) -> tuple[list[str], list[str]]:
    """The valid and the invalid values of single doctest calls: `validate('x')` followed
    by the value (valid) or a Traceback (invalid), `is_valid('x')` followed by True or
    False. Calls with more arguments (a region, a company form) are left out."""
    valid: list[str] = []
    invalid: list[str] = []
    for function, value, answer in _CALL.findall(text):
        answer = answer.strip()
        if function == "is_valid" and answer in ("True", "False"):
            (valid if answer == "True" else invalid).append(value)
        elif function == "validate" and answer.startswith("Traceback"):
            invalid.append(value)
        elif function == "validate" and answer.startswith("'"):
            valid.append(value)
    return valid, invalid


def type_vectors(tests: Path, name: str) -> tuple[list[str], list[str]]:
    """A type's values: its test file's blocks and calls, and its module's doctests;
    each value once, the valid ones first."""
    country, _, rest = name.partition("_")
    module = Path(country + ".py") if not rest else Path(country, rest + ".py")
    if country == "in":  # a keyword in Python, so the package is in_
        module = Path("in_", rest + ".py")
    sources = [tests / f"test_{name}.doctest", tests.parent / "stdnum" / module]
    valid: list[str] = []
    invalid: list[str] = []
    for source in sources:
        if not source.is_file():
            continue
        text = source.read_text(encoding="utf-8")
        for found in (vectors(text), calls(text)):
            valid += found[0]
            invalid += found[1]
    valid = list(dict.fromkeys(valid))
    return valid, [v for v in dict.fromkeys(invalid) if v not in valid]


def scan(path: Path, *extra: str) -> list[dict[str, object]]:
    command = [policyctl_command(), "scan", str(path), "--per-cell", "-f", "json"]
    done = subprocess.run([*command, "--no-progress", *extra], capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"policyctl scan failed: {done.stderr[-500:]}")
    findings: list[dict[str, object]] = json.loads(done.stdout)["findings"]
    return findings


def found_at(
    findings: Iterable[dict[str, object]], rules: tuple[str, ...], key: str
) -> set[object]:
    """The lines (key "line") or rows (key "row") where one of `rules` was reported."""
    return {
        f["location"][key]  # type: ignore[index]
        for f in findings
        if f["rule_id"] in rules
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
    first_totals = [0] * 7
    for number, (name, (rule, column)) in enumerate(TYPES.items()):
        valid, invalid = type_vectors(tests, name)
        if not valid and not invalid:
            print(f"{name:18} no vectors")
            continue
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
        if number < FIRST_SET:
            first_totals = [t + c for t, c in zip(first_totals, counts, strict=True)]
        print(
            f"{name:18} {counts[0]:5} {counts[1]:6} {counts[2]:6} {counts[3]:5}"
            f" {counts[4]:7} {counts[5]:6} {counts[6]:6}"
        )
    summary("all types", totals)
    summary(f"the first {FIRST_SET} types", first_totals)
    summary(
        f"the {len(TYPES) - FIRST_SET} types added since",
        [a - b for a, b in zip(totals, first_totals, strict=True)],
    )


def summary(label: str, totals: list[int]) -> None:
    valid_total = max(totals[0], 1)
    print(
        f"{label}: recall {totals[1] / valid_total:.1%} alone, {totals[2] / valid_total:.1%}"
        f" in a named column, {totals[3] / valid_total:.1%} at any confidence"
        f" ({valid_total} valid values); invalid values reported as the type:"
        f" {totals[5]} alone, {totals[6]} in a named column (of {totals[4]})"
    )


if __name__ == "__main__":
    main()
