"""Enforcement, decided once: which findings block, and the exit code that follows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from policyctl.model import Finding, severity_rank

EXIT_OK = 0
EXIT_BLOCKED = 1
EXIT_ERROR = 2

DEFAULT_FAIL_ON = "high"


def assign_modes(findings: Iterable[Finding], fail_on: str) -> list[Finding]:
    """Block findings at or above the `fail_on` severity; the others only warn."""
    threshold = severity_rank(fail_on)
    return [
        replace(f, mode="block" if severity_rank(f.severity) >= threshold else "warn")
        for f in findings
    ]


def is_blocking(finding: Finding) -> bool:
    return finding.mode == "block" and finding.suppressed is None


def exit_code(findings: Iterable[Finding]) -> int:
    """1 when any unsuppressed finding is in block mode, else 0."""
    return EXIT_BLOCKED if any(is_blocking(f) for f in findings) else EXIT_OK
