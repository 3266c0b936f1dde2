"""Recall on independent public collections of identifier test cases: the numbers
listed in python-stdnum's own test suite (the `numbers = '''...'''` blocks and single
`validate(...)` calls of its doctests) and in its modules' doctests, in the sdist from
PyPI, for every type policyctl has a rule for that python-stdnum knows; and the example
numbers that phonenumbers (libphonenumber's metadata) ships for every region and number
type, with its invalid example number of each region as the negatives.

    python bench/pii_public_vectors.py [--version 2.2] [--only NAME ...]

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
    "au_abn": (("pii.au-abn", "pii.au-abn-digits"), "abn"),
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
    "kr_brn": (
        ("pii.kr-business-registration-number", "pii.kr-business-registration-number-digits"),
        "business registration number",
    ),
    "se_orgnr": (("pii.se-organisation-number",), "organisationsnummer"),
    "sg_uen": (("pii.sg-uen",), "uen"),
    "th_pin": (("pii.th-national-id", "pii.th-national-id-digits"), "national id"),
    # every other type with a rule that python-stdnum knows (module doctests, and the
    # test file where there is one)
    "be_nn": (("pii.be-national-number",), "national number"),
    "br_cpf": (("pii.br-cpf",), "cpf"),
    "ca_sin": (("pii.ca-sin",), "sin"),
    "ch_ssn": (("pii.ch-ahv",), "ahv"),
    "cn_ric": (("pii.cn-resident-id",), "resident id"),
    "de_idnr": (("pii.de-tax-id",), "steuer id"),
    "dk_cpr": (("pii.dk-cpr",), "cpr"),
    "es_dni": (("pii.es-dni",), "dni"),
    "es_nie": (("pii.es-nie",), "nie"),
    "fr_nir": (("pii.fr-nir",), "nir"),
    "gb_nhs": (("pii.uk-nhs-number",), "nhs number"),
    "ie_pps": (("pii.ie-ppsn",), "ppsn"),
    "il_idnr": (("pii.il-identity-number",), "teudat zehut"),
    "jp_in_": (("pii.jp-my-number",), "my number"),
    "mac": (("pii.mac-address",), "mac address"),
    "nl_bsn": (("pii.nl-bsn",), "bsn"),
    "pl_pesel": (("pii.pl-pesel",), "pesel"),
    "pt_nif": (("pii.pt-nif",), "nif"),
    "us_ein": (("pii.us-ein",), "ein"),
    "us_itin": (("pii.us-itin",), "itin"),
    "us_rtn": (("pii.us-aba-routing-number",), "routing number"),
    "us_ssn": (("pii.us-ssn", "pii.us-ssn-digits"), "ssn"),
    # read with issue 17's fourth pass: the Spanish NIF (DNI and NIE; a company's CIF
    # is not personal data and no rule reports it) and two VAT numbers Presidio has a
    # recognizer for (DE_VAT_ID, IT_VAT_CODE)
    "es_nif": (("pii.es-dni", "pii.es-nie"), "nif"),
    "de_vat": (("pii.de-vat-id", "pii.eu-vat-id"), "ust-idnr"),
    "it_iva": (("pii.eu-vat-id",), "partita iva"),
}
GROUPS = {
    "the first 17 types": 17,
    "the 11 types added with issue 17": 11,
    "the 22 other types python-stdnum knows": 22,
    "the 3 types read with issue 17's fourth pass": 3,
}
"""The python-stdnum types in the order of TYPES, by when they joined the benchmark."""
NOT_PERSONAL = {"bic"}
"""Types left out of the personal-data figure: a BIC is a bank's code (its 8 or 11
letters name a bank and branch, never a person), so a user does not expect one alone on
a line to be reported as personal data; pii.swift-bic reports it next to a word such as
swift or bic. The figure with it is printed as well."""
PHONE_RULES = (
    "pii.phone-number",
    "pii.phone-number-national",
    "pii.phone-number-mobile-national",
    "pii.phone-number-digits",
    "pii.phone-number-national-alone",
    "pii.phone-number-national-field",
)

IP_RULES = (
    "pii.ipv4-address",
    "pii.ipv6-address",
    "pii.ip-address-internal",
    "pii.ip-address-alone",
)
CRYPTO = CACHE / "crypto-vectors"
CRYPTO_PACKAGES = {"base58": "2.1.1", "bech32": "1.2.0"}
"""Bitcoin's address encoders as their authors publish them on PyPI (pure Python, read
from the sdists, not installed): base58check (BIP 13 P2PKH and P2SH) and bech32 (BIP
173 segwit v0). Neither ships address test vectors, so the addresses are their
encodings of fixed hashes; the invalid ones have one character changed."""

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
    done = subprocess.run(
        [*command, "--no-progress", "--time-budget", "0", *extra], capture_output=True, text=True
    )
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


def phone_vectors() -> dict[str, tuple[list[str], list[str]]]:
    """phonenumbers' example number of every region and number type (each number once),
    written three ways: E.164, international and national format; and each region's
    invalid example number, written the same way. The national format has no country
    code: policyctl reports such a number on its own only where its shape is specific
    (a mobile number dialled with its 0 in GB, PH or TR), so it is its own row."""
    import phonenumbers
    from phonenumbers import PhoneNumberFormat, PhoneNumberType

    kinds = [
        value
        for name, value in vars(PhoneNumberType).items()
        if name.isupper() and name not in ("UNKNOWN", "FIXED_LINE_OR_MOBILE")
    ]
    examples = {}
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in kinds:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                examples.setdefault(
                    phonenumbers.format_number(number, PhoneNumberFormat.E164), number
                )
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        number = phonenumbers.example_number_for_non_geo_entity(code)
        if number is not None:
            examples.setdefault(phonenumbers.format_number(number, PhoneNumberFormat.E164), number)
    invalid = [
        phonenumbers.invalid_example_number(region)
        for region in sorted(phonenumbers.SUPPORTED_REGIONS)
    ]
    found: dict[str, tuple[list[str], list[str]]] = {}
    for label, form in (
        ("phone E.164", PhoneNumberFormat.E164),
        ("phone intl", PhoneNumberFormat.INTERNATIONAL),
        ("phone national", PhoneNumberFormat.NATIONAL),
    ):
        good = list(dict.fromkeys(phonenumbers.format_number(n, form) for n in examples.values()))
        bad = [phonenumbers.format_number(n, form) for n in invalid if n is not None]
        found[label] = (good, [v for v in dict.fromkeys(bad) if v not in good])
    return found


def ip_vectors() -> dict[str, tuple[list[str], list[str]]]:
    """Addresses as Python's `ipaddress` writes them (the RFC 5952 text form for IPv6:
    compressed, lower case; and exploded), alone and with a port or a prefix length,
    from a fixed pseudo-random draw over every range `ipaddress` does not call loopback,
    unspecified, multicast or reserved for documentation; and strings `ipaddress`
    refuses, in the same shapes, as the invalid ones."""
    import ipaddress
    import random

    documentation = [
        ipaddress.ip_network(n)
        for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
    ]

    def usable(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        special = address.is_loopback or address.is_unspecified or address.is_multicast
        reserved = address.version == 4 and (address.is_reserved or int(address) >> 24 == 0)
        return not (special or reserved or any(address in n for n in documentation))

    draw = random.Random(5952)
    v4: list[ipaddress.IPv4Address] = []
    while len(v4) < 120:
        address = ipaddress.IPv4Address(draw.getrandbits(32))
        if usable(address):
            v4.append(address)
    v4 += [ipaddress.IPv4Address(n) + draw.getrandbits(8) + 1 for n in ("10.0.0.0", "192.168.1.0")]
    v6: list[ipaddress.IPv6Address] = []
    prefixes = [0x2000 << 112, 0xFD00 << 112, 0xFE80 << 112]
    while len(v6) < 120:
        groups = [draw.getrandbits(16) if draw.random() < 0.6 else 0 for _ in range(8)]
        number = sum(g << (16 * (7 - i)) for i, g in enumerate(groups))
        prefix = prefixes[len(v6) % 3]
        number = (
            prefix | (number & ((1 << 112) - 1))
            if prefix != 0x2000 << 112
            else ((1 << 125) | (number & ((1 << 125) - 1)))
        )
        address6 = ipaddress.IPv6Address(number)
        if usable(address6):
            v6.append(address6)
    port = [str(draw.randint(1, 65535)) for _ in range(240)]
    found: dict[str, tuple[list[str], list[str]]] = {}
    bad4 = [f"{draw.randint(256, 999)}.{a.packed[1]}.{a.packed[2]}.{a.packed[3]}" for a in v4]
    found["ipv4 (ipaddress)"] = (
        [str(a) for a in v4]
        + [f"{a}:{p}" for a, p in zip(v4, port, strict=False)]
        + [f"{a}/{draw.randint(8, 32)}" for a in v4],
        bad4,
    )
    bad6 = [a.exploded + ":1" for a in v6] + [a.compressed.replace(":", "::", 2) for a in v6]
    found["ipv6 (ipaddress)"] = (
        list(dict.fromkeys([a.compressed for a in v6] + [a.exploded for a in v6]))
        + [f"[{a.compressed}]:{p}" for a, p in zip(v6, port, strict=False)]
        + [f"{a.compressed}/{draw.randint(16, 128)}" for a in v6],
        [b for b in bad6 if not _ip_parses(b)],
    )
    return found


def _ip_parses(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def crypto_vectors() -> dict[str, tuple[list[str], list[str]]]:
    """Bitcoin addresses made by the base58 and bech32 packages (see CRYPTO_PACKAGES):
    P2PKH and P2SH (base58check, version bytes 0 and 5) and segwit v0 (bech32, `bc`,
    20- and 32-byte programs) of fixed SHA-256 hashes; each with one character changed
    (and the checksum then wrong) as the invalid ones."""
    import hashlib
    import importlib

    for name, version in CRYPTO_PACKAGES.items():
        folder = CRYPTO / f"{name}-{version}"
        if not folder.is_dir():
            CRYPTO.mkdir(parents=True, exist_ok=True)
            download = [sys.executable, "-m", "pip", "download", "-q", "--no-deps"]
            command = [*download, "--no-binary", ":all:", "-d", str(CRYPTO), f"{name}=={version}"]
            subprocess.run(command, check=True)
            with tarfile.open(CRYPTO / f"{name}-{version}.tar.gz") as tar:
                tar.extractall(CRYPTO, filter="data")
        sys.path.insert(0, str(folder))
    base58 = importlib.import_module("base58")
    bech32 = importlib.import_module("bech32")
    valid: list[str] = []
    for n in range(60):
        digest = hashlib.sha256(f"policyctl bench {n}".encode()).digest()
        valid.append(base58.b58encode_check(bytes([0]) + digest[:20]).decode())
        valid.append(base58.b58encode_check(bytes([5]) + digest[:20]).decode())
        valid.append(bech32.encode("bc", 0, digest[:20]))
        valid.append(bech32.encode("bc", 0, digest))
    invalid = []
    for n, address in enumerate(valid):
        at = len(address) - 1 - n % 6
        alphabet = (
            "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
            if address.startswith("bc1")
            else ("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
        )
        other = alphabet[(alphabet.index(address[at]) + 1 + n % 5) % len(alphabet)]
        invalid.append(address[:at] + other + address[at + 1 :])
    return {"bitcoin (base58, bech32)": (valid, invalid)}


def measure(
    name: str, rules: tuple[str, ...], column: str, valid: list[str], invalid: list[str]
) -> list[int]:
    """[valid, found alone, found in a named column, found at any confidence, invalid,
    invalid reported alone, invalid reported in the column] for one type."""
    values = valid + invalid  # line (row) n <= len(valid): a valid value
    slug = re.sub(r"\W+", "_", name)
    log = HERE / f"{slug}.log"
    log.write_text("".join(v + "\n" for v in values), encoding="utf-8")
    table = HERE / f"{slug}.csv"
    with table.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", column])
        writer.writerows([n, v] for n, v in enumerate(values, 1))
    alone = found_at(scan(log), rules, "line")
    in_column = found_at(scan(table), rules, "row")
    any_confidence = found_at(scan(log, "--min-confidence", "0.01"), rules, "line")
    (alone_ok, alone_bad) = split(alone, len(valid))
    (column_ok, column_bad) = split(in_column, len(valid))
    counts = [len(valid), alone_ok, column_ok, split(any_confidence, len(valid))[0]]
    counts += [len(invalid), alone_bad, column_bad]
    print(
        f"{name:24} {counts[0]:5} {counts[1]:6} {counts[2]:6} {counts[3]:5}"
        f" {counts[4]:7} {counts[5]:6} {counts[6]:6}",
        flush=True,
    )
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default="2.2", help="python-stdnum release")
    parser.add_argument("--only", nargs="*", help="measure only these types (names as printed)")
    args = parser.parse_args()
    tests = tests_folder(args.version)
    import phonenumbers

    print(
        f"python-stdnum {args.version} test vectors ({len(TYPES)} types) and phonenumbers"
        f" {phonenumbers.__version__} example numbers"
    )
    print(
        f"{'type':24} {'valid':>5} {'alone':>6} {'column':>6} {'any':>5}"
        f" {'invalid':>7} {'alone':>6} {'column':>6}"
    )
    wanted = set(args.only or ())
    stdnum_counts: list[list[int]] = []
    for name, (rules, column) in TYPES.items():
        valid, invalid = type_vectors(tests, name)
        if wanted and name not in wanted:
            stdnum_counts.append([0] * 7)
            continue
        if not valid and not invalid:
            print(f"{name:24} no vectors")
            stdnum_counts.append([0] * 7)
            continue
        stdnum_counts.append(measure(name, rules, column, valid, invalid))
    phone_counts: dict[str, list[int]] = {}
    for name, (valid, invalid) in phone_vectors().items():
        if not wanted or name in wanted:
            phone_counts[name] = measure(name, PHONE_RULES, "phone", valid, invalid)
    extra_counts: dict[str, list[int]] = {}
    for rules, column, found in (
        (IP_RULES, "ip address", ip_vectors()),
        (("pii.bitcoin-address",), "bitcoin address", crypto_vectors()),
    ):
        for name, (valid, invalid) in found.items():
            if not wanted or name in wanted:
                extra_counts[name] = measure(name, rules, column, valid, invalid)
    first = 0
    for label, size in GROUPS.items():
        summary(f"python-stdnum, {label}", add(stdnum_counts[first : first + size]))
        first += size
    everything = add(stdnum_counts)
    summary("python-stdnum, all types", everything)
    personal = [c for name, c in zip(TYPES, stdnum_counts, strict=True) if name not in NOT_PERSONAL]
    summary("python-stdnum, personal data (all types but SWIFT BICs)", add(personal))
    with_country_code = [c for n, c in phone_counts.items() if n != "phone national"]
    summary("phonenumbers, E.164 and international", add(with_country_code))
    summary("phonenumbers, all three formats", add(list(phone_counts.values())))
    summary("ipaddress and the bitcoin encoders", add(list(extra_counts.values())))
    summary("everything", add([everything, *phone_counts.values(), *extra_counts.values()]))
    misses_alone({**dict(zip(TYPES, stdnum_counts, strict=True)), **phone_counts, **extra_counts})


def misses_alone(counts: dict[str, list[int]]) -> None:
    """Why values were missed alone on a line, by type, most first: found by the type's
    rule only below the threshold (the rule needs a context word for that shape), or not
    matched at any confidence (a shape the pattern does not take, or a check that fails)."""
    print("misses alone on a line, by type: below the threshold / not matched at all")
    ranked = sorted(counts.items(), key=lambda item: item[1][1] - item[1][0])
    for name, (valid, alone, _column, anywhere, *_rest) in ranked:
        if valid > alone:
            print(f"  {name:24} {anywhere - alone:5} {valid - anywhere:5}")


def add(counts: list[list[int]]) -> list[int]:
    return [sum(column) for column in zip(*counts, strict=True)] if counts else [0] * 7


def summary(label: str, totals: list[int]) -> None:
    valid_total = max(totals[0], 1)
    print(
        f"{label}: recall {totals[1] / valid_total:.1%} alone, {totals[2] / valid_total:.1%}"
        f" in a named column, {totals[3] / valid_total:.1%} at any confidence"
        f" ({totals[0]} valid values); invalid values reported as the type:"
        f" {totals[5]} alone, {totals[6]} in a named column (of {totals[4]})"
    )


if __name__ == "__main__":
    main()
