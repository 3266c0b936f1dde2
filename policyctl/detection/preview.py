"""Redaction: what may be shown of a sensitive value."""

from __future__ import annotations

PREVIEW_CHARS = 4


def preview(value: str) -> str:
    """The first few characters and an ellipsis: enough to recognise, never enough to use.

    At most a third of the value is shown, so a short value shows little or nothing.
    """
    shown = min(PREVIEW_CHARS, len(value) // 3)
    return "".join(value[:shown].split()) + "…"
