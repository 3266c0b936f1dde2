"""One finding per secret: the commit that first added it, and the places it is at.

A value copied into many commits (or re-added after a revert) is one thing to rotate,
so history findings with the same fingerprint are folded into the earliest one
(`fold_repeats`). Likewise a secret found in many files, or many times in one, is one
credential: `fold_places` folds the findings of one rule and one value into one finding
that lists the other places (`also_at`) and counts them all (`occurrences`). A private
key is one secret by its identity, not its text: the same key as PKCS#1 and PKCS#8, PEM
and OpenSSH, re-wrapped or quoted, folds into one finding (detection.key_identity).

Places fold only when the gate treats them alike: the same suppression (inline ignore,
allowlist, baseline, waiver: each applied per place, before folding) and the same mode
and controls. So an ignored place never hides the others, nor the reverse. Every place
keeps its own fingerprint (a baseline or a waiver names one place); the folded finding
shows the place the policy weighs most (highest risk: code before tests), with that
place's fingerprint. Personal data is never folded: it has no value key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime

from policyctl.core.model import Finding, Place


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


def fold_places(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per secret (rule and value; a private key's identity) and verdict:
    the weightiest place, with the others in `also_at` and `occurrences` summed;
    findings without a value key (personal data) pass through. The result is in
    finding order."""
    # detection.scan folds history repeats with this module, so its order is read here
    # when called, not when imported.
    from policyctl.detection.scan import finding_order

    kept: list[Finding] = []
    groups: dict[tuple[object, ...], list[Finding]] = {}
    for finding in findings:
        if finding.value_key is None:
            kept.append(finding)
            continue
        verdict = (finding.suppressed, finding.mode, finding.controls, finding.source_kind)
        # The key names the rule too, except for a private key: the same key found by
        # the PEM and the OpenSSH rule is one key (detect.secret_key).
        groups.setdefault((finding.value_key, *verdict), []).append(finding)
    for group in groups.values():
        if len(group) == 1:
            kept.append(group[0])
            continue
        group.sort(key=finding_order)
        first = min(group, key=lambda f: (-f.risk, -f.confidence))  # stable: the earliest
        others = [f for f in group if f is not first]
        kept.append(
            replace(
                first,
                confidence=max(f.confidence for f in group),
                occurrences=sum(f.occurrences for f in group),
                also_at=tuple(Place(f.location, f.fingerprint) for f in others),
            )
        )
    kept.sort(key=finding_order)
    return kept
