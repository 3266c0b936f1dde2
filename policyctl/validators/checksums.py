"""Check-digit algorithms shared by many identifiers."""

from __future__ import annotations

import re
from collections.abc import Callable

_NOT_DIGIT = re.compile(r"\D")


def digits_of(value: str) -> str:
    """The decimal digits of `value`, dropping separators such as spaces and dashes."""
    return _NOT_DIGIT.sub("", value)


def luhn(value: str) -> bool:
    """Luhn mod-10 check over the digits of `value` (payment cards, IMEI, SIN ...)."""
    digits = digits_of(value)
    if len(digits) < 2:
        return False
    total = 0
    for position, ch in enumerate(reversed(digits)):
        digit = int(ch)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "luhn": luhn,
}
