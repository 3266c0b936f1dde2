"""`policyctl init` writes every setting of the configuration, each at its default."""

from __future__ import annotations

import re
from pathlib import Path

from policyctl.schemas import load_schema
from tests.conftest import RunPolicyctl


def test_the_starter_file_shows_every_setting(run_policyctl: RunPolicyctl, tmp_path: Path) -> None:
    run = run_policyctl("init", tmp_path)

    assert run.code == 0, run.err
    text = (tmp_path / ".policyctl.yaml").read_text()
    shown = set(re.findall(r"^(?:# )?([a-z_]+):", text, flags=re.MULTILINE))
    assert set(load_schema("config")["properties"]) <= shown


def test_its_simple_settings_uncommented_are_a_valid_config_that_changes_nothing(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    run_policyctl("init", tmp_path)
    config = tmp_path / ".policyctl.yaml"
    defaults = ("jobs", "engine", "gitignore", "per_cell", "min_confidence", "max_file_size")
    text = config.read_text()
    for name in defaults:
        text, count = re.subn(rf"^# ({name}: \S+)$", r"\1", text, flags=re.MULTILINE)
        assert count == 1, name
    config.write_text(text)
    (tmp_path / "app.py").write_text("print('hello')\n")

    run = run_policyctl("scan", ".", "--no-progress", "-f", "json", cwd=tmp_path)

    assert run.code == 0, run.err
    assert run.json()["findings"] == []
