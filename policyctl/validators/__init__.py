"""Named pure functions that confirm a matched value (checksums, formats, ranges).

A rule names one in its `validator` field. Each module below keeps its own
`VALIDATORS` table; this registry joins them, so adding a module is one line here.
"""

from __future__ import annotations

from collections.abc import Callable

from policyctl.validators import (
    americas,
    asia_pacific,
    checksums,
    contact,
    europe,
    financial,
    names,
    network,
    password_hashes,
    records,
    tokens,
    us_ids,
)

Validator = Callable[[str], bool]

VALIDATORS: dict[str, Validator] = {
    **checksums.VALIDATORS,
    **tokens.VALIDATORS,
    **password_hashes.VALIDATORS,
    **contact.VALIDATORS,
    **network.VALIDATORS,
    **financial.VALIDATORS,
    **us_ids.VALIDATORS,
    **americas.VALIDATORS,
    **europe.VALIDATORS,
    **asia_pacific.VALIDATORS,
    **records.VALIDATORS,
    **names.VALIDATORS,
}


def get_validator(name: str) -> Validator | None:
    """The validator registered under `name`, or None."""
    return VALIDATORS.get(name)
