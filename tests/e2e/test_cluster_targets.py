"""--targets FILE: many repositories in one scan, local paths and git URLs (cloned by the
worker that scans them), with and without a Dask cluster."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from policyctl.schemas import load_schema
from tests import fakes
from tests import pii_samples as pii
from tests.conftest import RunPolicyctl, assert_no_secret_in, commit_all, git

LIVE = fakes.github_pat("targets-live")
GONE = fakes.aws_access_key_id("targets-gone")
OTHER = fakes.slack_bot_token("targets-other")


def new_repo(folder: Path) -> Path:
    folder.mkdir(parents=True)
    git(folder, "init", "-q", "-b", "main")
    git(folder, "config", "user.name", "Test User")
    git(folder, "config", "user.email", "test@example.com")
    git(folder, "config", "commit.gpgsign", "false")
    return folder


def bare_copy(repo: Path, where: Path) -> str:
    """A bare clone of `repo` at `where`, as the file:// URL a targets file names."""
    git(repo.parent, "clone", "-q", "--bare", str(repo), str(where))
    return where.as_uri()


@pytest.fixture
def estate(tmp_path: Path) -> dict[str, str]:
    """Two repositories served as file:// URLs (one had a secret committed and removed)
    and a work tree named by its path; the targets file lists them."""
    api = new_repo(tmp_path / "src" / "api")
    commit_all(api, "add", {"app.py": f"token = '{LIVE}'\n", "old.py": f"key = '{GONE}'\n"})
    commit_all(api, "drop", {"old.py": "key = None\n"})
    web = new_repo(tmp_path / "src" / "web")
    commit_all(web, "add", {"users.csv": f"id,email\n1,{pii.email(4)}\n2,{pii.email(5)}\n"})
    local = new_repo(tmp_path / "work" / "tools")
    commit_all(local, "add", {"notify.py": f"slack = '{OTHER}'\n"})
    urls = {
        "api": bare_copy(api, tmp_path / "served" / "api.git"),
        "web": bare_copy(web, tmp_path / "served" / "web.git"),
        "tools": "work/tools",
    }
    (tmp_path / "targets.txt").write_text(
        "# the estate\n\n" + "\n".join(urls.values()) + "\n", encoding="utf-8"
    )
    return urls


def scan(run: RunPolicyctl, cwd: Path, *args: str) -> dict[str, object]:
    result = run("scan", "--targets", "targets.txt", "-f", "json", "--no-audit", *args, cwd=cwd)
    assert result.code in (0, 1), result.err
    report: dict[str, object] = result.json()
    jsonschema.validate(report, load_schema("report"))
    return report


def places(report: dict[str, object]) -> list[tuple[str, str, str, str]]:
    return [
        (f["fingerprint"], f["rule_id"], f["location"]["path"], f["location"]["target"])
        for f in report["findings"]  # type: ignore[union-attr]
    ]


def test_targets_are_scanned_alike_locally_and_on_a_local_cluster(
    tmp_path: Path, estate: dict[str, str], run_policyctl: RunPolicyctl
) -> None:
    local = scan(run_policyctl, tmp_path)
    remote = scan(run_policyctl, tmp_path, "--cluster", "local:2")
    assert places(remote) == places(local)
    found = {(rule, path) for _, rule, path, _ in places(local)}
    assert ("secret.github-pat-classic", f"{estate['api']}/app.py") in found
    assert any(path == f"{estate['web']}/users.csv" for _, path in found)
    assert any(path == "work/tools/notify.py" for _, path in found)
    assert not any(path.endswith("old.py") for _, path in found)  # shallow: no history
    for _, _, path, target in places(local):
        assert path.startswith(target + "/")
    summary = {t["target"]: t for t in local["targets"]}  # type: ignore[union-attr]
    assert list(summary) == list(estate.values())
    assert {t["status"] for t in summary.values()} == {"scanned"}
    assert summary[estate["api"]]["files"] == 2 and summary[estate["api"]]["blocking"] == 1
    assert summary[estate["web"]]["findings"] == 1
    assert remote["targets"] == local["targets"]
    assert remote["scan"]["executor"] == "dask"  # type: ignore[index]
    assert local["scan"]["targets"] == list(estate.values())  # type: ignore[index]


def test_with_git_each_target_is_cloned_whole_and_its_history_scanned(
    tmp_path: Path, estate: dict[str, str], run_policyctl: RunPolicyctl
) -> None:
    local = scan(run_policyctl, tmp_path, "--git")
    remote = scan(run_policyctl, tmp_path, "--git", "--cluster", "local:2")
    assert places(remote) == places(local)
    gone = [f for f in local["findings"] if f["location"]["path"].endswith("/old.py")]  # type: ignore[union-attr,index]
    assert len(gone) == 1 and gone[0]["location"]["target"] == estate["api"]
    assert gone[0]["location"]["commit"]
    assert {t["status"] for t in local["targets"]} == {"scanned"}  # type: ignore[union-attr]


def test_a_target_that_cannot_be_opened_makes_the_scan_incomplete(
    tmp_path: Path, estate: dict[str, str], run_policyctl: RunPolicyctl
) -> None:
    lines = [estate["api"], "work/no-such-repo", (tmp_path / "nowhere.git").as_uri()]
    (tmp_path / "targets.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_policyctl("scan", "--targets", "targets.txt", "--no-audit", cwd=tmp_path)
    assert result.code == 2
    assert "work/no-such-repo: does not exist" in result.err
    assert f"{lines[2]}: clone failed" in result.err
    assert "secret.github-pat-classic" in result.out  # the rest was scanned
    allowed = run_policyctl(
        "scan",
        "--targets",
        "targets.txt",
        "--allow-incomplete",
        "-f",
        "json",
        "--no-audit",
        cwd=tmp_path,
    )
    assert allowed.code == 1
    statuses = [(t["target"], t["status"]) for t in allowed.json()["targets"]]
    assert statuses == [(lines[0], "scanned"), (lines[1], "failed"), (lines[2], "failed")]
    assert not allowed.json()["scan"]["complete"]


def test_output_dir_gets_a_report_per_target(
    tmp_path: Path, estate: dict[str, str], run_policyctl: RunPolicyctl
) -> None:
    out = tmp_path / "reports"
    result = run_policyctl(
        "scan",
        "--targets",
        "targets.txt",
        "--output-dir",
        out,
        "-f",
        "json",
        "-f",
        "sarif",
        "--no-audit",
        cwd=tmp_path,
    )
    assert result.code == 1, result.err
    whole = json.loads((out / "report.json").read_text(encoding="utf-8"))
    folders = sorted(p.name for p in (out / "targets").iterdir())

    def named(url: str) -> str:  # a long name keeps its last 80 characters
        return url.removeprefix("file://").strip("/").replace("/", "_")[-80:].lstrip("._")

    assert folders == [
        "001-" + named(estate["api"]),
        "002-" + named(estate["web"]),
        "003-work_tools",
    ]
    parts = []
    for folder, target in zip(folders, estate.values(), strict=True):
        assert (out / "targets" / folder / "report.sarif").is_file()
        part = json.loads((out / "targets" / folder / "report.json").read_text(encoding="utf-8"))
        jsonschema.validate(part, load_schema("report"))
        assert part["scan"]["targets"] == [target]
        assert {f["location"]["target"] for f in part["findings"]} == {target}
        assert part["targets"][0]["findings"] == part["summary"]["findings"]
        parts += part["findings"]
    assert sorted(f["fingerprint"] for f in parts) == sorted(
        f["fingerprint"] for f in whole["findings"]
    )


def test_a_clone_over_its_size_budget_is_stopped(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    big = new_repo(tmp_path / "big")
    commit_all(big, "blob", {"blob.bin": os.urandom(2 * 1024 * 1024)})
    (tmp_path / "targets.txt").write_text(bare_copy(big, tmp_path / "big.git") + "\n")
    result = run_policyctl(
        "scan",
        "--targets",
        "targets.txt",
        "--clone-max-size",
        "100KB",
        "-f",
        "json",
        "--no-audit",
        cwd=tmp_path,
    )
    assert result.code == 2
    target = result.json()["targets"][0]
    assert target["status"] == "failed"
    assert target["error"] == "clone stopped: over the size budget of 100000 bytes"


def test_targets_cannot_be_mixed_with_paths_or_with_staged(
    tmp_path: Path, estate: dict[str, str], policyctl_in_process: RunPolicyctl
) -> None:
    both = policyctl_in_process("scan", "--targets", "targets.txt", ".", cwd=tmp_path)
    assert both.code == 2 and "not both" in both.err
    staged = policyctl_in_process("scan", "--targets", "targets.txt", "--staged", cwd=tmp_path)
    assert staged.code == 2 and "--staged reads one repository" in staged.err
    budget = policyctl_in_process("scan", ".", "--clone-max-size", "1MB", cwd=tmp_path)
    assert budget.code == 2 and "--clone-max-size" in budget.err and "needs --targets" in budget.err
    assert_no_secret_in([both.all_output, staged.all_output], [LIVE, OTHER])
