"""Issue 18, the wall clock of a scan: the command ends without the interpreter's
teardown (policyctl.cli.run), and its output and exit code are whole all the same."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import fakes
from tests.conftest import RunPolicyctl, write_files

TOKENS = 300


@pytest.fixture
def many_findings(tmp_path: Path) -> Path:
    """A folder whose JSON report is several times a pipe's buffer (64 KB)."""
    root = tmp_path / "project"
    write_files(
        root,
        {f"pkg/mod{n}.py": f'TOKEN = "{fakes.github_pat(f"wall{n}")}"\n' for n in range(TOKENS)},
    )
    return root


def test_the_installed_command_prints_its_whole_report_and_exits_1_on_findings(
    many_findings: Path, run_policyctl: RunPolicyctl
) -> None:
    scanned = run_policyctl("scan", many_findings, "--format", "json", "--no-audit")
    assert scanned.code == 1, scanned.err
    assert len(scanned.out) > 4 * 65536, "larger than a pipe holds: written through to the end"
    assert len(json.loads(scanned.out)["findings"]) == TOKENS


def test_python_m_policyctl_ends_the_same_way(many_findings: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.sarif"
    command = [sys.executable, "-m", "policyctl", "scan", str(many_findings), "--no-audit"]
    ran = subprocess.run(
        [*command, "--format", "sarif", "--output", str(report), "--quiet"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 1, ran.stderr
    assert len(json.loads(report.read_text())["runs"][0]["results"]) == TOKENS


COMMANDS = ["scan", "init", "keygen", "verify", "decrypt", "redact", "detokenize", "profile"]
GROUPS = ["rules", "baseline", "policy", "audit"]


def test_each_command_runs_alone_and_the_help_still_lists_them_all(
    policyctl_in_process: RunPolicyctl,
) -> None:
    """A command is run by an app holding its group alone (cli._app_for): its help, its
    usage errors and the root help are as before."""
    listed = policyctl_in_process("--help")
    assert listed.code == 0
    for name in COMMANDS + GROUPS:
        assert f"  {name} " in listed.out, name
        shown = policyctl_in_process(name, "--help")
        assert shown.code == 0, name
        assert f"Usage: policyctl {name} [OPTIONS]" in shown.out, name
    wrong = policyctl_in_process("scan", "--no-such-option")
    assert wrong.code == 2
    assert "see: policyctl scan --help" in wrong.err
    mistyped = policyctl_in_process("sacn", ".")
    assert mistyped.code == 2
    assert "Did you mean 'scan'?" in mistyped.err
