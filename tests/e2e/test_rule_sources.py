"""A rule applies to the kinds of input its `sources` name: personal-data rules that
fire on bare numbers and common tokens read logs and datasets, not source code."""

from __future__ import annotations

from pathlib import Path

from tests import pii_samples as pii
from tests.conftest import RunPolicyctl, write_files

LOG_ONLY_RULE = """\
rules:
  - id: custom.order-ref
    title: Order reference
    category: pii
    severity: medium
    confidence: 0.9
    data_class: identity
    sources: [logs, datasets]
    pattern: '\\bORD-[0-9]{6}\\b'
    examples: ['order ORD-123456 shipped']
    negative_examples: ['ORD-12345']
"""


def found(result_json: dict[str, object], rule_id: str) -> set[str]:
    findings = result_json["findings"]
    assert isinstance(findings, list)
    return {f["location"]["path"] for f in findings if f["rule_id"] == rule_id}


def test_a_rule_for_logs_and_datasets_skips_source_files(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(LOG_ONLY_RULE)
    root = tmp_path / "project"
    line = "order ORD-" + "123456 shipped\n"
    write_files(root, {"app.py": f"# {line}", "app.log": line, "orders.csv": f"note\n{line}"})
    # only the custom rule: a database of one rule, not of every built-in rule with it
    only = ("--enable", "custom.order-ref")
    result = run_policyctl("scan", root, "--rules", rules, *only, "--format", "json", "--no-audit")
    assert found(result.json(), "custom.order-ref") == {"app.log", "orders.csv"}


def test_e_mail_addresses_are_personal_data_in_logs_not_in_code(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    line = f"user {pii.email()} logged in\n"
    write_files(tmp_path, {"service.py": f"# {line}", "service.log": line})
    result = run_policyctl("scan", tmp_path, "--format", "json", "--no-audit")
    assert found(result.json(), "pii.email-address") == {"service.log"}


def test_validated_identifiers_are_found_in_code_too(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    write_files(tmp_path, {"fixture.py": f'CUSTOMER_SSN = "{pii.ssn()}"\n'})
    result = run_policyctl("scan", tmp_path, "--format", "json", "--no-audit")
    assert found(result.json(), "pii.us-ssn") == {"fixture.py"}


def test_an_unknown_source_kind_in_a_rule_is_exit_2_naming_the_field(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(LOG_ONLY_RULE.replace("[logs, datasets]", "[logs, emails]"))
    result = run_policyctl("rules", "validate", rules)
    assert result.code == 2
    [message] = result.err.strip().splitlines()
    assert "custom.order-ref" in message and "sources" in message
