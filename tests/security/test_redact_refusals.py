"""Issue 14.19: `redact` never reports "0 files redacted" (exit 0) for an input it did not
redact: a pipeline would ship the originals."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import fakes
from tests.conftest import RunPolicyctl


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "logs").mkdir()
    line = f"deploy token={fakes.github_pat('redact-refusal')}\n"
    for name in ("a.log", "logs/b.log"):
        (tmp_path / name).write_text(line)
    return tmp_path


@pytest.mark.parametrize(
    ("inputs", "output"),
    [
        (["a.log"], "."),
        (["a.log"], "./"),
        (["logs"], "logs"),
        (["logs/b.log"], "logs/"),
        (["logs", "a.log"], "."),
    ],
)
def test_an_output_folder_that_holds_an_input_is_refused(
    workspace: Path, run_policyctl: RunPolicyctl, inputs: list[str], output: str
) -> None:
    before = {p: p.read_bytes() for p in workspace.rglob("*.log")}
    result = run_policyctl("redact", *inputs, "--output", output, "--no-audit", cwd=workspace)
    assert result.code == 2, result.all_output
    assert "holds the input" in result.err and result.err.count("\n") == 1
    assert {p: p.read_bytes() for p in workspace.rglob("*.log")} == before


def test_a_fifo_input_is_refused(workspace: Path, run_policyctl: RunPolicyctl) -> None:
    os.mkfifo(workspace / "pipe.log")
    result = run_policyctl(
        "redact", "pipe.log", "--output", "clean/", "--no-audit", cwd=workspace, timeout=30
    )
    assert result.code == 2
    assert "pipe.log: is a FIFO" in result.err
    assert not (workspace / "clean").exists()


def test_a_symlink_loop_input_is_refused(workspace: Path, run_policyctl: RunPolicyctl) -> None:
    (workspace / "one.log").symlink_to("two.log")
    (workspace / "two.log").symlink_to("one.log")
    result = run_policyctl("redact", "one.log", "--output", "clean/", "--no-audit", cwd=workspace)
    assert result.code == 2
    assert "one.log: is a symbolic link loop" in result.err


def test_an_output_folder_inside_the_input_folder_still_works(
    workspace: Path, run_policyctl: RunPolicyctl
) -> None:
    result = run_policyctl("redact", "logs", "--output", "logs/clean", "--no-audit", cwd=workspace)
    assert result.code == 0, result.all_output
    assert (workspace / "logs/clean/b.log").is_file()
