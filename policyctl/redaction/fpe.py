"""Format-preserving encryption: FF3-1 (NIST SP 800-38G Rev. 1) over the digits and the
letters of a value, so a card number written `NNNN-NNNN-NNNN-NNNN` becomes another
16-digit number with the same dashes, and every digit stays a digit and every letter a
letter of the same case.

The cipher is the `ff3` package (Apache-2.0, maintained, tested against NIST's ACVP
vectors); this module decides what to feed it. Digits are encrypted together in radix
10 and letters together in radix 26 (case put back afterwards), with one tweak per
key, so the same value always encrypts the same way and joins still work.

FF3-1 refuses domains under a million values, so fewer than 6 digits (or 5 letters)
cannot be encrypted: such letters (a country code, a prefix) are kept as they are,
and a value whose digits are too few, that is too long, or that has non-ASCII letters
or digits gives None (the caller masks it instead).
With `luhn`, the last digit is not encrypted but recomputed, so a card number stays
Luhn-valid; decrypting recomputes it again, which restores any valid card number.
"""

from __future__ import annotations

import string
from typing import Any

from policyctl.validators.checksums import luhn as luhn_valid

DIGITS = string.digits
LETTERS = string.ascii_lowercase
MIN_DIGITS = 6
MIN_LETTERS = 5
MAX_DIGITS = 56
MAX_LETTERS = 40


class FormatPreservingCipher:
    """FF3-1 ciphers for digits and letters under one AES-256 key and 56-bit tweak."""

    def __init__(self, key: bytes, tweak: bytes) -> None:
        from ff3 import FF3Cipher

        self._digits: Any = FF3Cipher.withCustomAlphabet(key.hex(), tweak.hex(), DIGITS)
        self._letters: Any = FF3Cipher.withCustomAlphabet(key.hex(), tweak.hex(), LETTERS)

    def encrypt(self, value: str, luhn: bool = False) -> str | None:
        """The encrypted value, or None when FF3-1 cannot encrypt it (too few digits)."""
        return self._transform(value, luhn, encrypting=True)

    def decrypt(self, value: str, luhn: bool = False) -> str | None:
        """The value `encrypt` was given (with the same `luhn`), or None as for encrypt."""
        return self._transform(value, luhn, encrypting=False)

    def _transform(self, value: str, luhn: bool, encrypting: bool) -> str | None:
        if any(ch.isalnum() and not ch.isascii() for ch in value):
            return None  # FF3-1 here covers ASCII digits and letters only
        out = list(value)
        digit_places = [i for i, ch in enumerate(value) if ch in DIGITS]
        letter_places = [i for i, ch in enumerate(value) if ch in string.ascii_letters]
        changed = False
        if digit_places:
            digits = "".join(value[i] for i in digit_places)
            body = digits[:-1] if luhn else digits
            if not MIN_DIGITS <= len(body) <= MAX_DIGITS:
                return None
            cipher = self._digits.encrypt if encrypting else self._digits.decrypt
            digits = cipher(body)
            if luhn:
                digits += luhn_check_digit(digits)
            for place, digit in zip(digit_places, digits, strict=True):
                out[place] = digit
            changed = True
        if len(letter_places) > MAX_LETTERS:
            return None
        if len(letter_places) >= MIN_LETTERS:
            letters = "".join(value[i].lower() for i in letter_places)
            cipher = self._letters.encrypt if encrypting else self._letters.decrypt
            for place, letter in zip(letter_places, cipher(letters), strict=True):
                out[place] = letter.upper() if value[place].isupper() else letter
            changed = True
        return "".join(out) if changed else None


def luhn_check_digit(body: str) -> str:
    """The digit that makes `body` followed by it pass the Luhn check."""
    return next(d for d in DIGITS if luhn_valid(body + d))
