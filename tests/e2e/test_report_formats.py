"""SARIF, JUnit, Markdown and CSV reports, rendered from the JSON report."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from policyctl.report import render
from policyctl.report.interface import RenderOptions
from policyctl.schemas import schema_problems
from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, commit_all, write_files

SARIF_SCHEMA = "sarif-2.1.0"


def assert_valid_sarif(text: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    assert schema_problems(document, SARIF_SCHEMA) == []
    return document


@pytest.fixture
def mixed_report(policyctl_in_process: RunPolicyctl, git_repo: Path) -> dict[str, Any]:
    """A history scan with a blocking, a warning, a baselined finding and a notice."""
    commit_all(git_repo, "accepted", {"old.py": f"k = '{fakes.github_pat('accepted')}'\n"})
    policyctl_in_process("baseline", "create", cwd=git_repo)
    commit_all(
        git_repo,
        "more",
        {
            "dir with space/app.py": f"k = '{fakes.aws_access_key_id('sarif')}'\n",
            "token.txt": f"jwt = {fakes.jwt('sarif')}\n",
            "empty.py": "",
        },
    )
    run = policyctl_in_process(
        "scan", "--git", "--baseline", ".policyctl-baseline.json", "-f", "json", cwd=git_repo
    )
    report: dict[str, Any] = run.json()
    report["notices"].append({"path": "big.bin", "message": "skipped: too big", "level": "warning"})
    return report


def test_sarif_of_a_mixed_report_is_valid_against_the_official_schema(
    mixed_report: dict[str, Any],
) -> None:
    assert_valid_sarif(render(mixed_report, "sarif", RenderOptions()))


def test_sarif_of_a_clean_scan_is_valid_against_the_official_schema(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    write_files(tmp_path, {"clean.py": "x = 1\n"})

    run = policyctl_in_process("scan", "-f", "sarif", cwd=tmp_path)

    assert run.code == 0
    assert assert_valid_sarif(run.out)["runs"][0]["results"] == []


def test_sarif_has_what_github_code_scanning_requires(mixed_report: dict[str, Any]) -> None:
    run = assert_valid_sarif(render(mixed_report, "sarif", RenderOptions()))["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert run["tool"]["driver"]["name"] == "policyctl"
    for rule in rules.values():
        assert rule["help"]["text"]
        assert 0 < float(rule["properties"]["security-severity"]) <= 10
        assert "security" in rule["properties"]["tags"]
    assert len(run["results"]) == 3
    for result in run["results"]:
        assert result["ruleId"] in rules
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["region"]["startLine"] >= 1
        assert len(result["partialFingerprints"]["policyctl/v1"]) == 32


def test_sarif_maps_modes_to_levels_and_keeps_baselined_results_as_suppressed(
    mixed_report: dict[str, Any],
) -> None:
    results = assert_valid_sarif(render(mixed_report, "sarif", RenderOptions()))["runs"][0][
        "results"
    ]
    by_path = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in results}

    assert by_path["dir%20with%20space/app.py"]["level"] == "error"
    assert by_path["old.py"]["suppressions"] == [
        {"kind": "external", "justification": "suppressed by baseline"}
    ]
    assert "suppressions" not in by_path["dir%20with%20space/app.py"]


def test_sarif_results_carry_the_commit_of_history_findings(mixed_report: dict[str, Any]) -> None:
    results = assert_valid_sarif(render(mixed_report, "sarif", RenderOptions()))["runs"][0][
        "results"
    ]

    assert all(len(r["properties"]["commit"]) == 40 for r in results)
    assert all("added in commit" in r["message"]["text"] for r in results)


def test_junit_has_a_case_per_rule_and_fails_only_block_mode_findings(
    mixed_report: dict[str, Any],
) -> None:
    root = ET.fromstring(render(mixed_report, "junit", RenderOptions()))
    cases = {c.get("name"): c for c in root.iter("testcase")}
    failed = {name for name, case in cases.items() if case.find("failure") is not None}
    blocking = {
        f["rule_id"]
        for f in mixed_report["findings"]
        if f["mode"] == "block" and not f["suppressed"]
    }

    assert set(cases) == {rule["id"] for rule in mixed_report["rules"]}
    assert failed == blocking
    assert root.get("failures") == str(len(blocking))
    assert root.get("tests") == str(len(cases))


def test_junit_groups_findings_by_pack_control_when_they_map_to_controls(
    mixed_report: dict[str, Any],
) -> None:
    for finding in mixed_report["findings"]:
        finding["controls"] = ["soc2:CC6.1", "pci-dss:8.6.2"]

    root = ET.fromstring(render(mixed_report, "junit", RenderOptions()))

    suites = {s.get("name") for s in root.iter("testsuite")}
    assert {"policyctl pack soc2", "policyctl pack pci-dss"} <= suites


def test_markdown_summarises_per_pack_and_lists_top_findings_redacted(
    mixed_report: dict[str, Any],
) -> None:
    for finding in mixed_report["findings"]:
        finding["controls"] = ["soc2:CC6.1"]

    text = render(mixed_report, "markdown", RenderOptions())

    assert text.startswith("## ❌ policyctl: 1 blocking of 2 finding(s)")
    assert "| soc2 | 2 | 1 |" in text
    assert "| all findings | 2 | 1 |" in text
    assert "### Top findings (2 of 2)" in text
    assert "Suppressed: 1 by baseline." in text
    assert "policyctl baseline create" in text


def test_markdown_escapes_table_breaking_text_from_the_scanned_data() -> None:
    finding = {
        "rule_id": "secret.x",
        "severity": "high",
        "mode": "block",
        "suppressed": None,
        "location": {"path": "a|b<script>.py", "line": 1},
        "preview": "ab|…",
    }
    report = {
        "summary": {"findings": 1, "blocking": 1},
        "scan": {"files": 1, "bytes": 10, "duration_seconds": 0.1, "rules": 1},
        "findings": [finding],
        "notices": [],
    }

    text = render(report, "markdown", RenderOptions())

    row = next(line for line in text.splitlines() if "secret.x" in line)
    assert row.count(" | ") == 4  # five cells: the pipes in the data are escaped
    assert "<script>" not in text


def test_csv_has_one_row_per_finding_and_defuses_spreadsheet_formulas() -> None:
    finding = {
        "rule_id": "secret.x",
        "title": "X",
        "category": "secret",
        "severity": "high",
        "confidence": 0.9,
        "mode": "block",
        "suppressed": None,
        "location": {"path": "=HYPERLINK(1).py", "line": 3, "commit": "abc"},
        "preview": "+ab…",
        "fingerprint": "f" * 32,
        "controls": ["soc2:CC6.1"],
    }

    rows = list(
        csv.DictReader(io.StringIO(render({"findings": [finding]}, "csv", RenderOptions())))
    )

    assert len(rows) == 1
    assert rows[0]["path"] == "'=HYPERLINK(1).py"
    assert rows[0]["preview"] == "'+ab…"
    assert rows[0]["line"] == "3"
    assert rows[0]["controls"] == "soc2:CC6.1"


def test_several_formats_in_one_run_go_to_the_output_dir(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    token = fakes.github_pat("formats")
    write_files(tmp_path, {"src/a.py": f"k = '{token}'\n"})
    out = tmp_path / "out"

    run = run_policyctl(
        "scan",
        "src",
        *[a for f in ("json", "sarif", "junit", "markdown", "csv") for a in ("-f", f)],
        "--output-dir",
        out,
        "--no-progress",
        cwd=tmp_path,
    )

    assert run.code == 1
    names = sorted(p.name for p in out.iterdir())
    assert names == ["report.csv", "report.json", "report.junit.xml", "report.md", "report.sarif"]
    assert "a.py:1" in run.out  # the terminal report still prints
    assert_valid_sarif((out / "report.sarif").read_text())
    assert_no_secret_in([p.read_text() for p in out.iterdir()] + [run.out, run.err], [token])


def test_several_formats_without_an_output_dir_are_a_usage_error(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    run = policyctl_in_process("scan", "-f", "json", "-f", "sarif", cwd=tmp_path)

    assert run.code == 2
    assert "several formats need --output-dir" in run.err
