"""Rule files: schema errors name the file, the rule and the field; the CLI's rules commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from policyctl.core.errors import RuleError
from policyctl.detection.rules import load_rule_file, load_rules
from tests.conftest import RunPolicyctl, write_files

VALID_RULE = """\
  - id: custom.token
    category: secret
    title: Custom token
    severity: high
    data_class: credential
    keywords: [ctok_]
    pattern: '\\bctok_[a-z0-9]{16}\\b'
    examples: ['ctok_0123456789abcdef']
    negative_examples: ['ctok_short']
"""


def rule_file(tmp_path: Path, body: str, name: str = "custom.yaml") -> Path:
    path = tmp_path / name
    path.write_text("rules:\n" + body, encoding="utf-8")
    return path


def test_a_valid_rule_file_loads_its_rules(tmp_path: Path) -> None:
    [rule] = load_rule_file(rule_file(tmp_path, VALID_RULE))
    assert rule.id == "custom.token"
    assert rule.confidence == 0.8
    assert rule.keywords == ("ctok_",)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("severity: high", "severity: urgent"), "rule custom.token: field 'severity': must be"),
        (("category: secret", "category: secrets"), "field 'category'"),
        (
            ("    title: Custom token\n", ""),
            "rule custom.token: is missing the required field 'title'",
        ),
        (("data_class: credential", "data_class: credential\n    colour: red"), "colour"),
        (("pattern: '\\bctok_[a-z0-9]{16}\\b'", "pattern: '(ctok'"), "field 'pattern'"),
        (("keywords: [ctok_]", "keywords: [ctok_]\n    validator: nope"), "no validator named"),
    ],
)
def test_an_invalid_rule_is_one_message_naming_file_rule_and_field(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    path = rule_file(tmp_path, VALID_RULE.replace(*change))
    with pytest.raises(RuleError) as caught:
        load_rule_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


def test_invalid_yaml_names_the_file_and_position(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("rules:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"broken.yaml: invalid YAML at line \d+, column \d+"):
        load_rule_file(path)


def test_a_duplicate_rule_id_names_both_files(tmp_path: Path) -> None:
    rule_file(tmp_path, VALID_RULE, "a.yaml")
    rule_file(tmp_path, VALID_RULE, "b.yaml")
    with pytest.raises(
        RuleError, match=r"b.yaml: rule custom.token: .*already defined in .*a.yaml"
    ):
        load_rules([tmp_path], builtin=False)


def test_every_builtin_rule_has_examples_and_negative_examples() -> None:
    for rule in load_rules():
        assert len(rule.examples) >= 2, rule.id
        assert rule.negative_examples, rule.id


def test_rules_test_passes_for_every_builtin_rule(policyctl_in_process: RunPolicyctl) -> None:
    result = policyctl_in_process("rules", "test")
    assert result.code == 0, result.out
    assert result.out.startswith("ok: ")


def test_rules_test_reports_a_failing_example_by_rule(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    failing = VALID_RULE.replace(
        "negative_examples: ['ctok_short']", "negative_examples: ['ctok_aaaabbbbccccdddd']"
    )
    path = rule_file(tmp_path, failing)
    result = policyctl_in_process("rules", "test", path)
    assert result.code == 1
    assert "FAIL custom.token: negative example #1 was found" in result.out


def test_rules_validate_reports_a_bad_file_with_exit_2(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    path = rule_file(tmp_path, VALID_RULE.replace("severity: high", "severity: urgent"))
    result = policyctl_in_process("rules", "validate", path)
    assert result.code == 2
    assert result.err.strip().count("\n") == 0
    assert "custom.token" in result.err and "severity" in result.err


def test_rules_list_and_show(tmp_path: Path, policyctl_in_process: RunPolicyctl) -> None:
    listed = policyctl_in_process("rules", "list")
    assert listed.code == 0
    assert "secret.github-pat-classic" in listed.out
    shown = policyctl_in_process("rules", "show", "secret.github-pat-classic")
    assert shown.code == 0
    assert "pattern:" in shown.out and "ghp_" in shown.out
    unknown = policyctl_in_process("rules", "show", "secret.nope")
    assert unknown.code == 2


def test_extra_rules_folders_are_added_to_the_builtin_ones(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    (tmp_path / "rules").mkdir()
    rule_file(tmp_path / "rules", VALID_RULE)
    write_files(tmp_path, {"code/app.py": "TOKEN = 'ctok_" + "9f8e7d6c5b4a3210" + "'\n"})
    result = policyctl_in_process(
        "scan", tmp_path / "code", "--rules", tmp_path / "rules", "--format", "json"
    )
    assert result.code == 1
    assert [f["rule_id"] for f in result.json()["findings"]] == ["custom.token"]
