"""Check-digit algorithms shared by many identifiers."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from policyctl.validators.check_digits import luhn_digits

_NOT_DIGIT = re.compile(r"\D")


def digits_of(value: str) -> str:
    """The decimal digits of `value`, dropping separators such as spaces and dashes."""
    plain = value.replace(" ", "").replace("-", "")  # the usual separators, quickly
    return plain if plain.isdecimal() else _NOT_DIGIT.sub("", plain)


def compact(value: str) -> str:
    """Upper-case text without spaces, dashes, dots and slashes."""
    return re.sub(r"[\s\-./]", "", value).upper()


def real_date(year: int, month: int, day: int) -> bool:
    """True when the date exists in the calendar."""
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def all_same(digits: str) -> bool:
    """True when every digit is the same one (0000000, 1111111): never issued."""
    return len(set(digits)) <= 1


def luhn(value: str) -> bool:
    """Luhn mod-10 check over the digits of `value` (payment cards, IMEI, SIN ...)."""
    digits = digits_of(value)
    return len(digits) >= 2 and luhn_digits(digits)


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "luhn": luhn,
}
