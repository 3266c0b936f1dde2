"""Phone numbers written as they are dialled inside their country (issue 17): in a
column or field named for phones, a number in its region's national format is a phone
number; alone on a line of a log, only shapes that prove themselves are.

Values are written in pieces so that no file here holds one whole."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import RunPolicyctl


def j(*parts: str) -> str:
    return "".join(parts)


def phone_rows(run: RunPolicyctl, folder: Path, table: str, *extra: str) -> dict[int, str]:
    """The rows of a scanned table where a phone rule reported, with the column."""
    (folder / "people.csv").write_text(table, encoding="utf-8")
    found = run(
        "scan", "people.csv", "-f", "json", "--no-progress", "--per-cell", *extra, cwd=folder
    )
    return {
        f["location"]["row"]: f["location"]["field"]
        for f in found.json()["findings"]
        if str(f["rule_id"]).startswith("pii.phone")
    }


def test_a_cells_context_is_its_own_column_not_the_cell_before_it(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    # the national-format rules take a boundary character before the number, which in a
    # table is the line break after the previous cell (the `id` column's)
    table = "id,phone\n1," + j("030 12", "3456") + "\n2," + j("020 7946 ", "0958") + "\n"
    assert phone_rows(run_policyctl, tmp_path, table) == {1: "phone", 2: "phone"}
