"""Validators for financial identifiers: payment cards, bank numbers, crypto wallets."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from policyctl.validators.check_digits import iso7064_mod97_10, luhn_digits
from policyctl.validators.checksums import digits_of
from policyctl.validators.countries import COUNTRY_CODES

# Issuer identification ranges: (lowest prefix, highest prefix, lengths allowed).
# Prefixes of different widths are compared on the card's own leading digits.
_CARD_RANGES: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("4", "4", (13, 16, 19)),  # Visa (and Visa Electron)
    ("51", "55", (16,)),  # Mastercard
    ("2221", "2720", (16,)),  # Mastercard 2-series
    ("34", "34", (15,)),  # American Express
    ("37", "37", (15,)),
    ("6011", "6011", (16, 17, 18, 19)),  # Discover
    ("644", "649", (16, 17, 18, 19)),
    ("65", "65", (16, 17, 18, 19)),
    ("622126", "622925", (16, 17, 18, 19)),
    ("300", "305", (14, 15, 16, 17, 18, 19)),  # Diners Club
    ("36", "36", (14, 15, 16, 17, 18, 19)),
    ("38", "39", (14, 16, 17, 18, 19)),
    ("3528", "3589", (16, 17, 18, 19)),  # JCB
    ("1800", "1800", (15,)),  # JCB's 15-digit ranges
    ("2131", "2131", (15,)),
    ("62", "62", (16, 17, 18, 19)),  # UnionPay
    ("81", "81", (16, 17, 18, 19)),
    ("2200", "2204", (16, 17, 18, 19)),  # Mir
    ("50", "50", (12, 13, 14, 15, 16, 17, 18, 19)),  # Maestro
    ("56", "69", (12, 13, 14, 15, 16, 17, 18, 19)),
    ("60", "60", (16,)),  # RuPay
    ("508", "508", (16,)),
    ("9792", "9792", (16,)),  # Troy
)


_MAESTRO_12_DIGITS = ("5018", "5020", "5038", "5893", "6304", "6759", "6761", "6762", "6763")
"""Maestro's own issuer prefixes: a 12-digit number is a card only with one of them, as
twelve digits in the wider 50 and 56-69 ranges with a Luhn digit are one number in 60."""


def card_issuer_known(digits: str) -> bool:
    """True when the number's prefix and length belong to a card scheme's range."""
    if len(digits) == 12:
        return digits.startswith(_MAESTRO_12_DIGITS)
    for low, high, lengths in _CARD_RANGES:
        if len(digits) in lengths and low <= digits[: len(low)] <= high:
            return True
    return False


def payment_card(value: str) -> bool:
    """A primary account number: 12-19 digits (separators allowed, in a card's printed
    groups) in a scheme's issuer range, passing Luhn, and not one repeated digit. The
    card schemes' published test numbers are valid cards by these rules, and are
    reported."""
    digits = digits_of(value)
    return (
        12 <= len(digits) <= 19
        and len(set(digits)) > 1
        and card_issuer_known(digits)
        and luhn_digits(digits)
        and printed_as_a_card(value)
    )


_CARD_SEPARATOR = re.compile(r"[ \-]")
_OTHER_PRINTED_GROUPS = ((4, 6, 5), (4, 6, 4))  # American Express, Diners Club


def printed_as_a_card(value: str) -> bool:
    """True for digits without separators, and for groups as cards print them: fours
    with a last group of one to four (4-4-4-4, 4-4-4-3, 4-4-4), or 4-6-5 and 4-6-4.
    `5759 4916 1105172519` (two file sizes and a time stamp in a package map) is not."""
    sizes = tuple(len(group) for group in _CARD_SEPARATOR.split(value))
    if len(sizes) == 1 or sizes in _OTHER_PRINTED_GROUPS:
        return True
    return all(size == 4 for size in sizes[:-1]) and 1 <= sizes[-1] <= 4


_TRACK1 = re.compile(r"%?B(\d{12,19})\^[^^]{2,26}\^(\d{2})(\d{2})")
_TRACK2 = re.compile(r";?(\d{12,19})=(\d{2})(\d{2})")


def card_track_data(value: str) -> bool:
    """Magnetic-stripe track 1 or 2: a valid card number and a real expiry month."""
    found = _TRACK1.match(value) or _TRACK2.match(value)
    if found is None:
        return False
    pan, _year, month = found.groups()
    return payment_card(pan) and 1 <= int(month) <= 12


# ISO 13616 IBAN lengths by country (SWIFT IBAN registry).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
    "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    "YE": 30,
}  # fmt: skip


def iban(value: str) -> bool:
    """An IBAN: known country, that country's length, and the MOD 97-10 check."""
    compact = "".join(value.split()).replace("-", "").upper()
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact[2:4].isdigit():
        return False
    return iso7064_mod97_10(compact[4:] + compact[:4])


def swift_bic(value: str) -> bool:
    """A BIC (ISO 9362): 4 letters of bank, a real country code, 2 location characters,
    an optional 3-character branch; location '0' as second character means a test BIC."""
    compact = value.strip().upper()
    if len(compact) not in (8, 11) or not compact[:4].isalpha():
        return False
    return compact[4:6] in COUNTRY_CODES and compact[6:8].isalnum() and compact[7] != "0"


def aba_routing(value: str) -> bool:
    """A US ABA routing transit number: a Federal Reserve prefix and the 3-7-1 checksum."""
    digits = digits_of(value)
    if len(digits) != 9:
        return False
    prefix = int(digits[:2])
    if not (prefix <= 12 or 21 <= prefix <= 32 or 61 <= prefix <= 72 or prefix == 80):
        return False
    weights = (3, 7, 1) * 3
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 10 == 0


_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58check_decode(text: str) -> bytes | None:
    """The payload of a Base58Check string, or None when a character or the checksum is bad."""
    number = 0
    for ch in text:
        index = _BASE58.find(ch)
        if index < 0:
            return None
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    raw = b"\0" * (len(text) - len(text.lstrip("1"))) + body
    if len(raw) < 5:
        return None
    payload, checksum = raw[:-4], raw[-4:]
    if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != checksum:
        return None
    return payload


_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_CONST, _BECH32M_CONST = 1, 0x2BC830A3


def _bech32_polymod(values: list[int]) -> int:
    generators = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i, generator in enumerate(generators):
            if (top >> i) & 1:
                check ^= generator
    return check


def _convert_bits(data: list[int], from_bits: int, to_bits: int) -> list[int] | None:
    accumulator, bits, out = 0, 0, []
    for value in data:
        accumulator = accumulator << from_bits | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append(accumulator >> bits & ((1 << to_bits) - 1))
    if bits >= from_bits or (accumulator << (to_bits - bits)) & ((1 << to_bits) - 1):
        return None
    return out


def segwit_address(value: str) -> bool:
    """A Bitcoin mainnet SegWit address (BIP 173 Bech32 for v0, BIP 350 Bech32m for v1+)."""
    if value.lower() != value and value.upper() != value:
        return False
    text = value.lower()
    hrp, _, data_part = text.rpartition("1")
    if hrp != "bc" or len(data_part) < 7 or any(c not in _BECH32_CHARSET for c in data_part):
        return False
    data = [_BECH32_CHARSET.index(c) for c in data_part]
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    constant = _bech32_polymod(expanded + data)
    version = data[0]
    if constant != (_BECH32_CONST if version == 0 else _BECH32M_CONST) or version > 16:
        return False
    program = _convert_bits(data[1:-6], 5, 8)
    if program is None or not 2 <= len(program) <= 40:
        return False
    return version != 0 or len(program) in (20, 32)


def bitcoin_address(value: str) -> bool:
    """A Bitcoin mainnet address: legacy P2PKH/P2SH (Base58Check) or SegWit (Bech32/m)."""
    if value[:3].lower() == "bc1":
        return segwit_address(value)
    payload = base58check_decode(value)
    return payload is not None and len(payload) == 21 and payload[0] in (0x00, 0x05)


def ethereum_address(value: str) -> bool:
    """0x and 40 hex digits; when the letters are of mixed case, the EIP-55 checksum holds."""
    body = value[2:]
    if not value.startswith(("0x", "0X")) or len(body) != 40:
        return False
    if not all(c in "0123456789abcdefABCDEF" for c in body) or len(set(body.lower())) < 4:
        return False
    if body.lower() == body or body.upper() == body:
        return True
    digest = keccak256(body.lower().encode("ascii")).hex()
    return all(
        (c.upper() if int(h, 16) >= 8 else c.lower()) == c
        for c, h in zip(body, digest, strict=False)
    )


_KECCAK_ROUND_CONSTANTS = (
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
)  # fmt: skip
_KECCAK_ROTATIONS = (
    (0, 36, 3, 41, 18),
    (1, 44, 10, 45, 2),
    (62, 6, 43, 15, 61),
    (28, 55, 25, 21, 56),
    (27, 20, 39, 8, 14),
)
_MASK64 = (1 << 64) - 1


def _rotate(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (64 - shift))) & _MASK64 if shift else value


def _keccak_f(state: list[list[int]]) -> None:
    for constant in _KECCAK_ROUND_CONSTANTS:
        c = [state[x][0] ^ state[x][1] ^ state[x][2] ^ state[x][3] ^ state[x][4] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rotate(c[(x + 1) % 5], 1) for x in range(5)]
        for x in range(5):
            for y in range(5):
                state[x][y] ^= d[x]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = _rotate(state[x][y], _KECCAK_ROTATIONS[x][y])
        for x in range(5):
            for y in range(5):
                state[x][y] = b[x][y] ^ (~b[(x + 1) % 5][y] & b[(x + 2) % 5][y])
        state[0][0] ^= constant


def keccak256(data: bytes) -> bytes:
    """Keccak-256 as Ethereum uses it (original padding, not NIST SHA3-256, which
    hashlib offers and which gives different digests)."""
    rate = 136
    padded = bytearray(data) + b"\x01" + b"\0" * (-(len(data) + 1) % rate)
    padded[-1] |= 0x80
    state = [[0] * 5 for _ in range(5)]
    for start in range(0, len(padded), rate):
        block = padded[start : start + rate]
        for i in range(rate // 8):
            state[i % 5][i // 5] ^= int.from_bytes(block[8 * i : 8 * i + 8], "little")
        _keccak_f(state)
    out = b"".join(state[i % 5][i // 5].to_bytes(8, "little") for i in range(4))
    return out


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "payment_card": payment_card,
    "card_track_data": card_track_data,
    "iban": iban,
    "swift_bic": swift_bic,
    "aba_routing": aba_routing,
    "bitcoin_address": bitcoin_address,
    "ethereum_address": ethereum_address,
}
