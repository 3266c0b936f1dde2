"""A baseline suppresses exactly what it recorded: a column finding's entry names the
cells it accepted, so new personal data appended to a baselined table is reported."""

from __future__ import annotations

import json
from pathlib import Path

from tests import pii_samples as pii
from tests.conftest import RunPolicyctl


def table(rows: int) -> str:
    return "id,email,ssn\n" + "".join(f"{n},{pii.email(n)},{pii.ssn()}\n" for n in range(rows))


def test_a_row_appended_to_a_baselined_table_is_reported(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "people.csv").write_text(table(3))
    created = run_policyctl("baseline", "create", ".", cwd=tmp_path)
    assert created.code == 0, created.err
    before = run_policyctl(
        "scan", ".", "--baseline", ".policyctl-baseline.json", "-f", "json", cwd=tmp_path
    )
    assert before.json()["findings"] and all(
        f["suppressed"] == "baseline" for f in before.json()["findings"]
    )

    (tmp_path / "people.csv").write_text(table(4))
    after = run_policyctl(
        "scan", ".", "--baseline", ".policyctl-baseline.json", "-f", "json", cwd=tmp_path
    )

    new = [f for f in after.json()["findings"] if f["suppressed"] is None]
    assert sorted((f["rule_id"], f["location"]["row"], f.get("occurrences", 1)) for f in new) == [
        ("pii.email-address", 4, 1),
        ("pii.us-ssn", 4, 1),
    ]


def test_a_baseline_records_the_cells_of_a_column_finding(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "people.csv").write_text(table(3))

    policyctl_in_process("baseline", "create", ".", cwd=tmp_path)

    entries = json.loads((tmp_path / ".policyctl-baseline.json").read_text())["findings"]
    assert sorted(e["cells"] for e in entries) == ["2-4", "2-4"]


def test_removing_a_baselined_row_keeps_the_rest_suppressed(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "people.csv").write_text(table(3))
    policyctl_in_process("baseline", "create", ".", cwd=tmp_path)
    (tmp_path / "people.csv").write_text(table(2))

    run = policyctl_in_process(
        "scan", ".", "--baseline", ".policyctl-baseline.json", "-f", "json", cwd=tmp_path
    )

    assert run.code == 0
    assert all(f["suppressed"] == "baseline" for f in run.json()["findings"])


def test_a_baseline_with_a_backwards_range_is_one_error_line(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("hello\n")
    entry = {"rule_id": "pii.us-ssn", "fingerprint": "0" * 32, "cells": "9-2"}
    (tmp_path / "b.json").write_text(json.dumps({"version": 1, "findings": [entry]}))

    run = policyctl_in_process("scan", ".", "--baseline", "b.json", cwd=tmp_path)

    assert run.code == 2
    assert run.err.strip().splitlines() == [
        "policyctl: error: b.json: field 'cells': range 9-2 runs backwards"
    ]
