"""Enforcement: which controls a finding violates and the mode it gets."""

from __future__ import annotations

from policyctl.core.model import Selector
from policyctl.policy.enforce import Policy, exit_code, judge
from tests.policy_helpers import control, finding, pack

PII = (Selector(categories=("pii",)),)


def test_a_finding_takes_the_strictest_mode_of_the_controls_that_select_it() -> None:
    packs = (pack("a", control("warns", "warn")), pack("b", control("blocks", "block")))
    [judged] = judge([finding()], Policy(packs=packs))
    assert judged.mode == "block"
    assert judged.controls == ("a:warns", "b:blocks")


def test_a_finding_no_control_selects_is_only_logged_when_packs_are_chosen() -> None:
    packs = (pack("a", control("pii-only", "block", selects=PII)),)
    [judged] = judge([finding()], Policy(packs=packs))
    assert (judged.mode, judged.controls) == ("log", ())


def test_without_packs_findings_at_or_above_high_block_and_the_rest_warn() -> None:
    judged = judge([finding(severity="high"), finding(severity="medium")], Policy())
    assert [f.mode for f in judged] == ["block", "warn"]


def test_fail_on_without_packs_moves_the_severity_threshold() -> None:
    judged = judge([finding(severity="high")], Policy(fail_on="critical"))
    assert judged[0].mode == "warn"


def test_an_explicit_fail_on_blocks_severe_findings_that_packs_only_warn_about() -> None:
    packs = (pack("a", control("warns", "warn")),)
    assert judge([finding()], Policy(packs=packs))[0].mode == "warn"
    assert judge([finding()], Policy(packs=packs, fail_on="high"))[0].mode == "block"


def test_run_mode_warn_turns_every_block_into_a_warning() -> None:
    packs = (pack("a", control("blocks", "block")),)
    [judged] = judge([finding()], Policy(packs=packs, mode="warn", fail_on="info"))
    assert judged.mode == "warn"
    assert exit_code([judged]) == 0


def test_run_mode_block_turns_warnings_into_blocks_but_leaves_logs() -> None:
    packs = (pack("a", control("warns", "warn"), control("logs", "log", selects=PII)),)
    secret, pii = judge(
        [finding(), finding("pii.email", category="pii", data_class="contact")],
        Policy(packs=packs, mode="block"),
    )
    assert (secret.mode, pii.mode) == ("block", "log")


def test_a_control_applies_only_at_or_above_its_minimum_severity() -> None:
    packs = (pack("a", control("serious", "block", min_severity="high")),)
    low, high = judge([finding(severity="low"), finding(severity="high")], Policy(packs=packs))
    assert (low.controls, high.controls) == ((), ("a:serious",))


def test_a_control_scoped_to_sources_applies_only_to_findings_from_them() -> None:
    packs = (pack("a", control("in-logs", "block", sources=("logs", "history"))),)
    repo, logs = judge([finding(), finding(source_kind="logs")], Policy(packs=packs))
    assert (repo.mode, logs.mode) == ("log", "block")


def test_a_control_scoped_to_paths_applies_only_under_them() -> None:
    packs = (pack("a", control("tests", "block", paths=("tests", "fixtures"))),)
    src, test = judge(
        [finding(path="src/app.py"), finding(path="tests/data/app.py")], Policy(packs=packs)
    )
    assert (src.controls, test.controls) == ((), ("a:tests",))


def test_a_suppressed_block_finding_does_not_fail_the_scan() -> None:
    [judged] = judge([finding(suppressed="inline")], Policy())
    assert judged.mode == "block"
    assert exit_code([judged]) == 0
