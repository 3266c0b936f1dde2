"""Names and postal addresses: the census name lists, USPS street suffixes, and the
value tests built on them (a known person's name, a US street address, a company name).

The lists live in policyctl/data/names and are read on first use only: the given names
and surnames are the US Census Bureau's 1990 frequency lists (public domain; written by
bench/census_names.py), the street suffixes those of USPS Publication 28, Appendix C1.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "names"


def _read_list(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Lower-case given names (US Census 1990, most frequent first in the file)."""
    return frozenset(_read_list("given.txt"))


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Lower-case surnames (US Census 1990)."""
    return frozenset(_read_list("surnames.txt"))


@lru_cache(maxsize=1)
def _ranks() -> tuple[dict[str, int], dict[str, int]]:
    given = {name: rank for rank, name in enumerate(_read_list("given.txt"))}
    family = {name: rank for rank, name in enumerate(_read_list("surnames.txt"))}
    return given, family


def more_often_given(word: str) -> bool:
    """Whether a name is more common as a given name than as a surname (`Maria`, not
    `Brown`), by its rank on each list (each most frequent first)."""
    given, family = _ranks()
    lowered = word.lower()
    return lowered in given and given[lowered] < family.get(lowered, len(family))


@lru_cache(maxsize=1)
def street_suffixes() -> frozenset[str]:
    """USPS Publication 28 street suffixes, names and standard abbreviations, lower case."""
    return frozenset(
        word for line in _read_list("usps-street-suffixes.txt") for word in line.split()
    )


# --- the shape of a cell ---------------------------------------------------------------

_NAME_TOKEN = r"[^\W\d_]+(?:['’.\-][^\W\d_]+)*\.?"
_NAME_SHAPE = re.compile(rf"{_NAME_TOKEN}(?:,? {_NAME_TOKEN}){{0,3}}")
_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")

DIRECTIONALS = frozenset(
    {"n", "s", "e", "w", "ne", "nw", "se", "sw", "north", "south", "east", "west"}
)
"""Directionals that may follow a street suffix (USPS Publication 28, Appendix B)."""

_HOUSE_NUMBER = re.compile(r"^(?:\d{1,6}[A-Za-z]?(?:-\d{1,4})?|\d{1,6} \d/\d) ")
_ADDRESS_SHAPE = re.compile(r"\d.*[^\W\d_]{2}|[^\W\d_]{2}.*\d")

LEGAL_FORMS = frozenset(
    {"inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "corp", "corporation", "co"}
    | {"company", "plc", "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "bv", "nv"}
    | {"ab", "as", "asa", "oy", "oyj", "pty", "pvt", "kk", "group", "holdings", "partners"}
)
"""Words that end an organisation's name: legal forms of companies in the US, UK and the
largest European economies (`Acme Inc`, `Müller GmbH`), and two common trading words."""


def name_shaped(value: str) -> bool:
    """One to four words of letters (with ' - . inside), as people's names are written;
    a single letter is a code, not a name."""
    return len(value) >= 2 and _NAME_SHAPE.fullmatch(value) is not None


def known_name(value: str) -> bool:
    """A cell that is a person's name by the census lists: a known given name then a
    known surname (`Maria Garcia`, `John Q. Public`), or `Garcia, Maria`. Case does not
    matter (`GARCIA, MARIA`). A single word is not enough: `Jordan`, `Brown` and
    `Virginia` are as often places, colours and brands."""
    if not name_shaped(value):
        return False
    if "," in value:
        last, _, first = value.partition(",")
        tokens = _TOKEN.findall(first.lower())
        family = _TOKEN.findall(last.lower())
        return bool(tokens and family) and tokens[0] in given_names() and family[-1] in surnames()
    tokens = _TOKEN.findall(value.lower())
    return len(tokens) >= 2 and tokens[0] in given_names() and tokens[-1] in surnames()


def known_name_or_word(value: str) -> bool:
    """known_name, or a single word that is a known given name or surname (`Kennedy`):
    enough only where the column's name already speaks of people (`name`, `player`)."""
    if known_name(value):
        return True
    tokens = _TOKEN.findall(value.lower())
    return (
        len(tokens) == 1
        and name_shaped(value)
        and (tokens[0] in surnames() or tokens[0] in given_names())
    )


def address_shaped(value: str) -> bool:
    """Letters and a number in one cell, as street addresses are written."""
    return len(value) <= 200 and _ADDRESS_SHAPE.search(value) is not None


def us_street_address(value: str) -> bool:
    """A house number, a street name and a USPS Publication 28 suffix, then perhaps a
    directional and a unit (`1600 Pennsylvania Ave NW`, `12 Oak Street, Apt 4`)."""
    if _HOUSE_NUMBER.match(value) is None:
        return False
    street = value.split(",", 1)[0].lower().replace(".", "")
    words = street.split()[1:]
    while words and words[-1] in DIRECTIONALS:
        words.pop()
    # `#12`, `apt 4`: a unit written on the same line as the street
    for index, word in enumerate(words):
        if word.startswith("#") or word in {"apt", "ste", "suite", "unit", "fl", "rm"}:
            words = words[:index]
            break
    while words and words[-1] in DIRECTIONALS:
        words.pop()
    return len(words) >= 2 and words[-1] in street_suffixes()


def organisation(value: str) -> bool:
    """A name that ends with a company's legal form (`Acme Widgets, Inc.`)."""
    tokens = _TOKEN.findall(value.lower().replace(".", ""))
    return len(tokens) >= 2 and tokens[-1] in LEGAL_FORMS and len(value) <= 120


VALIDATORS = {"us_street_address": us_street_address}
