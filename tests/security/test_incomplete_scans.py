"""Issue 14 item 1 and issue 15 item 3: a rule the engine cannot run is refused when it is
loaded, and a scan that could not read an input exits 2 unless --allow-incomplete."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import RunPolicyctl
from tests.fakes import github_pat
from tests.security.helpers import rule_file

HYPERSCAN_REFUSES = [
    pytest.param(r"(?<=key=)tok_[a-z]{16}", id="lookbehind"),
    pytest.param(r"(tok)_[a-z]{16}\1", id="back-reference"),
    pytest.param(r"tok_.{1,60000}z", id="huge-bounded-repeat"),
]


@pytest.mark.parametrize("pattern", HYPERSCAN_REFUSES)
def test_a_rule_the_engine_cannot_compile_is_refused_at_load(
    run_policyctl: RunPolicyctl, tmp_path: Path, pattern: str
) -> None:
    pytest.importorskip("hyperscan")
    rules = rule_file(tmp_path / "bad.yaml", pattern)
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "a.py").write_text("x = 1\n")
    result = run_policyctl("scan", tmp_path / "code", "--rules", rules, "--engine", "hyperscan")
    assert result.code == 2
    line = result.err.strip().splitlines()[-1]
    assert "bad.yaml" in line and "custom.token" in line and "'pattern'" in line
    assert "Hyperscan cannot compile" in line


def test_rules_validate_refuses_what_the_engine_cannot_compile(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    pytest.importorskip("hyperscan")
    rules = rule_file(tmp_path / "bad.yaml", r"(?<=key=)tok_[a-z]{16}")
    result = run_policyctl("rules", "validate", rules)
    assert result.code == 2
    assert "custom.token" in result.err


def test_a_repository_config_cannot_disable_the_scan_with_a_bad_rule(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    pytest.importorskip("hyperscan")
    repo = tmp_path / "repo"
    repo.mkdir()
    rule_file(repo / "rules.yaml", r"(tok)_[a-z]{16}\1")
    (repo / ".policyctl.yaml").write_text("rules: [rules.yaml]\n")
    (repo / "app.py").write_text(f'token = "{github_pat(14)}"\n')
    result = run_policyctl("scan", repo, "-q", "--engine", "hyperscan")
    assert result.code == 2
    assert "custom.token" in result.err


def test_a_path_that_does_not_exist_makes_the_scan_exit_2(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    result = run_policyctl("scan", tmp_path / "nosuchdir", "-f", "json")
    assert result.code == 2
    scan = result.json()["scan"]
    assert scan["complete"] is False
    assert scan["incomplete"][0]["reason"] == "does not exist"
    assert "incomplete" in result.err


def test_a_missing_path_is_reported_even_under_quiet(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    result = run_policyctl("scan", tmp_path / "nosuchdir", "-q")
    assert result.code == 2
    assert "nosuchdir: does not exist" in result.err  # (through cli.run's exit, issue 18)


def test_allow_incomplete_exits_by_the_findings(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    result = run_policyctl(
        "scan", tmp_path / "a.py", tmp_path / "nosuchdir", "--allow-incomplete", "-f", "json"
    )
    assert result.code == 0
    report = result.json()
    assert report["scan"]["complete"] is False
    assert report["scan"]["allow_incomplete"] is True
    assert report["summary"]["exit_code"] == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_makes_the_scan_incomplete(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.py"
    secret.write_text("x = 1\n")
    secret.chmod(0)
    result = run_policyctl("scan", tmp_path, "-f", "json")
    assert result.code == 2
    assert result.json()["scan"]["incomplete"][0]["path"] == "secret.py"


def test_a_complete_scan_says_so(run_policyctl: RunPolicyctl, tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    result = run_policyctl("scan", tmp_path, "-f", "json")
    assert result.code == 0
    assert result.json()["scan"]["complete"] is True


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_a_file_whose_read_fails_makes_the_scan_incomplete(run_policyctl: RunPolicyctl) -> None:
    # /proc/self/mem is a regular file that no one, not even root, can read from offset 0
    result = run_policyctl("scan", "/proc/self/mem", "-f", "json")
    assert result.code == 2
    assert result.json()["scan"]["incomplete"][0]["reason"].startswith("cannot be read")


def test_the_terminal_report_says_the_scan_is_incomplete(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    report = tmp_path / "report.txt"
    result = run_policyctl("scan", tmp_path / "nosuchdir", "-o", report)
    assert result.code == 2
    assert "INCOMPLETE: 1 input(s) not scanned" in " ".join(report.read_text().split())
