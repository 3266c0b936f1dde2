"""`policyctl redact` on datasets, through the installed command: CSV/TSV, JSON, JSON
lines and Parquet copies of the same kind, with only the sensitive values changed."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest

from policyctl.schemas import schema_problems
from policyctl.validators.checksums import luhn
from tests.conftest import Run, RunPolicyctl
from tests.redact_samples import (
    CARD,
    CUSTOMER,
    DOB,
    EMAIL,
    OTHER_EMAIL,
    OTHER_REDACT_KEY,
    PLANTED_RULE_IDS,
    REDACT_KEY,
    ZIP,
    write_sample_rules,
)

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

KEY_ENV = {"POLICYCTL_REDACT_KEY": REDACT_KEY}
SENSITIVE = [EMAIL, OTHER_EMAIL, CARD, ZIP, DOB, CUSTOMER]

HEADER = ["id", "name", "email", "card", "zip", "dob", "customer", "amount", "note"]
SENSITIVE_COLUMNS = {"email", "card", "zip", "dob", "customer"}
ROWS = [
    ["1", "Jane", EMAIL, CARD, ZIP, DOB, CUSTOMER, "12.50", "first, visit"],
    ["2", "Tom", "none", "n/a", "", "", "", "7.00", "plain"],
    ["3", "Ann", OTHER_EMAIL, "", "", "", "", "3.25", 'said "hi"'],
    ["4", "Bo", "", "", "", "", "", "0.10", "no data"],
]
QUOTED = {(1, 1), (3, 1)}
"""(row, column) of cells written quoted although they need not be: the copy keeps it."""


def field_text(value: str, delimiter: str, quoted: bool) -> str:
    """A cell as a CSV writer that quotes only when it must (or when told) writes it."""
    if quoted or any(ch in value for ch in (delimiter, '"', "\n")):
        return '"' + value.replace('"', '""') + '"'
    return value


def table_text(rows: list[list[str]], delimiter: str = ",") -> str:
    """The table with CRLF line endings and the cells in QUOTED quoted."""
    lines = [delimiter.join(HEADER)]
    for r, row in enumerate(rows, 1):
        lines.append(
            delimiter.join(field_text(v, delimiter, (r, c) in QUOTED) for c, v in enumerate(row))
        )
    return "\r\n".join(lines) + "\r\n"


def masked_rows() -> list[list[str]]:
    """ROWS with every sensitive value masked, its length kept: what mask must give."""
    return [["*" * len(v) if v in SENSITIVE else v for v in row] for row in ROWS]


RECORDS: list[dict[str, Any]] = [
    {
        "id": 1,
        "customer": {"email": EMAIL, "zip": ZIP, "dob": DOB, "tags": ["vip", OTHER_EMAIL]},
        "card": CARD,
        "active": True,
        "note": None,
        "amount": 12.5,
    },
    {"id": 2, "customer": {"name": "Tom", "tags": []}, "active": False, "amount": 7},
    {"id": 3, "customer": {"name": "Ann", "id": CUSTOMER}, "note": 'said "hi" — ok'},
]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The sample rules and one file of each kind, all holding the planted values."""
    write_sample_rules(tmp_path)
    (tmp_path / "people.csv").write_bytes(table_text(ROWS).encode())
    (tmp_path / "people.tsv").write_bytes(table_text(ROWS, "\t").encode())
    (tmp_path / "people.csv.gz").write_bytes(gzip.compress(table_text(ROWS).encode(), mtime=0))
    lines = [json.dumps(RECORDS[0]), json.dumps(RECORDS[1], separators=(",", ":"))]
    lines.append(json.dumps(RECORDS[2], ensure_ascii=False))
    (tmp_path / "people.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "people.json").write_text(json.dumps(RECORDS, indent=2) + "\n", encoding="utf-8")
    pq.write_table(parquet_table(), tmp_path / "people.parquet", compression="zstd")
    return tmp_path


def parquet_table() -> Any:
    table = pa.table(
        {
            "id": pa.array([1, 2, 3, 4], pa.int32()),
            "email": [EMAIL, "none", OTHER_EMAIL, None],
            "card": pa.array([int(CARD.replace(" ", "")), 5, None, 7], pa.int64()),
            "customer": [{"zip": ZIP, "city": "LA"}, {"zip": "n/a", "city": "NY"}, None, None],
            "amount": [12.5, 7.0, 3.25, None],
            "note": ["first, visit", "plain", 'said "hi"', "no data"],
        }
    )
    return table.replace_schema_metadata({"made-by": "tests"})


PARQUET_PLANTED = {"pii.email-address", "pii.payment-card-number", "pii.us-zip-code"}
"""The planted values the Parquet sample holds (no date of birth, no customer number)."""

KINDS = [
    "people.csv",
    "people.tsv",
    "people.csv.gz",
    "people.jsonl",
    "people.json",
    "people.parquet",
]


KEPT_TO_THE_RULES = (
    *sorted(SENSITIVE_COLUMNS),
    *(f"customer.{name}" for name in ("email", "zip", "dob", "tags[*]", "id")),
)
"""The samples' columns that a scan judges personal data (columns.judged_columns would
redact them whole): these tests are about the values the rules find, so the columns are
kept to the rules (`--columns NAME=keep`); test_redact_judged_columns.py covers the
whole-column redaction, and the last test here its effect on these samples."""


def redact(
    run: RunPolicyctl, folder: Path, *args: str, key: str = REDACT_KEY, judged: bool = False
) -> Run:
    kept = [] if judged else [f"--columns={name}=keep" for name in KEPT_TO_THE_RULES]
    done = run(
        "redact",
        *args,
        *kept,
        "--rules",
        folder / "sample-pii.yaml",
        "--no-audit",
        cwd=folder,
        env={"POLICYCTL_REDACT_KEY": key},
    )
    assert done.code == 0, done.err
    return done


def rule_ids_by_file(run: RunPolicyctl, folder: Path, scanned: str) -> dict[str, set[str]]:
    """The rule ids `policyctl scan` finds in each file of folder/scanned. A `.json` file
    is configuration to `scan` unless named with `--as json`, so it is scanned on its own,
    as the dataset `redact` reads it as."""
    documents = sorted((folder / scanned).glob("*.json"))
    found: dict[str, set[str]] = {}
    for targets, extra in (
        ([scanned], ["--exclude", "*.json"]),
        ([str(p.relative_to(folder)) for p in documents], ["--as", "json"]),
    ):
        if not targets:
            continue
        done = run(
            "scan",
            *targets,
            *extra,
            "--rules",
            folder / "sample-pii.yaml",
            "-f",
            "json",
            "--no-progress",
            cwd=folder,
        )
        assert done.code in (0, 1), done.err
        for finding in done.json()["findings"]:
            name = Path(str(finding["location"]["path"])).name
            found.setdefault(name, set()).add(str(finding["rule_id"]))
    return found


def copy_name(name: str, tag: str) -> str:
    stem, _, extension = name.partition(".")
    return f"{stem}-{tag}.{extension}"


@pytest.mark.parametrize("strategy", ["mask", "hash"])
def test_scanning_the_redacted_copies_finds_none_of_the_redacted_classes(
    workspace: Path, policyctl_in_process: RunPolicyctl, strategy: str
) -> None:
    originals = workspace / "originals"
    originals.mkdir()
    for name in KINDS:
        (originals / name).write_bytes((workspace / name).read_bytes())
    redact(policyctl_in_process, workspace, *KINDS, "-o", "copies/", "-s", strategy)
    assert sorted(p.name for p in (workspace / "copies").iterdir()) == sorted(KINDS)
    planted = {
        n: PARQUET_PLANTED if n.endswith(".parquet") else set(PLANTED_RULE_IDS) for n in KINDS
    }
    assert rule_ids_by_file(policyctl_in_process, workspace, "originals") == planted
    assert rule_ids_by_file(policyctl_in_process, workspace, "copies") == {}


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_a_table_copy_changes_only_its_sensitive_cells(
    workspace: Path, policyctl_in_process: RunPolicyctl, delimiter: str
) -> None:
    name = "people.csv" if delimiter == "," else "people.tsv"
    redact(policyctl_in_process, workspace, name, "-o", copy_name(name, "clean"))
    copy = (workspace / copy_name(name, "clean")).read_bytes()
    assert copy == table_text(masked_rows(), delimiter).encode()


def test_a_gzip_table_gives_a_gzip_copy(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    redact(policyctl_in_process, workspace, "people.csv.gz", "-o", "clean.csv.gz")
    copy = (workspace / "clean.csv.gz").read_bytes()
    assert copy[:2] == b"\x1f\x8b"
    assert gzip.decompress(copy) == table_text(masked_rows()).encode()


def test_remove_empties_a_table_cell_and_keeps_the_columns(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    redact(policyctl_in_process, workspace, "people.csv", "-o", "removed.csv", "-s", "remove")
    rows = list(csv.reader(io.StringIO((workspace / "removed.csv").read_text())))
    assert rows[0] == HEADER
    expected = [["" if v in SENSITIVE else v for v in row] for row in ROWS]
    assert rows[1:] == expected


def test_a_row_with_the_wrong_number_of_fields_is_kept_redacted_with_a_warning(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    text = table_text(ROWS) + f"5,Short,{EMAIL}\r\n6,Fine,,,,,,1.00,end\r\n"
    (workspace / "ragged.csv").write_text(text, encoding="utf-8")
    # six rows of first names make the name column personal data, redacted whole;
    # kept here so the copy shows the ragged row's own handling
    done = redact(
        policyctl_in_process, workspace, "ragged.csv", "-o", "clean.csv", "--columns", "name=keep"
    )
    copy = (workspace / "clean.csv").read_bytes().decode("utf-8")
    assert (
        copy
        == table_text(masked_rows()) + f"5,Short,{'*' * len(EMAIL)}\r\n6,Fine,,,,,,1.00,end\r\n"
    )
    assert "ragged.csv: row 5 (line 6): has 3 fields where the header has 9" in done.err


def json_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def test_a_json_lines_copy_changes_only_the_records_with_sensitive_values(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    redact(policyctl_in_process, workspace, "people.jsonl", "-o", "clean.jsonl")
    original, copy = json_lines(workspace / "people.jsonl"), json_lines(workspace / "clean.jsonl")
    assert copy[1] == original[1]  # nothing sensitive: byte for byte
    first = json.loads(copy[0])
    assert first == {
        **RECORDS[0],
        "customer": {
            "email": "*" * len(EMAIL),
            "zip": "*" * len(ZIP),
            "dob": "*" * len(DOB),
            "tags": ["vip", "*" * len(OTHER_EMAIL)],
        },
        "card": "*" * len(CARD),
    }
    assert copy[0] == json.dumps(first) + "\n"  # the record's own layout
    assert copy[2] == json.dumps(json.loads(copy[2]), ensure_ascii=False) + "\n"


def test_a_json_document_keeps_its_layout_keys_and_types(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    redact(policyctl_in_process, workspace, "people.json", "-o", "clean.json", "-s", "tokenize")
    copy = (workspace / "clean.json").read_text(encoding="utf-8")
    records = json.loads(copy)
    assert copy == json.dumps(records, indent=2) + "\n"
    assert [list(r) for r in records] == [list(r) for r in RECORDS]
    assert records[1] == RECORDS[1]
    assert records[0]["active"] is True and records[0]["amount"] == 12.5
    assert records[0]["customer"]["email"].startswith("tok_")


def test_a_number_keeps_its_type_when_the_stand_in_is_a_number(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    card = int(CARD.replace(" ", ""))
    (workspace / "cards.jsonl").write_text(json.dumps({"card": card}) + "\n")
    redact(policyctl_in_process, workspace, "cards.jsonl", "-o", "fpe.jsonl", "-s", "fpe:luhn=true")
    redact(policyctl_in_process, workspace, "cards.jsonl", "-o", "masked.jsonl")
    encrypted = json.loads((workspace / "fpe.jsonl").read_text())["card"]
    assert isinstance(encrypted, int) and encrypted != card and luhn(str(encrypted))
    assert json.loads((workspace / "masked.jsonl").read_text())["card"] == "*" * len(str(card))


def test_remove_drops_the_json_field(workspace: Path, policyctl_in_process: RunPolicyctl) -> None:
    redact(policyctl_in_process, workspace, "people.jsonl", "-o", "removed.jsonl", "-s", "remove")
    first = json.loads(json_lines(workspace / "removed.jsonl")[0])
    assert first["customer"] == {"tags": ["vip", None]}
    assert "card" not in first


def test_a_line_that_is_not_json_is_kept_redacted_with_a_warning(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    broken = f'{{"user": "{EMAIL}", oops\n'
    text = (workspace / "people.jsonl").read_text() + broken
    (workspace / "broken.jsonl").write_text(text)
    done = redact(policyctl_in_process, workspace, "broken.jsonl", "-o", "clean.jsonl")
    assert json_lines(workspace / "clean.jsonl")[-1] == broken.replace(EMAIL, "*" * len(EMAIL))
    assert "broken.jsonl: line 4: not valid JSON" in done.err


def test_a_json_lines_log_stays_valid_json(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    card = int(CARD.replace(" ", ""))
    log = f'{{"level":"info","user":"{EMAIL}","card":{card}}}\n{{"level":"debug","n":1}}\n'
    (workspace / "app.log").write_text(log)
    redact(policyctl_in_process, workspace, "app.log", "-o", "clean.log")
    lines = json_lines(workspace / "clean.log")
    assert json.loads(lines[0]) == {"level": "info", "user": "*" * len(EMAIL), "card": "*" * 16}
    assert lines[1] == log.splitlines(keepends=True)[1]


def test_a_parquet_copy_keeps_the_schema_and_the_untouched_columns(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    redact(policyctl_in_process, workspace, "people.parquet", "-o", "clean.parquet")
    original, copy = (
        pq.read_table(workspace / "people.parquet"),
        pq.read_table(workspace / "clean.parquet"),
    )
    assert copy.schema.equals(original.schema, check_metadata=True)
    for name in ("id", "amount", "note"):
        assert copy.column(name).equals(original.column(name)), name
    assert copy.column("email").to_pylist() == [
        "*" * len(EMAIL),
        "none",
        "*" * len(OTHER_EMAIL),
        None,
    ]
    assert copy.column("customer").to_pylist()[:2] == [
        {"zip": "*" * len(ZIP), "city": "LA"},
        {"zip": "n/a", "city": "NY"},
    ]
    assert copy.column("card").to_pylist() == [None, 5, None, 7]  # `****` is no int64
    codec = pq.ParquetFile(workspace / "clean.parquet").metadata.row_group(0).column(0)
    assert codec.compression == "ZSTD"


def test_parquet_fpe_keeps_a_number_column_numeric(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    redact(policyctl_in_process, workspace, "people.parquet", "-o", "fpe.parquet", "-s", "fpe")
    cards = pq.read_table(workspace / "fpe.parquet").column("card").to_pylist()
    original = int(CARD.replace(" ", ""))
    assert cards[1:] == [5, None, 7]
    assert isinstance(cards[0], int) and cards[0] != original
    assert len(str(cards[0])) == len(str(original))


def values_at(path: Path) -> list[str]:
    """The planted places of a copy: its sensitive cells, values or columns, in order."""
    name = path.name
    if name.endswith(".parquet"):
        table = pq.read_table(path)
        return [str(v) for v in table.column("email").to_pylist()] + [
            str(c["zip"]) if c else "" for c in table.column("customer").to_pylist()
        ]
    if name.endswith(".jsonl"):
        first = json.loads(json_lines(path)[0])
        return [first["customer"]["email"], first["customer"]["zip"], first["card"]]
    rows = list(csv.reader(io.StringIO(path.read_text())))
    return [row[HEADER.index(c)] for row in rows[1:] for c in sorted(SENSITIVE_COLUMNS)]


@pytest.mark.parametrize("name", ["people.csv", "people.jsonl", "people.parquet"])
def test_hash_is_stable_with_the_same_key_and_differs_with_another(
    workspace: Path, policyctl_in_process: RunPolicyctl, name: str
) -> None:
    for tag, key in (("a", REDACT_KEY), ("b", REDACT_KEY), ("other", OTHER_REDACT_KEY)):
        redact(
            policyctl_in_process, workspace, name, "-o", copy_name(name, tag), "-s", "hash", key=key
        )
    first, again, other = (workspace / copy_name(name, t) for t in ("a", "b", "other"))
    assert first.read_bytes() == again.read_bytes()
    hashed = [v for v in values_at(first) if v.startswith("h_")]
    assert len(hashed) >= 3
    assert not set(hashed) & set(values_at(other))


@pytest.mark.parametrize("name", ["people.csv", "people.tsv", "people.jsonl", "people.json"])
def test_tokenize_round_trips_through_detokenize(
    workspace: Path, run_policyctl: RunPolicyctl, name: str
) -> None:
    copy = copy_name(name, "tokens")
    redact(run_policyctl, workspace, name, "-o", copy, "-s", "tokenize")
    assert not [v for v in SENSITIVE if v in (workspace / copy).read_text()]
    back = run_policyctl(
        "detokenize", "--reason", "test", "--file", copy, cwd=workspace, env=KEY_ENV
    )
    assert back.code == 0, back.err
    assert back.out == (workspace / name).read_text()


def test_tokenize_round_trips_in_parquet(workspace: Path, run_policyctl: RunPolicyctl) -> None:
    redact(run_policyctl, workspace, "people.parquet", "-o", "tokens.parquet", "-s", "tokenize")
    emails = pq.read_table(workspace / "tokens.parquet").column("email").to_pylist()
    back = run_policyctl("detokenize", "--reason", "test", emails[0], emails[2], env=KEY_ENV)
    assert back.code == 0, back.err
    assert back.out.splitlines() == [EMAIL, OTHER_EMAIL]


def character_classes(text: str) -> str:
    return "".join("9" if ch.isdigit() else "a" if ch.isalpha() else ch for ch in text)


@pytest.mark.parametrize("name", ["people.csv", "people.jsonl"])
def test_fpe_keeps_length_and_character_classes(
    workspace: Path, policyctl_in_process: RunPolicyctl, name: str
) -> None:
    copy = copy_name(name, "fpe")
    redact(policyctl_in_process, workspace, name, "-o", copy, "-s", "fpe:luhn=true")
    if name.endswith(".csv"):
        row = list(csv.reader(io.StringIO((workspace / copy).read_text())))[1]
        card, email = row[HEADER.index("card")], row[HEADER.index("email")]
    else:
        first = json.loads(json_lines(workspace / copy)[0])
        card, email = first["card"], first["customer"]["email"]
    assert card != CARD and character_classes(card) == character_classes(CARD)
    assert luhn(card.replace(" ", ""))
    assert email != EMAIL and character_classes(email) == character_classes(EMAIL)


def test_the_report_counts_per_rule_and_column(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    done = redact(
        policyctl_in_process, workspace, "people.csv", "people.jsonl", "-o", "copies", "-f", "json"
    )
    report = done.json()
    assert schema_problems(report, "redaction") == []
    files = {f["input"]: f for f in report["files"]}
    table = {(c["rule_id"], c["column"]): c["count"] for c in files["people.csv"]["counts"]}
    assert table == {
        ("pii.email-address", "email"): 2,
        ("pii.payment-card-number", "card"): 1,
        ("pii.us-zip-code", "zip"): 1,
        ("pii.date-of-birth", "dob"): 1,
        ("sample.customer-id", "customer"): 1,
    }
    columns = {c["column"] for c in files["people.jsonl"]["counts"]}
    assert "$.customer.tags[*]" in columns
    assert (files["people.csv"]["format"], files["people.csv"]["records"]) == ("csv", 4)


COPIES = 6000
"""Copies of the sample rows: a table larger than one batch of records (about 1 MB),
so that its batches go to worker processes."""


def test_a_large_table_is_redacted_alike_by_worker_processes(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    rows = ROWS * COPIES
    text = table_text(rows)
    assert len(text) > 1 << 20
    (workspace / "big.csv").write_bytes(text.encode())
    counts = {}
    for jobs in ("1", "2"):
        done = redact(
            policyctl_in_process,
            workspace,
            "big.csv",
            "-o",
            f"big-{jobs}.csv",
            "--jobs",
            jobs,
            "-f",
            "json",
        )
        [record] = done.json()["files"]
        counts[jobs] = {(c["rule_id"], c["column"]): c["count"] for c in record["counts"]}
        assert record["records"] == len(rows)
    expected = table_text(masked_rows() * COPIES).encode()
    assert (workspace / "big-2.csv").read_bytes() == expected
    assert (workspace / "big-1.csv").read_bytes() == expected
    assert counts["2"] == counts["1"]
    assert counts["2"][("pii.email-address", "email")] == 2 * COPIES


def test_a_large_json_document_is_redacted_alike_by_worker_processes(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    (workspace / "big.json").write_text(json.dumps(RECORDS * 3000, indent=2) + "\n")
    (workspace / "big.jsonl").write_text("".join(json.dumps(r) + "\n" for r in RECORDS * 3000))
    for name in ("big.json", "big.jsonl"):
        copies = []
        for jobs in ("1", "2"):
            copy = copy_name(name, jobs)
            redact(policyctl_in_process, workspace, name, "-o", copy, "--jobs", jobs, "-s", "hash")
            copies.append((workspace / copy).read_bytes())
        assert copies[0] == copies[1]
        redacted = (
            [json.loads(line) for line in copies[1].splitlines()]
            if name.endswith("l")
            else json.loads(copies[1])
        )
        assert len(redacted) == len(RECORDS) * 3000
        assert EMAIL.encode() not in copies[1]
        assert redacted[3]["customer"]["email"].startswith("h_")


def test_the_judged_columns_of_the_samples_are_redacted_whole(
    workspace: Path, policyctl_in_process: RunPolicyctl
) -> None:
    scanned = policyctl_in_process(
        "scan", "people.csv", "--rules", "sample-pii.yaml", "-f", "json", cwd=workspace
    )
    verdicts = {c["field"]: c["verdict"] for c in scanned.json()["columns"]}
    # e-mail addresses fill half of the rows of `email`; one card in four rows is partial
    assert (verdicts["email"], verdicts["card"]) == ("pii", "partial")
    redact(policyctl_in_process, workspace, "people.csv", "-o", "whole.csv", judged=True)
    rows = list(csv.reader(io.StringIO((workspace / "whole.csv").read_text())))
    expected = masked_rows()
    expected[1][HEADER.index("email")] = "****"  # `none`: a value of a personal-data column
    assert rows[1:] == expected
