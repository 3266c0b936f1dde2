"""Markdown for $GITHUB_STEP_SUMMARY and pull-request comments: a verdict, a table per
policy pack, the top findings (redacted) and how to accept one."""

from __future__ import annotations

from collections import Counter
from typing import Any

from policyctl.core.model import SEVERITIES
from policyctl.report.interface import RenderOptions
from policyctl.report.terminal import where

TOP_FINDINGS = 20
ORDER = {s: i for i, s in enumerate(reversed(SEVERITIES))}


def render(report: dict[str, Any], options: RenderOptions) -> str:
    counted = [f for f in report["findings"] if not f["suppressed"]]
    lines = [_headline(report), ""]
    if counted:
        lines += [*_pack_table(counted), "", *_top_findings(counted), ""]
    lines += _footer(report)
    return "\n".join(lines) + "\n"


def _headline(report: dict[str, Any]) -> str:
    summary = report["summary"]
    if summary["blocking"]:
        return (
            f"## ❌ policyctl: {summary['blocking']} blocking of {summary['findings']} finding(s)"
        )
    if summary["findings"]:
        return f"## ⚠️ policyctl: {summary['findings']} finding(s), none blocking"
    return "## ✅ policyctl: no findings"


def _pack_table(counted: list[dict[str, Any]]) -> list[str]:
    rows: dict[str, list[dict[str, Any]]] = {}
    for finding in counted:
        packs = sorted({c.partition(":")[0] for c in finding.get("controls", [])})
        for pack in packs or ["(no pack)"]:
            rows.setdefault(pack, []).append(finding)
    if set(rows) == {"(no pack)"}:
        rows = {}
    rows["all findings"] = counted
    severities = [s for s in reversed(SEVERITIES)]
    header = ["Pack", "Findings", "Blocking", *severities]
    table = [_row(header), _row(["---"] * len(header))]
    for name, findings in rows.items():
        by_severity = Counter(f["severity"] for f in findings)
        blocking = sum(1 for f in findings if f["mode"] == "block")
        cells = [name, str(len(findings)), str(blocking)]
        cells += [str(by_severity[s]) if by_severity[s] else "" for s in severities]
        table.append(_row(cells))
    return table


def _top_findings(counted: list[dict[str, Any]]) -> list[str]:
    ranked = sorted(
        counted, key=lambda f: (f["mode"] != "block", ORDER[f["severity"]])
    )  # stable: the report's own order within a rank
    lines = [
        f"### Top findings ({min(len(ranked), TOP_FINDINGS)} of {len(ranked)})",
        "",
        _row(["Severity", "Mode", "Rule", "Where", "Preview"]),
        _row(["---"] * 5),
    ]
    for finding in ranked[:TOP_FINDINGS]:
        place = where(finding["location"])
        if finding.get("also_at"):
            more = len(finding["also_at"])
            place += f" (+{more} more place{'' if more == 1 else 's'})"
        elif finding.get("occurrences", 1) > 1:
            times = finding["occurrences"]
            history = "commit" in finding["location"]
            place += f" (added {times} times)" if history else f" ({times} rows)"
        lines.append(
            _row(
                [
                    finding["severity"],
                    finding["mode"],
                    finding["rule_id"],
                    place,
                    finding["preview"],
                ]
            )
        )
    return lines


def _footer(report: dict[str, Any]) -> list[str]:
    scan, summary = report["scan"], report["summary"]
    lines = [
        f"Scanned {scan['files']} files ({scan['bytes'] / 1e6:.1f} MB) in "
        f"{scan['duration_seconds']:.2f} s with {scan['rules']} rules."
    ]
    suppressed = Counter(f["suppressed"] for f in report["findings"] if f["suppressed"])
    if suppressed:
        reasons = ", ".join(f"{n} by {reason}" for reason, n in sorted(suppressed.items()))
        lines.append(f"Suppressed: {reasons}.")
    warnings = sum(1 for n in report["notices"] if n["level"] != "info")
    if warnings:
        lines.append(f"{warnings} input warning(s): see the full report.")
    if summary["findings"]:
        lines += [
            "",
            "<details><summary>How to accept a finding</summary>",
            "",
            "Remove the value and rotate it if it was ever real. If the finding is not a "
            "problem, write `policyctl: ignore[RULE-ID]` on its line, or record it in the "
            "baseline: `policyctl baseline create` and scan with `--baseline "
            ".policyctl-baseline.json`.",
            "",
            "</details>",
        ]
    return lines


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _cell(text: str) -> str:
    """Table-safe text: no pipes, line breaks, HTML or Markdown emphasis from the data."""
    escaped = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")
    escaped = escaped.replace("<", "&lt;").replace(">", "&gt;")
    for mark in ("`", "*", "_", "[", "]"):
        escaped = escaped.replace(mark, "\\" + mark)
    return escaped
