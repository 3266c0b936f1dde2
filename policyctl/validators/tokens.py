"""Validators for token formats: structure that a random look-alike would not have."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable


def base64url_decode(text: str) -> bytes | None:
    """Decode unpadded base64url, or None when it is not valid base64url."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def jwt(value: str) -> bool:
    """A JWT whose header and payload decode to JSON objects and whose header names an `alg`."""
    parts = value.split(".")
    if len(parts) != 3:
        return False
    decoded = [base64url_decode(part) for part in parts[:2]]
    try:
        header, payload = (json.loads(d) if d is not None else None for d in decoded)
    except (UnicodeDecodeError, ValueError):
        return False
    return isinstance(header, dict) and "alg" in header and isinstance(payload, dict)


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "jwt": jwt,
}
