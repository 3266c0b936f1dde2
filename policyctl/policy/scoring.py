"""Risk scores: per finding (0-100), per scan (0-100 and a grade A-F), and per pack
a compliance score. Pure arithmetic over findings: the same input gives the same scores.

Per finding:

    risk = 100 x severity weight x confidence x sensitivity x exposure

- severity weight: critical 1.0, high 0.75, medium 0.5, low 0.25, info 0.1;
- sensitivity of the data class (credential 1.0; health, financial, government-id 0.8;
  identity, location 0.6; contact 0.4; network 0.3; others 0.6), times the weight a pack
  gives it (HIPAA weighs health data 1.25), at most 1.0. A finding takes the highest
  weight among the packs whose controls it violates;
- exposure of where it was found: git history 1.0 (every clone has it, for good), the
  working tree and logs 0.9, datasets 0.8; halved in test fixtures (tests/, fixtures/,
  testdata/, *_test.go, test_*.py ...), where values are more often fakes.

Per scan, over the findings that count (not suppressed): the chance-style union
`100 x (1 - product of (1 - risk/100))`, so one critical finding dominates and many small
ones add up without passing 100. Grade: A below 10, B below 25, C below 50, D below 75,
F from 75.

Per pack, the compliance score is the share of its assessed controls that hold, with
each failing control weighted by its risk: `100 x held / (held + sum of (1 + r))`, where
a control holds when it has no open finding in warn or block mode, and r is the highest
risk/100 among a failing control's open findings. All controls holding gives 100, all
failing gives 0, and a failure counts as one to two controls as its risk grows.
Controls no rule can serve (`unserved`) are left out.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from policyctl.core.model import Finding, PolicyPack
from policyctl.policy.enforce import run_mode
from policyctl.policy.packs import control_ref

SEVERITY_WEIGHT = {"critical": 1.0, "high": 0.75, "medium": 0.5, "low": 0.25, "info": 0.1}
SENSITIVITY = {
    "credential": 1.0,
    "health": 0.8,
    "financial": 0.8,
    "government-id": 0.8,
    "identity": 0.6,
    "location": 0.6,
    "contact": 0.4,
    "network": 0.3,
}
DEFAULT_SENSITIVITY = 0.6
EXPOSURE = {"history": 1.0, "repo": 0.9, "logs": 0.9, "datasets": 0.8}
TEST_FIXTURE_FACTOR = 0.5
TEST_FOLDERS = frozenset(
    {"test", "tests", "__tests__", "spec", "specs", "testdata", "test-data", "test_data"}
    | {"fixtures", "__fixtures__", "__mocks__"}
)
TEST_FILE = re.compile(r"^(?:test_.+\.py|.+_test\.(?:py|go)|.+\.(?:test|spec)\.[^.]+)$")
GRADES = ((10.0, "A"), (25.0, "B"), (50.0, "C"), (75.0, "D"))
CONTROL_STATUSES = ("passed", "logged", "warned", "blocked", "not-assessed")


def in_test_fixture(path: str) -> bool:
    """True for files in test folders (tests/, fixtures/, testdata/ ...) and test files
    (test_*.py, *_test.go, *.spec.ts ...). Plain set and regex lookups: this runs for
    every finding, several times."""
    *folders, name = path.replace("\\", "/").split("/")
    return any(part in TEST_FOLDERS for part in folders) or bool(TEST_FILE.match(name))


def exposure(finding: Finding) -> float:
    factor = EXPOSURE.get(finding.source_kind, 1.0)
    if in_test_fixture(finding.location.path):
        factor *= TEST_FIXTURE_FACTOR
    return factor


@dataclass(frozen=True)
class RiskFactors:
    """The factors of a finding's risk; only the sensitivity weight depends on the pack."""

    severity: float
    confidence: float
    sensitivity: float
    exposure: float

    @classmethod
    def of(cls, finding: Finding) -> RiskFactors:
        return cls(
            SEVERITY_WEIGHT[finding.severity],
            finding.confidence,
            SENSITIVITY.get(finding.data_class, DEFAULT_SENSITIVITY),
            exposure(finding),
        )

    def risk(self, weight: float = 1.0) -> float:
        """0-100, with the data-class sensitivity weighted by `weight` (at most 1.0)."""
        sensitivity = min(1.0, self.sensitivity * weight)
        return round(100 * self.severity * self.confidence * sensitivity * self.exposure, 1)


def finding_risk(finding: Finding, weight: float = 1.0) -> float:
    """The finding's risk, 0-100, with its data-class sensitivity weighted by `weight`."""
    return RiskFactors.of(finding).risk(weight)


def score_findings(findings: Iterable[Finding], packs: Sequence[PolicyPack]) -> list[Finding]:
    """Each finding with its risk, under the heaviest weighting of the packs it violates."""
    weights = {pack.id: dict(pack.sensitivity) for pack in packs}
    scored = []
    for finding in findings:
        violated = {ref.split(":", 1)[0] for ref in finding.controls}
        weight = max(
            (weights[p].get(finding.data_class, 1.0) for p in violated if p in weights),
            default=1.0,
        )
        scored.append(replace(finding, risk=finding_risk(finding, weight)))
    return scored


@dataclass(frozen=True)
class ScanRisk:
    score: float
    grade: str


def scan_risk(findings: Iterable[Finding]) -> ScanRisk:
    """The overall risk of a scan, over the findings that count."""
    safe = math.prod(1 - f.risk / 100 for f in findings if f.suppressed is None)
    score = round(100 * (1 - safe), 1)
    return ScanRisk(score, grade(score))


def grade(score: float) -> str:
    return next((letter for limit, letter in GRADES if score < limit), "F")


@dataclass(frozen=True)
class ControlStatus:
    """How a control fared: its mode for this run, its status, the findings it judges."""

    id: str
    title: str
    mode: str
    status: str
    findings: int = 0
    risk: float = 0.0


@dataclass(frozen=True)
class PackCompliance:
    pack: PolicyPack
    controls: tuple[ControlStatus, ...]
    score: float

    def count(self, status: str) -> int:
        return sum(1 for c in self.controls if c.status == status)


def compliance(
    packs: Sequence[PolicyPack], findings: Sequence[Finding], run_override: str | None = None
) -> list[PackCompliance]:
    """Per pack, each control's status and the pack's compliance score."""
    judged: dict[str, list[int]] = defaultdict(list)
    for index, finding in enumerate(findings):
        if finding.suppressed is None:
            for ref in finding.controls:
                judged[ref].append(index)
    results = []
    factors: dict[int, RiskFactors] = {}
    for pack in packs:
        statuses = []
        risks: dict[int, float] = {}  # finding index -> its risk under this pack
        weights = dict(pack.sensitivity)
        for control in pack.controls:
            mode = run_mode(control.mode, run_override)
            if control.unserved is not None:
                statuses.append(ControlStatus(control.id, control.title, mode, "not-assessed"))
                continue
            open_findings = judged.get(control_ref(pack, control), [])
            for index in open_findings:
                if index not in risks:
                    if index not in factors:
                        factors[index] = RiskFactors.of(findings[index])
                    weight = weights.get(findings[index].data_class, 1.0)
                    risks[index] = factors[index].risk(weight)
            risk = max((risks[i] for i in open_findings), default=0.0)
            statuses.append(
                ControlStatus(
                    control.id,
                    control.title,
                    mode,
                    _status(mode, bool(open_findings)),
                    len(open_findings),
                    risk,
                )
            )
        results.append(PackCompliance(pack, tuple(statuses), _score(statuses)))
    return results


def _status(mode: str, violated: bool) -> str:
    if not violated:
        return "passed"
    return {"log": "logged", "warn": "warned", "block": "blocked"}[mode]


def _score(statuses: Sequence[ControlStatus]) -> float:
    held = sum(1 for s in statuses if s.status in ("passed", "logged"))
    failing = sum(1 + s.risk / 100 for s in statuses if s.status in ("warned", "blocked"))
    return round(100 * held / (held + failing), 1) if held or failing else 100.0
