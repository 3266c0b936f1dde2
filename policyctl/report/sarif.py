"""SARIF 2.1.0, as GitHub code scanning reads it (policyctl/schemas/sarif-2.1.0.schema.json).

Rules carry help text, tags and a `security-severity`; results carry the rule, a level
from the enforcement mode, the location and our fingerprint as a partial fingerprint,
so GitHub tracks an alert across line moves. Suppressed findings stay in the file as
suppressed results, so code scanning shows them closed rather than forgetting them.
"""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import quote

from policyctl.report.interface import RenderOptions
from policyctl.report.text import json_text

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "policyctl/v1"

# GitHub maps security-severity to critical (>= 9.0), high (7.0-8.9), medium (4.0-6.9), low.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}
LEVEL = {"block": "error", "warn": "warning", "log": "note"}
DEFAULT_LEVEL = {"critical": "error", "high": "error", "medium": "warning"}
SUPPRESSION_KIND = {"inline": "inSource"}  # baseline, waiver ... are kept outside the code
NOTIFICATION_LEVEL = {"error": "error", "warning": "warning", "info": "note"}

REMEDIATION = {
    "secret": (
        "Treat the credential as exposed: revoke or rotate it with its provider, then remove "
        "it from the code and load it at run time from a secret manager or the environment. "
        "Deleting the line does not remove it from git history."
    ),
    "pii": (
        "Remove the personal data, or replace it with synthetic or masked values "
        "(policyctl redact). Keep real personal data out of code, logs and test fixtures."
    ),
}


def render(report: dict[str, Any], options: RenderOptions) -> str:
    return json_text(json.dumps(sarif_log(report), indent=2, ensure_ascii=False)) + "\n"


def sarif_log(report: dict[str, Any]) -> dict[str, Any]:
    rules = _rules(report)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "policyctl",
                        "version": report["tool"]["version"],
                        "semanticVersion": report["tool"]["version"],
                        "rules": rules,
                    }
                },
                "invocations": [_invocation(report)],
                "results": [_result(f, index) for f in report["findings"]],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def _rules(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every rule the scan ran, plus any rule a finding names that the list lacks."""
    described = {rule["id"]: rule for rule in report.get("rules", [])}
    for finding in report["findings"]:
        described.setdefault(
            finding["rule_id"],
            {
                "id": finding["rule_id"],
                "title": finding["title"],
                "category": finding["category"],
                "severity": finding["severity"],
                "data_class": finding["data_class"],
                "tags": finding.get("tags", []),
            },
        )
    return [_rule(described[rule_id]) for rule_id in sorted(described)]


def _rule(rule: dict[str, Any]) -> dict[str, Any]:
    description = rule.get("description") or rule["title"]
    remedy = REMEDIATION.get(rule["category"], "")
    tags = ["security", rule["category"], rule["data_class"], *rule.get("tags", [])]
    return {
        "id": rule["id"],
        "name": _pascal(rule["id"]),
        "shortDescription": {"text": rule["title"]},
        "fullDescription": {"text": description},
        "help": {
            "text": f"{description}\n\n{remedy}",
            "markdown": f"**{_md(rule['title'])}**\n\n{_md(description)}\n\n{_md(remedy)}",
        },
        "defaultConfiguration": {"level": DEFAULT_LEVEL.get(rule["severity"], "note")},
        "properties": {
            "tags": list(dict.fromkeys(tags)),
            "security-severity": SECURITY_SEVERITY[rule["severity"]],
            "precision": "high" if rule["category"] == "secret" else "medium",
            "problem.severity": "error" if rule["severity"] in ("critical", "high") else "warning",
        },
    }


def _result(finding: dict[str, Any], index: dict[str, int]) -> dict[str, Any]:
    where = finding["location"]
    message = f"{finding['title']}: {finding['preview']}"
    if "commit" in where:
        message += f" (added in commit {where['commit'][:12]}"
        if "date" in where:
            message += f" on {where['date'][:10]}"
        message += ")"
    result: dict[str, Any] = {
        "ruleId": finding["rule_id"],
        "ruleIndex": index[finding["rule_id"]],
        "level": LEVEL[finding["mode"]],
        "message": {"text": message},
        "locations": [{"physicalLocation": _physical(where)}],
        "partialFingerprints": {FINGERPRINT_KEY: finding["fingerprint"]},
        "properties": _result_properties(finding),
    }
    if finding.get("also_at"):
        # The same secret elsewhere: one result to fix, every place shown with it.
        result["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": _physical(place["location"]),
                "message": {"text": f"same value (fingerprint {place['fingerprint']})"},
            }
            for number, place in enumerate(finding["also_at"], start=1)
        ]
    if finding["suppressed"]:
        result["suppressions"] = [
            {
                "kind": SUPPRESSION_KIND.get(finding["suppressed"], "external"),
                "justification": f"suppressed by {finding['suppressed']}",
            }
        ]
    return result


def _physical(where: dict[str, Any]) -> dict[str, Any]:
    physical: dict[str, Any] = {
        # The file name's own bytes, percent-encoded: lossless when they are not UTF-8.
        "artifactLocation": {"uri": quote(os.fsencode(where["path"])), "uriBaseId": "%SRCROOT%"}
    }
    if "line" in where:
        region: dict[str, Any] = {"startLine": where["line"]}
        if "column" in where:
            region["startColumn"] = where["column"]
        physical["region"] = region
    return physical


def _result_properties(finding: dict[str, Any]) -> dict[str, Any]:
    where = finding["location"]
    properties: dict[str, Any] = {
        "severity": finding["severity"],
        "confidence": finding["confidence"],
        "mode": finding["mode"],
    }
    for key in ("commit", "author", "email", "date", "row", "field"):
        if key in where:
            properties[key] = where[key]
    for key in ("occurrences", "controls", "validated"):
        if key in finding:
            properties[key] = finding[key]
    return properties


def _invocation(report: dict[str, Any]) -> dict[str, Any]:
    notices = [
        {
            "level": NOTIFICATION_LEVEL[n["level"]],
            "message": {"text": f"{n['path']}: {n['message']}"},
        }
        for n in report["notices"]
    ]
    invocation: dict[str, Any] = {
        "executionSuccessful": True,
        "startTimeUtc": report["scan"]["started"],
        "endTimeUtc": report["scan"]["finished"],
        "exitCode": report["summary"]["exit_code"],
    }
    if notices:
        invocation["toolExecutionNotifications"] = notices
    return invocation


def _pascal(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.replace(".", "-").split("-") if part)


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")
