"""Validators for identifiers of Asia, Oceania, Africa and the Middle East
(rules/pii-asia-pacific.yaml).

Each function takes the matched text (separators allowed where the identifier is
written with them) and applies the identifier's published check: a check digit or
letter, a date of birth that exists, or the issuing authority's fixed format.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from policyctl.validators.check_digits import (
    iso7064_mod11_2,
    luhn_digits,
    verhoeff,
    weighted_sum,
)
from policyctl.validators.checksums import all_same, digits_of, real_date


def za_identity(value: str) -> bool:
    """A South African identity number: birth date YYMMDD, serial, citizenship 0-2, and Luhn."""
    digits = digits_of(value)
    if len(digits) != 13 or digits[10] not in "012":
        return False
    if not real_date(2000, int(digits[2:4]), int(digits[4:6])):
        return False
    return luhn_digits(digits)


def in_aadhaar(value: str) -> bool:
    """An Indian Aadhaar number: twelve digits, not starting 0 or 1, Verhoeff check."""
    digits = digits_of(value)
    return (
        len(digits) == 12 and digits[0] not in "01" and digits != digits[::-1] and verhoeff(digits)
    )


_PAN_HOLDERS = "ABCFGHJLPT"  # the holder type: P person, C company, H family, F firm ...


def in_pan(value: str) -> bool:
    """An Indian Permanent Account Number: five letters (the fourth a holder type), four
    digits not all zero, and a letter."""
    text = value.strip().upper()
    return (
        bool(re.fullmatch(r"[A-Z]{3}[A-Z][A-Z]\d{4}[A-Z]", text))
        and text[3] in _PAN_HOLDERS
        and text[5:9] != "0000"
    )


def cn_resident_id(value: str) -> bool:
    """A Chinese resident identity number: area code, a real birth date YYYYMMDD, order
    and an ISO 7064 MOD 11-2 check character (0-9 or X)."""
    text = value.strip().upper()
    if not re.fullmatch(r"[1-9]\d{16}[0-9X]", text):
        return False
    if not real_date(int(text[6:10]), int(text[10:12]), int(text[12:14])):
        return False
    return int(text[6:10]) >= 1900 and iso7064_mod11_2(text[:17], text[17])


_NRIC_TABLES = {
    "S": ("JZIHGFEDCBA", 0),
    "T": ("JZIHGFEDCBA", 4),
    "F": ("XWUTRQPNMLK", 0),
    "G": ("XWUTRQPNMLK", 4),
    "M": ("XWUTRQPNJLK", 3),
}


def sg_nric(value: str) -> bool:
    """A Singapore NRIC or FIN: prefix S, T, F, G or M, seven digits and a check letter
    (weights 2 7 6 5 4 3 2, an offset per prefix, mod 11)."""
    text = value.strip().upper()
    if not re.fullmatch(r"[STFGM]\d{7}[A-Z]", text):
        return False
    letters, offset = _NRIC_TABLES[text[0]]
    total = weighted_sum(text[1:8], (2, 7, 6, 5, 4, 3, 2)) + offset
    return letters[total % 11] == text[8]


def au_tfn(value: str) -> bool:
    """An Australian Tax File Number: nine (or older eight) digits, weighted sum mod 11 is 0."""
    digits = digits_of(value)
    if len(digits) == 9:
        weights: tuple[int, ...] = (1, 4, 3, 7, 5, 8, 6, 9, 10)
    elif len(digits) == 8:
        weights = (10, 7, 8, 4, 6, 3, 5, 1)
    else:
        return False
    return not all_same(digits) and weighted_sum(digits, weights) % 11 == 0


def au_abn(value: str) -> bool:
    """An Australian Business Number: eleven digits; with 1 taken from the first, the
    weighted sum (10, 1, 3, 5 ... 19) is a multiple of 89."""
    digits = digits_of(value)
    if len(digits) != 11 or digits[0] == "0":
        return False
    adjusted = str(int(digits[0]) - 1) + digits[1:]
    return weighted_sum(adjusted, (10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19)) % 89 == 0


def au_medicare(value: str) -> bool:
    """An Australian Medicare card number: first digit 2-6, a check digit (weights
    1 3 7 9 1 3 7 9, mod 10) in ninth place, an issue number, optionally the person's
    reference number."""
    digits = digits_of(value)
    if len(digits) not in (10, 11) or digits[0] not in "23456" or digits[9] == "0":
        return False
    return weighted_sum(digits[:8], (1, 3, 7, 9)) % 10 == int(digits[8])


def kr_rrn(value: str) -> bool:
    """A South Korean resident registration number: birth date YYMMDD, a sex and century
    digit, and a check digit (weights 2-9, 2-5; (11 - sum mod 11) mod 10)."""
    digits = digits_of(value)
    if len(digits) != 13:
        return False
    century = {
        "1": 1900,
        "2": 1900,
        "3": 2000,
        "4": 2000,
        "5": 1900,
        "6": 1900,
        "7": 2000,
        "8": 2000,
        "9": 1800,
        "0": 1800,
    }[digits[6]]
    if not real_date(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6])):
        return False
    total = weighted_sum(digits[:12], (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5))
    return (11 - total % 11) % 10 == int(digits[12])


def jp_my_number(value: str) -> bool:
    """A Japanese Individual Number (My Number): eleven digits and a check digit with
    weights 6 5 4 3 2 7 6 5 4 3 2 (from the left); a remainder of 0 or 1 gives 0."""
    digits = digits_of(value)
    if len(digits) != 12 or all_same(digits):
        return False
    remainder = weighted_sum(digits[:11], (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)) % 11
    return (0 if remainder <= 1 else 11 - remainder) == int(digits[11])


def il_identity(value: str) -> bool:
    """An Israeli identity number (Teudat Zehut): nine digits (leading zeros kept), Luhn."""
    digits = digits_of(value)
    return 5 <= len(digits) <= 9 and not all_same(digits) and luhn_digits(digits.zfill(9))


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "il_identity": il_identity,
    "za_identity": za_identity,
    "in_aadhaar": in_aadhaar,
    "in_pan": in_pan,
    "cn_resident_id": cn_resident_id,
    "sg_nric": sg_nric,
    "au_tfn": au_tfn,
    "au_abn": au_abn,
    "au_medicare": au_medicare,
    "kr_rrn": kr_rrn,
    "jp_my_number": jp_my_number,
}
