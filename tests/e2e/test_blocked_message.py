"""A blocked scan tells how to accept each blocking finding: the exact comment to paste,
in the file type's comment syntax, and, for a table cell, the baseline route."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import fakes
from tests import pii_samples as pii
from tests.conftest import RunPolicyctl


@pytest.mark.parametrize(
    ("name", "line", "comment"),
    [
        ("deploy.sh", "TOKEN='{}'\n", "# policyctl: ignore[secret.github-pat-classic]"),
        ("client.ts", "const t = '{}';\n", "// policyctl: ignore[secret.github-pat-classic]"),
        ("setup.ini", "[a]\ntoken = {}\n", "; policyctl: ignore[secret.github-pat-classic]"),
        ("notes.md", "token: {}\n", "<!-- policyctl: ignore[secret.github-pat-classic] -->"),
    ],
)
def test_the_comment_shown_when_blocked_accepts_the_finding_once_pasted(
    policyctl_in_process: RunPolicyctl, tmp_path: Path, name: str, line: str, comment: str
) -> None:
    text = line.format(fakes.github_pat(name))
    (tmp_path / name).write_text(text)
    number = text.count("\n")

    blocked = policyctl_in_process("scan", ".", "--no-progress", cwd=tmp_path)

    assert blocked.code == 1
    assert f"  {name}:{number}: {comment}" in blocked.err.splitlines()
    lines = text.splitlines(keepends=True)
    lines.insert(number - 1, comment + "\n")
    (tmp_path / name).write_text("".join(lines))
    accepted = policyctl_in_process("scan", ".", "--no-progress", cwd=tmp_path)
    assert accepted.code == 0, accepted.all_output


def test_a_blocking_table_cell_is_sent_to_the_baseline(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "people.csv").write_text(f"id,ssn\n1,{pii.ssn()}\n")

    run = run_policyctl("scan", ".", "--fail-on", "medium", "--no-progress", cwd=tmp_path)

    assert run.code == 1
    assert "  people.csv row 1 ssn: a table cell takes no comment; accept it with a baseline" in (
        run.err.splitlines()
    )
    assert run.err.splitlines()[-1] == (
        "or accept every current finding: policyctl baseline create, then scan with "
        "--baseline .policyctl-baseline.json."
    )
