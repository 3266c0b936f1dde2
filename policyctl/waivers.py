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
from fnmatch import fnmatchcase
from typing import Any

from policyctl.errors import ConfigError
from policyctl.globs import path_matches
from policyctl.model import Finding

WAIVED = "waiver"
STATUSES = ("applied", "expired", "stale")


@dataclass(frozen=True)
class Waiver:
    """One exception: what it covers, why, who answers for it, until when."""

    reason: str
    owner: str
    expires: date
    fingerprint: str | None = None
    rule: str | None = None
    path: str | None = None

    def covers(self, finding: Finding) -> bool:
        if self.fingerprint is not None:
            return finding.fingerprint == self.fingerprint
        assert self.rule is not None and self.path is not None
        return fnmatchcase(finding.rule_id, self.rule) and path_matches(
            finding.location.path, [self.path]
        )

    def expired_on(self, today: date) -> bool:
        return today > self.expires


@dataclass(frozen=True)
class WaiverOutcome:
    """What a waiver did in one scan: `applied` (it suppressed `findings`), `expired`
    (`findings` are those it would have covered) or `stale` (it covered nothing)."""

    waiver: Waiver
    status: str
    findings: tuple[str, ...] = ()


def parse_waivers(entries: Sequence[dict[str, Any]], where: str) -> tuple[Waiver, ...]:
    """Waivers from schema-checked config entries; `where` names the file for errors."""
    waivers = []
    for index, entry in enumerate(entries):
        if "fingerprint" in entry and ("rule" in entry or "path" in entry):
            raise ConfigError(
                f"{where}: field 'waivers.{index}': give either a fingerprint, "
                "or a rule and a path glob, not both"
            )
        waivers.append(
            Waiver(
                reason=entry["reason"],
                owner=entry["owner"],
                expires=date.fromisoformat(str(entry["expires"])),
                fingerprint=entry.get("fingerprint"),
                rule=entry.get("rule"),
                path=entry.get("path"),
            )
        )
    return tuple(waivers)


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
