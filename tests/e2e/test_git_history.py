"""`policyctl scan --git`: the history of every branch, each added line once."""

from __future__ import annotations

from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, commit_all, git, write_files


def history(run_policyctl: RunPolicyctl, repo: Path, *args: str) -> list[dict[str, object]]:
    run = run_policyctl("scan", "--git", "--format", "json", *args, cwd=repo)
    assert run.code in (0, 1), run.err
    findings: list[dict[str, object]] = run.json()["findings"]
    return findings


def test_a_secret_committed_then_deleted_is_found_with_its_commit(
    run_policyctl: RunPolicyctl, git_repo: Path
) -> None:
    key = fakes.aws_access_key_id("deleted")
    commit_all(git_repo, "start", {"app.py": "x = 1\n"})
    added = commit_all(git_repo, "add key", {"app.py": f"x = 1\nkey = '{key}'\n"})
    commit_all(git_repo, "remove key", {"app.py": "x = 1\n"})

    run = run_policyctl("scan", "--git", "--format", "json", cwd=git_repo)

    assert run.code == 1
    [finding] = run.json()["findings"]
    assert finding["rule_id"] == "secret.aws-access-key-id"
    assert finding["location"] == {
        "path": "app.py",
        "line": 2,
        "column": 8,
        "commit": added,
        "author": "Test User",
        "email": "test@example.com",
        "date": git(git_repo, "show", "-s", "--format=%aI", added).strip(),
    }
    assert_no_secret_in([run.out, run.err], [key])


def test_a_file_scan_of_the_same_repository_misses_the_deleted_secret(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "add", {"app.py": f"key = '{fakes.github_pat('gone')}'\n"})
    commit_all(git_repo, "remove", {"app.py": "key = None\n"})

    assert (
        policyctl_in_process("scan", ".", "--format", "json", cwd=git_repo).json()["findings"] == []
    )
    assert len(history(policyctl_in_process, git_repo)) == 1


def test_a_secret_added_by_many_commits_is_one_finding_with_its_first_commit_and_a_count(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    token = fakes.github_pat("repeated")
    first = commit_all(git_repo, "one", {"cfg.py": f"token = '{token}'\n"})
    commit_all(git_repo, "two", {"cfg.py": "token = None\n"})
    commit_all(git_repo, "three", {"cfg.py": f"# again\ntoken = '{token}'\n"})
    commit_all(git_repo, "four", {"cfg.py": "# gone again\n"})
    commit_all(git_repo, "five", {"other.py": "x = 1\n", "cfg.py": f"# back\ntoken = '{token}'\n"})

    [finding] = history(policyctl_in_process, git_repo)

    assert finding["location"]["commit"] == first  # type: ignore[index]
    assert finding["location"]["line"] == 1  # type: ignore[index]
    assert finding["occurrences"] == 3


def test_only_added_lines_are_scanned_so_unchanged_lines_are_not_reported_again(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    key = fakes.aws_access_key_id("once")
    commit_all(git_repo, "key", {"a.py": f"key = '{key}'\n"})
    for n in range(3):
        commit_all(git_repo, f"edit {n}", {"a.py": f"key = '{key}'\n" + "x = 1\n" * (n + 1)})

    [finding] = history(policyctl_in_process, git_repo)

    assert finding["occurrences"] == 1


def test_history_covers_every_branch_and_branch_narrows_it(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "base", {"readme.md": "hello\n"})
    git(git_repo, "checkout", "-q", "-b", "feature")
    commit_all(git_repo, "feature", {"f.py": f"t = '{fakes.slack_bot_token('branch')}'\n"})
    git(git_repo, "checkout", "-q", "main")

    assert [f["location"]["path"] for f in history(policyctl_in_process, git_repo)] == ["f.py"]  # type: ignore[index]
    assert history(policyctl_in_process, git_repo, "--branch", "main") == []


def test_max_commits_and_since_narrow_the_history(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    old = {"GIT_AUTHOR_DATE": "2020-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2020-01-01T00:00:00Z"}
    write_files(git_repo, {"old.py": f"k = '{fakes.github_pat('old')}'\n"})
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-q", "-m", "old", env=old)
    commit_all(git_repo, "new", {"new.py": f"k = '{fakes.github_pat('new')}'\n"})

    def paths(*args: str) -> list[object]:
        return [f["location"]["path"] for f in history(policyctl_in_process, git_repo, *args)]  # type: ignore[index]

    assert paths() == ["new.py", "old.py"]
    assert paths("--max-commits", "1") == ["new.py"]
    assert paths("--since", "2021-01-01") == ["new.py"]


def test_a_merge_reports_only_what_it_introduced_itself(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "base", {"a.txt": "one\ntwo\n"})
    git(git_repo, "checkout", "-q", "-b", "side")
    side_token = fakes.github_pat("side")
    side = commit_all(git_repo, "side", {"a.txt": f"one\ntwo\nside = '{side_token}'\n"})
    git(git_repo, "checkout", "-q", "main")
    commit_all(git_repo, "main", {"a.txt": "zero\none\ntwo\n"})
    git(git_repo, "merge", "-q", "--no-commit", "side")
    evil_key = fakes.aws_access_key_id("evil")
    write_files(git_repo, {"a.txt": f"zero\none\ntwo\nside = '{side_token}'\nk = '{evil_key}'\n"})
    merge = commit_all(git_repo, "merge with a change of its own")

    found = {
        (f["rule_id"], f["location"]["commit"]) for f in history(policyctl_in_process, git_repo)
    }  # type: ignore[index]

    assert found == {
        ("secret.github-pat-classic", side),
        ("secret.aws-access-key-id", merge),
    }


def test_excluded_paths_are_not_scanned_in_history(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "fixtures", {"fixtures/keys.py": f"k = '{fakes.github_pat('fx')}'\n"})

    assert history(policyctl_in_process, git_repo, "--exclude", "fixtures/") == []


def test_paths_with_spaces_and_unicode_are_reported_as_they_are(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "odd names", {"dir with space/clé.py": f"k = '{fakes.github_pat('u')}'\n"})

    [finding] = history(policyctl_in_process, git_repo)

    assert finding["location"]["path"] == "dir with space/clé.py"  # type: ignore[index]


def test_a_repository_without_commits_gives_a_clear_message_and_no_findings(
    run_policyctl: RunPolicyctl, git_repo: Path
) -> None:
    run = run_policyctl("scan", "--git", "--no-progress", cwd=git_repo)

    assert run.code == 0
    assert "no commits yet" in run.err
    assert "Traceback" not in run.all_output


def test_outside_a_repository_the_git_modes_are_a_usage_error(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    for mode in ("--git", "--staged"):
        run = policyctl_in_process("scan", mode, cwd=tmp_path)
        assert run.code == 2
        assert "not inside a git repository" in run.err
        assert "Traceback" not in run.all_output


def test_a_shallow_clone_is_scanned_with_a_warning_about_the_missing_history(
    policyctl_in_process: RunPolicyctl, git_repo: Path, tmp_path: Path
) -> None:
    commit_all(git_repo, "old", {"old.py": f"k = '{fakes.github_pat('shallow-old')}'\n"})
    commit_all(git_repo, "new", {"new.py": f"k = '{fakes.github_pat('shallow-new')}'\n"})
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{git_repo}", str(clone))

    run = policyctl_in_process("scan", "--git", "--format", "json", cwd=clone)

    assert "shallow clone" in run.err
    # The oldest commit of a shallow clone is read whole: both files are in its tree.
    assert sorted(f["location"]["path"] for f in run.json()["findings"]) == ["new.py", "old.py"]


def test_a_detached_head_is_scanned_like_a_branch(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "one", {"a.py": f"k = '{fakes.github_pat('detached')}'\n"})
    commit_all(git_repo, "two", {"b.py": "clean = True\n"})
    git(git_repo, "checkout", "-q", "--detach", "HEAD~1")

    assert len(history(policyctl_in_process, git_repo)) == 1
    assert len(history(policyctl_in_process, git_repo, "--branch", "HEAD")) == 1


def test_a_submodule_is_noted_and_not_read_as_content(
    policyctl_in_process: RunPolicyctl, git_repo: Path, tmp_path: Path
) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    git(inner, "init", "-q", "-b", "main")
    git(
        inner,
        "-c",
        "user.name=x",
        "-c",
        "user.email=x@x",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "x",
    )
    commit_all(git_repo, "base", {"a.txt": "a\n"})
    git(git_repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner), "sub")
    commit_all(git_repo, "add submodule")

    run = policyctl_in_process("scan", "--git", "--format", "json", "-v", cwd=git_repo)

    assert run.code == 0
    report = run.json()
    assert report["findings"] == []
    assert {
        "path": "sub",
        "message": "skipped: submodule (scan its own repository)",
        "level": "info",
    } in report["notices"]


def test_a_bad_branch_is_a_clear_usage_error(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(git_repo, "one", {"a.txt": "a\n"})

    run = policyctl_in_process("scan", "--git", "--branch", "no-such-branch", cwd=git_repo)

    assert run.code == 2
    assert run.err.strip() == "policyctl: error: 'no-such-branch': not a commit in this repository"


def test_a_folder_inside_the_repository_limits_history_to_it(
    policyctl_in_process: RunPolicyctl, git_repo: Path
) -> None:
    commit_all(
        git_repo,
        "two places",
        {
            "svc/a.py": f"k = '{fakes.github_pat('in')}'\n",
            "other/b.py": f"k = '{fakes.github_pat('out')}'\n",
        },
    )

    run = policyctl_in_process("scan", "--git", "svc", "--format", "json", cwd=git_repo)

    assert [f["location"]["path"] for f in run.json()["findings"]] == ["svc/a.py"]
