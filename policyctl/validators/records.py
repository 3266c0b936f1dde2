"""Validators for values in personal records: dates of birth, vehicle ids, coordinates,
diagnosis codes."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from policyctl.validators.check_digits import icao_check_digit

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})")
_WORDS = re.compile(
    r"(?:(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?(?:\s+|-)([A-Za-z]+)\.?(?:,?\s+|-)"
    r"|([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+)(\d{4})",
    re.IGNORECASE,
)


def _exists(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def date_candidates(value: str) -> list[date]:
    """Every calendar date the text can mean (day/month order is ambiguous in 03/04/1985)."""
    text = value.strip()
    if found := _ISO.fullmatch(text):
        year, month, day = map(int, found.groups())
        return [d for d in [_exists(year, month, day)] if d]
    if found := _NUMERIC.fullmatch(text):
        first, _sep, second, year_text = found.groups()
        options = {
            _exists(int(year_text), int(second), int(first)),
            _exists(int(year_text), int(first), int(second)),
        }
        return sorted(d for d in options if d)
    if found := _WORDS.fullmatch(text):
        day_a, month_a, month_b, day_b, year_text = found.groups()
        month_number = _MONTHS.get((month_a or month_b).lower())
        if month_number is None:
            return []
        return [d for d in [_exists(int(year_text), month_number, int(day_a or day_b))] if d]
    return []


def date_of_birth(value: str) -> bool:
    """A real calendar date between 1900 and today: someone alive could be born then."""
    today = date.today()
    return any(date(1900, 1, 1) <= d <= today for d in date_candidates(value))


_CLOCK_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s?([ap])\.?m\.?", re.IGNORECASE)


def date_or_time(value: str) -> bool:
    """A date that exists in the calendar (either day/month order), or a time of day on
    the 12-hour clock (1:00 to 12:59, am or pm)."""
    if found := _CLOCK_TIME.fullmatch(value.strip()):
        return 1 <= int(found[1]) <= 12 and int(found[2]) < 60 and int(found[3] or 0) < 60
    return bool(date_candidates(value))


_TIME_24H = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,6})?)?")
_TIMESTAMP = re.compile(
    r"(.+?)(?:[T ]|,? )(\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?)(?:Z|[+\-]\d{2}:?\d{2})?"
)
_SHORT_YEAR = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{4})|([A-Za-z]+)\.?(?:[ \-,]+\d{4}|-\d{2})")
_DAY_MONTH = re.compile(
    r"(\d{1,2})(?:st|nd|rd|th)?(?: of)?[ \-]([A-Za-z]+)\.?|([A-Za-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?"
)


def _time_of_day(text: str) -> bool:
    found = _TIME_24H.fullmatch(text)
    if found is None:
        return False
    return int(found[1]) < 24 and int(found[2]) < 60 and int(found[3] or 0) < 60


def date_or_time_alone(value: str) -> bool:
    """A date or time in one of the shorter forms that stand for one only when nothing
    else is on the line: a time on the 24-hour clock (13:45, 13:45:30), a date with its
    time (2020-12-05 10:30:00), a two-digit year (5/12/20), a month and year (12/2020,
    Jan-2020, Jan-20, March 2020), a day and month (01-Jan, 1st of May, May 1). The day and
    month must exist (31 June does not); the forms date_or_time takes are its."""
    text = value.strip()
    if _time_of_day(text):
        return True
    if found := _TIMESTAMP.fullmatch(text):
        return bool(date_candidates(found[1])) and _time_of_day(found[2])
    if found := _SHORT_YEAR.fullmatch(text):
        first, _sep, second, year = found.groups()
        full = 2000 + int(year) if int(year) < 50 else 1900 + int(year)
        return _exists(full, int(second), int(first)) is not None or (
            _exists(full, int(first), int(second)) is not None
        )
    if found := _MONTH_YEAR.fullmatch(text):
        month_number, month_name = found[1], found[3]
        if month_number is not None:
            return 1 <= int(month_number) <= 12
        return month_name.lower() in _MONTHS
    if found := _DAY_MONTH.fullmatch(text):
        day = int(found[1] or found[4])
        month = _MONTHS.get((found[2] or found[3]).lower())
        return month is not None and _exists(2000, month, day) is not None
    return False


_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7, "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}  # fmt: skip
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin(value: str) -> bool:
    """A 17-character vehicle identification number (no I, O or Q) whose ninth
    character is the ISO 3779 / FMVSS 115 check digit (0-9 or X)."""
    text = value.strip().upper()
    if len(text) != 17 or any(c not in _VIN_VALUES for c in text):
        return False
    if text.isdigit() or text.isalpha():
        return False
    total = sum(_VIN_VALUES[c] * w for c, w in zip(text, _VIN_WEIGHTS, strict=True))
    check = total % 11
    return text[8] == ("X" if check == 10 else str(check))


_COORDINATES = re.compile(r"\s*(-?\d{1,3}\.\d+)\s*[,;]\s*(-?\d{1,3}\.\d+)\s*")


def geo_coordinates(value: str) -> bool:
    """A latitude, longitude pair in range, precise to at least four decimals (about
    11 m: enough to place a home) and not the null island 0, 0."""
    found = _COORDINATES.fullmatch(value)
    if found is None:
        return False
    latitude, longitude = found.groups()
    if min(len(latitude.partition(".")[2]), len(longitude.partition(".")[2])) < 4:
        return False
    lat, lon = float(latitude), float(longitude)
    return abs(lat) <= 90 and abs(lon) <= 180 and (lat, lon) != (0.0, 0.0)


_ICD10 = re.compile(r"([A-TV-Z][0-9][0-9A-Z]|U0[0-9])(?:\.?[0-9A-Z]{1,4})?")
# The few ICD-10-CM categories with a letter in third place (C7 A/B, D3 A, M1 A ...)
_LETTER_CATEGORY_PARTS = (
    ("C7", "A"),
    ("C7", "B"),
    ("D3", "A"),
    ("M1", "A"),
    ("O9", "A"),
    ("Z3", "A"),
)
_LETTER_CATEGORIES = frozenset(head + tail for head, tail in _LETTER_CATEGORY_PARTS)


def icd10_code(value: str) -> bool:
    """An ICD-10 (or ICD-10-CM) code: chapter letter, two digits of category (or one of
    the few ICD-10-CM categories with a letter, such as C7A), and up to four characters
    of subcategory (the dot is optional, as in claims data)."""
    text = value.strip().upper()
    found = _ICD10.fullmatch(text)
    if found is None:
        return False
    category = found.group(1)
    return category[2].isdigit() or category in _LETTER_CATEGORIES


def passport_mrz(value: str) -> bool:
    """The second line of a TD3 (passport) machine-readable zone: document number,
    birth date, expiry and optional data each with its ICAO 9303 check digit, and the
    composite check digit over all of them."""
    line = value.strip().upper()
    if len(line) != 44:
        return False
    fields = ((0, 9), (13, 19), (21, 27), (28, 42))
    for start, end in fields:
        check = line[end]
        if check == "<" and set(line[start:end]) <= {"<"}:
            continue
        if not check.isdigit() or icao_check_digit(line[start:end]) != int(check):
            return False
    composite = line[0:10] + line[13:20] + line[21:43]
    return line[43].isdigit() and icao_check_digit(composite) == int(line[43])


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "date_or_time": date_or_time,
    "date_or_time_alone": date_or_time_alone,
    "date_of_birth": date_of_birth,
    "vin": vin,
    "geo_coordinates": geo_coordinates,
    "icd10_code": icd10_code,
    "passport_mrz": passport_mrz,
}
