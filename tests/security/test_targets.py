"""--targets FILE is input, and may be hostile: one test per attack a line can carry.

Each attack that would run a command leaves a marker file if it worked; after the scan
there must be none, the line must be named as not scanned, and the scan must say it is
incomplete (exit 2).
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in, commit_all, git


def served_repo(tmp_path: Path, files: dict[str, str | bytes]) -> str:
    """A repository with `files`, served bare as a file:// URL."""
    repo = tmp_path / "origin"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test User")
    git(repo, "config", "user.email", "test@example.com")
    commit_all(repo, "add", files)
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(tmp_path / "served.git"))
    return (tmp_path / "served.git").as_uri()


def scan_targets(
    run: RunPolicyctl,
    tmp_path: Path,
    lines: list[str],
    *args: str,
    env: dict[str, str] | None = None,
) -> tuple[int, str, dict[str, object]]:
    (tmp_path / "targets.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(
        "scan",
        "--targets",
        "targets.txt",
        "-f",
        "json",
        "-f",
        "terminal",
        "--output-dir",
        out,
        "--no-audit",
        *args,
        cwd=tmp_path,
        env=env,
    )
    written = "".join(p.read_text(encoding="utf-8") for p in sorted(out.rglob("report.*")))
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return result.code, result.all_output + written, report


def test_an_option_line_is_refused_and_never_reaches_git(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    marker = tmp_path / "pwned"
    code, output, report = scan_targets(
        run_policyctl, tmp_path, [f"--upload-pack=touch {marker}", f"-u touch {marker}"]
    )
    assert code == 2 and not marker.exists()
    assert [t["status"] for t in report["targets"]] == ["refused", "refused"]  # type: ignore[union-attr,index]
    assert "targets.txt:1: refused: a target may not start with '-'" in output


def test_an_option_inside_a_url_is_part_of_the_url(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    marker = tmp_path / "pwned"
    url = served_repo(tmp_path, {"a.txt": "hello\n"})
    code, _, report = scan_targets(run_policyctl, tmp_path, [f"{url} --upload-pack=touch {marker}"])
    assert code == 2 and not marker.exists()
    assert report["targets"][0]["status"] == "failed"  # type: ignore[index]


@pytest.mark.parametrize(
    "line",
    [
        "ext::sh -c touch% {marker}",
        "ext::sh -c 'touch {marker}'",
        "fd::17",
        "http://127.0.0.1:1/repo.git",
        "ftp://127.0.0.1:1/repo.git",
    ],
)
def test_only_https_ssh_git_and_file_transports_are_cloned(
    tmp_path: Path, run_policyctl: RunPolicyctl, line: str
) -> None:
    marker = tmp_path / "pwned"
    code, output, report = scan_targets(run_policyctl, tmp_path, [line.format(marker=marker)])
    assert code == 2 and not marker.exists()
    assert report["targets"][0]["status"] == "refused"  # type: ignore[index]
    assert "targets.txt:1: refused" in output


def test_a_password_in_a_url_appears_in_no_output(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    password = fakes.pick(fakes.ALNUM, 24, "clone-password")
    token = fakes.github_pat("clone-user")
    lines = [
        f"https://deploy:{password}@127.0.0.1:1/org/repo.git",
        f"https://{token}@127.0.0.1:1/org/other.git",
        f"ssh://deploy:{password}@127.0.0.1:1/org/repo.git",
    ]
    code, output, report = scan_targets(run_policyctl, tmp_path, lines)
    assert code == 2
    assert [t["target"] for t in report["targets"]] == [  # type: ignore[union-attr,index]
        "https://127.0.0.1:1/org/repo.git",
        "https://127.0.0.1:1/org/other.git",
        "ssh://127.0.0.1:1/org/repo.git",
    ]
    assert all(t["status"] == "failed" for t in report["targets"])  # type: ignore[union-attr,index]
    assert_no_secret_in([output], [password, token])


def test_hooks_from_the_users_template_folder_never_run_on_a_clone(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    marker = tmp_path / "pwned"
    hooks = tmp_path / "template" / "hooks"
    hooks.mkdir(parents=True)
    for name in ("post-checkout", "post-merge", "reference-transaction"):
        hook = hooks / name
        hook.write_text(f"#!/bin/sh\ntouch {marker}\n", encoding="utf-8")
        hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    url = served_repo(tmp_path, {"app.py": f"token = '{fakes.github_pat('hooks')}'\n"})
    config = tmp_path / "gitconfig"
    config.write_text(
        f"[init]\n\ttemplateDir = {tmp_path / 'template'}\n[core]\n\thooksPath = {hooks}\n",
        encoding="utf-8",
    )
    code, _, report = scan_targets(
        run_policyctl, tmp_path, [url], env={"GIT_CONFIG_GLOBAL": str(config)}
    )
    assert code == 1 and report["targets"][0]["status"] == "scanned"  # type: ignore[index]
    assert not marker.exists()


def test_a_symlink_out_of_a_clone_is_not_followed_even_with_follow_links(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    outside = tmp_path / "private.env"
    outside.write_text(f"TOKEN={fakes.github_pat('outside')}\n", encoding="utf-8")
    repo = tmp_path / "origin"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test User")
    git(repo, "config", "user.email", "test@example.com")
    (repo / "leak.env").symlink_to(outside)
    commit_all(repo, "link", {"readme.txt": "nothing here\n"})
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(tmp_path / "served.git"))
    code, _, report = scan_targets(
        run_policyctl, tmp_path, [(tmp_path / "served.git").as_uri()], "--follow-links"
    )
    assert code == 0, report
    assert report["findings"] == []
