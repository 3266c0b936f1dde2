"""A scan only parses the built-in rule files (they ship inside the package); these tests
are what checks them in full instead, and `rules validate` / `rules test` still do."""

from __future__ import annotations

from pathlib import Path

import pytest

from policyctl.core.builtin import builtin_dir
from policyctl.detection import rules as rules_module
from policyctl.detection.rules import load_rule_file, load_rules, rule_files
from tests import fakes
from tests.conftest import RunPolicyctl

BUILTIN_FILES = rule_files(builtin_dir("rules"))


@pytest.mark.parametrize("path", BUILTIN_FILES, ids=[p.name for p in BUILTIN_FILES])
def test_each_builtin_file_passes_every_check_and_parses_to_the_same_rules(path: Path) -> None:
    checked = rules_module._load_rule_file(path)  # schema, regex safety, validators, filters
    assert checked, path
    assert rules_module._parse_rule_file(path) == checked
    assert load_rule_file(path, trusted=True) == checked


def test_the_builtin_rules_load_alike_checked_or_trusted() -> None:
    assert load_rules(check_builtin=True) == load_rules()


UNSAFE = """\
rules:
  - id: custom.nested
    category: secret
    title: Nested repeat
    severity: high
    data_class: credential
    pattern: '(a+)+b'
    examples: ['aab', 'ab']
    negative_examples: ['aa']
"""


def test_rules_validate_checks_the_builtin_rules_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, policyctl_in_process: RunPolicyctl
) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "bad.yaml").write_text(UNSAFE, encoding="utf-8")
    monkeypatch.setattr(rules_module, "builtin_dir", lambda name: folder)
    result = policyctl_in_process("rules", "validate")
    assert result.code == 2, result.all_output
    assert "rule custom.nested: field 'pattern': could backtrack" in result.err


def test_extra_rule_files_are_checked_in_full_at_scan_time(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text(UNSAFE, encoding="utf-8")
    (tmp_path / "a.txt").write_text("hello\n", encoding="utf-8")
    result = policyctl_in_process("scan", tmp_path / "a.txt", "--rules", extra)
    assert result.code == 2, result.all_output
    assert "rule custom.nested: field 'pattern': could backtrack" in result.err


GENERIC_RULE = """\
rules:
  - id: custom.setting-{kind}
    category: secret
    title: A secret setting
    severity: high
    data_class: credential
    confidence: 0.9
    tags: [{tags}]
    pattern: 'setting_secret_{kind}\\s*=\\s*"(?P<secret>[^"]+)"'
    filters: [placeholder]
    examples: ['setting_secret_{kind} = "{random}"']
    negative_examples: ['setting_secret_{kind} = "changeme"']
"""


def test_a_generic_rule_gets_every_generic_filter_whatever_it_lists(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    random = fakes.pick(fakes.ALNUM, 32, "setting")
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        GENERIC_RULE.format(kind="generic", tags="generic", random=random)
        + GENERIC_RULE.format(kind="plain", tags="custom", random=random).split("rules:\n")[1],
        encoding="utf-8",
    )
    lines = [
        f'setting_secret_{kind} = "{value}"'
        for kind in ("generic", "plain")
        for value in (random, "2016-09-08T21:47:36Z")  # a timestamp: the timestamp filter
    ]
    (tmp_path / "app.cfg").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = policyctl_in_process(
        "scan", tmp_path / "app.cfg", "--rules", extra, "--format", "json", "--mode", "warn"
    )
    found = {(f["rule_id"], f["location"]["line"]) for f in result.json()["findings"]}
    assert ("custom.setting-generic", 1) in found and ("custom.setting-plain", 3) in found
    assert ("custom.setting-generic", 2) not in found  # the generic filters hold
    assert ("custom.setting-plain", 4) in found  # only the listed ones


def test_every_builtin_rule_comes_back_whole_from_its_cached_json_form() -> None:
    import json

    for rule in load_rules():
        record = json.loads(json.dumps(rules_module._rule_record(rule)))
        assert rules_module._rule_from_record(record) == rule, rule.id
