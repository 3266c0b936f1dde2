"""Issue 14.5: a scanned repository's `.git/config` never makes policyctl run a command.

The repository names a command for every hook git has for running one: fsmonitor, a
clean/smudge/process filter, a textconv and an external diff driver, a pager. Each
command would leave a marker file; after every kind of scan there must be none.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests import fakes
from tests.conftest import RunPolicyctl, commit_all, git

SCANS = {
    "files": ("scan", "{repo}"),
    "staged": ("scan", "--staged"),
    "history": ("scan", "--git", "{repo}"),
    "diff": ("scan", "--diff", "HEAD~1..HEAD", "{repo}"),
    "evidence": ("scan", "{repo}", "--evidence", "{tmp}/bundle"),
}


@pytest.fixture
def hostile_repo(git_repo: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A repository with a commit, a staged change and an edited work-tree file, whose
    own config runs `evil.sh WHAT` (which touches markers/WHAT) wherever it can."""
    markers = tmp_path / "markers"
    markers.mkdir()
    script = tmp_path / "evil.sh"
    script.write_text(
        f'#!/bin/sh\ntouch "{markers}/$1"\nshift\nif [ $# -gt 0 ]; then cat "$1"; else cat; fi\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    commit_all(git_repo, "first", {"app.py": "print('hello')\n"})
    commit_all(git_repo, "second", {"app.py": f"token = '{fakes.github_pat('git')}'\n"})
    (git_repo / ".gitattributes").write_text("* filter=evil diff=evil\n")
    (git_repo / "app.py").write_text("print('edited, not staged')\n")
    (git_repo / "staged.py").write_text("x = 1\n")
    git(git_repo, "add", "staged.py", ".gitattributes")
    for key, what in (
        ("core.fsmonitor", "fsmonitor"),
        ("filter.evil.clean", "clean"),
        ("filter.evil.smudge", "smudge"),
        ("filter.evil.process", "process"),
        ("diff.evil.textconv", "textconv"),
        ("diff.evil.command", "external-diff"),
        ("core.pager", "pager"),
        ("pager.log", "pager-log"),
    ):
        git(git_repo, "config", key, f"{script} {what}")
    git(git_repo, "config", "filter.evil.required", "true")
    return git_repo, markers


@pytest.mark.parametrize("scan", sorted(SCANS))
def test_a_scan_never_runs_a_command_the_repository_config_names(
    run_policyctl: RunPolicyctl, hostile_repo: tuple[Path, Path], tmp_path: Path, scan: str
) -> None:
    repo, markers = hostile_repo
    args = [a.format(repo=repo, tmp=tmp_path) for a in SCANS[scan]]
    result = run_policyctl(*args, "--no-progress", cwd=repo)
    assert result.code in (0, 1), result.all_output
    assert sorted(p.name for p in markers.iterdir()) == []


def test_git_is_run_only_through_the_one_runner() -> None:
    """Every git call takes the safe options only if every module uses sources/gitrun.py:
    no other module starts processes (the Action's wrapper runs policyctl itself)."""
    package = Path(__file__).resolve().parents[2] / "policyctl"
    allowed = {"sources/gitrun.py", "sources/git.py", "cli/github_action.py"}
    starting = {
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "subprocess" in path.read_text(encoding="utf-8")
    }
    assert starting <= allowed, starting - allowed
    git_module = (package / "sources/git.py").read_text(encoding="utf-8")
    assert "subprocess.run(" not in git_module and "subprocess.Popen(" not in git_module
