"""The pre-commit hooks of .pre-commit-hooks.yaml, run by the real `pre-commit` tool.

pre-commit installs a hook from a git repository at a revision, so the project (as it
is now, committed or not) is copied into a temporary repository and committed there.
Its environment is built once per test session (PRE_COMMIT_HOME is shared).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import fakes
from tests.conftest import POLICYCTL, assert_no_secret_in, commit_all, git, write_files

PROJECT = Path(__file__).resolve().parents[2]
PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))


@pytest.fixture(scope="session")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repository holding this project's current files, and its commit."""
    copy = tmp_path_factory.mktemp("hook-repo")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = PROJECT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    git(copy, "init", "-q", "-b", "main")
    git(copy, "add", "-A")
    git(copy, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "hook")
    return copy, git(copy, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def hooked_repo(git_repo: Path, hook_repository: tuple[Path, str], pre_commit_home: Path) -> Path:
    """A repository whose .pre-commit-config.yaml uses this project's hooks."""
    location, revision = hook_repository
    commit_all(
        git_repo,
        "configure pre-commit",
        {
            ".pre-commit-config.yaml": (
                "repos:\n"
                f"  - repo: {location}\n"
                f"    rev: {revision}\n"
                "    hooks:\n"
                "      - id: policyctl\n"
                "      - id: policyctl-history\n"
            )
        },
    )
    run(git_repo, pre_commit_home, PRE_COMMIT, "install", "-t", "pre-commit", "-t", "pre-push")
    return git_repo


def run(
    repo: Path, home: Path, *command: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **(env or {}), "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("POLICYCTL_CACHE_DIR", None)  # the hook runs as a user's would
    env["XDG_CACHE_HOME"] = str(home / "xdg-cache")
    return subprocess.run(
        list(command), cwd=repo, env=env, capture_output=True, text=True, timeout=600
    )


def test_a_commit_with_a_staged_secret_is_refused_with_redacted_findings(
    hooked_repo: Path, pre_commit_home: Path
) -> None:
    token = fakes.github_pat("pre-commit")
    write_files(hooked_repo, {"settings.py": f"TOKEN = '{token}'\n"})
    git(hooked_repo, "add", "settings.py")

    committed = run(hooked_repo, pre_commit_home, "git", "commit", "-m", "leak")

    output = committed.stdout + committed.stderr
    assert committed.returncode != 0, output
    assert "secret.github-pat-classic" in output
    assert "settings.py:1" in output
    assert "settings.py:1: # policyctl: ignore[secret.github-pat-classic]" in output
    assert_no_secret_in([output], [token])
    assert git(hooked_repo, "log", "--format=%s").splitlines()[0] == "configure pre-commit"


def test_a_clean_commit_passes_and_is_recorded(hooked_repo: Path, pre_commit_home: Path) -> None:
    write_files(hooked_repo, {"app.py": "def main():\n    return 42\n"})
    git(hooked_repo, "add", "app.py")

    committed = run(hooked_repo, pre_commit_home, "git", "commit", "-m", "clean")

    assert committed.returncode == 0, committed.stdout + committed.stderr
    assert "Passed" in committed.stderr  # git shows hook output on stderr
    assert git(hooked_repo, "log", "--format=%s").splitlines()[0] == "clean"


def test_the_hook_scans_what_is_staged_not_the_work_tree(
    hooked_repo: Path, pre_commit_home: Path
) -> None:
    write_files(hooked_repo, {"keys.py": f"KEY = '{fakes.aws_access_key_id('index')}'\n"})
    git(hooked_repo, "add", "keys.py")
    write_files(hooked_repo, {"keys.py": "KEY = None\n"})  # pre-commit stashes this away

    committed = run(hooked_repo, pre_commit_home, "git", "commit", "-m", "leak via index")

    assert committed.returncode != 0
    assert "secret.aws-access-key-id" in committed.stdout + committed.stderr


def test_the_push_hook_refuses_commits_that_add_a_secret(
    hooked_repo: Path, pre_commit_home: Path
) -> None:
    base = git(hooked_repo, "rev-parse", "HEAD").strip()
    write_files(hooked_repo, {"deploy.py": f"KEY = '{fakes.aws_access_key_id('push')}'\n"})
    git(hooked_repo, "add", "deploy.py")
    git(hooked_repo, "commit", "-q", "--no-verify", "-m", "skip the commit hook")
    head = git(hooked_repo, "rev-parse", "HEAD").strip()

    pushed = run(
        hooked_repo,
        pre_commit_home,
        PRE_COMMIT,
        "run",
        "policyctl-history",
        "--hook-stage",
        "pre-push",
        "--from-ref",
        base,
        "--to-ref",
        head,
    )

    assert pushed.returncode != 0
    assert "deploy.py:1" in pushed.stdout


def test_a_password_in_an_env_file_blocks_the_commit_without_packs(
    hooked_repo: Path, pre_commit_home: Path
) -> None:
    secret = fakes.password("env")
    write_files(hooked_repo, {"deploy/.env": f"DB_PASSWORD={secret}\n"})
    git(hooked_repo, "add", "deploy/.env")

    committed = run(hooked_repo, pre_commit_home, "git", "commit", "-m", "env")

    output = committed.stdout + committed.stderr
    assert committed.returncode != 0, output
    assert "deploy/.env:1" in output
    assert_no_secret_in([output], [secret])


def test_warnings_show_in_the_hook_output_when_the_commit_passes(
    hooked_repo: Path, pre_commit_home: Path
) -> None:
    token = fakes.jwt("warn")  # medium severity: a warning, not a block
    write_files(hooked_repo, {"client.py": f"SAMPLE = '{token}'\n"})
    git(hooked_repo, "add", "client.py")

    committed = run(hooked_repo, pre_commit_home, "git", "commit", "-m", "contact")

    output = committed.stdout + committed.stderr
    assert committed.returncode == 0, output
    assert "secret.jwt" in output
    assert "client.py:1" in output
    assert_no_secret_in([output], [token])


def readme_local_hooks() -> str:
    """The `.pre-commit-config.yaml` the README's pre-commit section gives, as written."""
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## pre-commit\n", 1)[1]
    return section.split("```yaml\n", 1)[1].split("```", 1)[0]


def test_the_readme_s_local_hook_configuration_refuses_a_leak(
    git_repo: Path, pre_commit_home: Path
) -> None:
    config = readme_local_hooks()
    assert "OWNER" not in config and "REF" not in config
    commit_all(git_repo, "configure", {".pre-commit-config.yaml": config})
    bin_folder = str(Path(POLICYCTL).parent)
    path = {"PATH": bin_folder + os.pathsep + os.environ.get("PATH", "")}
    installed = run(git_repo, pre_commit_home, PRE_COMMIT, "install", "-t", "pre-commit")
    assert installed.returncode == 0, installed.stderr
    token = fakes.github_pat("readme-hook")
    write_files(git_repo, {"app.py": f"TOKEN = '{token}'\n"})
    git(git_repo, "add", "app.py")

    committed = run(git_repo, pre_commit_home, "git", "commit", "-m", "leak", env=path)

    output = committed.stdout + committed.stderr
    assert committed.returncode != 0, output
    assert "app.py:1: # policyctl: ignore[secret.github-pat-classic]" in output
    assert_no_secret_in([output], [token])
