"""The HTML report: one self-contained file (inline CSS, JS and SVG; nothing fetched), for
people who read reports in a browser: summary, risk grade, per-pack compliance, a chart,
findings that filter by pack, severity and path, waivers and suppressed findings.

Like every renderer it reads the finished report and decides nothing: the grade, the
compliance figures and the verdict are the report's own.
"""

from __future__ import annotations

from html import escape
from typing import Any

from policyctl.core.model import SEVERITIES
from policyctl.report.interface import RenderOptions
from policyctl.report.terminal import places_note, where

SEVERITY_COLOURS = {
    "critical": "#7f1d1d",
    "high": "#dc2626",
    "medium": "#d97706",
    "low": "#2563eb",
    "info": "#6b7280",
}

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#111827;
background:#f9fafb}
header{background:#111827;color:#f9fafb;padding:16px 24px}
header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#d1d5db}
main{padding:16px 24px;max-width:1400px}
section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:12px 16px;
margin:0 0 16px}
h2{font-size:16px;margin:0 0 8px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid #e5e7eb;border-radius:8px;padding:8px 14px;min-width:110px}
.card b{display:block;font-size:22px}
.pass{color:#15803d}.fail{color:#b91c1c}
.grade{font-size:40px;font-weight:700}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top}
th{background:#f3f4f6}
table+table{margin-top:12px}
td.where{font-family:ui-monospace,monospace;word-break:break-all}
.sev{color:#fff;border-radius:4px;padding:1px 6px;font-size:12px}
.filters{display:flex;flex-wrap:wrap;gap:12px;margin:0 0 8px;align-items:center}
.muted{color:#6b7280}
"""

SCRIPT = """
(function(){
  var pack=document.getElementById('filter-pack'),sev=document.getElementById('filter-severity'),
      path=document.getElementById('filter-path'),count=document.getElementById('shown-count'),
      rows=document.querySelectorAll('#findings tbody tr[data-severity]');
  function apply(){
    var p=pack.value,s=sev.value,t=path.value.toLowerCase(),shown=0;
    rows.forEach(function(row){
      var ok=(!p||(' '+row.dataset.packs+' ').indexOf(' '+p+' ')>=0)&&
             (!s||row.dataset.severity===s)&&(!t||row.dataset.path.toLowerCase().indexOf(t)>=0);
      row.hidden=!ok; if(ok){shown++;}
    });
    count.textContent=shown+' of '+rows.length+' findings shown';
  }
  [pack,sev].forEach(function(e){e.addEventListener('change',apply);});
  path.addEventListener('input',apply);
  apply();
})();
"""


def render(report: dict[str, Any], options: RenderOptions) -> str:
    findings = [f for f in report["findings"] if f.get("suppressed") is None]
    suppressed = [f for f in report["findings"] if f.get("suppressed") is not None]
    scan = report["scan"]
    title = f"policyctl report: {', '.join(scan['targets'])}"
    body = "\n".join(
        [
            summary_section(report),
            packs_section(report),
            chart_section(report),
            findings_section(findings),
            waivers_section(report, suppressed),
            notices_section(report),
        ]
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        # No network, ever: the page may only use what is inside it.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>\n"
        f"<header><h1>{escape(title)}</h1><p>policyctl {escape(report['tool']['version'])}"
        f" · {escape(scan['started'])} · {scan['files']} files, {scan['bytes']:,} bytes</p>"
        f"</header>\n<main>\n{body}\n</main>\n<script>{SCRIPT}</script>\n</body></html>\n"
    )


def summary_section(report: dict[str, Any]) -> str:
    summary = report["summary"]
    verdict = "FAIL" if summary["exit_code"] else "PASS"
    risk = summary.get("risk") or {}
    grade = escape(str(risk.get("grade", "–")))
    score = risk.get("score")
    grade_note = f"risk score {escape(str(score))}" if score is not None else "not scored"
    cards = [
        ("Verdict", f'<span class="{verdict.lower()}">{verdict}</span>'),
        ("Findings", str(summary["findings"])),
        ("Blocking", str(summary["blocking"])),
        ("Suppressed", str(summary["suppressed"])),
        ("Files", str(report["scan"]["files"])),
    ]
    card_html = "".join(f'<div class="card">{label}<b>{value}</b></div>' for label, value in cards)
    return (
        '<section id="summary"><h2>Summary</h2><div class="cards">'
        f'<div class="card">Risk grade<div class="grade" id="risk-grade">{grade}</div>'
        f'<span class="muted">{grade_note}</span></div>{card_html}</div></section>'
    )


def packs_section(report: dict[str, Any]) -> str:
    """One row per pack: its compliance score and its controls counted by result."""
    versions = {p["id"]: p.get("version", "") for p in report["scan"].get("packs") or []}
    compliance = report.get("compliance") or []
    columns = ("passed", "logged", "warned", "blocked", "not_assessed")
    if not compliance:
        rows = f'<tr><td colspan="{len(columns) + 3}" class="muted">No policy pack was applied.'
        rows += "</td></tr>"
    else:
        rows = "".join(
            _pack_row(pack, versions.get(pack["pack"], ""), columns) for pack in compliance
        )
    head = "".join(f"<th>{c.replace('_', ' ').capitalize()}</th>" for c in columns)
    return (
        '<section id="compliance"><h2>Compliance by policy pack</h2><table id="packs">'
        f"<thead><tr><th>Pack</th><th>Version</th><th>Score</th>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def _pack_row(pack: dict[str, Any], version: str, columns: tuple[str, ...]) -> str:
    status = "fail" if pack.get("blocked") else "pass"
    cells = [
        f"{escape(str(pack.get('name') or pack['pack']))} <span class='muted'>"
        f"({escape(str(pack['pack']))})</span>",
        escape(str(version)),
        f'<span class="{status}">{escape(str(pack.get("score", "–")))}%</span>',
        *(escape(str(pack.get(column, 0))) for column in columns),
    ]
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def chart_section(report: dict[str, Any]) -> str:
    """Findings by severity as horizontal bars (inline SVG)."""
    counts = report["summary"]["by_severity"]
    largest = max(counts.values(), default=0) or 1
    bars = []
    for index, severity in enumerate(reversed(SEVERITIES)):
        count = counts.get(severity, 0)
        y = index * 26
        width = round(300 * count / largest)
        bars.append(
            f'<text x="0" y="{y + 15}" font-size="12">{severity}</text>'
            f'<rect x="70" y="{y + 3}" width="{width}" height="16" '
            f'fill="{SEVERITY_COLOURS[severity]}"><title>{severity}: {count}</title></rect>'
            f'<text x="{76 + width}" y="{y + 15}" font-size="12">{count}</text>'
        )
    height = 26 * len(SEVERITIES)
    return (
        '<section id="chart"><h2>Findings by severity</h2>'
        f'<svg role="img" aria-label="findings by severity" width="420" height="{height}" '
        f'viewBox="0 0 420 {height}">{"".join(bars)}</svg></section>'
    )


def findings_section(findings: list[dict[str, Any]]) -> str:
    show_secret = any("secret" in f for f in findings)
    packs = sorted({p for f in findings for p in packs_of(f)})
    pack_options = "".join(f'<option value="{escape(p)}">{escape(p)}</option>' for p in packs)
    severity_options = "".join(f'<option value="{s}">{s}</option>' for s in reversed(SEVERITIES))
    head = ["Severity", "Rule", "Where", "Preview", "Mode", "Controls"]
    if show_secret:
        head.append("Secret (--show-secrets)")
    rows = "".join(_finding_row(f, show_secret) for f in findings)
    if not findings:
        rows = f'<tr><td colspan="{len(head)}" class="muted">No findings.</td></tr>'
    return (
        '<section id="findings-section"><h2>Findings</h2><div class="filters">'
        f'<label>Pack <select id="filter-pack"><option value="">all</option>{pack_options}'
        "</select></label>"
        '<label>Severity <select id="filter-severity"><option value="">all</option>'
        f"{severity_options}</select></label>"
        '<label>Path <input id="filter-path" type="search" placeholder="part of a path">'
        '</label><span id="shown-count" class="muted"></span></div>'
        '<table id="findings"><thead><tr>'
        + "".join(f"<th>{h}</th>" for h in head)
        + f"</tr></thead><tbody>{rows}</tbody></table></section>"
    )


def packs_of(finding: dict[str, Any]) -> list[str]:
    """The packs a finding violates, from its `pack:control` references."""
    return sorted({c.split(":", 1)[0] for c in finding.get("controls", []) if ":" in c})


def _finding_row(finding: dict[str, Any], show_secret: bool) -> str:
    severity = finding["severity"]
    location = where(finding["location"]) + places_note(finding)
    cells = [
        f'<span class="sev" style="background:{SEVERITY_COLOURS[severity]}">{severity}</span>',
        escape(finding["rule_id"]),
        escape(location),
        escape(finding["preview"]),
        escape(finding["mode"]),
        escape(", ".join(finding.get("controls", []))),
    ]
    if show_secret:
        cells.append(escape(finding.get("secret", "")))
    attributes = (
        f'data-severity="{severity}" data-packs="{escape(" ".join(packs_of(finding)))}" '
        f'data-path="{escape(finding["location"]["path"])}"'
    )
    classes = ["", "", ' class="where"', "", "", ""] + [""] * show_secret
    return (
        f"<tr {attributes}>"
        + "".join(f"<td{c}>{cell}</td>" for c, cell in zip(classes, cells, strict=True))
        + "</tr>"
    )


def waivers_section(report: dict[str, Any], suppressed: list[dict[str, Any]]) -> str:
    waivers = report.get("waivers") or []
    waiver_rows = "".join(
        "<tr>"
        + f"<td class='where'>{escape(_waiver_scope(w))}</td>"
        + "".join(f"<td>{escape(str(w.get(k, '')))}</td>" for k in WAIVER_COLUMNS)
        + "</tr>"
        for w in waivers
    )
    suppressed_rows = "".join(
        f"<tr><td>{escape(f['rule_id'])}</td><td class='where'>"
        f"{escape(where(f['location']))}</td><td>{escape(str(f['suppressed']))}</td></tr>"
        for f in suppressed
    )
    head = "".join(f"<th>{c.capitalize()}</th>" for c in WAIVER_COLUMNS)
    return (
        '<section id="waivers"><h2>Waivers and suppressed findings</h2>'
        + (
            f"<table><thead><tr><th>Waives</th>{head}</tr></thead>"
            f"<tbody>{waiver_rows}</tbody></table>"
            if waivers
            else '<p class="muted">No waivers.</p>'
        )
        + (
            "<table><thead><tr><th>Rule</th><th>Where</th><th>Suppressed by</th></tr></thead>"
            f"<tbody>{suppressed_rows}</tbody></table>"
            if suppressed
            else '<p class="muted">No suppressed findings.</p>'
        )
        + "</section>"
    )


WAIVER_COLUMNS = ("reason", "owner", "expires", "status")


def _waiver_scope(waiver: dict[str, Any]) -> str:
    if waiver.get("fingerprint"):
        return f"fingerprint {waiver['fingerprint']}"
    return f"{waiver.get('rule') or 'any rule'} in {waiver.get('path') or 'any path'}"


def notices_section(report: dict[str, Any]) -> str:
    notices = [n for n in report["notices"] if n["level"] != "info"]
    if not notices:
        return ""
    items = "".join(
        f"<li><code>{escape(n['path'])}</code>: {escape(n['message'])}</li>" for n in notices
    )
    return f'<section id="notices"><h2>Input warnings</h2><ul>{items}</ul></section>'
