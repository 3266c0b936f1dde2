"""Context words, column names and confidence thresholds decide which personal-data
matches are reported; a large table split across workers gives the same result."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from policyctl.app.scan import ScanRequest, run_scan_request
from policyctl.core.config import Settings
from policyctl.core.model import Chunk, Location
from policyctl.detection.detect import DetectOptions, detect
from policyctl.detection.rules import Ruleset, compile_ruleset, load_rules
from policyctl.sources import datasets
from tests import pii_samples as pii


@pytest.fixture
def ruleset(builtin_ruleset: Ruleset) -> Ruleset:
    return builtin_ruleset


def found(ruleset: Ruleset, text: str, **options: Any) -> dict[str, float]:
    chunk = Chunk(data=text.encode(), origin=Location(path="t.log"), kind="logs")
    return {f.rule_id: f.confidence for f in detect(chunk, ruleset, DetectOptions(**options))}


def test_a_context_word_raises_confidence(ruleset: Ruleset) -> None:
    plain = found(ruleset, f"value {pii.ssn()}")["pii.us-ssn"]
    with_word = found(ruleset, f"SSN: {pii.ssn()}")["pii.us-ssn"]
    assert with_word > plain


def test_a_negative_word_lowers_confidence_below_the_threshold(ruleset: Ruleset) -> None:
    assert "pii.us-ssn" not in found(ruleset, f"fax {pii.ssn()}")


def test_a_bare_number_needs_its_context_word(ruleset: Ruleset) -> None:
    assert "pii.us-ssn-digits" not in found(ruleset, f"ref {pii.ssn_digits()}")
    assert "pii.us-ssn-digits" in found(ruleset, f"ssn {pii.ssn_digits()}")


def test_a_strong_checks_digits_alone_on_a_line_count_it_as_context(ruleset: Ruleset) -> None:
    pesel = "440514" + "01359"
    assert found(ruleset, f"{pesel}\n")["pii.pl-pesel"] >= 0.5
    assert found(ruleset, f"  {pesel}  \r\nnext line\n")["pii.pl-pesel"] >= 0.5
    assert "pii.pl-pesel" not in found(ruleset, f"batch {pesel}\n")
    # on a long line a hit is not even confirmed (detect.on_short_lines)
    assert "pii.pl-pesel" not in found(ruleset, f"{pesel}{' ' * 80}x\n")


def test_a_short_line_filter_passes_only_hits_on_short_lines() -> None:
    from policyctl.detection.detect import ALONE_LINE_MAX, on_short_lines

    data = b"12345\n" + b"x" * (ALONE_LINE_MAX + 1) + b"\n"
    passes = on_short_lines(data)
    assert passes(5) and not passes(10)


def test_the_global_minimum_confidence_filters_weak_matches(ruleset: Ruleset) -> None:
    assert "pii.us-ssn-digits" in found(ruleset, f"ref {pii.ssn_digits()}", min_confidence=0.4)
    assert "pii.email-address" not in found(ruleset, pii.email(), min_confidence=0.95)


def test_a_rule_minimum_confidence_overrides_the_global_one(ruleset: Ruleset) -> None:
    rules = tuple(
        replace(r, min_confidence=0.99) if r.id == "pii.email-address" else r for r in load_rules()
    )
    strict = compile_ruleset(rules)
    assert "pii.email-address" not in found(strict, f"email {pii.email()}")


def test_context_in_a_cell_chunk_stops_at_the_cells_line(ruleset: Ruleset) -> None:
    from policyctl.sources.cells import CellBatcher

    batcher = CellBatcher("t.csv", "datasets")
    batcher.add("ssn", 1, "label", 2)
    batcher.add(pii.ssn_digits(), 1, "value", 2)
    chunk = batcher.take()
    assert chunk is not None
    assert detect(chunk, ruleset, DetectOptions()) == []


def test_a_table_split_across_workers_gives_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = ["email,ssn"] + [f"{pii.email(n)},{pii.ssn() if n % 3 else ''}" for n in range(40)]
    path = tmp_path / "t.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")

    def report(jobs: int) -> dict[str, object]:
        settings = Settings(jobs=jobs)
        outcome = run_scan_request(ScanRequest(targets=(str(path),), settings=settings))
        return {k: outcome.report.document[k] for k in ("findings", "columns", "summary")}

    single = report(jobs=1)
    monkeypatch.setattr(datasets, "SPLIT_BYTES", 1)
    monkeypatch.setattr(datasets, "STRIDE_ROWS", 4)
    assert report(jobs=3) == single
