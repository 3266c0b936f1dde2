"""CSV: one row per finding, for spreadsheets. Cells that a spreadsheet would run as a
formula (starting with = + - @) are prefixed with a quote."""

from __future__ import annotations

import csv
import io
from typing import Any

from policyctl.report.interface import RenderOptions

COLUMNS = (
    "rule_id",
    "title",
    "category",
    "severity",
    "confidence",
    "mode",
    "suppressed",
    "path",
    "line",
    "column",
    "commit",
    "author",
    "email",
    "date",
    "row",
    "field",
    "preview",
    "fingerprint",
    "occurrences",
    "controls",
)
LOCATION_COLUMNS = ("path", "line", "column", "commit", "author", "email", "date", "row", "field")


def render(report: dict[str, Any], options: RenderOptions) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for finding in report["findings"]:
        writer.writerow([_safe(_cell(finding, column)) for column in COLUMNS])
    return buffer.getvalue()


def _cell(finding: dict[str, Any], column: str) -> Any:
    if column in LOCATION_COLUMNS:
        return finding["location"].get(column)
    if column == "controls":
        return " ".join(finding.get("controls", []))
    return finding.get(column)


def _safe(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
