"""What bench/fuzz.py found, kept: each crash input replays through its target, and the
attack it stands for is tested through the installed command."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

from tests import fakes
from tests.conftest import RunPolicyctl, commit_all, git

ROOT = Path(__file__).resolve().parents[2]
CRASHES = Path(__file__).with_name("fuzz_crashes")


def harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("policyctl_fuzz", ROOT / "bench" / "fuzz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "crash", sorted(CRASHES.glob("*/*")), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_a_crash_the_fuzzer_found_is_a_crash_no_more(crash: Path) -> None:
    harness().checked(crash.parent.name)(crash.read_bytes())


def test_every_fuzz_target_takes_an_empty_and_a_junk_input() -> None:
    fuzz = harness()
    for name in fuzz.TARGETS:
        for data in (b"", b"\x00\xff\x1e\x1f\n[{" * 50):
            fuzz.checked(name)(data)


def test_a_commit_whose_author_holds_the_log_separators_is_scanned(
    git_repo: Path, run_policyctl: RunPolicyctl
) -> None:
    """fuzz git-log: a hand-made commit object may hold any byte in its author line; the
    history parser took \\x1f for a field separator and crashed (a traceback, exit 1)."""
    commit_all(git_repo, "base", {"README.md": "hello\n"})
    (git_repo / "app.py").write_text(f"token = '{fakes.github_pat('fuzz')}'\n")
    git(git_repo, "add", "app.py")
    tree = git(git_repo, "write-tree").strip()
    parent = git(git_repo, "rev-parse", "HEAD").strip()
    raw = (
        f"tree {tree}\nparent {parent}\n"
        "author Ev\x1fil \x1eName <evil@example.com> 1700000000 +0000\n"
        "committer C <c@example.com> 1700000000 +0000\n\nhostile\n"
    )
    made = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--literally", "--stdin"],
        cwd=git_repo,
        input=raw.encode(),
        capture_output=True,
        check=True,
    )
    git(git_repo, "update-ref", "refs/heads/main", made.stdout.decode().strip())
    result = run_policyctl("scan", "--git", git_repo, "--format", "json", "--no-progress")
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    [finding] = [f for f in json.loads(result.out)["findings"] if "github" in f["rule_id"]]
    assert finding["location"]["email"] == "evil@example.com"
