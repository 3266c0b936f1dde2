"""Compiling the Hyperscan database is not the input's time: a compile slower than the
per-input time budget (a busy machine, a large rule set) must not cut the scan short."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from policyctl.engine import hyperscan_backend
from tests.conftest import RunPolicyctl
from tests.security.helpers import rule_file


def test_a_compile_longer_than_the_time_budget_still_scans_every_file(
    policyctl_in_process: RunPolicyctl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compile_database = hyperscan_backend._compile
    compiles: list[int] = []

    def slow_compile(expressions: list[bytes], ids: list[int], flags: int) -> Any:
        compiles.append(len(expressions))
        time.sleep(1.5)  # longer than the whole budget below
        return compile_database(expressions, ids, flags)

    monkeypatch.setattr(hyperscan_backend, "_compile", slow_compile)
    rules = rule_file(tmp_path / "token.yaml", r"\btok_[a-z]{16}\b")
    folder = tmp_path / "scan"
    folder.mkdir()
    for name, letter in (("a.txt", "q"), ("b.txt", "w")):  # two secrets: two findings
        (folder / name).write_text("key = tok_" + letter * 16 + "\n")
    args = ["scan", folder, "--rules", rules, "--enable", "custom.*", "--engine", "hyperscan"]
    args += ["--time-budget", "1", "--no-audit", "-f", "json"]
    result = policyctl_in_process(*args, env={"POLICYCTL_CACHE_DIR": str(tmp_path / "cache")})

    report = result.json()
    assert compiles, "the database was compiled in this scan"
    assert report["scan"].get("incomplete", []) == []
    assert sorted(f["location"]["path"] for f in report["findings"]) == ["a.txt", "b.txt"]
    assert result.code == 1
