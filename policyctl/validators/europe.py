"""Validators for European identifiers, the UK and Turkey included (rules/pii-europe.yaml).

Each function takes the matched text (separators allowed where the identifier is
written with them) and applies the identifier's published check: a check digit or
letter, a date of birth that exists, or the issuing authority's fixed format.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from policyctl.validators.check_digits import (
    icao_check_digit,
    iso7064_mod11_10,
    luhn_digits,
    mod11_check_digit,
    weighted_sum,
)
from policyctl.validators.checksums import all_same, compact, digits_of, real_date

# United Kingdom


_NINO_BAD_PREFIXES = frozenset({"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})


def uk_nino(value: str) -> bool:
    """A National Insurance number: two prefix letters HMRC allocates, six digits and
    a suffix A-D (the suffix may be left out)."""
    text = compact(value)
    if len(text) == 8:
        text += "A"
    if not re.fullmatch(r"[A-Z]{2}\d{6}[A-D]", text):
        return False
    first, second = text[0], text[1]
    return first not in "DFIQUV" and second not in "DFIOQUV" and text[:2] not in _NINO_BAD_PREFIXES


def uk_nhs(value: str) -> bool:
    """An NHS number: ten digits with a mod 11 check digit (weights 10 down to 2)."""
    digits = digits_of(value)
    if len(digits) != 10 or all_same(digits):
        return False
    check = mod11_check_digit(digits[:9], range(10, 1, -1))
    return check != 10 and check % 11 == int(digits[9])


# Europe


_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def es_dni(value: str) -> bool:
    """A Spanish DNI: eight digits and the letter for their remainder mod 23."""
    text = compact(value)
    return bool(re.fullmatch(r"\d{8}[A-Z]", text)) and _DNI_LETTERS[int(text[:8]) % 23] == text[8]


def es_nie(value: str) -> bool:
    """A Spanish NIE: X, Y or Z (standing for 0, 1, 2), seven digits and the DNI letter."""
    text = compact(value)
    if not re.fullmatch(r"[XYZ]\d{7}[A-Z]", text):
        return False
    return _DNI_LETTERS[int("XYZ".index(text[0]).__str__() + text[1:8]) % 23] == text[8]


# Values of characters in odd positions (1st, 3rd ...): digits 0-9, then letters A-Z.
_CF_ODD_VALUES = (
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21,
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
)  # fmt: skip
_CF_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", _CF_ODD_VALUES, strict=True))
_CF_MONTHS = "ABCDEHLMPRST"
_CF_OMOCODE = "LMNPQRSTUV"  # letters that replace digits 0-9 when codes collide


def it_fiscal_code(value: str) -> bool:
    """An Italian codice fiscale: surname and name letters, birth year, month letter,
    day (+40 for women), place code and a check letter over odd and even positions."""
    text = value.strip().upper()
    if not re.fullmatch(
        r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]",
        text,
    ):
        return False
    day = int("".join(str(_CF_OMOCODE.index(c)) if c.isalpha() else c for c in text[9:11]))
    if not (1 <= day <= 31 or 41 <= day <= 71):
        return False
    total = 0
    for position, ch in enumerate(text[:15]):
        total += _CF_ODD[ch] if position % 2 == 0 else ord(ch) - 65 if ch.isalpha() else int(ch)
    return chr(ord("A") + total % 26) == text[15]


def fr_nir(value: str) -> bool:
    """A French social security number (NIR): sex, year, month, department (2A/2B for
    Corsica), commune, order and a key of 97 minus the number mod 97."""
    text = compact(value)
    if not re.fullmatch(r"[1-478]\d{4}(?:\d{2}|2A|2B)\d{6}\d{2}", text):
        return False
    month = int(text[3:5])
    if not (1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99):
        return False
    department = text[5:7]
    number = int(text[:5] + {"2A": "19", "2B": "18"}.get(department, department) + text[7:13])
    return 97 - number % 97 == int(text[13:15])


def de_tax_id(value: str) -> bool:
    """A German tax identification number (Steuer-IdNr): eleven digits, no leading zero,
    one digit used twice or three times (never three in a row) among the first ten,
    and an ISO 7064 MOD 11,10 check digit."""
    digits = digits_of(value)
    if len(digits) != 11 or digits[0] == "0":
        return False
    counts = sorted((digits[:10].count(d) for d in set(digits[:10])), reverse=True)
    if counts[0] not in (2, 3) or (len(counts) > 1 and counts[1] > 1):
        return False
    if counts[0] == 3 and any(d * 3 in digits[:10] for d in set(digits[:10])):
        return False
    return iso7064_mod11_10(digits)


def de_vat_id(value: str) -> bool:
    """A German VAT id (USt-IdNr): DE and nine digits with an ISO 7064 MOD 11,10 check."""
    text = vat_text(value)
    return bool(re.fullmatch(r"DE[1-9]\d{8}", text)) and iso7064_mod11_10(text[2:])


_DE_DOCUMENT_CHARS = "CFGHJKLMNPRTVWXYZ0123456789"


def de_id_card(value: str) -> bool:
    """A German identity card number (Personalausweis): nine characters from the
    documents' alphabet and the ICAO 7-3-1 check digit, as printed in the MRZ."""
    text = compact(value)
    if len(text) != 10 or not text[9].isdigit() or (text[0].isdigit() and not text[:9].isdigit()):
        return False
    if any(c not in _DE_DOCUMENT_CHARS for c in text[:9]):
        return False
    return icao_check_digit(text[:9]) == int(text[9])


def de_passport(value: str) -> bool:
    """A German passport number: C, F, G, H, J or K and eight characters from the
    documents' alphabet; when a tenth digit follows, it is the ICAO check digit."""
    text = compact(value)
    if len(text) not in (9, 10) or text[0] not in "CFGHJK":
        return False
    if any(c not in _DE_DOCUMENT_CHARS for c in text[:9]):
        return False
    return len(text) == 9 or (text[9].isdigit() and icao_check_digit(text[:9]) == int(text[9]))


def _cross_sum(number: int) -> int:
    return sum(int(d) for d in str(number))


def de_health_insurance(value: str) -> bool:
    """A German health-insurance number (KVNR): a letter (as 01-26), eight digits and a
    check digit: weights 1, 2 alternating, cross sums of the products, mod 10."""
    text = compact(value)
    if not re.fullmatch(r"[A-Z]\d{9}", text):
        return False
    digits = f"{ord(text[0]) - 64:02d}" + text[1:9]
    total = sum(_cross_sum(int(d) * (1, 2)[i % 2]) for i, d in enumerate(digits))
    return total % 10 == int(text[9])


def de_pension_number(value: str) -> bool:
    """A German social-security (pension insurance) number: area, birth date DDMMYY,
    surname initial, serial and a check digit: the initial as 01-26, weights
    2 1 2 5 7 1 2 1 2 1 2 1, cross sums of the products, mod 10."""
    text = compact(value)
    if not re.fullmatch(r"\d{8}[A-Z]\d{3}", text):
        return False
    if not real_date(2000 + int(text[6:8]), int(text[4:6]), int(text[2:4])):
        return False
    digits = text[:8] + f"{ord(text[8]) - 64:02d}" + text[9:11]
    weights = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)
    total = sum(_cross_sum(int(d) * w) for d, w in zip(digits, weights, strict=True))
    return total % 10 == int(text[11])


def nl_bsn(value: str) -> bool:
    """A Dutch citizen service number (BSN): nine digits passing the '11-test'."""
    digits = digits_of(value).zfill(9)
    if len(digits) != 9 or all_same(digits):
        return False
    return (weighted_sum(digits[:8], range(9, 1, -1)) - int(digits[8])) % 11 == 0


def be_national_number(value: str) -> bool:
    """A Belgian national register number: birth date YYMMDD, serial, and a check of
    97 minus the number mod 97 (with a leading 2 for births from 2000)."""
    digits = digits_of(value)
    if len(digits) != 11:
        return False
    if int(digits[2:4]) > 12 or int(digits[4:6]) > 31:  # 0 stands for an unknown month or day
        return False
    body, check = int(digits[:9]), int(digits[9:])
    if check == 97 - body % 97:
        return True
    born_after_2000 = 2000 + int(digits[:2]) <= date.today().year
    return born_after_2000 and check == 97 - int("2" + digits[:9]) % 97


def pl_pesel(value: str) -> bool:
    """A Polish PESEL: birth date (century in the month), serial and a weighted check."""
    digits = digits_of(value)
    if len(digits) != 11:
        return False
    month = int(digits[2:4])
    century = {0: 1900, 1: 2000, 2: 2100, 3: 2200, 4: 1800}[month // 20]
    if not real_date(century + int(digits[:2]), month % 20, int(digits[4:6])):
        return False
    return (10 - weighted_sum(digits[:10], (1, 3, 7, 9)) % 10) % 10 == int(digits[10])


def se_personnummer(value: str) -> bool:
    """A Swedish personal identity number: (YY)YYMMDD, separator, serial and a Luhn check
    over the ten-digit form; coordination numbers add 60 to the day."""
    text = value.strip()
    found = re.fullmatch(r"(\d{2})?(\d{2})(\d{2})(\d{2})[-+]?(\d{3})(\d)", text)
    if found is None:
        return False
    century, year, month, day, serial, check = found.groups()
    day_number = int(day) - 60 if int(day) > 60 else int(day)
    full_year = int(century) * 100 + int(year) if century else 2000 + int(year)
    if not real_date(full_year, int(month), day_number) and not real_date(
        full_year - 100, int(month), day_number
    ):
        return False
    return luhn_digits(year + month + day + serial + check)


_HETU_CHECKS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_HETU_CENTURIES = {"+": 1800, "-": 1900, "A": 2000}
_HETU_CENTURIES.update(dict.fromkeys("UVWXY", 1900))
_HETU_CENTURIES.update(dict.fromkeys("BCDEF", 2000))


def fi_hetu(value: str) -> bool:
    """A Finnish personal identity code (HETU): DDMMYY, century sign, individual number
    002-999 (900-999 are temporary codes, issued as well) and a check character for
    the nine digits mod 31."""
    text = value.strip().upper()
    found = re.fullmatch(r"(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])", text)
    if found is None:
        return False
    day, month, year, sign, serial, check = found.groups()
    if not real_date(_HETU_CENTURIES[sign] + int(year), int(month), int(day)):
        return False
    if int(serial) < 2:
        return False
    return _HETU_CHECKS[int(day + month + year + serial) % 31] == check


def no_birth_number(value: str) -> bool:
    """A Norwegian national identity number (fødselsnummer, or D-number with day + 40):
    birth date, individual number and two mod 11 check digits."""
    digits = digits_of(value)
    if len(digits) != 11:
        return False
    day = int(digits[:2])
    day = day - 40 if day > 40 else day  # D-numbers
    month = int(digits[2:4])
    month = month - 40 if month > 40 else month  # H-numbers used in health services
    year, individual = int(digits[4:6]), int(digits[6:9])
    if individual < 500:
        year += 1900
    elif individual < 750 and year >= 54:
        year += 1800
    elif year < 40:
        year += 2000
    elif individual >= 900:
        year += 1900
    else:
        return False
    if not real_date(year, month, day) or date(year, month, day) > date.today():
        return False
    first = mod11_check_digit(digits[:9], (3, 7, 6, 1, 8, 9, 4, 5, 2)) % 11
    second = mod11_check_digit(digits[:10], (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)) % 11
    return first == int(digits[9]) and second == int(digits[10]) and first != 10


def dk_cpr(value: str) -> bool:
    """A Danish CPR number: a real birth date DDMMYY and four digits (Denmark dropped
    the mod 11 check in 2007, so the date is what can be checked)."""
    digits = digits_of(value)
    return len(digits) == 10 and real_date(2000, int(digits[2:4]), int(digits[:2]))


def pt_nif(value: str) -> bool:
    """A Portuguese tax number (NIF): nine digits with a valid first digit and mod 11 check."""
    digits = digits_of(value)
    if len(digits) != 9 or digits[0] not in "1235689":
        return False
    return mod11_check_digit(digits[:8], range(9, 1, -1)) % 11 % 10 == int(digits[8])


_PPS_LETTERS = "WABCDEFGHIJKLMNOPQRSTUV"


def ie_ppsn(value: str) -> bool:
    """An Irish PPS number: seven digits, a mod 23 check letter and an optional letter."""
    text = compact(value)
    found = re.fullmatch(r"(\d{7})([A-W])([A-IW]?)", text)
    if found is None:
        return False
    digits, check, extra = found.groups()
    total = weighted_sum(digits, range(8, 1, -1))
    if extra and extra != "W":
        total += 9 * (ord(extra) - 64)
    return _PPS_LETTERS[total % 23] == check


def ch_ahv(value: str) -> bool:
    """A Swiss social security number (AHV/AVS): 756, nine digits and an EAN-13 check digit."""
    digits = digits_of(value)
    if len(digits) != 13 or not digits.startswith("756"):
        return False
    return (10 - weighted_sum(digits[:12], (1, 3)) % 10) % 10 == int(digits[12])


def tr_identity(value: str) -> bool:
    """A Turkish identity number (T.C. Kimlik No): eleven digits, the tenth and eleventh
    check digits computed from the odd and even positions."""
    digits = digits_of(value)
    if len(digits) != 11 or digits[0] == "0":
        return False
    d = [int(c) for c in digits]
    tenth = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    return tenth == d[9] and sum(d[:10]) % 10 == d[10]


def de_lanr(value: str) -> bool:
    """A German lifelong physician number (LANR, KBV): a six-digit serial, a check
    digit (the serial weighted 4 9 4 9 4 9, complemented to 10) and a two-digit
    specialty group from 01."""
    digits = digits_of(value)
    if len(digits) != 9 or all_same(digits[:6]) or digits[7:] == "00":
        return False
    return (10 - weighted_sum(digits[:6], (4, 9)) % 10) % 10 == int(digits[6])


def de_bsnr(value: str) -> bool:
    """A German practice location number (Betriebsstättennummer, KBV): nine digits whose
    first two name the regional association of statutory-health-insurance physicians
    (01-99; the regions' own numbering changes with mergers, so any is accepted); it has
    no check digit, so the rule needs a context word."""
    digits = digits_of(value)
    return len(digits) == 9 and digits[:2] != "00" and not all_same(digits)


# Leitregionen (first two digits) that German postcodes do not use.
_DE_UNUSED_POSTCODE_REGIONS = frozenset({"00", "05", "43", "62"})


def de_postcode(value: str) -> bool:
    """A German postcode (Postleitzahl): five digits from 01001 whose first two digits
    name a postal region in use."""
    digits = digits_of(value.upper().removeprefix("D-"))
    return (
        len(digits) == 5 and digits[:2] not in _DE_UNUSED_POSTCODE_REGIONS and int(digits) >= 1001
    )


# The leading digits of the 13-digit federal form of a German tax number (Steuernummer)
# name the state: 28 Baden-Württemberg, 9 Bavaria, 11 Berlin, 30 Brandenburg, 24 Bremen,
# 22 Hamburg, 26 Hesse, 40 Mecklenburg-Vorpommern, 23 Lower Saxony, 5 North
# Rhine-Westphalia, 27 Rhineland-Palatinate, 10 Saarland, 32 Saxony, 31 Saxony-Anhalt,
# 21 Schleswig-Holstein, 41 Thuringia.
_DE_TAX_STATES = frozenset(
    ["9", "5", "28", "11", "30", "24", "22", "26", "40", "23", "27", "10", "32", "31", "21", "41"]
)


def de_tax_number(value: str) -> bool:
    """A German tax number (Steuernummer, not the personal Steuer-ID): ten or eleven
    digits in a state's own layout (tax office, district, serial, however grouped), or
    the 13-digit federal form (state code, tax office, a 0, district, serial). The
    states' check-digit methods differ and are not applied, so the rule needs a
    context word."""
    digits = re.sub(r"[\s/]", "", value)
    if not digits.isdigit() or all_same(digits):
        return False
    if len(digits) == 13:
        return (digits[0] in _DE_TAX_STATES or digits[:2] in _DE_TAX_STATES) and digits[4] == "0"
    if len(digits) == 11 and value.strip().isdigit() and de_tax_id(digits):
        return False  # the personal Steuer-ID's check passes: pii.de-tax-id reports it
    return len(digits) in (10, 11)


def de_commercial_register(value: str) -> bool:
    """A German commercial register number (Handelsregister): the register's kind (HRA
    partnerships, HRB companies, GnR cooperatives, PR partnership companies, VR
    associations), a number 1-999999, and an optional court letter."""
    found = re.fullmatch(r"(?:HRA|HRB|GNR|PR|VR|GSR)\s?(\d{1,6})(?:\s?[A-Z]{1,2})?", value.upper())
    return found is not None and int(found[1]) > 0


def de_vehicle_registration(value: str) -> bool:
    """A German number plate (Kfz-Kennzeichen): a district code of 1-3 letters, 1-2
    letters, a number 1-9999 and an optional E (electric) or H (historic); together at
    most eight characters, the suffix aside."""
    found = re.fullmatch(r"([A-Z]{1,3})[ \-:]+([A-Z]{1,2}) ?([1-9]\d{0,3})([EH]?)", value.upper())
    return found is not None and len(found[1] + found[2] + found[3]) <= 8


def se_organisation_number(value: str) -> bool:
    """A Swedish organisation number (organisationsnummer): ten digits whose third and
    fourth are 20 or more (so it is never a personal number's month) and Luhn."""
    digits = digits_of(value)
    return len(digits) == 10 and digits[2] >= "2" and digits[0] != "0" and luhn_digits(digits)


# Postcode areas of the United Kingdom and the Crown Dependencies (Royal Mail).
_UK_POSTCODE_AREA_CODES = """
    AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL
    DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW
    KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH
    RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF
    WN WR WS WV YO ZE
"""
_UK_POSTCODE_AREAS = frozenset(_UK_POSTCODE_AREA_CODES.split())


def uk_postcode(value: str) -> bool:
    """A UK postcode: an outward code whose letters name a postcode area, a space, and an
    inward code (digit and two letters without C, I, K, M, O, V); or GIR 0AA."""
    text = " ".join(value.upper().split())
    if text == "GIR 0AA":
        return True
    found = re.fullmatch(r"([A-Z]{1,2})\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}", text)
    return found is not None and found[1] in _UK_POSTCODE_AREAS


def uk_vehicle_registration(value: str) -> bool:
    """A UK registration mark in the current format (since September 2001): a local
    memory tag (its first letter a DVLA region), an age identifier (the year for March,
    the year plus 50 for September, not in the future) and three random letters."""
    found = re.fullmatch(r"([A-Z]{2})(\d{2}) ?([A-Z]{3})", " ".join(value.upper().split()))
    if found is None or found[1][0] not in "ABCDEFGHKLMNOPRSVWY":
        return False
    if found[1][1] in "IQZ" or any(ch in "IQ" for ch in found[3]):
        return False
    age = int(found[2])
    year = date.today().year % 100
    return 2 <= age <= year or 51 <= age <= min(year, 49) + 50


def uk_driving_licence(value: str) -> bool:
    """A driving licence number of Great Britain (DVLA): five characters of the surname
    (padded with 9), the birth date as decade, month (plus 50 for women), day and year,
    two initials (padded with 9), a digit and two check letters."""
    text = value.upper().replace(" ", "")
    found = re.fullmatch(r"[A-Z9]{5}(\d)(\d{2})(\d{2})(\d)[A-Z9]{2}\d[A-Z\d]{2}", text)
    if found is None or not text[0].isalpha():
        return False
    month = int(found[2]) % 50
    return real_date(1900 + int(found[1]) * 10 + int(found[4]), month, int(found[3]))


# Province codes (01-81) on Turkish number plates, with the number of digits allowed
# after one, two or three letters.
_TR_PLATE_DIGITS = {1: (4, 4), 2: (3, 4), 3: (2, 3)}


def tr_licence_plate(value: str) -> bool:
    """A Turkish number plate: a province code 01-81, one to three letters of the Latin
    alphabet without Q, W and X, and a number whose length depends on how many letters
    there are (one letter four digits, two letters three or four, three two or three)."""
    found = re.fullmatch(r"(\d{2}) ?([A-PR-VYZ]{1,3}) ?(\d{2,4})", " ".join(value.upper().split()))
    if found is None or not 1 <= int(found[1]) <= 81:
        return False
    low, high = _TR_PLATE_DIGITS[len(found[2])]
    return low <= len(found[3]) <= high and int(found[3]) > 0


def _vat_at(number: str) -> bool:
    total = sum(_cross_sum(int(d) * (1, 2)[i % 2]) for i, d in enumerate(number[1:8]))
    return (96 - total) % 10 == int(number[8])


def _vat_be(number: str) -> bool:
    return 97 - int(number[:8]) % 97 == int(number[8:])


def _vat_dk(number: str) -> bool:
    return number[0] != "0" and weighted_sum(number, (2, 7, 6, 5, 4, 3, 2, 1)) % 11 == 0


def _vat_el(number: str) -> bool:
    """Greece's AFM: the first eight digits weighted 256 ... 2, the sum mod 11 mod 10."""
    return weighted_sum(number[:8], (256, 128, 64, 32, 16, 8, 4, 2)) % 11 % 10 == int(number[8])


def _vat_ro(number: str) -> bool:
    """Romania's CIF: the digits before the check, right-aligned under the weights
    7 5 3 2 1 7 5 3 2; ten times their sum, mod 11, mod 10."""
    body = number[:-1].zfill(9)
    return weighted_sum(body, (7, 5, 3, 2, 1, 7, 5, 3, 2)) * 10 % 11 % 10 == int(number[-1])


def _vat_fi(number: str) -> bool:
    check = mod11_check_digit(number[:7], (7, 9, 10, 5, 8, 4, 2)) % 11
    return check != 10 and check == int(number[7])


def _vat_fr(number: str) -> bool:
    """A key over the SIREN (numeric keys only are computable), and the SIREN's Luhn;
    a business without a SIREN (a foreign one) has 000 and six digits in its place,
    which the key alone checks."""
    key_ok = not number[:2].isdigit() or int(number[:2]) == (12 + 3 * (int(number[2:]) % 97)) % 97
    if number[2:5] == "000":
        return number[:2].isdigit() and key_ok and number[5:] != "000000"
    return key_ok and luhn_digits(number[2:])


def _vat_it(number: str) -> bool:
    """Digits 8-10 name the tax office; the whole number is a Luhn number."""
    office = number[7:10]
    return (1 <= int(office) <= 100 or office in ("120", "121", "888", "999")) and luhn_digits(
        number
    )


def _vat_lu(number: str) -> bool:
    return int(number[:6]) % 89 == int(number[6:])


def _vat_nl(number: str) -> bool:
    """The old mod 11 test, or MOD 97-10 over the whole id (sole proprietors since 2020)."""
    digits = number[:9]
    return (weighted_sum(digits[:8], range(9, 1, -1)) - int(digits[8])) % 11 == 0 or (
        int("2321" + digits + "11" + number[10:]) % 97 == 1
    )


def _vat_pl(number: str) -> bool:
    return weighted_sum(number[:9], (6, 5, 7, 2, 3, 4, 5, 6, 7)) % 11 == int(number[9])


def _vat_pt(number: str) -> bool:
    check = mod11_check_digit(number[:8], range(9, 1, -1)) % 11 % 10
    return number[0] != "0" and check == int(number[8])


def _vat_se(number: str) -> bool:
    return luhn_digits(number[:10])


def _vat_si(number: str) -> bool:
    check = mod11_check_digit(number[:7], (8, 7, 6, 5, 4, 3, 2))
    return check != 11 and check % 10 == int(number[7])


def _format_only(number: str) -> bool:
    return True


class VatFormat(NamedTuple):
    """One member state's VAT number: the digits after the prefix, and its own check."""

    pattern: re.Pattern[str]
    check: Callable[[str], bool] = _format_only


def _vat(pattern: str, check: Callable[[str], bool] = _format_only) -> VatFormat:
    return VatFormat(re.compile(pattern), check)


# VAT identification numbers of EU member states (and Northern Ireland, XI): the format
# of each, and the national check digit where the member state publishes one.
VAT_FORMATS: dict[str, VatFormat] = {
    "AT": _vat(r"U\d{8}", _vat_at),
    "BE": _vat(r"[01]\d{9}", _vat_be),
    "BG": _vat(r"\d{9,10}"),
    "CY": _vat(r"\d{8}[A-Z]"),
    "CZ": _vat(r"\d{8,10}"),
    "DK": _vat(r"\d{8}", _vat_dk),
    "EE": _vat(r"10\d{7}"),
    "EL": _vat(r"\d{9}", _vat_el),
    "ES": _vat(r"[A-Z0-9]\d{7}[A-Z0-9]"),
    "FI": _vat(r"\d{8}", _vat_fi),
    "FR": _vat(r"[0-9A-HJ-NP-Z]{2}\d{9}", _vat_fr),
    "HR": _vat(r"\d{11}"),
    "HU": _vat(r"\d{8}"),
    "IE": _vat(r"\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W]"),
    "IT": _vat(r"\d{11}", _vat_it),
    "LT": _vat(r"\d{9}|\d{12}"),
    "LU": _vat(r"\d{8}", _vat_lu),
    "LV": _vat(r"\d{11}"),
    "MT": _vat(r"\d{8}"),
    "NL": _vat(r"\d{9}B\d{2}", _vat_nl),
    "PL": _vat(r"\d{10}", _vat_pl),
    "PT": _vat(r"\d{9}", _vat_pt),
    "RO": _vat(r"[1-9]\d{1,9}", _vat_ro),
    "SE": _vat(r"\d{10}01", _vat_se),
    "SI": _vat(r"[1-9]\d{7}", _vat_si),
    "SK": _vat(r"[1-9]\d{9}"),
    "XI": _vat(r"\d{9}|\d{12}|GD\d{3}|HA\d{3}"),
}


def vat_text(value: str) -> str:
    """A VAT id as its state's register holds it: upper case, without the separators
    invoices print (spaces, dots, dashes, slashes, a colon after the prefix) and without
    the `(0)` Belgian invoices put before the nine digits of an old-style number."""
    return compact(re.sub(r":|\(0\)", "", value))


def _national_vat_number(country: str, number: str) -> str:
    """Old national spellings in today's form: a Belgian number of nine digits (before
    2007) and a Greek one of eight gain their leading 0; a Dutch number whose leading
    zeros were dropped before the B (`NL4495445B01`) regains them, as the tax office's
    nine-digit form has them."""
    if country == "BE" and len(number) == 9 and number.isdigit():
        return "0" + number
    if country == "EL" and len(number) == 8 and number.isdigit():
        return "0" + number
    dutch = re.fullmatch(r"(\d{7,8})(B\d{2})", number) if country == "NL" else None
    return dutch.group(1).zfill(9) + dutch.group(2) if dutch else number


def eu_vat_id(value: str) -> bool:
    """An EU VAT identification number: member-state prefix, that state's format, and
    its check digit where one is defined (Germany has its own rule, de_vat_id). A prefix
    written in lower or mixed case (`fr 40303265045`) is taken only where the state has
    a check digit: two lower-case letters and digits are otherwise anything."""
    text = vat_text(value)
    country = text[:2]
    number = _national_vat_number(country, text[2:])
    vat = VAT_FORMATS.get(country)
    if vat is None or vat.pattern.fullmatch(number) is None:
        return False
    if not value.lstrip()[:2].isupper() and vat.check is _format_only:
        return False
    return vat.check(number)


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "de_lanr": de_lanr,
    "de_bsnr": de_bsnr,
    "de_postcode": de_postcode,
    "de_tax_number": de_tax_number,
    "de_commercial_register": de_commercial_register,
    "de_vehicle_registration": de_vehicle_registration,
    "se_organisation_number": se_organisation_number,
    "uk_postcode": uk_postcode,
    "uk_vehicle_registration": uk_vehicle_registration,
    "uk_driving_licence": uk_driving_licence,
    "tr_licence_plate": tr_licence_plate,
    "uk_nino": uk_nino,
    "uk_nhs": uk_nhs,
    "es_dni": es_dni,
    "es_nie": es_nie,
    "it_fiscal_code": it_fiscal_code,
    "fr_nir": fr_nir,
    "de_tax_id": de_tax_id,
    "de_vat_id": de_vat_id,
    "de_id_card": de_id_card,
    "de_passport": de_passport,
    "de_health_insurance": de_health_insurance,
    "de_pension_number": de_pension_number,
    "nl_bsn": nl_bsn,
    "be_national_number": be_national_number,
    "pl_pesel": pl_pesel,
    "se_personnummer": se_personnummer,
    "fi_hetu": fi_hetu,
    "no_birth_number": no_birth_number,
    "dk_cpr": dk_cpr,
    "pt_nif": pt_nif,
    "ie_ppsn": ie_ppsn,
    "ch_ahv": ch_ahv,
    "tr_identity": tr_identity,
    "eu_vat_id": eu_vat_id,
}
