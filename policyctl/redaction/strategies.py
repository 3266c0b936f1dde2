"""The redaction strategies: each a pure function from a sensitive value to its stand-in.

    mask        every character replaced (`****`), length kept or fixed
    partial     the first/last few letters or digits kept, or an email's domain
    remove      the value dropped
    hash        HMAC-SHA256 under the redaction key, truncated and prefixed (`h_...`):
                equal values give equal hashes, so joins across tables still work
    tokenize    AES-SIV (deterministic authenticated encryption) to `tok_...`, which
                `policyctl detokenize` reverses with the key
    fpe         FF3-1 format-preserving encryption (see fpe.py)
    generalize  dates to their year, US ZIP codes to their first three digits
                (HIPAA Safe Harbor, 45 CFR 164.514(b)(2))
    replace     the kind of value instead of the value (`<EMAIL_ADDRESS>`), from the
                rule's id; the label's form is an option (`label=[{entity}]`)
    synthetic   a realistic fake of the same kind (Faker), the same for the same value
                and key, so joins survive (see synthetic.py)

A strategy that does not fit a value (fpe of a 4-digit number, generalize of something
that is neither a date nor a ZIP code) masks it instead; `apply` says which one ran.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from policyctl.redaction.fpe import FormatPreservingCipher
from policyctl.redaction.keys import RedactionKeys

OPTIONS: dict[str, dict[str, type]] = {
    "mask": {"char": str, "length": int},
    "partial": {"keep_first": int, "keep_last": int, "keep_domain": bool, "char": str},
    "remove": {},
    "hash": {"length": int, "prefix": str},
    "tokenize": {},
    "fpe": {"luhn": bool},
    "generalize": {},
    "replace": {"label": str},
    "synthetic": {},
}
"""Every strategy and the options it takes, with their types."""

STRATEGY_NAMES: tuple[str, ...] = tuple(OPTIONS)
KEYED: frozenset[str] = frozenset({"hash", "tokenize", "fpe", "synthetic"})

MASK_CHAR = "*"
PARTIAL_KEEP_LAST = 4
PARTIAL_MIN_MASKED = 5
HASH_LENGTH = 16
HASH_PREFIX = "h_"
TOKEN_PREFIX = "tok_"
REPLACE_LABEL = "<{entity}>"
_TOKEN_CONTEXT = b"policyctl-token-v1"


@dataclass(frozen=True)
class Strategy:
    """A strategy's name and its options (sorted pairs, so a Strategy can be a dict key)."""

    name: str
    options: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        if not self.options:
            return self.name
        return self.name + ":" + ",".join(f"{k}={_show(v)}" for k, v in self.options)


def _show(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


MASK = Strategy("mask")


def mask(value: str, char: str = MASK_CHAR, length: int | None = None) -> str:
    """`char` for every character (line breaks kept, so a masked key block keeps its
    lines), or exactly `length` of them, which hides how long the value was."""
    if length is not None:
        return char * length
    if "\n" not in value and "\r" not in value:
        return char * len(value)
    return "".join(ch if ch in "\r\n" else char for ch in value)


def partial(
    value: str,
    keep_first: int = 0,
    keep_last: int = PARTIAL_KEEP_LAST,
    keep_domain: bool = True,
    char: str = MASK_CHAR,
) -> str:
    """Mask all but the first `keep_first` and last `keep_last` letters and digits
    (separators stay), as PCI DSS allows a card's last four digits to be shown. An
    email keeps only its domain. At least PARTIAL_MIN_MASKED letters and digits are
    always masked, so a short value is never shown whole."""
    if keep_domain and "@" in value:
        local, domain = value.rsplit("@", 1)
        return mask(local, char) + "@" + domain
    places = [i for i, ch in enumerate(value) if ch.isalnum()]
    shown = max(0, len(places) - PARTIAL_MIN_MASKED)
    first = min(keep_first, shown)
    last = min(keep_last, shown - first)
    hidden = set(places[first : len(places) - last])
    return "".join(char if i in hidden else ch for i, ch in enumerate(value))


def remove(value: str) -> str:
    return ""


_NUMBER_LIKE = re.compile(r"[\d\s().+/-]*\d[\d\s().+/-]*")


def hash_normal_form(value: str) -> str:
    """What is hashed: the same email in any case, the same number with any separators
    (`+1 (555) 010-9999`, `15550109999`) hash alike, so joins match them."""
    text = value.strip()
    if "@" in text:
        return text.casefold()
    if _NUMBER_LIKE.fullmatch(text):
        return "".join(ch for ch in text if ch.isdigit())
    return text


def keyed_hash(value: str, key: bytes, length: int = HASH_LENGTH, prefix: str = HASH_PREFIX) -> str:
    """HMAC-SHA256 of the value's normal form, `length` hex digits after `prefix`."""
    digest = hmac.new(key, hash_normal_form(value).encode("utf-8"), hashlib.sha256)
    return prefix + digest.hexdigest()[:length]


def tokenize(value: str, key: bytes) -> str:
    """A deterministic AES-SIV token: equal values give equal tokens, and only the key
    turns a token back (an edited token fails authentication instead of decrypting)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV

    sealed = AESSIV(key).encrypt(value.encode("utf-8"), [_TOKEN_CONTEXT])
    return TOKEN_PREFIX + base64.urlsafe_b64encode(sealed).decode("ascii").rstrip("=")


class TokenError(ValueError):
    """Not a token, or not one made with this key."""


def detokenize(token: str, key: bytes) -> str:
    """The value `tokenize` was given."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV

    if not token.startswith(TOKEN_PREFIX):
        raise TokenError(f"does not start with {TOKEN_PREFIX}")
    body = token[len(TOKEN_PREFIX) :]
    try:
        sealed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return AESSIV(key).decrypt(sealed, [_TOKEN_CONTEXT]).decode("utf-8")
    except (binascii.Error, ValueError, InvalidTag):
        raise TokenError("not a token made with this key (or it was altered)") from None


_MONTHS = "|".join(m.lower()[:3] for m in calendar.month_name[1:])
_YEAR = r"(?P<year>1[89]\d\d|20\d\d)"
_DATES = (
    re.compile(_YEAR + r"(?P<sep>[-/.])(?P<a>\d{1,2})(?P=sep)(?P<b>\d{1,2})(?:[T ][\d:.+\-Z]*)?"),
    re.compile(r"(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)" + _YEAR),
    re.compile(
        rf"(?i)(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{_MONTHS})[a-z]*\.?\s+"
        rf"(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?{_YEAR}"
    ),
)
_ZIP = re.compile(r"(?P<first>\d{3})\d\d(?P<plus>-\d{4})?")

RESTRICTED_ZIP3 = frozenset(
    {"036", "059", "063", "102", "203", "556", "692", "790", "821"}
    | {"823", "830", "831", "878", "879", "884", "890", "893"}
)
"""Three-digit ZIP prefixes whose area holds 20,000 people or fewer (HHS guidance on
Safe Harbor, 2000 census): they are replaced by 000."""


def date_year(value: str) -> str | None:
    """The year of a date such as 1985-03-14, 14/03/1985, 3.14.1985 or March 14, 1985."""
    text = value.strip()
    for pattern in _DATES:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        parts = found.groupdict()
        if parts.get("a") is not None:
            a, b = int(parts["a"]), int(parts["b"])
            if not (1 <= min(a, b) <= 12 and max(a, b) <= 31):
                continue
        return str(parts["year"])
    return None


def generalize(value: str) -> str | None:
    """A date's year, or a ZIP code's first three digits (`902**`, `902**-****`), or
    None when the value is neither."""
    year = date_year(value)
    if year is not None:
        return year
    found = _ZIP.fullmatch(value.strip())
    if found is None:
        return None
    first = found["first"] if found["first"] not in RESTRICTED_ZIP3 else "000"
    return first + "**" + ("-****" if found["plus"] else "")


def entity_name(rule_id: str) -> str:
    """A rule's kind of value as a label: `pii.email-address` is EMAIL_ADDRESS."""
    return rule_id.split(".", 1)[-1].replace("-", "_").upper()


def replace_label(entity: str, label: str = REPLACE_LABEL) -> str:
    """The label that stands for a value: `label` with `{entity}` filled in."""
    return label.replace("{entity}", entity)


@cache
def fpe_cipher(keys: RedactionKeys) -> FormatPreservingCipher:
    return FormatPreservingCipher(keys.fpe_key, keys.fpe_tweak)


Maker = Callable[[str, dict[str, Any], RedactionKeys], str | None]
"""A strategy's function: the value, the strategy's options (`entity` added for
replace; for synthetic, `entity` is the rule's id and `validator` its validator), the
keys."""

_MAKERS: dict[str, Maker] = {
    "mask": lambda v, o, _: mask(v, o.get("char", MASK_CHAR), o.get("length")),
    "partial": lambda v, o, _: partial(
        v,
        keep_first=o.get("keep_first", 0),
        keep_last=o.get("keep_last", PARTIAL_KEEP_LAST),
        keep_domain=o.get("keep_domain", True),
        char=o.get("char", MASK_CHAR),
    ),
    "remove": lambda v, o, _: remove(v),
    "generalize": lambda v, o, _: generalize(v),
    "hash": lambda v, o, k: keyed_hash(
        v, k.hash_key, o.get("length", HASH_LENGTH), o.get("prefix", HASH_PREFIX)
    ),
    "tokenize": lambda v, o, k: tokenize(v, k.token_key),
    "fpe": lambda v, o, k: fpe_cipher(k).encrypt(v, luhn=o.get("luhn", False)),
    "replace": lambda v, o, _: replace_label(o.get("entity", "PII"), o.get("label", REPLACE_LABEL)),
    "synthetic": lambda v, o, k: _synthetic(v, o.get("entity", ""), o.get("validator"), k),
}


def _synthetic(value: str, rule_id: str, validator: str | None, keys: RedactionKeys) -> str | None:
    from policyctl.redaction.synthetic import synthetic  # Faker only when asked for

    return synthetic(value, rule_id, validator, keys.hash_key)


def maker(
    strategy: Strategy,
    keys: RedactionKeys | None,
    entity: str | None = None,
    validator: str | None = None,
) -> Callable[[str], tuple[str, Strategy]]:
    """A function giving the stand-in for a value and the strategy that made it: mask
    when the one asked for does not fit the value. Keyed strategies need `keys`;
    `entity` is the kind of value, which `replace` writes. The options are read once,
    not for each of a table's million values."""
    if keys is None and strategy.name in KEYED:
        raise ValueError(f"the {strategy.name} strategy needs the redaction key")
    make = _MAKERS[strategy.name]
    options = dict(strategy.options)
    if entity is not None:
        options["entity"] = entity
    if validator is not None:
        options["validator"] = validator

    def stand_in(value: str) -> tuple[str, Strategy]:
        made = make(value, options, keys)  # type: ignore[arg-type]
        return (made, strategy) if made is not None else (mask(value), MASK)

    return stand_in
