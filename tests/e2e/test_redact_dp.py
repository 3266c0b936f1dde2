"""`policyctl redact --columns NAME=dp:...`: OpenDP noise on every number of a column,
the privacy budget of a run (`--dp-budget`) and its refusal, through the CLI.

Expected figures come from the definitions, not from the code: Laplace noise of scale
b = sensitivity / epsilon has mean 0 and mean absolute deviation b; a Gaussian of
standard deviation sigma is rho = sensitivity^2 / (2 sigma^2) zero-concentrated DP,
which is at most (rho + 2 sqrt(rho ln(1/delta)), delta)-DP (Bun and Steinke 2016).
"""

from __future__ import annotations

import csv
import json
import math
import random
import statistics
from pathlib import Path
from typing import Any

import pytest

from policyctl.schemas import schema_problems
from tests.conftest import RunPolicyctl

pytest.importorskip("opendp")

ROWS = 4000


def write_table(path: Path, rows: int = ROWS, seed: int = 7) -> list[dict[str, str]]:
    """A table of people: whole-number ages, incomes with three decimals, a note."""
    rng = random.Random(seed)
    table = [
        {
            "id": str(n),
            "age": str(rng.randint(18, 90)),
            "income": f"{rng.uniform(1000, 9000):.3f}",
            "note": "ok",
        }
        for n in range(rows)
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    return table


def read_table(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def redact_json(run: RunPolicyctl, *args: str | Path) -> dict[str, Any]:
    result = run("redact", *args, "-f", "json", "--no-audit")
    assert result.code == 0, result.err
    report: dict[str, Any] = json.loads(result.out)
    assert schema_problems(report, "redaction") == []
    return report


def test_laplace_noise_has_mean_zero_and_the_scale_epsilon_and_sensitivity_give(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    source = write_table(tmp_path / "people.csv")
    out = tmp_path / "shared.csv"
    report = redact_json(
        run_policyctl,
        tmp_path / "people.csv",
        "-o",
        out,
        "--columns",
        "income=dp:epsilon=0.5,sensitivity=5",
    )
    released = read_table(out)
    noise = [float(r["income"]) - float(s["income"]) for r, s in zip(released, source, strict=True)]
    scale = 5 / 0.5  # Laplace: b = sensitivity / epsilon
    # mean: standard error sqrt(2) b / sqrt(n) = 0.22; mean |noise|: b, standard error b / sqrt(n)
    assert abs(statistics.fmean(noise)) < 5 * math.sqrt(2) * scale / math.sqrt(ROWS)
    assert statistics.fmean(abs(x) for x in noise) == pytest.approx(scale, rel=0.08)
    assert len(set(noise)) > ROWS * 0.9  # each row its own draw (to three decimals)
    # The released income keeps its three decimals; the other columns are untouched.
    assert all(len(r["income"].partition(".")[2]) == 3 for r in released)
    assert [(r["id"], r["age"], r["note"]) for r in released] == [
        (s["id"], s["age"], s["note"]) for s in source
    ]
    [spent] = report["redaction"]["privacy"]["columns"]
    assert spent == {
        "column": "income",
        "mechanism": "laplace",
        "epsilon": 0.5,
        "delta": 0.0,
        "sensitivity": 5.0,
        "scale": scale,
    }
    [counted] = report["files"][0]["columns"]
    assert (counted["column"], counted["replaced"], counted["left"]) == ("income", ROWS, 0)


def test_gaussian_noise_spread_matches_the_scale_its_epsilon_and_delta_allow(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    source = write_table(tmp_path / "people.csv")
    out = tmp_path / "shared.csv"
    report = redact_json(
        policyctl_in_process,
        tmp_path / "people.csv",
        "-o",
        out,
        "--columns",
        "income=dp:mechanism=gaussian,epsilon=1,sensitivity=10,delta=1e-6",
    )
    noise = [
        float(r["income"]) - float(s["income"])
        for r, s in zip(read_table(out), source, strict=True)
    ]
    [spent] = report["redaction"]["privacy"]["columns"]
    sigma = spent["scale"]
    assert (spent["mechanism"], spent["delta"]) == ("gaussian", 1e-6)
    assert spent["epsilon"] == pytest.approx(1.0)
    assert abs(statistics.fmean(noise)) < 5 * sigma / math.sqrt(ROWS)
    assert statistics.pstdev(noise) == pytest.approx(sigma, rel=0.06)
    # sigma is no smaller than (epsilon, delta) allows, and not needlessly larger.
    rho = 10**2 / (2 * sigma**2)
    bound = rho + 2 * math.sqrt(rho * math.log(1 / 1e-6))
    assert 1.0 <= bound <= 1.5


def test_values_are_clamped_to_the_bounds_before_noise(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    table = tmp_path / "ages.csv"
    table.write_text("id,age\n1,-40\n2,35\n3,240\n4,120\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    # A huge epsilon makes the noise far below one year: what is left is the clamping.
    report = redact_json(
        policyctl_in_process,
        table,
        "-o",
        out,
        "--columns",
        "age=dp:epsilon=100000,lower=0,upper=120",
    )
    assert [r["age"] for r in read_table(out)] == ["0", "35", "120", "120"]
    [spent] = report["redaction"]["privacy"]["columns"]
    assert (spent["sensitivity"], spent["lower"], spent["upper"]) == (120.0, 0.0, 120.0)
    assert spent["scale"] == pytest.approx(120 / 100000)


def test_types_are_kept_and_cells_that_are_no_number_are_left_and_counted(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    records = [
        {"id": 1, "age": 40, "score": 2.5, "weight": 70.0, "code": "17", "dob": "n/a"},
        {"id": 2, "age": 51, "score": 3.25, "weight": 80.5, "code": "21", "dob": ""},
        {"id": 3, "age": "unknown", "score": None, "weight": 60.0, "code": "x"},
    ]
    data = tmp_path / "people.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    columns = ["age", "score", "weight", "$.code"]
    args: list[str | Path] = [data, "-o", out]
    for name in columns:
        args += ["--columns", f"{name}=dp:epsilon=1,sensitivity=1"]
    report = redact_json(policyctl_in_process, *args)
    released = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [type(r["age"]) for r in released] == [int, int, str]
    assert released[2]["age"] == "unknown"  # not a number: left as it is
    assert [type(r["score"]) for r in released] == [float, float, type(None)]
    assert all(type(r["weight"]) is float for r in released)  # 70.0 is no whole number
    assert [type(r["code"]) for r in released] == [str, str, str]  # "17" stays a string
    assert released[0]["code"].lstrip("-").isdigit() and released[2]["code"] == "x"
    assert [r["id"] for r in released] == [1, 2, 3]
    counted = {c["column"]: c for c in report["files"][0]["columns"]}
    assert (counted["$.age"]["replaced"], counted["$.age"]["left"]) == (2, 1)
    assert (counted["$.code"]["replaced"], counted["$.code"]["left"]) == (2, 1)
    assert counted["$.weight"]["replaced"] == 3
    assert report["redaction"]["privacy"]["spent"] == pytest.approx(4.0)


def test_parquet_columns_keep_their_types(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    ages = list(range(20, 80))
    weights = [50.0 + n / 4 for n in range(60)]
    table = pa.table(
        {
            "age": pa.array(ages, type=pa.int64()),
            "weight": pa.array(weights, type=pa.float64()),
            "name": pa.array([f"p{n}" for n in range(60)]),
        }
    )
    pq.write_table(table, tmp_path / "people.parquet")
    out = tmp_path / "out.parquet"
    report = redact_json(
        policyctl_in_process,
        tmp_path / "people.parquet",
        "-o",
        out,
        "--columns",
        "age=dp:epsilon=2,lower=0,upper=100",
        "--columns",
        "weight=dp:epsilon=1,sensitivity=2",
    )
    released = pq.read_table(out)
    assert released.schema == table.schema
    assert released.column("age").null_count == 0 and released.column("weight").null_count == 0
    assert released.column("name").to_pylist() == table.column("name").to_pylist()
    new_weights = released.column("weight").to_pylist()
    assert sum(1 for a, b in zip(new_weights, weights, strict=True) if a != b) == 60
    assert any(w != round(w) for w in new_weights)  # floats are not rounded
    assert released.column("age").to_pylist() != ages
    assert report["redaction"]["privacy"]["spent"] == pytest.approx(3.0)


def test_the_budget_is_spent_per_column_and_recorded_in_the_audit_log(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    write_table(tmp_path / "people.csv", rows=50)
    log = tmp_path / "audit.jsonl"
    report_file = tmp_path / "report.json"
    result = run_policyctl(
        "redact",
        tmp_path / "people.csv",
        "-o",
        tmp_path / "out.csv",
        "--columns",
        "age=dp:epsilon=0.3,lower=0,upper=120",
        "--columns",
        "income=dp:epsilon=0.5,sensitivity=100",
        "--dp-budget",
        "1",
        "--audit-log",
        log,
        "--report",
        report_file,
        "-f",
        "json",
    )
    assert result.code == 0, result.err
    privacy = json.loads(report_file.read_text(encoding="utf-8"))["redaction"]["privacy"]
    assert privacy["budget"] == 1.0
    assert privacy["spent"] == pytest.approx(0.8)
    assert {c["column"]: c["epsilon"] for c in privacy["columns"]} == pytest.approx(
        {"age": 0.3, "income": 0.5}
    )
    assert {c["column"]: c["scale"] for c in privacy["columns"]} == pytest.approx(
        {"age": 120 / 0.3, "income": 100 / 0.5}
    )
    [entry] = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert entry["event"] == "redact" and entry["privacy"] == privacy


def test_a_run_over_the_budget_refuses_before_writing_anything(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    write_table(tmp_path / "people.csv", rows=20)
    out = tmp_path / "shared" / "out.csv"
    log = tmp_path / "audit.jsonl"
    result = run_policyctl(
        "redact",
        tmp_path / "people.csv",
        "-o",
        out,
        "--columns",
        "age=dp:epsilon=0.5,lower=0,upper=120",
        "--columns",
        "income=dp:epsilon=0.5,sensitivity=100",
        "--dp-budget",
        "0.9",
        "--audit-log",
        log,
    )
    assert result.code == 2
    assert "over the budget of 0.9" in result.err and "age 0.5, income 0.5" in result.err
    assert not out.parent.exists() and not log.exists()


def test_columns_and_budget_from_the_config_file(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    write_table(tmp_path / "people.csv", rows=20)
    config = tmp_path / "policyctl.yaml"
    config.write_text(
        "redaction:\n"
        "  dp_budget: 1\n"
        "  columns:\n"
        "    age: {strategy: dp, epsilon: 0.5, lower: 0, upper: 120}\n"
        "    income: {strategy: dp, epsilon: 0.75, sensitivity: 100}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    refused = policyctl_in_process(
        "redact", tmp_path / "people.csv", "-o", out, "-c", config, "--no-audit"
    )
    assert refused.code == 2 and "over the budget of 1" in refused.err and not out.exists()
    # The command line replaces the file's entry for a column, and its budget.
    report = redact_json(
        policyctl_in_process,
        tmp_path / "people.csv",
        "-o",
        out,
        "-c",
        config,
        "--columns",
        "income=mask",
    )
    assert report["redaction"]["privacy"]["spent"] == pytest.approx(0.5)
    assert {r["income"] for r in read_table(out)} <= {"*" * 8}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("age=dp:sensitivity=1", "dp needs an epsilon"),
        ("age=dp:epsilon=0,sensitivity=1", "epsilon must be a positive number"),
        ("age=dp:epsilon=1", "give a sensitivity, or lower and upper bounds"),
        ("age=dp:epsilon=1,lower=5", "give both lower and upper"),
        ("age=dp:epsilon=nan,sensitivity=1", "must be a finite number"),
        ("age=dp:epsilon=1,sensitivity=1,mechanism=cauchy", "one of laplace, gaussian"),
        ("age=dp:epsilon=1,scale=3", "dp has no option 'scale'"),
        ("age=blur", "unknown strategy 'blur'"),
        ("age", "expected NAME=STRATEGY"),
    ],
)
def test_a_bad_column_spec_is_one_clear_line_and_exit_2(
    tmp_path: Path, policyctl_in_process: RunPolicyctl, spec: str, message: str
) -> None:
    write_table(tmp_path / "people.csv", rows=5)
    out = tmp_path / "out.csv"
    result = policyctl_in_process("redact", tmp_path / "people.csv", "-o", out, "--columns", spec)
    assert result.code == 2 and message in result.err, result.err
    assert not out.exists()


def test_whole_column_with_any_strategy_and_a_large_table_in_worker_processes(
    tmp_path: Path, run_policyctl: RunPolicyctl
) -> None:
    rows = 40000  # over a megabyte: batches go to two worker processes
    source = write_table(tmp_path / "people.csv", rows=rows)
    out = tmp_path / "out.csv"
    report = redact_json(
        run_policyctl,
        tmp_path / "people.csv",
        "-o",
        out,
        "--jobs",
        "2",
        "--columns",
        "note=mask",
        "--columns",
        "age=dp:epsilon=1,lower=0,upper=120",
    )
    released = read_table(out)
    assert {r["note"] for r in released} == {"**"}
    assert (
        sum(1 for r, s in zip(released, source, strict=True) if r["age"] != s["age"]) > rows * 0.9
    )
    counted = {c["column"]: c for c in report["files"][0]["columns"]}
    assert counted["note"]["replaced"] == rows and counted["age"]["replaced"] == rows
    assert report["summary"]["by_strategy"]["mask"] == rows


def test_a_secret_in_a_hashed_column_is_masked_and_the_terminal_report_shows_the_spend(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    from tests.fakes import github_pat
    from tests.redact_samples import REDACT_KEY

    token = github_pat(3)
    table = tmp_path / "logins.csv"
    table.write_text(f"user,secret,age\nann,plain-words,30\nbo,{token},40\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = policyctl_in_process(
        "redact",
        table,
        "-o",
        out,
        "--columns",
        "secret=hash",
        "--columns",
        "age=dp:epsilon=0.5,lower=0,upper=120",
        "--dp-budget",
        "1",
        "--no-audit",
        env={"POLICYCTL_REDACT_KEY": REDACT_KEY},
    )
    assert result.code == 0, result.err
    rows = read_table(out)
    assert rows[0]["secret"].startswith("h_")  # the column's own strategy
    assert rows[1]["secret"] == "*" * len(token)  # a secret is masked, never hashed
    assert token not in result.all_output and token not in out.read_text(encoding="utf-8")
    assert "privacy: epsilon 0.5 spent (budget 1): age laplace epsilon 0.5 scale 240" in result.out
