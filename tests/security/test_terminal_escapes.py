"""File names with terminal escape codes: the terminal report and the notices on stderr
show the codes escaped, never send them to the terminal."""

from __future__ import annotations

from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in

RED = "\x1b[31m"
TITLE = "\x1b]0;pwned\x07"


def test_escape_codes_in_a_file_name_are_escaped_in_the_findings_table(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    token = fakes.github_pat("escape")
    (tmp_path / f"app{RED}{TITLE}.py").write_text(f"TOKEN = '{token}'\n")

    run = run_policyctl("scan", ".", "--no-progress", cwd=tmp_path)

    assert run.code == 1, run.err
    assert "\x1b" not in run.out and "\x07" not in run.out
    assert "app\\x1b[31m\\x1b]0;pwned\\x07.py:1" in run.out
    assert_no_secret_in([run.out, run.err], [token])


def test_escape_codes_in_a_file_name_are_escaped_in_notices(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / f"blob{RED}.bin").write_bytes(b"\0\1\2binary")

    run = policyctl_in_process("scan", ".", "-v", "--no-progress", cwd=tmp_path)

    assert run.code == 0, run.err
    assert "\x1b" not in run.err
    assert "blob\\x1b[31m.bin: skipped: binary file" in run.err


def test_a_newline_in_a_file_name_cannot_forge_a_line_of_the_table(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "a\ncritical fake.py").write_text(f"k = '{fakes.github_pat('newline')}'\n")

    run = policyctl_in_process("scan", ".", "--no-progress", cwd=tmp_path)

    assert "a\\ncritical fake.py:1" in run.out
    assert not any(line.startswith("critical fake.py") for line in run.out.splitlines())
