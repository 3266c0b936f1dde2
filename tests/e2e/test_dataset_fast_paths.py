"""Issue 17: the dataset path's shortcuts (rows read without a look at every cell, a
judged column's cells found as a range when every row is full) give what the plain way
gives, through the command: ragged rows and cells over several lines included.

The people here are made up from common census names; no value is a real person's."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.conftest import RunPolicyctl

FIRST = ["Maria", "James", "Linda", "Robert", "Patricia", "John", "Jennifer", "Michael"]
CITIES = ["Springfield", "Riverside", "Fairview", "Madison", "Salem", "Clinton"]


def column_cells(run: RunPolicyctl, table: Path) -> dict[str, tuple[str, int, str]]:
    """Field -> (rule, matching rows, their file lines as a baseline records them)."""
    report = run("scan", ".", "-f", "json", "--no-audit", cwd=table.parent)
    assert report.code in (0, 1), report.err
    found = {f["fingerprint"]: f for f in report.json()["findings"]}
    created = run("baseline", "create", ".", cwd=table.parent)
    assert created.code == 0, created.err
    baseline = json.loads((table.parent / ".policyctl-baseline.json").read_text())
    return {
        found[e["fingerprint"]]["location"]["field"]: (
            e["rule_id"], found[e["fingerprint"]]["occurrences"], e["cells"]
        )
        for e in baseline["findings"]
    }  # fmt: skip


def people(count: int) -> list[list[str]]:
    return [[str(n), FIRST[n % len(FIRST)], CITIES[n % len(CITIES)]] for n in range(count)]


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "first_name", "city"])
        writer.writerows(rows)
    return path


def test_a_name_column_counts_the_same_cells_with_full_and_ragged_rows(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    rows = people(60)
    (tmp_path / "full").mkdir()
    full = column_cells(policyctl_in_process, write_rows(tmp_path / "full" / "t.csv", rows))
    rows[30] = rows[30][:1]  # row 31 has its id only: no name, no city
    (tmp_path / "ragged").mkdir()
    ragged = column_cells(policyctl_in_process, write_rows(tmp_path / "ragged" / "t.csv", rows))

    assert full == {
        "first_name": ("pii.person-name", 60, "2-61"),
        "city": ("pii.city", 60, "2-61"),
    }
    assert ragged == {
        "first_name": ("pii.person-name", 59, "2-31,33-61"),
        "city": ("pii.city", 59, "2-31,33-61"),
    }


def test_a_quoted_cell_over_two_lines_is_one_cell_without_a_note(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    rows = people(20)
    rows[5][2] = "Salem,\nOregon, USA"  # one line break: an address, not swallowed rows
    table = write_rows(tmp_path / "two-lines.csv", rows)
    result = policyctl_in_process("scan", table, "-f", "json", "--no-audit")
    assert not [n for n in result.json()["notices"] if "unbalanced quote" in n["message"]]
    cells = column_cells(policyctl_in_process, table)
    assert cells["first_name"] == ("pii.person-name", 20, "2-7,9-22")  # row 6: lines 7-8
