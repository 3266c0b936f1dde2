"""`policyctl profile --epsilon`: only noisy aggregates of a dataset leave the machine."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests import pii_samples as pii
from tests.conftest import RunPolicyctl

ROWS = 300


def people_csv(folder: Path) -> tuple[Path, list[str]]:
    path = folder / "people.csv"
    emails = [pii.email(n) for n in range(ROWS)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "email", "note"])
        for n, address in enumerate(emails):
            writer.writerow([n, address if n % 3 else "", "ok"])
    return path, emails


def release(run: RunPolicyctl, path: Path, epsilon: str, *extra: str) -> dict[str, object]:
    result = run("profile", path, "--epsilon", epsilon, "-f", "json", *extra)
    assert result.code == 0, result.err
    return json.loads(result.out)  # type: ignore[no-any-return]


def email_column(document: dict[str, object]) -> dict[str, object]:
    [table] = document["tables"]  # type: ignore[index]
    return next(c for c in table["columns"] if c["column"] == "email")  # type: ignore[no-any-return]


def test_profile_releases_noisy_counts_close_to_the_truth_at_a_large_epsilon(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    path, emails = people_csv(tmp_path)
    result = run_policyctl("profile", path, "--epsilon", "5000", "-f", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    column = email_column(document)
    holding = sum(1 for n in range(ROWS) if n % 3)
    assert abs(column["rows"] - ROWS) <= 3  # type: ignore[operator]
    assert abs(column["classes"]["contact"]["rows"] - holding) <= 3  # type: ignore[index]
    assert document["privacy"]["epsilon"] == 5000
    # Every column reports every class, found or not: the released set is data-independent.
    assert len(column["classes"]) == 8  # type: ignore[arg-type]
    assert not any(address in result.all_output for address in emails)


def test_a_small_epsilon_gives_visibly_noisy_counts(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    path, _ = people_csv(tmp_path)
    seen = {email_column(release(run_policyctl, path, "0.5"))["rows"] for _ in range(4)}
    assert len(seen) > 1  # 27 counts share epsilon 0.5: scale 54, the runs differ


def test_each_release_is_recorded_in_the_audit_log_with_its_epsilon(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    path, _ = people_csv(tmp_path)
    log = tmp_path / "audit.jsonl"
    release(run_policyctl, path, "2", "--audit-log", str(log))
    [entry] = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert (entry["event"], entry["epsilon"], entry["released_counts"]) == ("profile", 2.0, 27)


def test_profile_of_no_dataset_is_an_input_error(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    (tmp_path / "app.py").write_text("x = 1\n", encoding="utf-8")
    result = run_policyctl("profile", tmp_path / "app.py", "--epsilon", "1")
    assert result.code == 2 and "no dataset column" in result.err
