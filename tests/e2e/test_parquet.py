"""Parquet files (the `datasets` extra): read in batches, located by row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import pii_samples as pii
from tests.conftest import RunPolicyctl

pyarrow = pytest.importorskip("pyarrow")
parquet = pytest.importorskip("pyarrow.parquet")


def write_parquet(path: Path, columns: dict[str, list[object]], row_group_size: int) -> Path:
    parquet.write_table(pyarrow.table(columns), path, row_group_size=row_group_size)
    return path


def test_parquet_values_are_reported_at_their_row_and_column(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    rows = 20_000  # more than one read batch and several row groups
    emails = [None] * rows
    emails[17_500] = pii.email()
    cards = ["n/a"] * rows
    cards[3] = pii.card()
    path = write_parquet(
        tmp_path / "orders.parquet",
        {"id": list(range(rows)), "email": emails, "card": cards},
        row_group_size=5_000,
    )
    result = run_policyctl("scan", path, "--per-cell", "-f", "json", "--no-progress")
    found = {
        f["rule_id"]: (f["location"]["row"], f["location"]["field"])
        for f in result.json()["findings"]
    }
    assert found == {
        "pii.email-address": (17_501, "email"),
        "pii.payment-card-number": (4, "card"),
    }


def test_nested_parquet_values_get_key_paths(run_policyctl: RunPolicyctl, tmp_path: Path) -> None:
    path = write_parquet(
        tmp_path / "nested.parquet",
        {"customer": [{"name": "x", "contact": {"email": pii.email()}}]},
        row_group_size=10,
    )
    result = run_policyctl("scan", path, "-f", "json", "--no-progress")
    (finding,) = result.json()["findings"]
    assert finding["location"]["field"] == "customer.contact.email"


def test_a_corrupt_parquet_file_is_a_warning_and_the_scan_goes_on(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 this is not a parquet file")
    (tmp_path / "notes.log").write_text(f"mail {pii.email()}\n", encoding="utf-8")
    result = run_policyctl("scan", tmp_path, "-f", "json", "--no-progress")
    report = result.json()
    assert any(
        n["path"] == "broken.parquet" and "not a readable Parquet file" in n["message"]
        for n in report["notices"]
    )
    assert [f["location"]["path"] for f in report["findings"]] == ["notes.log"]


def test_without_pyarrow_a_named_parquet_file_names_the_extra(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    path = write_parquet(tmp_path / "t.parquet", {"a": [1]}, row_group_size=10)
    hidden = tmp_path / "no-pyarrow"
    (hidden / "pyarrow").mkdir(parents=True)
    (hidden / "pyarrow" / "__init__.py").write_text("raise ImportError('hidden for a test')\n")
    result = run_policyctl("scan", path, env={"PYTHONPATH": str(hidden)})
    assert result.code == 2
    assert "pip install 'policyctl[datasets]'" in result.err
    assert result.err.count("\n") == 1
