"""Each target of `--targets` on its own: its findings judged alone, for its own report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from policyctl.core.model import Finding, ScanStats, Waiver
from policyctl.policy.assess import ScanResult, assess
from policyctl.policy.enforce import Policy


def target_results(
    result: ScanResult,
    unassessed: Sequence[Finding],
    policy: Policy,
    waivers: Sequence[Waiver],
    today: date,
) -> tuple[ScanResult, ...]:
    """One ScanResult per target: its findings (before waivers and judgement, judged here
    on their own, so its compliance and risk are its own), notices and columns."""
    parts = []
    for outcome in result.target_outcomes:
        name = outcome.target
        mine = [f for f in unassessed if f.location.target == name]
        findings, assessment = assess(mine, policy, waivers, today)
        parts.append(
            replace(
                result,
                findings=findings,
                notices=[n for n in result.notices if belongs(n.path, name)],
                stats=ScanStats(outcome.files, outcome.bytes, 0.0),
                targets=(name,),
                assessment=assessment,
                columns=tuple(c for c in result.columns if belongs(c.path, name)),
                target_outcomes=(outcome,),
                by_target=(),
            )
        )
    return tuple(parts)


def belongs(path: str, target: str) -> bool:
    """Whether an input named `path` is the target's or inside it."""
    return path == target or path.startswith(target + "/") or path.startswith(target + "@")
