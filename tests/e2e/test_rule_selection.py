"""Choosing rules: --enable/--disable and enable:/disable: in .policyctl.yaml, always visible."""

from __future__ import annotations

from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, write_files

EMAIL_LOG = "2026-01-02 login ok for user jane.roe@northwind-mail.com from 10.1.2.3\n"


def _repo(root: Path) -> None:
    write_files(
        root,
        {
            "app.py": f"github = '{fakes.github_pat('sel')}'\n"
            f"aws = '{fakes.aws_access_key_id('sel')}'\n",
            "access.log": EMAIL_LOG,
        },
    )


def _rules_found(report: dict[str, object]) -> set[str]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return {f["rule_id"] for f in findings}


def _selection_notices(report: dict[str, object]) -> list[str]:
    notices = report["notices"]
    assert isinstance(notices, list)
    return [n["message"] for n in notices if n["path"] == "rules"]


def test_disable_by_rule_id_glob_drops_those_findings_and_says_so(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    _repo(tmp_path)

    run = run_policyctl("scan", ".", "--disable", "secret.github-*", "-f", "json", cwd=tmp_path)

    report = run.json()
    found = _rules_found(report)
    assert "secret.aws-access-key-id" in found
    assert not any(rule.startswith("secret.github-") for rule in found)
    [notice] = _selection_notices(report)
    assert "rules turned off (" in notice and "secret) by disable: secret.github-*" in notice


def test_enable_a_category_scans_with_only_that_category(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    _repo(tmp_path)

    report = policyctl_in_process("scan", ".", "--enable", "pii", "-f", "json", cwd=tmp_path).json()

    found = _rules_found(report)
    assert found and all(rule.startswith("pii.") for rule in found)
    [notice] = _selection_notices(report)
    assert "secret) by enable: pii" in notice


def test_enable_by_tag_keeps_the_rules_carrying_it(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    _repo(tmp_path)

    report = policyctl_in_process(
        "scan", ".", "--enable", "source-control", "-f", "json", cwd=tmp_path
    ).json()

    assert _rules_found(report) == {"secret.github-pat-classic"}


def test_comma_separated_patterns_and_repeats_are_joined(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    _repo(tmp_path)

    options = ["--disable", "pii,secret.aws-*", "--disable", "secret.github-*"]
    report = policyctl_in_process("scan", ".", *options, "-f", "json", cwd=tmp_path).json()

    assert _rules_found(report) == set()
    [notice] = _selection_notices(report)
    assert "by disable: pii, secret.aws-*, secret.github-*" in notice


def test_the_config_file_can_disable_rules_and_the_report_shows_it(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    _repo(tmp_path)
    write_files(tmp_path, {".policyctl.yaml": "version: 1\ndisable: [secret]\n"})

    run = run_policyctl("scan", ".", "--no-progress", cwd=tmp_path)

    assert run.code == 0  # the repository's config turned the secret rules off ...
    assert "policyctl: warning: rules:" in run.err  # ... and the user is told, always
    assert "secret) by disable: secret" in run.err


def test_config_enable_and_command_line_disable_combine(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    _repo(tmp_path)
    write_files(tmp_path, {".policyctl.yaml": "version: 1\nenable: [secret]\n"})

    report = policyctl_in_process(
        "scan", ".", "--disable", "secret.aws-access-key-id", "-f", "json", cwd=tmp_path
    ).json()

    assert _rules_found(report) == {"secret.github-pat-classic"}


def test_a_pattern_that_names_no_rule_is_a_warning(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    _repo(tmp_path)

    run = policyctl_in_process("scan", ".", "--disable", "secret.githb-pat", cwd=tmp_path)

    assert run.code == 1  # nothing was turned off: the tokens still block
    assert "pattern 'secret.githb-pat' names no rule, tag or category" in run.err


def test_turning_every_rule_off_is_a_usage_error(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    _repo(tmp_path)

    run = run_policyctl("scan", ".", "--enable", "nothing-by-this-name", cwd=tmp_path)

    assert run.code == 2
    assert run.err.strip().splitlines() == [
        "policyctl: error: --enable/--disable (or enable:/disable: in the config) left no rule on"
    ]


def test_a_misspelt_config_key_is_refused(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    _repo(tmp_path)
    write_files(tmp_path, {".policyctl.yaml": "version: 1\ndisable: secret\n"})

    run = policyctl_in_process("scan", ".", cwd=tmp_path)

    assert run.code == 2
    assert "field 'disable'" in run.err
