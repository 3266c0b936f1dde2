"""`policyctl scan --diff` and `--pre-push`: only what a range of commits added."""

from __future__ import annotations

from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, commit_all, git


def found(
    run_policyctl: RunPolicyctl, repo: Path, *args: str, env: dict[str, str] | None = None
) -> list[tuple[str, int]]:
    run = run_policyctl("scan", *args, "--format", "json", cwd=repo, env=env)
    assert run.code in (0, 1), run.err
    return [(f["location"]["path"], f["location"]["line"]) for f in run.json()["findings"]]


def pull_request(repo: Path) -> str:
    """main holds an old secret; branch `pr` adds one line with a new secret next to it."""
    old = f"old = '{fakes.github_pat('base')}'\n"
    commit_all(repo, "base", {"config.py": old})
    git(repo, "checkout", "-q", "-b", "pr")
    commit_all(
        repo,
        "pr",
        {"config.py": old + f"new = '{fakes.aws_access_key_id('pr')}'\n"},
    )
    return git(repo, "rev-parse", "main").strip()


def test_a_pull_request_range_reports_only_the_lines_it_added(
    run_policyctl: RunPolicyctl, git_repo: Path
) -> None:
    pull_request(git_repo)

    assert found(run_policyctl, git_repo, "--diff", "main..HEAD") == [("config.py", 2)]


def test_a_base_alone_means_the_commits_since_the_merge_base(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    pull_request(git_repo)
    git(git_repo, "checkout", "-q", "main")
    commit_all(git_repo, "main moves on", {"later.py": f"k = '{fakes.github_pat('later')}'\n"})
    git(git_repo, "checkout", "-q", "pr")

    assert found(policyctl_in_process, git_repo, "--diff", "main") == [("config.py", 2)]
    assert found(policyctl_in_process, git_repo, "--diff", "main...HEAD") == [("config.py", 2)]


def test_a_secret_added_and_removed_within_the_range_is_still_reported(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    pull_request(git_repo)
    commit_all(git_repo, "oops, remove it", {"config.py": f"old = '{fakes.github_pat('base')}'\n"})

    assert found(policyctl_in_process, git_repo, "--diff", "main") == [("config.py", 2)]


def test_an_unknown_base_is_a_clear_usage_error(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "base", {"a.txt": "a\n"})

    run = policyctl_in_process("scan", "--diff", "origin/main", cwd=git_repo)

    assert run.code == 2
    assert "'origin/main': not a commit in this repository" in run.err


def test_pre_push_scans_the_range_pre_commit_gives(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    base = pull_request(git_repo)
    head = git(git_repo, "rev-parse", "HEAD").strip()
    env = {"PRE_COMMIT_FROM_REF": base, "PRE_COMMIT_TO_REF": head}

    assert found(policyctl_in_process, git_repo, "--pre-push", env=env) == [("config.py", 2)]


def test_pre_push_without_a_range_scans_the_commits_on_no_remote(
    policyctl_in_process: RunPolicyctl, git_repo: Path, tmp_path: Path
) -> None:
    pull_request(git_repo)
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(git_repo, "remote", "add", "origin", str(remote))
    git(git_repo, "push", "-q", "origin", "main")

    assert found(policyctl_in_process, git_repo, "--pre-push") == [("config.py", 2)]


def test_the_git_modes_cannot_be_combined(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    run = policyctl_in_process("scan", "--git", "--staged", cwd=git_repo)

    assert run.code == 2
    assert "choose one of --git, --staged" in run.err
