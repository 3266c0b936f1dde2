"""The policy parts of the report: schema-valid documents and what the terminal shows."""

from __future__ import annotations

from datetime import date
from typing import Any

from policyctl.core.model import Finding, ScanStats, Waiver
from policyctl.policy.assess import ScanResult, assess
from policyctl.policy.enforce import Policy
from policyctl.report.build import build_report
from policyctl.report.interface import RenderOptions
from policyctl.report.terminal import first_few, render
from policyctl.schemas import schema_problems
from tests.policy_helpers import control, finding, pack


def report_of(
    findings: list[Finding], policy: Policy, waivers: tuple[Waiver, ...] = ()
) -> dict[str, Any]:
    judged, assessment = assess(findings, policy, waivers, date(2025, 6, 1))
    result = ScanResult(
        findings=judged,
        notices=[],
        stats=ScanStats(files=1, bytes=10),
        rules=(),
        targets=(".",),
        engine="re",
        started="2025-06-01T00:00:00Z",
        finished="2025-06-01T00:00:01Z",
        assessment=assessment,
    )
    return build_report(result).document


def test_a_report_with_packs_and_waivers_is_valid_against_the_schema() -> None:
    waiver = Waiver("r", "o", date(2025, 1, 1), fingerprint="1" * 32)
    report = report_of(
        [finding(fingerprint="1" * 32), finding(fingerprint="2" * 32, suppressed="inline")],
        Policy(packs=(pack("p", control("A", "block")),), mode="warn"),
        (waiver,),
    )
    assert schema_problems(report, "report") == []
    assert report["waivers"][0]["status"] == "expired"
    assert report["compliance"][0]["controls"][0]["status"] == "warned"
    assert report["scan"]["mode"] == "warn"


def test_the_terminal_lists_a_few_controls_per_finding_and_counts_the_rest() -> None:
    assert first_few(["a", "b", "c", "d", "e", "f"]) == "a, b, c, d +2 more"
    assert first_few(["a", "b"]) == "a, b"


def test_the_terminal_shows_one_row_per_pack() -> None:
    packs = (pack("first", control("A", "block")), pack("second", control("B", "warn")))
    text = render(report_of([finding()], Policy(packs=packs)), RenderOptions(width=160))
    rows = {
        cells[0]: cells[1:6]
        for cells in ([c for c in line.split() if c != "│"] for line in text.splitlines())
        if cells
    }
    # controls, passed, logged, warned, blocked
    assert rows["first"] == ["1", "0", "0", "0", "1"]
    assert rows["second"] == ["1", "0", "0", "1", "0"]
