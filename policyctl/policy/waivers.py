"""Waivers: time-limited, owned exceptions to findings, declared in .policyctl.yaml.

A waiver covers one finding (by fingerprint) or a rule in some paths (rule id or glob,
plus a path glob). Until the end of its `expires` day it suppresses what it covers:
the finding stays in the report, marked suppressed "waiver", and does not count or
block. After that day it is expired and suppresses nothing; a waiver that covers no
finding is stale. Both are reported, so exceptions do not outlive their reason unseen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from policyctl.core.model import Finding, Waiver

WAIVED = "waiver"
STATUSES = ("applied", "expired", "stale")


@dataclass(frozen=True)
class WaiverOutcome:
    """What a waiver did in one scan: `applied` (it suppressed `findings`), `expired`
    (`findings` are those it would have covered) or `stale` (it covered nothing)."""

    waiver: Waiver
    status: str
    findings: tuple[str, ...] = ()


def apply_waivers(
    findings: Iterable[Finding], waivers: Sequence[Waiver], today: date
) -> tuple[list[Finding], list[WaiverOutcome]]:
    """The findings, with those under a live waiver suppressed, and what each waiver did.

    A finding already suppressed for another reason (inline ignore, baseline) keeps that
    reason and does not count for any waiver.
    """
    covered: list[list[str]] = [[] for _ in waivers]
    result = []
    for finding in findings:
        if finding.suppressed is None:
            for index, waiver in enumerate(waivers):
                if waiver.covers(finding):
                    covered[index].append(finding.fingerprint)
                    if not waiver.expired_on(today) and finding.suppressed is None:
                        finding = replace(finding, suppressed=WAIVED)
        result.append(finding)
    outcomes = [
        WaiverOutcome(waiver, _status(waiver, bool(hits), today), tuple(dict.fromkeys(hits)))
        for waiver, hits in zip(waivers, covered, strict=True)
    ]
    return result, outcomes


def _status(waiver: Waiver, matched: bool, today: date) -> str:
    if waiver.expired_on(today):
        return "expired"
    return "applied" if matched else "stale"
