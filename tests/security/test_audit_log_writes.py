"""Issue 14.6 and 15.9: where the audit log is written, and what a repository can do to it.

A scan never writes its audit log into the scanned tree unless asked; a repository's own
`.policyctl.yaml` may not put it outside the tree, nor through a symbolic link; a junk
log committed at the configured path does not make every scan fail.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import RunPolicyctl, commit_all, git


@pytest.fixture
def state(tmp_path: Path) -> dict[str, str]:
    """No POLICYCTL_AUDIT_LOG: the default log, in a state folder of the test's own."""
    return {"POLICYCTL_AUDIT_LOG": "", "XDG_STATE_HOME": str(tmp_path / "state")}


def default_log(tmp_path: Path) -> Path:
    return tmp_path / "state" / "policyctl" / "audit.jsonl"


def entries(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_a_scan_writes_its_audit_log_in_the_users_state_folder_not_the_tree(
    git_repo: Path, tmp_path: Path, run_policyctl: RunPolicyctl, state: dict[str, str]
) -> None:
    commit_all(git_repo, "app", {"app.py": "print('hi')\n"})
    result = run_policyctl("scan", ".", "--no-progress", cwd=git_repo, env=state)
    assert result.code == 0, result.all_output
    assert git(git_repo, "status", "--porcelain", "--ignored") == ""
    assert [e["event"] for e in entries(default_log(tmp_path))] == ["scan"]


def test_without_xdg_state_home_the_log_is_under_local_state_in_home(
    git_repo: Path, tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    commit_all(git_repo, "app", {"app.py": "print('hi')\n"})
    env = {"POLICYCTL_AUDIT_LOG": "", "XDG_STATE_HOME": "", "HOME": str(tmp_path / "home")}
    result = run_policyctl("scan", ".", "--no-progress", cwd=git_repo, env=env)
    assert result.code == 0, result.all_output
    assert len(entries(tmp_path / "home/.local/state/policyctl/audit.jsonl")) == 1
    shown = run_policyctl("audit", "verify", env=env)
    assert shown.code == 0 and "1 entries" in shown.out


def test_a_repository_config_cannot_put_the_audit_log_outside_its_tree(
    git_repo: Path, tmp_path: Path, run_policyctl: RunPolicyctl, state: dict[str, str]
) -> None:
    commit_all(git_repo, "config", {".policyctl.yaml": "version: 1\naudit_log: ../outside.jsonl\n"})
    result = run_policyctl("scan", ".", "--no-progress", cwd=git_repo, env=state)
    assert result.code == 0, result.all_output
    assert not (tmp_path / "outside.jsonl").exists()
    assert "is outside the repository" in result.err
    assert len(entries(default_log(tmp_path))) == 1


def test_a_repository_config_cannot_write_the_log_through_a_committed_symlink(
    git_repo: Path, tmp_path: Path, run_policyctl: RunPolicyctl, state: dict[str, str]
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (git_repo / "logs").mkdir()
    (git_repo / "logs/audit.jsonl").symlink_to(victim)
    commit_all(git_repo, "config", {".policyctl.yaml": "version: 1\naudit_log: logs/audit.jsonl\n"})
    result = run_policyctl("scan", ".", "--no-progress", cwd=git_repo, env=state)
    assert result.code == 0, result.all_output
    assert victim.read_text() == "precious\n"
    assert "symbolic link" in result.err
    assert len(entries(default_log(tmp_path))) == 1


def test_an_audit_log_path_through_a_symlink_is_refused_even_from_the_command_line(
    git_repo: Path, tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    link = tmp_path / "audit.jsonl"
    link.symlink_to(victim)
    result = run_policyctl("scan", git_repo, "--no-progress", "--audit-log", link)
    assert result.code == 2
    assert victim.read_text() == "precious\n"
    assert result.err.count("\n") == 1 and "symbolic link" in result.err


def test_a_committed_junk_audit_log_is_said_once_and_does_not_fail_the_scans(
    git_repo: Path, tmp_path: Path, run_policyctl: RunPolicyctl, state: dict[str, str]
) -> None:
    commit_all(
        git_repo,
        "junk",
        {
            ".policyctl.yaml": "version: 1\naudit_log: audit.jsonl\n",
            "audit.jsonl": "this is not an audit log\n[1, 2, 3]\n",
        },
    )
    first = run_policyctl("scan", ".", "--no-progress", cwd=git_repo, env=state)
    second = run_policyctl("scan", ".", "--no-progress", cwd=git_repo, env=state)
    assert (first.code, second.code) == (0, 0), first.all_output + second.all_output
    assert "not an entry" in first.err
    assert "not an entry" not in second.err
    assert [e["seq"] for e in entries_of_log(git_repo / "audit.jsonl")] == [1, 2]
    verified = run_policyctl("audit", "verify", "--log", git_repo / "audit.jsonl")
    assert verified.code == 0, verified.out
    assert "WARN  a line torn (line 1)" in verified.out


def entries_of_log(path: Path) -> list[dict[str, object]]:
    found = []
    for line in path.read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            found.append(entry)
    return found
