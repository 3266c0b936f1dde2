"""Issue 14 item 7: a symlink that leads out of the scanned folder is not followed unless
--follow-links asks; --staged never reads a link's target either."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import RunPolicyctl, commit_all, git
from tests.fakes import github_pat


def _outside_secret(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "creds.py"
    secret.write_text(f'token = "{github_pat(7)}"\n', encoding="utf-8")
    return secret


def test_a_link_out_of_the_scanned_folder_is_not_read(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    secret = _outside_secret(tmp_path)
    tree = tmp_path / "tree"
    tree.mkdir()
    os.symlink(secret, tree / "link.py")
    result = run_policyctl("scan", tree, "-f", "json", "-v")
    assert result.code == 0
    report = result.json()
    assert report["findings"] == []
    assert any("symlink out of the scanned folder" in n["message"] for n in report["notices"])


def test_follow_links_reads_a_link_out_of_the_scanned_folder(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    secret = _outside_secret(tmp_path)
    tree = tmp_path / "tree"
    tree.mkdir()
    os.symlink(secret, tree / "link.py")
    result = run_policyctl("scan", tree, "--follow-links", "-f", "json")
    assert result.code == 1
    assert [f["location"]["path"] for f in result.json()["findings"]] == ["link.py"]


def test_a_link_inside_the_scanned_folder_is_read(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    tree = tmp_path / "tree"
    (tree / "real").mkdir(parents=True)
    (tree / "real" / "creds.py").write_text(f'token = "{github_pat(8)}"\n', encoding="utf-8")
    os.symlink(tree / "real" / "creds.py", tree / "link.py")
    result = run_policyctl("scan", tree, "-f", "json")
    [finding] = result.json()["findings"]  # one secret, at two places
    places = [finding["location"], *(p["location"] for p in finding["also_at"])]
    assert sorted(where["path"] for where in places) == ["link.py", "real/creds.py"]


def test_staged_does_not_read_a_link_out_of_the_repository(
    run_policyctl: RunPolicyctl, tmp_path: Path, git_repo: Path
) -> None:
    secret = _outside_secret(tmp_path)
    commit_all(git_repo, "start", {"README.txt": "hello\n"})
    os.symlink(secret, git_repo / "link.py")
    git(git_repo, "add", "link.py")
    result = run_policyctl("scan", "--staged", "-f", "json", cwd=git_repo)
    assert result.code == 0
    assert result.json()["findings"] == []
