"""A column of web addresses is personal data (verdict `pii`, redacted whole) only when
its addresses identify people: a column of product pages is `partial`, its addresses
reported and redacted one by one by `pii.url`, and a value no rule matches in it is
kept. Through the installed command, on real CSV files."""

from __future__ import annotations

import csv
from pathlib import Path

from policyctl.schemas import schema_problems
from tests.conftest import RunPolicyctl

SITE = "https://" + "shop.acme-widgets.co.uk"
ODD = "see front desk"


def write_links(folder: Path) -> Path:
    path = folder / "links.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "product_url", "profile_url"])
        for n in range(1, 9):
            out.writerow([n, f"{SITE}/products/{1000 + n}", f"{SITE}/users/{5000 + n}"])
        out.writerow([9, ODD, ODD])
    return path


def test_a_column_of_product_links_is_partial_and_one_of_profile_links_is_pii(
    run_policyctl: RunPolicyctl, tmp_path: Path
) -> None:
    write_links(tmp_path)
    done = run_policyctl("scan", "links.csv", "-f", "json", "--no-progress", cwd=tmp_path)
    report = done.json()
    assert schema_problems(report, "report") == []  # `personal` is part of the schema
    columns = {c["field"]: c for c in report["columns"]}
    assert columns["product_url"]["verdict"] == "partial"
    assert columns["product_url"]["matches"][0]["personal"] == 0
    assert columns["profile_url"]["verdict"] == "pii"
    assert columns["profile_url"]["matches"][0]["personal"] == 8


def test_redact_masks_a_profile_link_column_whole_and_product_links_one_by_one(
    policyctl_in_process: RunPolicyctl, tmp_path: Path
) -> None:
    write_links(tmp_path)
    done = policyctl_in_process("redact", "links.csv", "-o", "out.csv", cwd=tmp_path)
    assert done.code == 0, done.err
    with (tmp_path / "out.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["profile_url"] for r in rows][-1] == "*" * len(ODD)
    assert all(set(r["profile_url"]) == {"*"} for r in rows)
    assert rows[-1]["product_url"] == ODD
    assert all(set(r["product_url"]) == {"*"} for r in rows[:-1])
