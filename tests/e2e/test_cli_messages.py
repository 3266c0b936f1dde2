"""What the command line prints around a scan: usage errors as one line, help and pack
tables that fold long words at 80 columns instead of cutting them with "…", and no
empty tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import RunPolicyctl

NARROW = {"COLUMNS": "80"}


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["scan", "--mode", "log"],
            "policyctl: error: Invalid value for --mode: choose one of warn, block "
            "(see: policyctl scan --help)",
        ),
        (
            ["scan", "--format", "yaml"],
            "policyctl: error: Invalid value for --format: 'yaml': choose from terminal, json, "
            "sarif, junit, markdown, csv, html (see: policyctl scan --help)",
        ),
        (
            ["scan", "--no-such-option"],
            "policyctl: error: No such option: --no-such-option (see: policyctl scan --help)",
        ),
        (
            ["no-such-command"],
            "policyctl: error: No such command 'no-such-command'. (see: policyctl --help)",
        ),
    ],
)
def test_a_usage_error_is_one_line_and_exit_2(
    run_policyctl: RunPolicyctl, tmp_path: Path, args: list[str], line: str
) -> None:
    run = run_policyctl(*args, cwd=tmp_path)

    assert run.code == 2
    assert run.err.splitlines() == [line]
    assert run.out == ""


def test_scan_help_is_not_cut_at_80_columns(run_policyctl: RunPolicyctl) -> None:
    run = run_policyctl("scan", "--help", env=NARROW)

    assert run.code == 0
    assert "…" not in run.out
    assert "PRE_COMMIT_FROM_REF..TO_REF" in run.out
    assert max(len(line) for line in run.out.splitlines()) <= 80


@pytest.mark.parametrize("pack", ["hipaa", "ccpa", "soc2"])
def test_policy_show_folds_long_words_at_80_columns(
    policyctl_in_process: RunPolicyctl, pack: str
) -> None:
    run = policyctl_in_process("policy", "show", pack, env=NARROW)

    assert run.code == 0, run.err
    assert "…" not in run.out


def test_no_dataset_table_when_no_dataset_holds_personal_data(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "app.py").write_text("print('hello')\n")
    (tmp_path / "sizes.csv").write_text("id,size\n1,2\n")

    run = policyctl_in_process("scan", ".", "--no-progress", cwd=tmp_path)

    assert run.code == 0, run.err
    assert "dataset columns" not in run.out
    assert run.out.splitlines()[-1].startswith("2 files,")
