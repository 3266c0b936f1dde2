"""Folding a secret's places into one finding never lets one place decide for another."""

from __future__ import annotations

from pathlib import Path

from tests import fakes
from tests.conftest import RunPolicyctl, write_files


def test_an_ignored_copy_shown_first_does_not_carry_a_live_copy_away(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    # The ignored copy sorts first and sits in code (the place folding would show);
    # the live copy is in a test file. The live copy must still block.
    token = fakes.github_pat("hide")
    write_files(
        tmp_path,
        {
            "aaa/app.py": f"t = '{token}'  # policyctl: ignore\n",
            "tests/test_app.py": f"t = '{token}'\n",
        },
    )

    run = policyctl_in_process("scan", ".", "-f", "json", "--no-progress", cwd=tmp_path)

    assert run.code == 1
    live = [f for f in run.json()["findings"] if f["suppressed"] is None]
    assert [f["location"]["path"] for f in live] == ["tests/test_app.py"]


def test_a_waiver_by_rule_and_path_covers_only_the_places_under_that_path(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    token = fakes.github_pat("waive-path")
    write_files(
        tmp_path,
        {
            "docs/a.py": f"t = '{token}'\n",
            "src/b.py": f"t = '{token}'\n",
            ".policyctl.yaml": "version: 1\nwaivers:\n  - reason: docs example\n"
            "    owner: sec\n    expires: 2999-12-31\n    rule: 'secret.*'\n    path: docs/\n",
        },
    )

    run = policyctl_in_process("scan", ".", "-f", "json", "--no-progress", cwd=tmp_path)

    assert run.code == 1
    live = [f for f in run.json()["findings"] if f["suppressed"] is None]
    assert [(f["location"]["path"], "also_at" in f) for f in live] == [("src/b.py", False)]
