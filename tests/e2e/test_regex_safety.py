"""A custom rule whose pattern could backtrack without end stops the installed command
with exit 2 (run as a subprocess, so a regression cannot hang the test session)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import RunPolicyctl, write_files


def test_a_custom_rule_with_a_catastrophic_pattern_stops_the_scan_with_exit_2(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    write_files(
        tmp_path,
        {
            "rules/evil.yaml": (
                "rules:\n"
                "  - id: custom.evil\n"
                "    category: secret\n"
                "    title: Evil\n"
                "    severity: high\n"
                "    data_class: credential\n"
                "    pattern: '(a+)+$'\n"
                "    examples: [aaaa]\n"
                "    negative_examples: [b]\n"
            ),
            "code/input.txt": "a" * 5000 + "!",
        },
    )
    result = run_policyctl("scan", tmp_path / "code", "--rules", tmp_path / "rules", timeout=60)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1
    assert "evil.yaml: rule custom.evil: field 'pattern'" in lines[0]
    assert "backtrack" in lines[0]
