"""`policyctl scan --staged`: the content the next commit will hold, read from the index."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, commit_all, git, write_files


def staged(run_policyctl: RunPolicyctl, repo: Path, *args: str) -> dict[str, object]:
    run = run_policyctl("scan", "--staged", "--format", "json", *args, cwd=repo)
    assert run.code in (0, 1), run.err
    report: dict[str, object] = run.json()
    return report


def paths(report: dict[str, object]) -> list[str]:
    return [f["location"]["path"] for f in report["findings"]]  # type: ignore[attr-defined,index]


def test_a_staged_secret_is_found_even_when_the_work_tree_no_longer_has_it(
    run_policyctl: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "base", {"readme.md": "hello\n"})
    token = fakes.github_pat("staged")
    write_files(git_repo, {"app.py": f"token = '{token}'\n"})
    git(git_repo, "add", "app.py")
    write_files(git_repo, {"app.py": "token = None\n"})

    run = run_policyctl("scan", "--staged", "--no-progress", cwd=git_repo)

    assert run.code == 1
    assert "app.py:1" in run.out
    assert_no_secret_in([run.out, run.err], [token])


def test_a_secret_only_in_the_work_tree_is_not_what_the_commit_holds(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "base", {"app.py": "token = None\n"})
    write_files(git_repo, {"app.py": "token = None\nx = 1\n"})
    git(git_repo, "add", "app.py")
    write_files(git_repo, {"app.py": f"token = '{fakes.github_pat('worktree')}'\n"})

    report = staged(policyctl_in_process, git_repo)

    assert report["findings"] == []
    assert report["scan"]["files"] == 1  # type: ignore[index]


def test_only_staged_files_are_scanned_not_the_rest_of_the_repository(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "old secret", {"old.py": f"k = '{fakes.github_pat('old')}'\n"})
    write_files(git_repo, {"new.py": f"k = '{fakes.aws_access_key_id('new')}'\n"})
    git(git_repo, "add", "new.py")

    assert paths(staged(policyctl_in_process, git_repo)) == ["new.py"]


def test_given_paths_limit_the_scan_to_their_index_content(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(
        git_repo,
        "two",
        {"a.py": f"k = '{fakes.github_pat('a')}'\n", "b.py": f"k = '{fakes.github_pat('b')}'\n"},
    )

    # As `pre-commit run --all-files` passes every file: their index content is scanned.
    assert paths(staged(policyctl_in_process, git_repo, "b.py")) == ["b.py"]


def test_paths_that_are_not_in_the_index_are_an_error_not_a_silent_pass(
    run_policyctl: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "base", {"a.py": "x = 1\n"})
    write_files(git_repo, {"untracked.py": f"k = '{fakes.github_pat('u')}'\n"})

    run = run_policyctl("scan", "--staged", "untracked.py", cwd=git_repo)

    assert run.code == 2
    assert "none of the given paths is in the git index" in run.err


def test_nothing_staged_is_a_clean_pass_with_a_note(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "base", {"a.py": "x = 1\n"})

    run = policyctl_in_process("scan", "--staged", "-v", "--no-progress", cwd=git_repo)

    assert run.code == 0
    assert "nothing is staged" in run.err


def test_staging_works_in_a_repository_without_commits(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    write_files(git_repo, {"first.py": f"k = '{fakes.github_pat('first')}'\n"})
    git(git_repo, "add", "first.py")

    assert paths(staged(policyctl_in_process, git_repo)) == ["first.py"]


def test_a_deleted_file_is_not_scanned_and_a_staged_binary_is_skipped(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "base", {"gone.py": f"k = '{fakes.github_pat('gone')}'\n"})
    git(git_repo, "rm", "-q", "gone.py")
    write_files(git_repo, {"blob.bin": b"\0\1\2" * 30 + fakes.github_pat("bin").encode()})
    git(git_repo, "add", "blob.bin")

    report = staged(policyctl_in_process, git_repo, "-v")

    assert report["findings"] == []
    assert {"path": "blob.bin", "message": "skipped: binary file", "level": "info"} in report[
        "notices"
    ]  # type: ignore[operator]


def test_from_a_subfolder_paths_are_named_from_the_repository_top(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "base", {"readme.md": "hi\n"})
    write_files(git_repo, {"pkg/mod.py": f"k = '{fakes.github_pat('sub')}'\n"})
    git(git_repo, "add", "-A")

    assert paths(staged(policyctl_in_process, git_repo / "pkg")) == ["pkg/mod.py"]
    assert paths(staged(policyctl_in_process, git_repo / "pkg", "mod.py")) == ["pkg/mod.py"]


def test_config_excludes_apply_to_staged_files(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    write_files(
        git_repo,
        {
            ".policyctl.yaml": "version: 1\nexclude:\n  - fixtures/\n",
            "fixtures/k.py": f"k = '{fakes.github_pat('fx')}'\n",
        },
    )
    git(git_repo, "add", "-A")

    assert staged(policyctl_in_process, git_repo)["findings"] == []


def test_a_scan_with_no_rules_loaded_fails_instead_of_passing(
    policyctl_in_process: RunPolicyctl, git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(git_repo, {"a.py": f"k = '{fakes.github_pat('norules')}'\n"})
    git(git_repo, "add", "a.py")
    monkeypatch.setattr(
        "policyctl.detection.rules.builtin_dir", lambda name: git_repo / "no-rules-here"
    )
    (git_repo / "no-rules-here").mkdir()

    run = policyctl_in_process("scan", "--staged", cwd=git_repo)

    assert run.code == 2
    assert "no rules were loaded" in run.err
