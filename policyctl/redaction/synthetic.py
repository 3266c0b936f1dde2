"""The `synthetic` strategy: a realistic fake value of the same kind (a name for a name,
an e-mail address for an e-mail address, a valid-looking card number for a card number),
the same for the same value and key, so joins across tables and files survive.

The fake is seeded by HMAC-SHA256 of the value's normal form (see strategies.
hash_normal_form) and the rule's id, under the redaction key: without the key nobody can
tell which fake stands for which value, and with another key every fake changes.
Faker (the `policyctl[synthetic]` extra) writes names, addresses, places, companies and
e-mail addresses; identifiers are written in the original's own shape (digits for
digits, letters for letters, separators kept) and, where policyctl has a validator for
the kind, drawn again until the validator accepts them (a card number passes Luhn, an
IBAN its MOD 97-10, an SSN the SSA's rules), so the copy is as usable as the data it
replaced. A kind whose validator accepts none of MAX_DRAWS draws is masked instead.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from policyctl.core.errors import ConfigError
from policyctl.validators import get_validator
from policyctl.validators.names import more_often_given

MAX_DRAWS = 2000
"""Shape-keeping draws tried before giving up on a validator (an IBAN passes 1 in 97)."""
_CONTEXT = b"policyctl-synthetic-v1\0"


@lru_cache(maxsize=1)
def _faker() -> Any:
    """One Faker per process (building one costs tens of milliseconds), reseeded per value."""
    try:
        from faker import Faker
    except ImportError:
        raise ConfigError(
            "the synthetic strategy needs Faker: pip install 'policyctl[synthetic]'"
        ) from None
    return Faker("en_US")


def seed(value: str, kind: str, key: bytes) -> int:
    """The seed of `value`'s fake: HMAC of the kind and the value's normal form."""
    from policyctl.redaction.strategies import hash_normal_form

    message = _CONTEXT + kind.encode("utf-8") + b"\0" + hash_normal_form(value).encode("utf-8")
    return int.from_bytes(hmac.new(key, message, hashlib.sha256).digest()[:8], "big")


def _cased_like(original: str, fake: str) -> str:
    """The fake in the original's case: `GARCIA` gives an upper-case fake."""
    letters = [ch for ch in original if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters) and len(letters) > 1:
        return fake.upper()
    if letters and all(ch.islower() for ch in letters):
        return fake.lower()
    return fake


def person_name(value: str, fake: Any) -> str:
    """One word for one word (a given name for a word more often a given name than a
    surname in the census lists, else a surname),
    else a given name and a surname; `Garcia, Maria` keeps its order."""
    words = value.split()
    if "," in value:
        made = f"{fake.last_name()}, {fake.first_name()}"
    elif len(words) == 1:  # a given name for a given name (a first_name column)
        made = fake.first_name() if more_often_given(words[0]) else fake.last_name()
    else:
        made = f"{fake.first_name()} {fake.last_name()}"
    return _cased_like(value, made)


def email_address(value: str, fake: Any) -> str:
    """An address at a reserved example domain: realistic, and nobody's."""
    return _cased_like(value, str(fake.safe_email()))


_ISO_DATE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})")


def date(value: str, fake: Any) -> str:
    """A date in the original's layout (1985-03-14, 14/03/1985, 03/14/1985), else
    written as `March 14, 1985`."""
    made = fake.date_of_birth(minimum_age=18, maximum_age=90)
    text = value.strip()
    if found := _ISO_DATE.fullmatch(text):
        sep = found[2]
        return f"{made.year:04d}{sep}{made.month:02d}{sep}{made.day:02d}"
    if found := _DAY_FIRST.fullmatch(text):
        sep = found[2]
        first, second = (made.day, made.month) if int(found[1]) > 12 else (made.month, made.day)
        return f"{first:02d}{sep}{second:02d}{sep}{made.year:04d}"
    return f"{made.strftime('%B')} {made.day}, {made.year}"


FAKERS: dict[str, Callable[[str, Any], str]] = {
    "pii.person-name": person_name,
    "pii.ner-person": person_name,
    "pii.email-address": email_address,
    "pii.street-address": lambda v, f: _cased_like(v, f"{f.building_number()} {f.street_name()}"),
    "pii.city": lambda v, f: _cased_like(v, str(f.city())),
    "pii.ner-location": lambda v, f: _cased_like(v, str(f.city())),
    "pii.organisation-name": lambda v, f: _cased_like(v, str(f.company())),
    "pii.ner-organisation": lambda v, f: _cased_like(v, str(f.company())),
    "pii.date-of-birth": date,
    "pii.date-time": date,
}
"""Kinds Faker writes, by rule id; every other kind keeps its shape (same_shape)."""


def same_shape(value: str, draw: random.Random) -> str:
    """Each digit a random digit, each letter a random letter of its case, the rest kept;
    a leading `+` country code and an e-mail's `@` are kept too."""
    out = []
    for ch in value:
        if ch.isdigit():
            out.append(str(draw.randrange(10)))
        elif "a" <= ch <= "z":
            out.append(chr(draw.randrange(26) + 97))
        elif "A" <= ch <= "Z":
            out.append(chr(draw.randrange(26) + 65))
        else:
            out.append(ch)
    return "".join(out)


def synthetic(value: str, rule_id: str, validator: str | None, key: bytes) -> str | None:
    """The fake for `value`, found by the rule `rule_id` (whose validator, if any, the
    fake must pass); None when no draw passes it (the caller masks the value)."""
    number = seed(value, rule_id, key)
    write = FAKERS.get(rule_id)
    if write is not None:
        fake = _faker()
        fake.seed_instance(number)
        return write(value, fake)
    draw = random.Random(number)
    check = get_validator(validator) if validator else None
    # A country stays the country: `+44` of a phone number, `GB` of an IBAN or VAT id.
    country = _COUNTRY.match(value)
    kept = country.group() if country else ""
    if rule_id.startswith("pii.phone-number"):  # and an area code's first digit (2-9 in NANP)
        first = _FIRST_DIGIT.match(value, len(kept))
        kept = value[: first.end()] if first else kept
    for _ in range(MAX_DRAWS if check is not None else 1):
        made = kept + same_shape(value[len(kept) :], draw)
        if made != value and (check is None or check(made)):
            return made
    return None


_FIRST_DIGIT = re.compile(r"\D*\d")
_COUNTRY = re.compile(r"\+\d{1,3}(?=[\s\d(])|[A-Z]{2}(?=\d)")
