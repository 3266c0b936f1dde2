"""Validators for United States identifiers: SSN, ITIN, EIN, Medicare MBI, NPI, DEA."""

from __future__ import annotations

import re
from collections.abc import Callable

from policyctl.validators.check_digits import luhn_digits
from policyctl.validators.checksums import digits_of

_NINE_DIGITS = re.compile(r"^(\d{3})([- ]?)(\d{2})([- ]?)(\d{4})$")

# Numbers published in advertising or issued by mistake, never valid for a person.
_KNOWN_INVALID_SSNS = frozenset({"078051120", "219099999", "123456789", "111111111"})


def _nine_digit_parts(value: str) -> tuple[str, str, str] | None:
    """(area, group, serial) when the value is 3-2-4 digits with one consistent separator."""
    found = _NINE_DIGITS.match(value.strip())
    if found is None or found.group(2) != found.group(4):
        return None
    return found.group(1), found.group(3), found.group(5)


def us_ssn(value: str) -> bool:
    """A Social Security number as the SSA issues them: area not 000, 666 or 900-999,
    group not 00, serial not 0000, not an advertised or repeated-digit number."""
    parts = _nine_digit_parts(value)
    if parts is None:
        return False
    area, group, serial = parts
    digits = area + group + serial
    return (
        area not in ("000", "666")
        and not area.startswith("9")
        and group != "00"
        and serial != "0000"
        and digits not in _KNOWN_INVALID_SSNS
        and len(set(digits)) > 1
    )


def us_itin(value: str) -> bool:
    """An IRS Individual Taxpayer Identification Number: 9XX, then a group in 50-65,
    70-88, 90-92 or 94-99."""
    parts = _nine_digit_parts(value)
    if parts is None:
        return False
    area, group, _serial = parts
    number = int(group)
    return area.startswith("9") and (
        50 <= number <= 65 or 70 <= number <= 88 or 90 <= number <= 92 or 94 <= number <= 99
    )


# Prefixes the IRS assigns to its campuses and online applications.
_EIN_PREFIX_LIST = (
    "01 02 03 04 05 06 10 11 12 13 14 15 16 20 21 22 23 24 25 26 27 30 31 32 33 34 35 36 "
    "37 38 39 40 41 42 43 44 45 46 47 48 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64 65 "
    "66 67 68 71 72 73 74 75 76 77 80 81 82 83 84 85 86 87 88 90 91 92 93 94 95 98 99"
)
_EIN_PREFIXES = frozenset(_EIN_PREFIX_LIST.split())


def us_ein(value: str) -> bool:
    """An Employer Identification Number (XX-XXXXXXX) with a prefix the IRS uses."""
    compact = value.strip()
    digits = digits_of(compact)
    if len(digits) != 9 or (len(compact) == 10 and compact[2] != "-"):
        return False
    return digits[:2] in _EIN_PREFIXES and len(set(digits)) > 1


_MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"  # A-Z without S, L, O, I, B, Z
_MBI_SHAPE = "NAXNAXNAANN"  # N digit (first one 1-9), A letter, X letter or digit


def us_mbi(value: str) -> bool:
    """A Medicare Beneficiary Identifier: 11 characters in CMS's fixed letter/digit
    positions, letters never S, L, O, I, B or Z; dashes may follow characters 4 and 7."""
    compact = value.strip().upper()
    if len(compact) == 13:
        if compact[4] != "-" or compact[8] != "-":
            return False
        compact = compact.replace("-", "")
    if len(compact) != 11 or compact[0] == "0":
        return False
    for ch, kind in zip(compact, _MBI_SHAPE, strict=True):
        if kind == "N" and not ch.isdigit():
            return False
        if kind == "A" and ch not in _MBI_LETTERS:
            return False
        if kind == "X" and not (ch.isdigit() or ch in _MBI_LETTERS):
            return False
    return True


def us_npi(value: str) -> bool:
    """A National Provider Identifier: 10 digits starting 1 or 2, Luhn over '80840' + NPI."""
    digits = digits_of(value)
    return len(digits) == 10 and digits[0] in "12" and luhn_digits("80840" + digits)


_DEA_REGISTRANTS = "ABCDEFGHJKLMPRSTUX"


def us_dea(value: str) -> bool:
    """A DEA registration number: registrant letter, name initial (or 9), 7 digits whose
    last is (d1 + d3 + d5 + 2 * (d2 + d4 + d6)) mod 10."""
    compact = value.strip().upper()
    if len(compact) != 9 or compact[0] not in _DEA_REGISTRANTS:
        return False
    if not (compact[1].isalpha() or compact[1] == "9") or not compact[2:].isdigit():
        return False
    d = [int(c) for c in compact[2:]]
    return (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10 == d[6]


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "us_ssn": us_ssn,
    "us_itin": us_itin,
    "us_ein": us_ein,
    "us_mbi": us_mbi,
    "us_npi": us_npi,
    "us_dea": us_dea,
}
