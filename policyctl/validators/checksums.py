"""Check-digit algorithms shared by many identifiers."""

from __future__ import annotations

import re
from collections.abc import Callable

from policyctl.validators.check_digits import luhn_digits

_NOT_DIGIT = re.compile(r"\D")


def digits_of(value: str) -> str:
    """The decimal digits of `value`, dropping separators such as spaces and dashes."""
    plain = value.replace(" ", "").replace("-", "")  # the usual separators, quickly
    return plain if plain.isdecimal() else _NOT_DIGIT.sub("", plain)


def luhn(value: str) -> bool:
    """Luhn mod-10 check over the digits of `value` (payment cards, IMEI, SIN ...)."""
    digits = digits_of(value)
    return len(digits) >= 2 and luhn_digits(digits)


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "luhn": luhn,
}
