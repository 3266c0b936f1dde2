"""`policyctl scan` end to end: exit codes, redaction, formats, options."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from policyctl.schemas import load_schema
from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, write_files

AWS_ID = fakes.aws_access_key_id("scan")
AWS_SECRET = fakes.aws_secret_access_key("scan")
GITHUB = fakes.github_pat("scan")
PLANTED = [AWS_ID, AWS_SECRET, GITHUB]


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    write_files(
        root,
        {
            "settings.py": (
                f'AWS_ACCESS_KEY_ID = "{AWS_ID}"\naws_secret_access_key = "{AWS_SECRET}"\n'
            ),
            "scripts/deploy.sh": f"#!/bin/sh\nexport GITHUB_TOKEN={GITHUB}\n",
            "README.md": "Nothing to see here.\n",
        },
    )
    return root


def test_planted_aws_key_pair_and_github_token_fail_the_scan_redacted(
    planted: Path, run_policyctl: RunPolicyctl
) -> None:
    result = run_policyctl("scan", planted, "--format", "json")
    assert result.code == 1
    found = {
        (f["rule_id"], f["location"]["path"], f["location"]["line"])
        for f in result.json()["findings"]
    }
    assert found == {
        ("secret.aws-access-key-id", "settings.py", 1),
        ("secret.aws-secret-access-key", "settings.py", 2),
        ("secret.github-pat-classic", "scripts/deploy.sh", 2),
    }
    assert_no_secret_in([result.out, result.err], PLANTED)


def test_a_clean_folder_passes(tmp_path: Path, policyctl_in_process: RunPolicyctl) -> None:
    write_files(tmp_path, {"main.py": "print('hello')\n", "docs/guide.md": "# Guide\n"})
    result = policyctl_in_process("scan", tmp_path)
    assert result.code == 0
    assert "findings: none" in result.out


@pytest.mark.parametrize("output_format", ["terminal", "json"])
@pytest.mark.parametrize("verbosity", [[], ["-v"], ["-q"]])
def test_no_output_channel_shows_a_raw_secret(
    planted: Path, run_policyctl: RunPolicyctl, output_format: str, verbosity: list[str]
) -> None:
    result = run_policyctl("scan", planted, "--format", output_format, *verbosity)
    assert result.code == 1
    assert_no_secret_in([result.out, result.err], PLANTED)


def test_report_file_holds_no_raw_secret(
    planted: Path, tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    report = tmp_path / "report.json"
    policyctl_in_process("scan", planted, "--format", "json", "--output", report)
    assert_no_secret_in([report.read_text()], PLANTED)


def test_show_secrets_puts_the_raw_values_in_the_output(
    planted: Path, policyctl_in_process: RunPolicyctl
) -> None:
    result = policyctl_in_process("scan", planted, "--format", "json", "--show-secrets")
    secrets = {f["secret"] for f in result.json()["findings"]}
    assert secrets == set(PLANTED)


def test_the_json_report_follows_its_schema(
    planted: Path, policyctl_in_process: RunPolicyctl
) -> None:
    result = policyctl_in_process("scan", planted, "--format", "json")
    jsonschema.validate(result.json(), load_schema("report"))


def test_terminal_output_lists_findings_and_a_summary(
    planted: Path, policyctl_in_process: RunPolicyctl
) -> None:
    result = policyctl_in_process("scan", planted)
    assert "secret.github-pat-classic" in result.out
    assert "scripts/deploy.sh:2" in result.out
    assert "findings: 2 critical, 1 high" in result.out
    assert "MB/s" in result.out


def test_fail_on_critical_lets_high_findings_pass(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    write_files(tmp_path, {"a.env": f"AWS_ACCESS_KEY_ID={AWS_ID}\n"})
    assert policyctl_in_process("scan", tmp_path).code == 1
    relaxed = policyctl_in_process("scan", tmp_path, "--fail-on", "critical", "--format", "json")
    assert relaxed.code == 0
    assert relaxed.json()["findings"][0]["mode"] == "warn"


def test_a_malformed_config_is_exit_2_with_one_line(
    planted: Path, run_policyctl: RunPolicyctl
) -> None:
    (planted / ".policyctl.yaml").write_text("exclude: [unclosed\n")
    result = run_policyctl("scan", planted)
    assert result.code == 2
    assert result.out == ""
    [line] = result.err.strip().splitlines()
    assert line.startswith("policyctl: error: ") and ".policyctl.yaml" in line


def test_a_config_with_an_unknown_field_is_exit_2_naming_it(
    planted: Path, policyctl_in_process: RunPolicyctl
) -> None:
    (planted / ".policyctl.yaml").write_text("version: 1\nexcludes: [docs]\n")
    result = policyctl_in_process("scan", planted)
    assert result.code == 2
    assert "excludes" in result.err


def test_a_config_given_with_config_that_does_not_exist_is_exit_2(
    planted: Path, policyctl_in_process: RunPolicyctl
) -> None:
    result = policyctl_in_process("scan", planted, "--config", planted / "missing.yaml")
    assert result.code == 2
    assert "missing.yaml: config file not found" in result.err


def test_a_malformed_rule_file_is_exit_2_with_one_line(
    planted: Path, tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    bad = tmp_path / "bad-rules.yaml"
    bad.write_text("rules:\n  - id: custom.x\n    category: secret\n")
    result = policyctl_in_process("scan", planted, "--rules", bad)
    assert result.code == 2
    [line] = result.err.strip().splitlines()
    assert "bad-rules.yaml: rule custom.x" in line


def test_config_excludes_and_cli_excludes_are_joined(
    planted: Path, policyctl_in_process: RunPolicyctl
) -> None:
    (planted / ".policyctl.yaml").write_text("version: 1\nexclude: [scripts/]\n")
    result = policyctl_in_process("scan", planted, "--exclude", "settings.py", "--format", "json")
    assert result.code == 0
    assert result.json()["findings"] == []


def test_an_unknown_format_is_a_usage_error(
    planted: Path, policyctl_in_process: RunPolicyctl
) -> None:
    result = policyctl_in_process("scan", planted, "--format", "xml")
    assert result.code == 2
    assert "--format" in result.err


def test_more_jobs_give_the_same_report(tmp_path: Path, run_policyctl: RunPolicyctl) -> None:
    files: dict[str, str | bytes] = {}
    for index in range(400):
        filler = "x = 1\n" * 2000
        files[f"pkg{index % 7}/mod{index}.py"] = filler + f'TOKEN = "{fakes.github_pat(index)}"\n'
    write_files(tmp_path, files)
    single = run_policyctl("scan", tmp_path, "--jobs", "1", "--format", "json").json()
    parallel = run_policyctl("scan", tmp_path, "--jobs", "2", "--format", "json").json()
    assert single["scan"]["bytes"] > 4 * 1024 * 1024, "large enough to use worker processes"
    assert parallel["findings"] == single["findings"]
    assert len(single["findings"]) == 400


def test_version_and_help(run_policyctl: RunPolicyctl) -> None:
    version = run_policyctl("--version")
    assert version.code == 0 and version.out.startswith("policyctl ")
    for command in (
        ["--help"],
        ["scan", "--help"],
        ["rules", "--help"],
        ["rules", "test", "--help"],
    ):
        shown = run_policyctl(*command)
        assert shown.code == 0, command
        assert "Usage" in shown.out


def test_output_option_writes_the_report_to_a_file(
    planted: Path, tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    report = tmp_path / "out.json"
    result = policyctl_in_process("scan", planted, "--format", "json", "--output", report)
    assert result.code == 1
    assert result.out == ""
    assert json.loads(report.read_text())["summary"]["findings"] == 3
