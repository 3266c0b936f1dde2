"""Validators for contact details: e-mail addresses and phone numbers."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from policyctl.validators.records import date_or_time, date_or_time_alone

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(
    rf"(?={_ATOM}(?:\.{_ATOM})*@.{{1,253}}$)(?=[^@]{{1,64}}@)"  # lengths: local 64, domain 253
    rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9-]{{1,59}})"
)


def email(value: str) -> bool:
    """An address whose local part is a dot-atom of at most 64 characters and whose
    domain has at least two labels (no label starting or ending with '-') and an
    alphabetic (or punycode) top-level label."""
    return _EMAIL.fullmatch(value) is not None


_NON_DIGITS = re.compile(r"\D")

NANP_REGIONS: tuple[str, ...] = ("US", "CA")
"""Tried for ten-digit numbers (or eleven with the leading 1) without a country code."""
TRUNK_ZERO_REGIONS: tuple[str, ...] = ("GB", "DE", "FR", "IN", "AU")
"""Tried for numbers written with a leading 0 (the trunk prefix there) and no country code."""


def _phonenumbers() -> Any:
    # Imported on first use: the library's metadata takes a while to load, and most
    # runs (a pre-commit hook on code) never look at a phone number.
    import phonenumbers

    return phonenumbers


@lru_cache(maxsize=65536)
def phone_number(value: str) -> bool:
    """A phone number valid in its region by libphonenumber's metadata: in
    international format (+ or 00 and a country code) for any region; without one, as a
    North American number (ten digits; of the Caribbean and Pacific regions of country
    code 1 too when written 3-3-4 or with the area code in brackets), an Indian mobile,
    or a number dialled with the trunk prefix 0 in GB, DE, FR, IN or AU."""
    text = value.strip()
    digits = _NON_DIGITS.sub("", text)
    if not 7 <= len(digits) <= 15 or len(set(digits)) < 3:
        return False
    if text.startswith(("+", "00")):
        international = digits[2:] if text.startswith("00") else digits
        if international.startswith("1") and len(international) == 11:
            return _nanp_exchange_valid(international[1:7]) or any(
                _valid_in_region(international[1:], region) for region in _nanp_regions()
            )
        return _international_valid("+" + international)
    nanp_length = len(digits) == 10 or (len(digits) == 11 and digits[0] == "1")
    if nanp_length and _nanp_exchange_valid(digits[-10:-4]):
        return True
    if (
        len(digits) == 10
        and _NANP_WRITTEN.fullmatch(text)
        and any(_valid_in_region(digits, region) for region in _nanp_regions())
    ):
        return True  # (268) 460-1234, Antigua: the Caribbean and Pacific regions of +1
    if len(digits) == 10 and digits[0] in "6789" and not _NANP_SHAPE.fullmatch(text):
        return _valid_in_region(digits, "IN")  # Indian mobiles: 98765 43210
    if digits[0] == "0":
        return any(_valid_in_region(digits[1:], r) for r in TRUNK_ZERO_REGIONS)
    return False


_NANP_SHAPE = re.compile(r"\(?\d{3}\)?[ .\-]?\d{3}[ .\-]?\d{4}")


@lru_cache(maxsize=65536)
def _nanp_exchange_valid(area_and_exchange: str) -> bool:
    """Whether numbers of this area code and exchange (NPA-NXX) are valid in the US or
    Canada (libphonenumber's North American patterns are decided by these six digits)."""
    return any(_valid_in_region(area_and_exchange + "5555", r) for r in NANP_REGIONS)


@cache
def _nanp_regions() -> tuple[str, ...]:
    """Every region of country code 1 (the Caribbean, the Pacific territories ...): a
    number written with +1 is valid in any of them; without the country code only the
    US and Canada are tried (NANP_REGIONS)."""
    regions = _phonenumbers().COUNTRY_CODE_TO_REGION_CODE.get(1, ())
    return tuple(region for region in regions if region not in NANP_REGIONS)


def _international_valid(text: str) -> bool:
    library = _phonenumbers()
    try:
        parsed = library.parse(text, None)
    except library.NumberParseException:
        return False
    return bool(library.is_valid_number(parsed))


_NUMBER_TYPES = (
    "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan",
    "voicemail", "fixed_line", "mobile",
)  # fmt: skip

_Desc = tuple[tuple[int, ...], re.Pattern[str]]


@cache
def _region_descs(region: str) -> tuple[_Desc, tuple[_Desc, ...]]:
    """A region's general and per-type (lengths, pattern) descriptions from
    libphonenumber's metadata, compiled once; types that allow the same lengths share
    one alternation, so a number is matched once per length group, not once per type."""
    metadata = _phonenumbers().PhoneMetadata.metadata_for_region(region)
    general = metadata.general_desc
    groups: dict[tuple[int, ...], list[str]] = {}
    for name in _NUMBER_TYPES:
        desc = getattr(metadata, name, None)
        if desc is not None and desc.national_number_pattern:
            lengths = tuple(desc.possible_length or ())
            groups.setdefault(lengths, []).append(f"(?:{desc.national_number_pattern})")
    return (
        (tuple(general.possible_length or ()), re.compile(general.national_number_pattern)),
        tuple((lengths, re.compile("|".join(p))) for lengths, p in groups.items()),
    )


def _matches(desc: _Desc, national: str) -> bool:
    lengths, pattern = desc
    return (not lengths or len(national) in lengths) and pattern.fullmatch(national) is not None


@lru_cache(maxsize=65536)
def _valid_in_region(national: str, region: str) -> bool:
    """What libphonenumber's is_valid_number_for_region answers for `national` (without
    trunk prefix) in `region`: it matches the region's general pattern and the pattern
    of some number type. Done here with the library's metadata, compiled once, because
    the library's own call costs about ten times more and datasets hold millions."""
    if not national or national[0] == "0":
        return False
    return _matches_region(national, region)


def _matches_region(national: str, region: str) -> bool:
    """_valid_in_region, for a region without a trunk prefix, whose own numbers may
    start with 0 (Italy's 02 1234 5678, Côte d'Ivoire's 01 23 45 6789)."""
    general, types = _region_descs(region)
    return _matches(general, national) and any(_matches(t, national) for t in types)


MOBILE_TRUNK_REGIONS: tuple[str, ...] = ("GB", "PH", "TR")
"""Regions whose mobile numbers, dialled with the trunk prefix 0, have a shape of their
own (07xxx xxxxxx, 09xx xxx xxxx, 05xx xxx xx xx): reported without a context word."""


@cache
def _mobile_desc(region: str) -> _Desc:
    mobile = _phonenumbers().PhoneMetadata.metadata_for_region(region).mobile
    return tuple(mobile.possible_length or ()), re.compile(mobile.national_number_pattern)


@lru_cache(maxsize=65536)
def national_mobile(value: str) -> bool:
    """A mobile number written with the trunk prefix 0 and no country code, valid as a
    mobile number (by libphonenumber's metadata) in the United Kingdom, the Philippines
    or Turkey."""
    digits = _NON_DIGITS.sub("", value)
    if len(digits) != 11 or digits[0] != "0" or len(set(digits)) < 3:
        return False
    return any(
        _valid_in_region(digits[1:], region) and _matches(_mobile_desc(region), digits[1:])
        for region in MOBILE_TRUNK_REGIONS
    )


def phone_number_national(value: str) -> bool:
    """phone_number, for numbers in national format that are not a national mobile
    number of MOBILE_TRUNK_REGIONS (those are pii.phone-number-mobile-national's)."""
    return phone_number(value) and not national_mobile(value)


NATIONAL_ALONE_REGIONS: tuple[str, ...] = (
    *("US", "CA", "GB", "DE", "IL", "IN", "BR"),
    *("FR", "AU", "NL", "BE", "AT", "CH", "SE", "IT", "ES", "PL", "IE", "PT", "NZ", "ZA"),
    *("JP", "CN", "TR", "PH", "MX", "NG"),
)
"""The regions whose national format is tried first (see _regions_in_order): the
regions Presidio's phone recognizer reads by default, and the most common others. Every
region is tried after them: a number with its trunk 0 or its area code in brackets,
grouped digit for digit as one region writes its numbers, is that region's number
(phonenumbers' example numbers alone on a line: 444 of 891 reported with every region,
258 with these 27; of its 195 invalid example numbers, 7 and 1, each valid as written
in another region's plan)."""


_DIGIT_GROUPS = re.compile(r"\d+")
_MOBILE_WRITTEN = re.compile(
    r"0(?:7\d{3}[ .\-]?\d{6}|7\d{3}[ .\-]?\d{3}[ .\-]?\d{3}|9\d{2}[ .\-]?\d{3}[ .\-]?\d{4}"
    r"|5\d{2}[ .\-]?\d{3}[ .\-]?\d{2}[ .\-]?\d{2}|5\d{2}[ .\-]?\d{3}[ .\-]?\d{4})"
)
"""What pii.phone-number-mobile-national's pattern takes (it reports those numbers)."""
_NANP_WRITTEN = re.compile(r"\(\d{3}\)[ .\-]?\d{3}[ .\-]\d{4}|\d{3}[ .\-]\d{3}[ .\-]\d{4}")


@lru_cache(maxsize=65536)
def phone_number_national_alone(value: str) -> bool:
    """A number written in a region's national format, digit group for digit group as
    libphonenumber's metadata formats it there (030 1234567 in DE, 09-762-5400 in IL,
    (11) 98456-5666 in BR), and valid there: a trunk 0 or an area code in brackets
    first, and its separators where that region puts them, is a phone number's shape,
    for a line that holds nothing else. Not a date or time, and not the
    numbers pii.phone-number and pii.phone-number-mobile-national report already (North
    American 3-3-4, GB/PH/TR mobiles)."""
    text = value.strip()
    if not text.startswith(("0", "(")):
        return False
    digits = _NON_DIGITS.sub("", text)
    groups = [len(g) for g in _DIGIT_GROUPS.findall(text)]
    if not 8 <= len(digits) <= 13 or len(set(digits)) < 3 or len(groups) < 2:
        return False
    if date_or_time(text) or date_or_time_alone(text):
        return False
    if _NANP_WRITTEN.fullmatch(text) and _nanp_exchange_valid(digits[-10:-4]):
        return False
    if _MOBILE_WRITTEN.fullmatch(text) and national_mobile(text):
        return False
    return _written_as_in_some_region(text, digits, groups)


def _written_as_in_some_region(text: str, digits: str, groups: list[int]) -> bool:
    """Whether `text` (its `digits`, in groups of these lengths) is a valid number of
    some region, written digit group for digit group as libphonenumber's metadata
    formats that region's numbers nationally; regions in _regions_in_order."""
    library = _phonenumbers()
    for region, prefix, own_parsing in _regions_in_order():
        if not (own_parsing or _may_be_valid(digits, region, prefix)):
            continue
        try:
            parsed = library.parse(text, region)
        except library.NumberParseException:
            continue
        if not library.is_valid_number_for_region(parsed, region):
            continue
        written = library.format_number(parsed, library.PhoneNumberFormat.NATIONAL)
        if [len(g) for g in _DIGIT_GROUPS.findall(written)] == groups:
            return True
    return False


@cache
def _regions_in_order() -> tuple[tuple[str, str, bool], ...]:
    """Every region with its trunk prefix and whether its numbers need the library's own
    parsing to lose it (a prefix with more to it than the plain digits, as Argentina's
    0 and 15): NATIONAL_ALONE_REGIONS first, the most common numbers, then the rest."""
    library = _phonenumbers()
    rest = sorted(set(library.SUPPORTED_REGIONS) - set(NATIONAL_ALONE_REGIONS) - {"001"})
    found = []
    for region in (*NATIONAL_ALONE_REGIONS, *rest):
        metadata = library.PhoneMetadata.metadata_for_region(region)
        prefix = metadata.national_prefix or ""
        parsing = metadata.national_prefix_for_parsing
        found.append((region, prefix, parsing is not None and parsing != prefix))
    return tuple(found)


def _may_be_valid(digits: str, region: str, prefix: str) -> bool:
    """Whether the digits, with the region's trunk prefix dropped where they start with
    it, are a valid number there (the quick test before the library's parsing)."""
    if not prefix:
        return _matches_region(digits, region)
    national = digits[len(prefix) :] if digits.startswith(prefix) else digits
    return _valid_in_region(national, region)


_NATIONAL_WRITTEN = re.compile(
    r"\(0\d{1,4}\)[ .\-]?\d{2,8}(?:[ .\-]\d{2,5}){0,3}|0\d{1,4}[ /.\-]\d{3,8}(?:[ .\-]\d{1,5})?"
    r"|0\d(?:[ .\-]\d{2}){4}|\d{10,13}"
)
"""What pii.phone-number-national's and pii.phone-number-digits' patterns take."""


def _reported_by_another_phone_rule(text: str) -> bool:
    """Whether pii.phone-number, pii.phone-number-national, pii.phone-number-digits or
    pii.phone-number-mobile-national reports this number (in a phone field, where their
    context word is the field's name)."""
    if _NANP_WRITTEN.fullmatch(text) and phone_number(text):
        return True
    if _MOBILE_WRITTEN.fullmatch(text) and national_mobile(text):
        return True
    return _NATIONAL_WRITTEN.fullmatch(text) is not None and phone_number_national(text)


@lru_cache(maxsize=65536)
def phone_number_in_some_region(value: str) -> bool:
    """A number written as some region writes its numbers nationally, digit group for
    digit group as libphonenumber's metadata formats them there, and valid there: the
    value of a field named for a phone, where no country code is needed to say what it
    is. Any region: the field's name, not the shape, is the evidence. In two groups at
    least (a run of digits is valid somewhere in most lengths), not a date or time, and
    not the numbers the other phone rules report (_reported_by_another_phone_rule)."""
    text = value.strip()
    digits = _NON_DIGITS.sub("", text)
    groups = [len(g) for g in _DIGIT_GROUPS.findall(text)]
    if not 5 <= len(digits) <= 15 or len(set(digits)) < 3 or len(groups) < 2:
        return False
    if _reported_by_another_phone_rule(text):
        return False
    if date_or_time(text) or date_or_time_alone(text):
        return False
    return _written_as_in_some_region(text, digits, groups)


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "email": email,
    "phone_number": phone_number,
    "national_mobile": national_mobile,
    "phone_number_national": phone_number_national,
    "phone_number_national_alone": phone_number_national_alone,
    "phone_number_in_some_region": phone_number_in_some_region,
}
