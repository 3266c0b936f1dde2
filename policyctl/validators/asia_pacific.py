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
from policyctl.validators.checksums import all_same, compact, digits_of, real_date


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


_CN_PROVINCES = frozenset(
    str(code)
    for code in (
        *(11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37),
        *(41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82),
    )
)
"""The province-level divisions of GB/T 2260, the first two digits of the area code."""


def cn_resident_id(value: str) -> bool:
    """A Chinese resident identity number: area code (of a province-level division), a
    real birth date YYYYMMDD, order and an ISO 7064 MOD 11-2 check character (0-9 or X)."""
    text = value.strip().upper()
    if not re.fullmatch(r"[1-9]\d{16}[0-9X]", text) or text[:2] not in _CN_PROVINCES:
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


def au_acn(value: str) -> bool:
    """An Australian Company Number (ASIC): eight digits and a check digit, the
    complement to 10 of the digits weighted 8 down to 1, mod 10."""
    digits = digits_of(value)
    if len(digits) != 9 or all_same(digits):
        return False
    return (10 - weighted_sum(digits[:8], range(8, 0, -1)) % 10) % 10 == int(digits[8])


_GST_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_GST_STATES = frozenset(f"{n:02d}" for n in range(1, 39)) | {"97", "99"}


def in_gstin(value: str) -> bool:
    """An Indian GST identification number: state code (01-38, 97 other territory,
    99 centre), the holder's PAN, an entity number, `Z`, and a base-36 check character
    (each character's value times 1 or 2 alternately, the product's base-36 digits
    summed, and the complement to 36)."""
    text = compact(value)
    if len(text) != 15 or text[:2] not in _GST_STATES or not in_pan(text[2:12]):
        return False
    if text[12] == "0" or text[13] != "Z":
        return False
    total = 0
    for position, ch in enumerate(text[:14]):
        product = _GST_CHARS.index(ch) * (1 if position % 2 == 0 else 2)
        total += product // 36 + product % 36
    return _GST_CHARS[(36 - total % 36) % 36] == text[14]


# Letter codes of India's states and union territories on vehicle registration plates
# (Central Motor Vehicles Rules; OR is Odisha's code before it became OD).
_IN_VEHICLE_STATE_CODES = """
    AN AP AR AS BR CG CH DD DL DN GA GJ HP HR JH JK KA KL LA LD MH ML MN MP MZ NL OD OR PB
    PY RJ SK TN TR TS UK UP WB
"""
_IN_VEHICLE_STATES = frozenset(_IN_VEHICLE_STATE_CODES.split())


def in_vehicle_registration(value: str) -> bool:
    """An Indian vehicle registration mark: a state or territory code from the table, a
    district (RTO) number other than 00, a series of letters and a number 1-9999; or the
    Bharat series (year, BH, number, letters)."""
    text = compact(value)
    bharat = re.fullmatch(r"(\d{2})BH(\d{4})[A-HJ-NP-Z]{1,2}", text)
    if bharat:
        return int(bharat[1]) >= 21 and bharat[2] != "0000"
    plate = re.fullmatch(r"([A-Z]{2})(\d{1,2})[A-Z]{0,3}(\d{1,4})", text)
    return (
        plate is not None
        and plate[1] in _IN_VEHICLE_STATES
        and int(plate[2]) > 0
        and int(plate[3]) > 0
    )


def in_epic(value: str) -> bool:
    """An Indian voter ID (EPIC) number: three letters naming the assembly
    constituency, a six-digit serial and the serial's Luhn check digit."""
    text = compact(value)
    return (
        re.fullmatch(r"[A-Z]{3}\d{7}", text) is not None
        and not all_same(text[3:9])
        and luhn_digits(text[3:])
    )


def kr_brn(value: str) -> bool:
    """A South Korean business registration number: tax office (from 101), type, serial
    and a check digit: the first nine digits weighted 1 3 7 1 3 7 1 3 5, plus the tens
    of the ninth digit times 5, complemented to 10."""
    digits = digits_of(value)
    if len(digits) != 10 or int(digits[:3]) < 101 or digits[3:5] == "00":
        return False
    total = weighted_sum(digits[:9], (1, 3, 7, 1, 3, 7, 1, 3, 5)) + int(digits[8]) * 5 // 10
    return (10 - total % 10) % 10 == int(digits[9])


def kr_frn(value: str) -> bool:
    """A South Korean foreigner registration number: birth date YYMMDD, a sex and
    century digit of 5-8 (foreigners), and the resident number's check digit (numbers
    issued since October 2020 have a random last digit and are not confirmed)."""
    digits = digits_of(value)
    return len(digits) == 13 and digits[6] in "5678" and kr_rrn(digits)


# Licence-issuing regions of South Korea, the first two digits of a driving licence
# number (11 Seoul ... 26 Ulsan, 28 northern Gyeonggi).
_KR_LICENCE_REGIONS = frozenset(str(n) for n in (*range(11, 27), 28))


def kr_driving_licence(value: str) -> bool:
    """A South Korean driving licence number: region, year of issue, serial and check
    digits (12 digits); the region from the table."""
    digits = digits_of(value)
    return len(digits) == 12 and digits[:2] in _KR_LICENCE_REGIONS and not all_same(digits[4:10])


def sg_uen(value: str) -> bool:
    """A Singapore Unique Entity Number (ACRA), one of three layouts each with its check
    letter: businesses (8 digits), local companies (year and 5 digits), and other
    entities (T/S/R, year, a two-letter entity type, 4 digits)."""
    text = compact(value)
    if re.fullmatch(r"\d{8}[A-Z]", text):
        total = weighted_sum(text[:8], (10, 4, 9, 3, 8, 2, 7, 1))
        return "XMKECAWLJDB"[total % 11] == text[8]
    if re.fullmatch(r"(?:19|20)\d{7}[A-Z]", text):
        total = weighted_sum(text[:9], (10, 8, 6, 4, 9, 7, 5, 3, 1))
        return "ZKCMDNERGWH"[total % 11] == text[9]
    if re.fullmatch(r"[RST]\d{2}[A-Z]{2}\d{4}[A-Z]", text):
        alphabet = "ABCDEFGHJKLMNPQRSTUVWX0123456789"
        if any(ch not in alphabet for ch in text):
            return False
        weights = (4, 3, 5, 3, 10, 2, 2, 5, 7)
        total = sum(alphabet.index(ch) * w for ch, w in zip(text[:9], weights, strict=True))
        return alphabet[(total - 5) % 11] == text[9]
    return False


def th_national_id(value: str) -> bool:
    """A Thai personal identification number: 13 digits, the first (the holder's
    category) 1-8, and a check digit: 11 minus the sum of the first twelve weighted 13
    down to 2, mod 11, mod 10."""
    digits = digits_of(value)
    if len(digits) != 13 or digits[0] not in "12345678":
        return False
    return (11 - weighted_sum(digits[:12], range(13, 1, -1)) % 11) % 10 == int(digits[12])


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "in_epic": in_epic,
    "au_acn": au_acn,
    "in_gstin": in_gstin,
    "in_vehicle_registration": in_vehicle_registration,
    "kr_brn": kr_brn,
    "kr_frn": kr_frn,
    "kr_driving_licence": kr_driving_licence,
    "sg_uen": sg_uen,
    "th_national_id": th_national_id,
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
