"""Check-digit algorithms shared by many identifiers."""

from __future__ import annotations

from collections.abc import Callable


def digits_of(value: str) -> str:
    """The decimal digits of `value`, dropping separators such as spaces and dashes."""
    return "".join(ch for ch in value if ch.isdigit())


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
