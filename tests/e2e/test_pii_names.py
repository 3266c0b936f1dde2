"""Names, street addresses, cities and organisations in datasets, judged per column from
the column's name and its values together, through the installed command; and in logs,
as the values of keys that name them.

The people here are made up from common census names; no value is a real person's."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from tests.conftest import RunPolicyctl

PEOPLE = [
    ("Maria Garcia", "Maria", "Garcia", "12 Oak Street", "Springfield", "62704", "Acme Inc"),
    ("James Smith", "James", "Smith", "1600 Elm Ave NW", "Riverside", "92501", "Globex LLC"),
    ("Linda Johnson", "Linda", "Johnson", "221 Baker St", "Fairview", "37062", "Initech Corp"),
    ("Robert Brown", "Robert", "Brown", "5 Maple Rd", "Madison", "53703", "Umbrella Ltd"),
    ("Xochitl Okonkwo", "Xochitl", "Okonkwo", "77 Sunset Blvd", "Clinton", "61727", "Hooli Inc"),
    ("Patricia Miller", "Patricia", "Miller", "9 Cedar Dr", "Salem", "97301", "Vandelay Co"),
]


def write_csv(path: Path, header: list[str], rows: list[tuple[str, ...]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def judged(report: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Column name -> (verdict, the rule that fills most of it)."""
    return {
        c["field"]: (c["verdict"], c["matches"][0]["rule_id"] if c["matches"] else "")
        for c in report["columns"]
    }


def scan_json(run: RunPolicyctl, *args: str | Path) -> dict[str, Any]:
    result = run("scan", *args, "-f", "json", "--no-audit")
    assert result.code in (0, 1), result.err
    report: dict[str, Any] = result.json()
    return report


def test_columns_whose_header_names_them_are_judged_by_kind(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    header = ["name", "first_name", "Surname", "street", "city", "zip", "employer"]
    table = write_csv(tmp_path / "people.csv", header, PEOPLE)
    columns = judged(scan_json(run_policyctl, table))
    assert columns == {
        "name": ("pii", "pii.person-name"),
        "first_name": ("pii", "pii.person-name"),
        "Surname": ("pii", "pii.person-name"),
        "street": ("pii", "pii.street-address"),
        "city": ("pii", "pii.city"),
        "zip": ("pii", "pii.us-zip-code"),
        "employer": ("pii", "pii.organisation-name"),
    }


def test_columns_without_a_header_are_judged_by_their_values(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    table = tmp_path / "export.csv"  # no header row: the columns are "column 1" ...
    with table.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows((p[0], p[3], p[6]) for p in PEOPLE)
    columns = judged(scan_json(policyctl_in_process, table))
    assert columns == {
        "column 1": ("pii", "pii.person-name"),  # known given name + known surname
        "column 2": ("pii", "pii.street-address"),  # number, street, USPS suffix
        "column 3": ("pii", "pii.organisation-name"),  # mostly a legal form at the end
    }


def test_look_alike_columns_are_not_names_or_places(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    products = ["Widget Pro", "Gadget Max", "Sprocket", "Flux Capacitor", "Doohickey", "Gizmo"]
    colours = ["Brown", "White", "Green", "Black", "Gray", "Rose", "Olive", "Violet"]
    rows = [
        (products[i % 6], colours[i % 8], "yes" if i % 2 else "no", f"{i} Elm Street widgets")
        for i in range(24)
    ]
    header = ["name", "colour", "city", "notes"]
    table = write_csv(tmp_path / "catalogue.csv", header, rows)
    columns = judged(scan_json(policyctl_in_process, table))
    assert columns == {
        "name": ("clean", ""),  # product names are not known people's names
        "colour": ("clean", ""),  # single words that are also surnames: not enough alone
        "city": ("clean", ""),  # a yes/no flag is a category, whatever the header says
        "notes": ("clean", ""),  # a number and a street suffix, but not a street address
    }


def test_a_name_column_of_surnames_alone_is_judged_by_its_header_and_values(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    surnames = [(s,) for s in ("Kennedy", "Nixon", "Carter", "Reagan", "Clinton", "Ford")]
    named = write_csv(tmp_path / "presidents.csv", ["name"], surnames)
    unnamed = write_csv(tmp_path / "words.csv", ["word"], surnames)
    assert judged(scan_json(policyctl_in_process, named)) == {"name": ("pii", "pii.person-name")}
    assert judged(scan_json(policyctl_in_process, unnamed)) == {"word": ("clean", "")}


def test_every_cell_of_a_name_column_is_reported_with_per_cell(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    table = write_csv(tmp_path / "people.csv", ["last_name"], [(p[2],) for p in PEOPLE])
    report = scan_json(policyctl_in_process, table, "--per-cell")
    rows = [f["location"]["row"] for f in report["findings"] if f["rule_id"] == "pii.person-name"]
    assert rows == [1, 2, 3, 4, 5, 6]
    known = [f.get("validated") for f in report["findings"]]
    assert known == [True, True, True, True, None, True]  # Okonkwo is not on the census list


def test_name_findings_never_print_the_name(run_policyctl: RunPolicyctl, tmp_path: Path) -> None:
    table = write_csv(tmp_path / "people.csv", ["full_name"], [(p[0],) for p in PEOPLE])
    result = run_policyctl("scan", table, "--no-audit", "-f", "json")
    assert "pii.person-name" in result.out
    assert not any(p[0] in result.all_output for p in PEOPLE)


def test_only_the_column_rules_can_be_enabled_for_a_table(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    # every rule left applies to logs only: the table's matcher has no pattern at all
    table = write_csv(tmp_path / "people.csv", ["surname", "city"], [p[2:5:2] for p in PEOPLE])
    result = policyctl_in_process(
        "scan", table, "--enable", "pii.person-name", "--enable", "pii.city", "-f", "json"
    )
    assert result.code in (0, 1), result.err
    assert judged(result.json()) == {
        "surname": ("pii", "pii.person-name"),
        "city": ("pii", "pii.city"),
    }


def test_safe_harbor_names_are_assessed_and_a_name_column_violates_them(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    coverage = run_policyctl("policy", "coverage", "--pack", "hipaa", "-f", "json").json()
    status = {row["control"]: row for row in coverage}
    assert status["164.514(b)(2)(i)(A)"]["status"] == "served"
    assert "pii.person-name" in status["164.514(b)(2)(i)(A)"]["rules"]
    assert {"pii.street-address", "pii.city"} <= set(status["164.514(b)(2)(i)(B)"]["rules"])
    table = write_csv(tmp_path / "patients.csv", ["patient_name"], [(p[0],) for p in PEOPLE])
    result = run_policyctl("scan", table, "--pack", "hipaa", "-f", "json", "--no-audit")
    assert result.code == 1  # Safe Harbor (A) blocks
    [finding] = [f for f in result.json()["findings"] if f["rule_id"] == "pii.person-name"]
    assert "hipaa:164.514(b)(2)(i)(A)" in finding["controls"]


def test_names_and_places_under_their_keys_in_logs(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    log = tmp_path / "app.log"
    log.write_text(
        "hostname=Server ethnicity=White retry 3 Hard Drive\n"
        "signup first_name=Maria last_name=Garcia city=Springfield\n"
        "shipping address: 1600 Elm Ave NW\n"
    )
    report = scan_json(policyctl_in_process, log)
    found = sorted((f["location"]["line"], f["rule_id"]) for f in report["findings"])
    assert found == [
        (2, "pii.city"),
        (2, "pii.person-name"),
        (2, "pii.person-name"),
        (3, "pii.street-address"),
    ]
