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


# libphonenumber's example numbers of regions without a trunk 0 before them, as it
# formats them nationally (its metadata is the documented layout of each region)
NATIONAL = [
    j("810 12 ", "34 56"),  # Spain
    j("200 123 ", "4567"),  # Mexico
    j("(11) 2345", "-6789"),  # Brazil
    j("8 (301) 123", "-45-67"),  # Russia
    j("600 21", "2345"),  # Gibraltar
]


def table_of(column: str, values: list[str]) -> str:
    return f"id,{column}\n" + "".join(f"{n},{v}\n" for n, v in enumerate(values, 1))


def test_a_national_number_of_any_region_is_reported_in_a_phone_column(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    rows = phone_rows(run_policyctl, tmp_path, table_of("mobile_phone", NATIONAL))
    assert rows == dict.fromkeys(range(1, len(NATIONAL) + 1), "mobile_phone")


def test_the_same_numbers_in_a_column_named_otherwise_are_not(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    assert phone_rows(policyctl_in_process, tmp_path, table_of("reference", NATIONAL)) == {}


def test_a_json_records_phone_field_is_judged_by_its_key(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    records = [
        '{"customer": {"telephone": "' + NATIONAL[0] + '"}}',
        '{"customer": {"order": "' + NATIONAL[0] + '"}}',
    ]
    (tmp_path / "people.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    found = policyctl_in_process(
        "scan", "people.jsonl", "-f", "json", "--no-progress", "--per-cell", cwd=tmp_path
    )
    places = [
        (f["rule_id"], f["location"]["field"])
        for f in found.json()["findings"]
        if str(f["rule_id"]).startswith("pii.phone")
    ]
    assert places == [("pii.phone-number-national-field", "$.customer.telephone")]


def test_dates_and_runs_of_digits_in_a_phone_column_are_not_phone_numbers(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    # a run of digits is a valid number somewhere at most lengths: it has no shape
    values = [j("2024-03", "-01"), j("7123", "4567"), "12 34", j("1 2 3 ", "4 5 6")]
    assert phone_rows(policyctl_in_process, tmp_path, table_of("phone", values)) == {}


def test_a_line_of_a_log_is_not_a_phone_field(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    (tmp_path / "app.log").write_text(
        "".join(f"phone {v}\n" for v in NATIONAL[:2]), encoding="utf-8"
    )
    found = policyctl_in_process(
        "scan", "app.log", "-f", "json", "--no-progress", "--min-confidence", "0.01", cwd=tmp_path
    )
    rules = {f["rule_id"] for f in found.json()["findings"]}
    assert "pii.phone-number-national-field" not in rules


def test_a_caribbean_number_of_country_code_1_is_a_phone_number_on_its_own(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    # Antigua and Barbuda's area code 268: North American layout, not a US or Canadian one
    (tmp_path / "app.log").write_text(
        "called " + j("(268) 460", "-1234") + " twice\n", encoding="utf-8"
    )
    found = policyctl_in_process("scan", "app.log", "-f", "json", "--no-progress", cwd=tmp_path)
    assert [f["rule_id"] for f in found.json()["findings"]] == ["pii.phone-number"]


def test_an_italian_number_alone_on_a_log_line_is_reported(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    # Italy dials no trunk prefix: the 0 is part of the number, as its layout writes it
    (tmp_path / "app.log").write_text(j("02 1234 ", "5678") + "\n", encoding="utf-8")
    found = policyctl_in_process("scan", "app.log", "-f", "json", "--no-progress", cwd=tmp_path)
    assert [f["rule_id"] for f in found.json()["findings"]] == ["pii.phone-number-national-alone"]


def test_a_number_in_any_regions_national_layout_alone_on_a_log_line_is_reported(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    # Guadeloupe's trunk 0 and grouping (libphonenumber's example number), then the
    # same digits run together, which is no region's layout and stays weak
    lines = [j("0590 27 ", "12 34"), j("05902", "71234")]
    (tmp_path / "app.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = policyctl_in_process("scan", "app.log", "-f", "json", "--no-progress", cwd=tmp_path)
    assert [(f["rule_id"], f["location"]["line"]) for f in found.json()["findings"]] == [
        ("pii.phone-number-national-alone", 1)
    ]


def test_a_number_with_a_trunk_0_grouped_3_3_4_is_still_a_national_number(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    # not North American (no area code begins with 0): tried as dialled with a trunk 0
    (tmp_path / "app.log").write_text("Phone: " + j("083 564 ", "9312") + "\n", encoding="utf-8")
    found = policyctl_in_process("scan", "app.log", "-f", "json", "--no-progress", cwd=tmp_path)
    assert "pii.phone-number" in {f["rule_id"] for f in found.json()["findings"]}
