"""Reports that cannot be written where they were asked for: one line naming the place,
exit 2 (never 1, which CI reads as "blocked", and never a traceback). A missing parent
folder is not an error: it is created."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import fakes
from tests.conftest import RunPolicyctl


@pytest.fixture
def leaky(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(f"k = '{fakes.github_pat('report-writing')}'\n")
    return tmp_path / "src"


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("policyctl: error:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_missing_parent_folders_of_the_output_are_created(
    run_policyctl: RunPolicyctl, leaky: Path, tmp_path: Path
) -> None:
    target = tmp_path / "reports" / "ci" / "x.sarif"

    run = run_policyctl("scan", leaky, "-f", "sarif", "-o", target)

    assert run.code == 1, run.err
    assert target.is_file()


def test_missing_parent_folders_of_the_output_dir_are_created(
    policyctl_in_process: RunPolicyctl, leaky: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "out" / "reports"

    run = policyctl_in_process(
        "scan", leaky, "-f", "json", "-f", "sarif", "--output-dir", folder, "--no-progress"
    )

    assert run.code == 1, run.err
    assert sorted(p.name for p in folder.iterdir()) == ["report.json", "report.sarif"]


def test_a_report_path_that_is_a_folder_is_one_line_and_exit_2(
    run_policyctl: RunPolicyctl, leaky: Path, tmp_path: Path
) -> None:
    (tmp_path / "taken").mkdir()

    run = run_policyctl("scan", leaky, "-f", "json", "-o", tmp_path / "taken")

    assert run.code == 2
    assert one_error_line(run.err).endswith("taken: cannot write the report: Is a directory")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_report_to_dev_full_is_one_line_and_exit_2(
    run_policyctl: RunPolicyctl, leaky: Path
) -> None:
    run = run_policyctl("scan", leaky, "-f", "json", "-o", "/dev/full")

    assert run.code == 2
    assert one_error_line(run.err) == (
        "policyctl: error: /dev/full: cannot write the report: No space left on device"
    )


def test_a_report_in_a_read_only_place_is_one_line_and_exit_2(
    run_policyctl: RunPolicyctl, leaky: Path, tmp_path: Path
) -> None:
    # chmod does not stop root, so the read-only place is one no user can write to:
    # under a regular file, where no folder can ever be made.
    (tmp_path / "plain").write_text("a file, not a folder\n")

    run = run_policyctl("scan", leaky, "-f", "json", "-o", tmp_path / "plain" / "x.json")

    assert run.code == 2
    assert "plain/x.json: cannot write the report:" in one_error_line(run.err)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_standard_output_on_dev_full_is_one_line_and_exit_2(leaky: Path) -> None:
    import subprocess

    from tests.conftest import POLICYCTL

    with open("/dev/full", "w") as full:
        completed = subprocess.run(
            [POLICYCTL, "scan", str(leaky), "--no-progress"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )

    assert completed.returncode == 2
    assert one_error_line(completed.stderr) == (
        "policyctl: error: cannot write to standard output: No space left on device"
    )
    assert "Exception ignored" not in completed.stderr


def test_an_unexpected_error_is_one_line_and_exit_2_with_the_traceback_only_on_debug(
    policyctl_in_process: RunPolicyctl, leaky: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policyctl.cli.scan as scan_command

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("internal detail that may quote scanned data")

    monkeypatch.setattr(scan_command, "run_scan_request", broken)

    plain = policyctl_in_process("scan", leaky, "--no-progress")
    debug = policyctl_in_process("scan", leaky, "--no-progress", "--debug")

    assert (plain.code, debug.code) == (2, 2)
    assert plain.err.splitlines() == [
        "policyctl: error: unexpected error (RuntimeError); run with --debug for the traceback"
    ]
    assert "internal detail" not in plain.err
    assert "Traceback (most recent call last)" in debug.err


def test_redact_report_into_a_missing_folder_is_written(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "app.log").write_text("user signed in\n")

    run = policyctl_in_process(
        "redact", "app.log", "-o", "out/app.log", "--report", "reports/deep/r.json", cwd=tmp_path
    )

    assert run.code == 0, run.err
    assert (tmp_path / "reports" / "deep" / "r.json").is_file()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_redact_report_to_dev_full_is_one_line_and_exit_2(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "app.log").write_text("user signed in\n")

    run = policyctl_in_process(
        "redact", "app.log", "-o", "out/app.log", "--report", "/dev/full", cwd=tmp_path
    )

    assert run.code == 2
    assert one_error_line(run.err) == (
        "policyctl: error: /dev/full: cannot write the report: No space left on device"
    )
