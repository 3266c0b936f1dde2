"""JUnit XML for CI dashboards: one test case per rule (and per pack control when findings
map to controls); block-mode findings are failures, warn and log findings are output."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

from policyctl.report.interface import RenderOptions
from policyctl.report.terminal import where


def render(report: dict[str, Any], options: RenderOptions) -> str:
    counted = [f for f in report["findings"] if not f["suppressed"]]
    suites = ET.Element("testsuites", name="policyctl")
    rules = [rule["id"] for rule in report.get("rules", [])]
    rules += sorted({f["rule_id"] for f in counted} - set(rules))
    by_rule = _group(counted, lambda f: [f["rule_id"]])
    _suite(suites, "policyctl rules", report, [(r, by_rule.get(r, [])) for r in rules])
    by_control = _group(counted, lambda f: f.get("controls", []))
    packs: dict[str, list[str]] = defaultdict(list)
    for control in sorted(by_control):
        packs[control.partition(":")[0]].append(control)
    for pack, controls in sorted(packs.items()):
        _suite(suites, f"policyctl pack {pack}", report, [(c, by_control[c]) for c in controls])
    suites.set("tests", str(sum(int(s.get("tests", "0")) for s in suites)))
    suites.set("failures", str(sum(int(s.get("failures", "0")) for s in suites)))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def _group(findings: list[dict[str, Any]], keys: Any) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for finding in findings:
        for key in keys(finding):
            grouped[key].append(finding)
    return grouped


def _suite(
    parent: ET.Element,
    name: str,
    report: dict[str, Any],
    cases: list[tuple[str, list[dict[str, Any]]]],
) -> None:
    suite = ET.SubElement(
        parent,
        "testsuite",
        name=name,
        tests=str(len(cases)),
        failures="0",
        errors="0",
        skipped="0",
        time=str(report["scan"]["duration_seconds"]),
        timestamp=report["scan"]["started"].removesuffix("Z"),
    )
    failures = 0
    for case_name, findings in cases:
        case = ET.SubElement(suite, "testcase", classname=name, name=case_name, time="0")
        blocking = [f for f in findings if f["mode"] == "block"]
        if blocking:
            failures += 1
            failure = ET.SubElement(
                case,
                "failure",
                type="policyctl.block",
                message=f"{len(blocking)} blocking finding(s)",
            )
            failure.text = "\n".join(_line(f) for f in blocking)
        others = [f for f in findings if f["mode"] != "block"]
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in others)
    suite.set("failures", str(failures))


def _line(finding: dict[str, Any]) -> str:
    return (
        f"{finding['severity']} {finding['mode']} {finding['rule_id']} "
        f"{where(finding['location'])} {finding['preview']}"
    )
