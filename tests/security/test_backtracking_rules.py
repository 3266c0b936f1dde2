"""Issue 14 item 11: user rules whose backtracking is polynomial. The worst shapes are
refused when the rule is loaded; whatever remains is stopped by a per-file time budget,
which is an error notice and makes the scan incomplete."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import RunPolicyctl
from tests.security.helpers import rule_file


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param(r"(?:a{1,30}){1,30}b", id="nested-bounded-repeats"),
        pytest.param("[a-z]*" * 10 + "=", id="chained-stars"),
        pytest.param(r".*.*=.*;", id="dot-star-dot-star"),
    ],
)
def test_a_polynomially_backtracking_rule_is_refused_at_load(
    run_policyctl: RunPolicyctl, tmp_path: Path, pattern: str
) -> None:
    rules = rule_file(tmp_path / "slow.yaml", pattern)
    (tmp_path / "a.txt").write_text("a" * 4000 + "\n")
    result = run_policyctl("scan", tmp_path / "a.txt", "--rules", rules, "--engine", "re")
    assert result.code == 2
    assert "custom.token" in result.err and "backtrack" in result.err


def test_a_rule_over_the_time_budget_is_a_notice_and_an_incomplete_scan(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    # passes the load-time checks (each star is followed by a required byte), yet is
    # quartic on a long run of x without a y
    rules = rule_file(tmp_path / "slow.yaml", r"[a-z]*x[a-z]*x[a-z]*x[a-z]*y")
    (tmp_path / "a.txt").write_text("x" * 3000 + "\n")
    result = run_policyctl(
        "scan",
        tmp_path / "a.txt",
        "--rules",
        rules,
        "--engine",
        "re",
        "--time-budget",
        "1",
        "-f",
        "json",
        timeout=60,
    )
    assert result.code == 2
    [missed] = result.json()["scan"]["incomplete"]
    assert "over the time budget of 1 s" in missed["reason"]
