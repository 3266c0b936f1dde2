"""Accountable detokenization: tokens (and fpe values) turned back into the values they
replaced, each run recorded in the audit log with who asked, why, what and the outcome.

Detokenizing reveals raw personal data, so it is the one redaction step an auditor asks
about first. Every run, refused or not, appends a `detokenize` entry: requester
(user@host, or `--requester`), reason, the file or the number of values, counts and the
outcome. A reason is required unless the trusted configuration says
`detokenize: {reason: optional}`; with the audit log turned off, detokenize refuses.
"""

from __future__ import annotations

import getpass
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from policyctl.core.config import DetokenizeSettings
from policyctl.core.errors import ConfigError, InputError
from policyctl.evidence import audit
from policyctl.redaction.detokenize import RestoreCounts, decrypt_fpe, restore_stream
from policyctl.redaction.keys import RedactionKeys
from policyctl.redaction.outputs import OutputRequest, atomic_output, plan_targets
from policyctl.redaction.strategies import TokenError, detokenize


@dataclass(frozen=True)
class DetokenizeRequest:
    """One detokenization: values given on the command line, or a file to restore."""

    settings: DetokenizeSettings
    reason: str = ""
    requester: str = ""
    values: tuple[str, ...] = ()
    file: str | None = None
    output: str | None = None
    force: bool = False
    fpe: bool = False
    luhn: bool = False
    command: tuple[str, ...] = field(default_factory=tuple)
    warn: Callable[[str], None] | None = None
    """Where a warning about the audit log goes (a torn last line), if anywhere."""


@dataclass(frozen=True)
class DetokenizeOutcome:
    plain: tuple[str, ...]
    """With values: the values they stand for, in order (the caller prints them)."""
    counts: RestoreCounts
    display: str = ""
    """With a file: how to name it in messages."""


def default_requester() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def run_detokenize(
    request: DetokenizeRequest, keys: Callable[[], RedactionKeys]
) -> DetokenizeOutcome:
    """Check the request is accountable, restore, and record the run whatever its outcome.

    `keys` is called only once the request is accepted, so a refused run never reads the key.
    """
    settings = request.settings
    if settings.audit_log == "":  # None is the default log
        raise ConfigError("detokenize: the audit log is off; every detokenization is recorded")
    reason = request.reason.strip()
    if not reason and settings.detokenize_reason == "required":
        _record(request, "refused: no reason given", RestoreCounts())
        raise ConfigError("detokenize: give --reason TEXT (why the raw values are needed)")
    counts = RestoreCounts()
    try:
        if request.file is not None:
            display = _restore_file(request, keys(), counts)
            outcome = DetokenizeOutcome((), counts, display)
        else:
            outcome = DetokenizeOutcome(_restore_values(request, keys(), counts), counts)
    except (InputError, ConfigError) as exc:
        _record(request, f"failed: {exc}", counts)
        raise
    _record(request, "ok", counts)
    return outcome


def _restore_values(
    request: DetokenizeRequest, keys: RedactionKeys, counts: RestoreCounts
) -> tuple[str, ...]:
    plain = []
    for number, value in enumerate(request.values, 1):
        try:
            if request.fpe:
                plain.append(decrypt_fpe(value, keys, request.luhn))
            else:
                plain.append(detokenize(value, keys.token_key))
        except TokenError as exc:
            raise InputError(f"value {number}: {exc}") from None
        counts.restored += 1
    return tuple(plain)


def _restore_file(request: DetokenizeRequest, keys: RedactionKeys, counts: RestoreCounts) -> str:
    from policyctl.app.redact import open_input

    assert request.file is not None
    targets, notices = plan_targets(
        OutputRequest(inputs=(request.file,), output=request.output or "-", force=request.force)
    )
    if notices or not targets:
        message = notices[0].message if notices else "nothing to read"
        raise InputError(f"{request.file}: {message}")
    target = targets[0]
    with (
        open_input(target.source) as raw,
        atomic_output(target.destination, like=request.file) as out,
    ):
        restored = restore_stream(raw, out, keys)
    counts.restored, counts.left = restored.restored, restored.left
    return target.display


def _record(request: DetokenizeRequest, outcome: str, counts: RestoreCounts) -> None:
    audit.record(
        "detokenize",
        audit_fields(request, outcome, counts),
        request.settings.audit_log,
        warn=request.warn,
    )


def audit_fields(request: DetokenizeRequest, outcome: str, counts: RestoreCounts) -> dict[str, Any]:
    """What the entry records. Never the values: tokens on the command line are left out
    of the recorded command (their number is kept)."""
    target: dict[str, Any] = (
        {"file": request.file, "output": request.output or "-"}
        if request.file is not None
        else {"values": len(request.values)}
    )
    return {
        "command": _command_without_values(request.command, request.values),
        "requester": request.requester or default_requester(),
        "reason": request.reason.strip(),
        **target,
        "fpe": request.fpe,
        "restored": counts.restored,
        "left": counts.left,
        "outcome": outcome,
    }


def _command_without_values(command: Sequence[str], values: Sequence[str]) -> list[str]:
    hidden = set(values)
    words = ["<value>" if word in hidden else word for word in command[1:]]
    return ["policyctl", *words]
