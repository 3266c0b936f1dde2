"""Validators for national identifiers of Canada and Latin America (rules/pii-americas.yaml).

Each function takes the matched text (separators allowed where the identifier is
written with them) and applies the identifier's published check: a check digit or
letter, a date of birth that exists, or the issuing authority's fixed format.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from policyctl.validators.check_digits import (
    luhn_digits,
    mod11_check_digit,
    weighted_sum,
)
from policyctl.validators.checksums import all_same, compact, digits_of, real_date

# Americas


def ca_sin(value: str) -> bool:
    """A Canadian Social Insurance Number: nine digits, Luhn; 0 (fictitious) and 8
    (business numbers) are not used as first digits."""
    digits = digits_of(value)
    return len(digits) == 9 and digits[0] not in "08" and luhn_digits(digits)


def br_cpf(value: str) -> bool:
    """A Brazilian CPF: eleven digits with two mod 11 check digits, its printed dots
    (`529.982.247-25`) all there or none (a number with one, `12.345678909`, is a
    decimal)."""
    digits = digits_of(value)
    if len(digits) != 11 or all_same(digits) or value.count(".") == 1:
        return False
    for length in (9, 10):
        total = weighted_sum(digits[:length], range(length + 1, 1, -1))
        if total * 10 % 11 % 10 != int(digits[length]):
            return False
    return True


def br_cnpj(value: str) -> bool:
    """A Brazilian CNPJ: fourteen digits with two mod 11 check digits, its printed dots
    (`11.222.333/0001-81`) both there or neither: `73.617846092248` is a longitude in
    a table of coordinates."""
    digits = digits_of(value)
    if len(digits) != 14 or all_same(digits) or value.count(".") == 1:
        return False
    for length, weights in (
        (12, (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)),
        (13, (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)),
    ):
        remainder = weighted_sum(digits[:length], weights) % 11
        if (0 if remainder < 2 else 11 - remainder) != int(digits[length]):
            return False
    return True


_CURP_CHARS = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
_CURP_STATE_CODES = (
    "AS BC BS CC CL CM CS CH DF DG GT GR HG JC MC MN MS NT NL OC PL QT QR SP SL SR TC TS "
    "TL VZ YN ZS NE"
)
_CURP_STATES = frozenset(_CURP_STATE_CODES.split())


def mx_curp(value: str) -> bool:
    """A Mexican CURP: name letters, a real birth date, sex, state, consonants and a
    check digit over the first 17 characters."""
    text = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{4}\d{6}[HMX][A-Z]{2}[A-Z]{3}[0-9A-Z]\d", text):
        return False
    if text[11:13] not in _CURP_STATES:
        return False
    century = 1900 if text[16].isdigit() else 2000
    if not real_date(century + int(text[4:6]), int(text[6:8]), int(text[8:10])):
        return False
    total = sum(_CURP_CHARS.index(ch) * (18 - i) for i, ch in enumerate(text[:17]))
    return (10 - total % 10) % 10 == int(text[17])


def _a_date(digits: str) -> bool:
    """Whether eight digits read as a date YYYYMMDD of 1900-2099."""
    return (
        len(digits) == 8
        and digits[:2] in ("19", "20")
        and real_date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    )


def cl_rut(value: str) -> bool:
    """A Chilean RUT/RUN: digits and a mod 11 check character (0-9 or K). Written
    without dots, eight digits that read as a date are taken for one."""
    text = compact(value)
    body, check = text[:-1], text[-1:]
    if not 7 <= len(body) <= 8 or not body.isdigit():
        return False
    if "." not in value and _a_date(body):
        return False  # 20180914-2: a date and a serial (a build, a package epoch)
    total = weighted_sum(body[::-1], (2, 3, 4, 5, 6, 7))
    expected = 11 - total % 11
    return check == {11: "0", 10: "K"}.get(expected, str(expected))


def ar_cuit(value: str) -> bool:
    """An Argentine CUIT/CUIL: type prefix, DNI, and a mod 11 check digit."""
    digits = digits_of(value)
    if len(digits) != 11 or digits[:2] not in ("20", "23", "24", "27", "30", "33", "34"):
        return False
    check = mod11_check_digit(digits[:10], (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
    # 11 means 0; 10 is issued as 9 (AFIP changes the prefix to 23 or 33 for these)
    return {11: 0, 10: 9}.get(check, check) == int(digits[10])


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "ca_sin": ca_sin,
    "br_cpf": br_cpf,
    "br_cnpj": br_cnpj,
    "mx_curp": mx_curp,
    "cl_rut": cl_rut,
    "ar_cuit": ar_cuit,
}
