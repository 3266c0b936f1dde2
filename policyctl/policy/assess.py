"""Judge a scan's findings against the policy: waivers, then controls and modes, then scores.

findings -> waivers (suppress) -> enforce (controls, mode) -> scoring (risk)
         -> per-pack compliance and the scan's risk grade
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from policyctl.core.model import ColumnProfile, Finding, Notice, Rule, ScanStats, Waiver
from policyctl.detection.cluster import ClusterInfo
from policyctl.policy import enforce, scoring
from policyctl.policy.waivers import WaiverOutcome, apply_waivers
from policyctl.sources.targets import TargetOutcome


@dataclass(frozen=True)
class Assessment:
    """What the policy made of a scan, for the report: everything but the findings."""

    policy: enforce.Policy
    compliance: tuple[scoring.PackCompliance, ...]
    risk: scoring.ScanRisk
    waivers: tuple[WaiverOutcome, ...]


def assess(
    findings: Sequence[Finding],
    policy: enforce.Policy,
    waivers: Sequence[Waiver],
    today: date,
) -> tuple[list[Finding], Assessment]:
    """The judged and scored findings, and the assessment of the whole scan; waivers
    expire after the end of their day as `today` sees it."""
    waived, outcomes = apply_waivers(findings, waivers, today)
    judged = enforce.judge(waived, policy)
    scored = scoring.score_findings(judged, policy.packs)
    assessment = Assessment(
        policy=policy,
        compliance=tuple(scoring.compliance(policy.packs, scored, policy.mode)),
        risk=scoring.scan_risk(scored),
        waivers=tuple(outcomes),
    )
    return scored, assessment


@dataclass
class ScanResult:
    """Everything a scan produced, before it is turned into a report."""

    findings: list[Finding]
    notices: list[Notice]
    stats: ScanStats
    rules: tuple[Rule, ...]
    targets: tuple[str, ...]
    engine: str
    started: str = ""
    finished: str = ""
    assessment: Assessment | None = None
    """What the policy made of the findings (packs, compliance, risk, waivers)."""
    columns: tuple[ColumnProfile, ...] = ()
    coverage: tuple[str, ...] = ()
    """What the scanned repository's own config changed that lowers coverage."""
    config_trust: str = "repo"
    cluster: ClusterInfo | None = None
    """Set when detection ran on a Dask cluster."""
    target_outcomes: tuple[TargetOutcome, ...] = ()
    """With --targets: what became of each target, in the file's order."""
    by_target: tuple[ScanResult, ...] = ()
    """With --targets: each target's scan alone (judged on its own), for its report."""
