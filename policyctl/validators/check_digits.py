"""Check-digit schemes that many identifiers share: weighted sums, ISO 7064, Verhoeff.

Each function takes the digits (or characters) the scheme covers and answers one
question; the identifier validators decide which characters to feed them.
"""

from __future__ import annotations

from collections.abc import Sequence

ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def weighted_sum(digits: str, weights: Sequence[int]) -> int:
    """Sum of each digit times its weight (weights are cycled when shorter)."""
    return sum(int(d) * weights[i % len(weights)] for i, d in enumerate(digits))


def mod11_check_digit(digits: str, weights: Sequence[int]) -> int:
    """The common `11 - (sum mod 11)` check digit; 10 and 11 are returned as they are."""
    return 11 - weighted_sum(digits, weights) % 11


def iso7064_mod11_10(digits: str) -> bool:
    """ISO/IEC 7064 MOD 11,10 over a string that ends with its check digit."""
    product = 10
    for ch in digits[:-1]:
        total = (int(ch) + product) % 10 or 10
        product = total * 2 % 11
    return (11 - product) % 10 == int(digits[-1])


def iso7064_mod11_2(body: str, check: str) -> bool:
    """ISO/IEC 7064 MOD 11-2 (check character 0-9 or X), as in Chinese resident ids."""
    total = 0
    for ch in body:
        total = (total + int(ch)) * 2 % 11
    expected = (12 - total) % 11
    return check.upper() == ("X" if expected == 10 else str(expected))


def iso7064_mod97_10(text: str) -> bool:
    """ISO/IEC 7064 MOD 97-10 (IBAN): letters count as 10..35 and the number mod 97 is 1."""
    try:
        return int("".join(str(ALPHANUMERIC.index(ch)) for ch in text.upper())) % 97 == 1
    except ValueError:
        return False


_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


def verhoeff(digits: str) -> bool:
    """The Verhoeff dihedral-group check over digits that end with their check digit."""
    check = 0
    for position, ch in enumerate(reversed(digits)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[position % 8][int(ch)]]
    return check == 0


_LUHN_DOUBLED = str.maketrans("0123456789", "0246813579")
"""Each digit doubled, and 9 taken off when that makes two digits (Luhn's step)."""


def luhn_digits(digits: str) -> bool:
    """Luhn mod 10 over a plain digit string that ends with its check digit: from the
    right, every second digit doubled. Card numbers are checked by the hundred
    thousand in a table, so the doubling is one `translate`, not a loop."""
    doubled = digits[-2::-2].translate(_LUHN_DOUBLED)
    return (sum(map(int, digits[-1::-2])) + sum(map(int, doubled))) % 10 == 0


def icao_check_digit(text: str) -> int:
    """The ICAO 9303 (passport machine-readable zone) check digit: weights 7, 3, 1;
    letters count as 10..35 and the filler '<' as 0."""
    total = 0
    for position, ch in enumerate(text.upper()):
        value = 0 if ch == "<" else ALPHANUMERIC.index(ch)
        total += value * (7, 3, 1)[position % 3]
    return total % 10
