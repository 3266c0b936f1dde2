"""Logs and datasets read from standard input by the installed command (a real stdin)."""

from __future__ import annotations

from tests import pii_samples as pii
from tests.conftest import RunPolicyctl


def test_standard_input_is_scanned_as_a_log(run_policyctl: RunPolicyctl) -> None:
    result = run_policyctl(
        "scan", "-", "-f", "json", "--no-progress", input=f"hello\nmail {pii.email()}\n"
    )
    findings = result.json()["findings"]
    assert [(f["rule_id"], f["location"]) for f in findings] == [
        ("pii.email-address", {"path": "<stdin>", "line": 2, "column": 6})
    ]


def test_standard_input_can_be_read_as_csv(run_policyctl: RunPolicyctl) -> None:
    result = run_policyctl(
        "scan", "-", "--as", "csv", "-f", "json", "--no-progress", input=f"email\n{pii.email()}\n"
    )
    (finding,) = result.json()["findings"]
    assert (finding["location"]["row"], finding["location"]["field"]) == (1, "email")


def test_an_unknown_kind_for_as_is_a_usage_error(run_policyctl: RunPolicyctl) -> None:
    result = run_policyctl("scan", "-", "--as", "xml", input="x")
    assert result.code == 2
    assert "--as" in result.err
