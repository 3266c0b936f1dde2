"""DSSE envelopes (github.com/secure-systems-lab/dsse, v1): sign a typed payload, verify it.

The signature covers PAE(payloadType, payload), never the JSON around it, so the envelope
can be re-serialised freely. Payload and signatures are standard base64.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from policyctl.evidence import signing
from policyctl.evidence.keys import PrivateKey, PublicKey, keyid

INTOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json"
ENVELOPE_FIELDS = frozenset({"payload", "payloadType", "signatures"})
SIGNATURE_FIELDS = frozenset({"keyid", "sig"})
"""What the DSSE v1 envelope defines: anything else is refused, not carried along
unsigned (the signature covers only the payload and its type)."""


def pae(payload_type: str, payload: bytes) -> bytes:
    """The pre-authentication encoding: what a DSSE signature is computed over."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def sign_envelope(payload: bytes, payload_type: str, key: PrivateKey | None) -> dict[str, Any]:
    """The envelope over `payload`, signed by `key` (no signature when there is no key)."""
    signatures = []
    if key is not None:
        signature = signing.sign(key, pae(payload_type, payload))
        signatures.append(
            {"keyid": keyid(key.public_key()), "sig": base64.b64encode(signature).decode()}
        )
    return {
        "payload": base64.b64encode(payload).decode(),
        "payloadType": payload_type,
        "signatures": signatures,
    }


@dataclass(frozen=True)
class OpenedEnvelope:
    """An envelope's payload and what its signatures proved."""

    payload_type: str
    payload: bytes
    signatures: int
    verified_keyids: tuple[str, ...]


def open_envelope(envelope: Any, key: PublicKey | None) -> OpenedEnvelope:
    """Decode `envelope`, checking each signature against `key`.

    Raises ValueError (with a message fit for the user) when the envelope is malformed.
    """
    if not isinstance(envelope, dict):
        raise ValueError("not a DSSE envelope (a JSON object)")
    unknown = sorted(set(envelope) - ENVELOPE_FIELDS)
    if unknown:
        raise ValueError(f"unknown envelope field {unknown[0][:40]!r}")
    payload_type, payload_text = envelope.get("payloadType"), envelope.get("payload")
    signatures = envelope.get("signatures")
    if not isinstance(payload_type, str) or not isinstance(payload_text, str):
        raise ValueError("not a DSSE envelope (payloadType and payload are required)")
    if not isinstance(signatures, list):
        raise ValueError("not a DSSE envelope (signatures must be a list)")
    payload = _b64(payload_text, "payload")
    message = pae(payload_type, payload)
    verified: list[str] = []
    for entry in signatures:
        if not isinstance(entry, dict) or not isinstance(entry.get("sig"), str):
            raise ValueError("a signature entry has no 'sig'")
        extra = sorted(set(entry) - SIGNATURE_FIELDS)
        if extra or not isinstance(entry.get("keyid", ""), str):
            what = f"unknown field {extra[0][:40]!r}" if extra else "a keyid that is not text"
            raise ValueError(f"a signature entry has {what}")
        if key is not None and signing.verify(key, _b64(entry["sig"], "sig"), message):
            verified.append(keyid(key))
    return OpenedEnvelope(payload_type, payload, len(signatures), tuple(verified))


def _b64(text: str, field: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"field '{field}' is not valid base64") from None
