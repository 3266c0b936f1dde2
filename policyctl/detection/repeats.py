"""One finding per secret in git history: the commit that first added it, and a count.

A value copied into many commits (or re-added after a revert) is one thing to rotate,
so history findings with the same fingerprint are folded into the earliest one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime

from policyctl.core.model import Finding


def fold_repeats(
    findings: Iterable[Finding], commit_order: Mapping[str, int] | None = None
) -> list[Finding]:
    """Findings from commits, one per fingerprint: the earliest, with `occurrences` set.

    Earliest means first in `commit_order` (the position of each commit in the history
    walk, oldest first), else by author date in UTC; then commit and line, for a stable
    choice. Findings outside history pass through unchanged.
    """
    order = commit_order or {}
    kept: list[Finding] = []
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.location.commit is None:
            kept.append(finding)
        else:
            groups.setdefault(finding.fingerprint, []).append(finding)
    for group in groups.values():
        first = min(group, key=lambda f: (order.get(f.location.commit or "", _LAST), *_age(f)))
        kept.append(replace(first, occurrences=sum(f.occurrences for f in group)))
    return kept


_LAST = 1 << 62


def _age(finding: Finding) -> tuple[datetime, str, int, int]:
    where = finding.location
    return (_utc(where.date), where.commit or "", where.line or 0, where.column or 0)


def _utc(date: str | None) -> datetime:
    if not date:
        return datetime.max.replace(tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(date)
    except ValueError:
        return datetime.max.replace(tzinfo=UTC)
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
