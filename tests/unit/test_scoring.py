"""Risk and compliance scores: the documented formula, pack weights, determinism."""

from __future__ import annotations

from dataclasses import replace

import pytest

from policyctl.core.model import Selector
from policyctl.policy.scoring import compliance, finding_risk, grade, scan_risk, score_findings
from tests.policy_helpers import control, finding, pack

HEALTH = (Selector(data_classes=("health",)),)


def test_finding_risk_is_severity_times_confidence_times_sensitivity_times_exposure() -> None:
    # critical 1.0 x confidence 0.9 x credential 1.0 x working tree 0.9
    assert finding_risk(finding()) == 81.0
    # high 0.75 x 0.8 x government-id 0.8 x dataset 0.8
    ssn = finding(
        severity="high", confidence=0.8, data_class="government-id", source_kind="datasets"
    )
    assert finding_risk(ssn) == 38.4


def test_git_history_weighs_more_than_the_working_tree() -> None:
    assert finding_risk(finding(source_kind="history")) > finding_risk(finding(source_kind="repo"))


@pytest.mark.parametrize("path", ["tests/test_app.py", "src/fixtures/keys.txt", "pkg/app_test.go"])
def test_a_finding_in_a_test_fixture_counts_half(path: str) -> None:
    assert finding_risk(finding(path=path)) == finding_risk(finding()) / 2


def test_a_pack_weight_raises_the_sensitivity_of_its_data_classes_up_to_one() -> None:
    health = finding("pii.mrn", category="pii", severity="high", data_class="health")
    hipaa = pack("hipaa", control("H", "block", selects=HEALTH), sensitivity=(("health", 1.25),))
    plain = pack("plain", control("H", "block", selects=HEALTH))
    [under_hipaa] = score_findings([replace(health, controls=("hipaa:H",))], [hipaa])
    [under_plain] = score_findings([replace(health, controls=("plain:H",))], [plain])
    assert under_plain.risk == finding_risk(health)  # 0.75 x 0.9 x 0.8 x 0.9
    assert under_hipaa.risk == round(100 * 0.75 * 0.9 * 1.0 * 0.9, 1)


def test_scan_risk_combines_findings_without_passing_100_and_ignores_suppressed_ones() -> None:
    findings = [finding(risk=50.0), finding(risk=50.0), finding(risk=90.0, suppressed="waiver")]
    assert scan_risk(findings).score == 75.0
    assert scan_risk([]).score == 0.0


@pytest.mark.parametrize(
    ("score", "letter"),
    [(0.0, "A"), (9.9, "A"), (10.0, "B"), (30.0, "C"), (60.0, "D"), (75.0, "F")],
)
def test_grades_follow_the_documented_bands(score: float, letter: str) -> None:
    assert grade(score) == letter


def test_compliance_counts_controls_by_status_and_weights_failures_by_risk() -> None:
    chosen = pack(
        "p",
        control("BLOCKED", "block"),
        control("WARNED", "warn", selects=(Selector(categories=("pii",)),)),
        control("PASSED", "block", selects=(Selector(rules=("none.*",)),)),
        control("PHOTO", "block", selects=(), unserved="images"),
    )
    secret = finding(controls=("p:BLOCKED",))  # risk 81
    email = finding("pii.email", category="pii", data_class="contact", controls=("p:WARNED",))
    [result] = compliance([chosen], [secret, email])
    statuses = {c.id: c.status for c in result.controls}
    assert statuses == {
        "BLOCKED": "blocked",
        "WARNED": "warned",
        "PASSED": "passed",
        "PHOTO": "not-assessed",
    }
    # one control holds; the failing ones weigh 1 + 0.81 and 1 + 0.324 (a critical email:
    # 1 x 0.9 x 0.4 x 0.9); the unserved one is left out
    assert result.score == round(100 * 1 / (1 + 1.81 + 1.324), 1)


def test_compliance_is_100_when_every_control_holds_and_0_when_every_one_fails() -> None:
    chosen = pack("p", control("A", "block"), control("B", "warn"))
    [clean] = compliance([chosen], [])
    [failing] = compliance([chosen], [finding(confidence=0.1, controls=("p:A", "p:B"))])
    assert (clean.score, failing.score) == (100.0, 0.0)


def test_waived_findings_do_not_count_against_compliance() -> None:
    chosen = pack("p", control("BLOCKED", "block"))
    [result] = compliance([chosen], [finding(controls=("p:BLOCKED",), suppressed="waiver")])
    assert (result.controls[0].status, result.score) == ("passed", 100.0)


def test_a_run_mode_of_warn_shows_block_controls_as_warned() -> None:
    chosen = pack("p", control("BLOCKED", "block"))
    [result] = compliance([chosen], [finding(controls=("p:BLOCKED",))], run_override="warn")
    assert result.controls[0].status == "warned"
