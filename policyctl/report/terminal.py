"""The terminal report: a table of findings and a one-line summary, with rich."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from policyctl.report.interface import RenderOptions
from policyctl.report.text import printable

SEVERITY_STYLE = {
    "critical": "bold white on red",
    "high": "bold red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}


def render(report: dict[str, Any], options: RenderOptions) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=options.color,
        no_color=not options.color,
        width=options.width,
        highlight=False,
    )
    # Suppressed findings (baseline, inline ignore, waiver) are counted in the summary line
    # only: the table lists what still needs attention.
    findings = [f for f in report["findings"] if not f["suppressed"]]
    if findings:
        console.print(findings_table(findings))
    if report["compliance"]:
        console.print(compliance_table(report["compliance"]))
    for line in waiver_lines(report["waivers"]):
        console.print(line)
    for line in duty_lines(report.get("duties", [])):
        console.print(line)
    if any(column["matches"] for column in report.get("columns", [])):
        console.print(columns_table(report["columns"]))
    if report.get("targets"):
        console.print(targets_table(report["targets"]))
    console.print(summary_line(report))
    return buffer.getvalue()


def duty_lines(duties: list[dict[str, Any]]) -> list[Text]:
    """When personal data reached git history: each pack's breach-notification duties."""
    if not duties:
        return []
    lines = [
        Text(
            "personal data in block mode is in git history (committed, perhaps published); "
            "breach-notification duties that may apply (guidance, not legal advice):",
            style="bold yellow",
        )
    ]
    for pack in duties:
        for duty in pack["breach_notification"]:
            condition = f" ({duty['condition']})" if duty.get("condition") else ""
            lines.append(
                Text(
                    f"  {pack['pack']} {duty['source']}: notify {duty['notify']}, "
                    f"{duty['within']}{condition}"
                )
            )
    return lines


def findings_table(findings: list[dict[str, Any]]) -> Table:
    show_secret = any("secret" in f for f in findings)
    table = Table(show_edge=False, pad_edge=False, expand=False)
    table.add_column("severity")
    table.add_column("rule")
    table.add_column("where", overflow="fold")
    table.add_column("preview")
    table.add_column("mode")
    show_controls = any("controls" in f for f in findings)
    if show_controls:
        table.add_column("controls", overflow="fold")
    if show_secret:
        table.add_column("secret (--show-secrets)", overflow="fold")
    for finding in findings:
        severity = finding["severity"]
        suppressed = finding["suppressed"]
        mode = f"suppressed: {suppressed}" if suppressed else finding["mode"]
        # Names and values come from the scanned files: escaped, so a file name with
        # terminal escape codes is shown, never obeyed.
        row = [
            Text(severity, style=SEVERITY_STYLE[severity]),
            Text(printable(finding["rule_id"])),
            Text(printable(where(finding["location"]) + rows_note(finding) + places_note(finding))),
            Text(printable(finding["preview"])),
            Text(mode, style="bold" if mode == "block" else "dim"),
        ]
        if show_controls:
            row.append(Text(printable(first_few(finding.get("controls", []))), style="dim"))
        if show_secret:
            row.append(Text(printable(finding.get("secret", ""))))
        table.add_row(*row)
    return table


def first_few(items: list[str], shown: int = 4) -> str:
    """The first items and how many more: a finding may violate a dozen controls across
    packs, and the JSON report has them all."""
    more = len(items) - shown
    return ", ".join(items[:shown]) + (f" +{more} more" if more > 0 else "")


STATUS_STYLE = {"warned": "yellow", "blocked": "bold red"}


def compliance_table(compliance: list[dict[str, Any]]) -> Table:
    """Per pack: controls passed, logged, warned and blocked, and the compliance score."""
    table = Table(show_edge=False, pad_edge=False, expand=False, title_justify="left")
    for column in ("pack", "controls", "passed", "logged", "warned", "blocked", "score"):
        table.add_column(column, justify="left" if column == "pack" else "right")
    for pack in compliance:
        assessed = len(pack["controls"]) - pack["not_assessed"]
        table.add_row(
            Text(printable(pack["pack"])),
            Text(str(assessed)),
            Text(str(pack["passed"]), style="green" if pack["passed"] == assessed else ""),
            Text(str(pack["logged"])),
            Text(str(pack["warned"]), style=STATUS_STYLE["warned"] if pack["warned"] else ""),
            Text(str(pack["blocked"]), style=STATUS_STYLE["blocked"] if pack["blocked"] else ""),
            Text(f"{pack['score']:.1f}"),
        )
    return table


def waiver_lines(waivers: list[dict[str, Any]]) -> list[Text]:
    """One line per waiver that needs attention (expired or stale) and a count of the rest."""
    lines = []
    for waiver in waivers:
        if waiver["status"] == "applied":
            continue
        scope = waiver.get("fingerprint") or f"{waiver['rule']} in {waiver['path']}"
        state = (
            f"expired (its last day was {waiver['expires']}), no longer applies"
            if waiver["status"] == "expired"
            else "stale: it covers no finding"
        )
        text = printable(f"waiver {scope} ({waiver['owner']}): {state}")
        lines.append(Text(text, style="yellow"))
    applied = sum(1 for w in waivers if w["status"] == "applied")
    if applied:
        lines.append(Text(f"{applied} waiver(s) applied", style="dim"))
    return lines


def where(location: dict[str, Any]) -> str:
    """path:line:column, with the commit or the dataset row and field when there are."""
    text = str(location["path"])
    if "line" in location:
        text += f":{location['line']}"
        if "column" in location:
            text += f":{location['column']}"
    if "row" in location:
        text += f" row {location['row']}"
    if "field" in location:
        text += f" {location['field']}"
    if "commit" in location:
        text += f" @{location['commit'][:10]}"
    return text


def rows_note(finding: dict[str, Any]) -> str:
    """' (1,234 rows)' for a dataset column's finding (history findings have their own)."""
    count = finding.get("occurrences")
    if not count or "commit" in finding["location"] or "field" not in finding["location"]:
        return ""
    return f" ({count:,} row{'' if count == 1 else 's'})"


def places_note(finding: dict[str, Any]) -> str:
    """' +2 more places' for a secret found in several places (the JSON lists them)."""
    more = len(finding.get("also_at", ()))
    return f" +{more} more place{'' if more == 1 else 's'}" if more else ""


def columns_table(columns: list[dict[str, Any]]) -> Table:
    """Dataset columns holding personal data: e.g. `email  pii.email-address 98% of 10,000`."""
    table = Table(show_edge=False, pad_edge=False, expand=False, title="dataset columns")
    for name in ("file", "column", "verdict", "personal data"):
        table.add_column(name, overflow="fold")
    for column in columns:
        if not column["matches"]:
            continue
        kinds = ", ".join(
            f"{m['rule_id']} {m['share']:.0%} of {column['rows']:,}"
            + (f" ({m['personal']:,} of a person)" if "personal" in m else "")
            for m in column["matches"]
        )
        style = "bold" if column["verdict"] == "pii" else ""
        table.add_row(
            Text(printable(column["path"])),
            Text(printable(column["field"])),
            Text(column["verdict"], style=style),
            Text(printable(kinds)),
        )
    return table


TARGET_STYLE = {"scanned": "green", "incomplete": "yellow", "failed": "bold red", "refused": "red"}


def targets_table(targets: list[dict[str, Any]]) -> Table:
    """With --targets: one row per target, its status, files, findings and blocking ones."""
    table = Table(show_edge=False, pad_edge=False, expand=False, title="targets")
    for name in ("target", "status", "files", "findings", "blocking", "error"):
        table.add_column(name, overflow="fold", justify="right" if name in COUNTS else "left")
    for target in targets:
        table.add_row(
            Text(printable(target["target"])),
            Text(target["status"], style=TARGET_STYLE.get(target["status"], "")),
            Text(str(target["files"])),
            Text(str(target["findings"])),
            Text(str(target["blocking"]), style="bold red" if target["blocking"] else ""),
            Text(printable(target.get("error", "")), style="dim"),
        )
    return table


COUNTS = ("files", "findings", "blocking")


def summary_line(report: dict[str, Any]) -> Text:
    scan, summary = report["scan"], report["summary"]
    seconds = scan["duration_seconds"]
    megabytes = scan["bytes"] / 1e6
    rate = megabytes / seconds if seconds > 0 else 0.0
    counts = ", ".join(f"{n} {s}" for s, n in summary["by_severity"].items()) or "none"
    line = Text()
    line.append(f"{scan['files']} files, {megabytes:.1f} MB in {seconds:.2f} s ({rate:.1f} MB/s); ")
    line.append(f"findings: {counts}", style="bold" if summary["findings"] else "green")
    if summary["suppressed"]:
        line.append(f"; {summary['suppressed']} suppressed")
    risk = summary["risk"]
    line.append(f"; risk {risk['score']:.1f} (grade {risk['grade']})")
    if summary["blocking"]:
        line.append(f"; {summary['blocking']} blocking", style="bold red")
    notices = sum(1 for n in report["notices"] if n["level"] != "info")
    if notices:
        line.append(f"; {notices} input warnings")
    missed = scan.get("incomplete")
    if missed:
        first = missed[0]
        line.append(
            f"; INCOMPLETE: {len(missed)} input(s) not scanned "
            f"({first['path']}: {first['reason']})",
            style="bold red",
        )
    return line
