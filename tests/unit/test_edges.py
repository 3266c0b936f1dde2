"""Values one delimiter apart are each found: a pattern's edges take no byte in `re`."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from policyctl.engine import build_matcher
from policyctl.engine.edges import edges_as_assertions
from tests import fakes
from tests.conftest import RunPolicyctl, custom_rule


@pytest.mark.parametrize(
    "pattern, expected",
    [
        (
            rb"(?:^|[^A-Za-z0-9_\-.])(?P<secret>k_[a-z]{4})(?:[^A-Za-z0-9_\-]|$)",
            rb"(?<![A-Za-z0-9_\-.])(?P<secret>k_[a-z]{4})(?![A-Za-z0-9_\-])",
        ),
        (rb"(?i)(?:^|[\s'\"])pw=[a-z]{4}(?:\s|$)", rb"(?i)(?<![^\s'\"])pw=[a-z]{4}(?!\S)"),
        (rb"(?m)(?:^|\W)key(?:[^\]]|$)", rb"(?m)(?<!\w)key(?![\]])"),
        (rb"\bk_[a-z]{4}(?:[^a-z]|$)", rb"\bk_[a-z]{4}(?![a-z])"),
        (rb"\bk_[a-z]{4}\b", rb"\bk_[a-z]{4}\b"),  # nothing to change
        # a start that takes a byte: the end keeps its group too (see edges_as_assertions)
        (rb"(?:[?&]|^|\s)sv=[0-9]{4}(?:[^0-9]|$)", rb"(?:[?&]|^|\s)sv=[0-9]{4}(?:[^0-9]|$)"),
        (rb"(?:a(?:[^x]|$))", rb"(?:a(?:[^x]|$))"),  # inside a group: left as it is
    ],
)
def test_edge_groups_become_assertions(pattern: bytes, expected: bytes) -> None:
    assert edges_as_assertions(pattern) == expected


EDGED = rb"(?:^|[^A-Za-z0-9_\-.])(?P<secret>k_[a-z0-9]{6})(?:[^A-Za-z0-9_\-]|$)"


def test_the_same_values_are_found_at_the_same_places_and_none_is_lost() -> None:
    """Every value the written pattern matches, the assertions match too (at the value),
    and the ones the written pattern lost to its neighbour's delimiter as well."""
    rng = random.Random(3)
    pieces = ["k_", "abc123", "k_abc12", "\n", " ", ".", "-", "_", "x", ",", "k_zz9zz9"]
    text = "".join(rng.choice(pieces) for _ in range(20_000)).encode()
    written = {m.span("secret") for m in re.finditer(EDGED, text)}
    asserted = {m.span("secret") for m in re.finditer(edges_as_assertions(EDGED), text)}
    assert written < asserted  # (the generated text holds neighbours one byte apart)
    # a value is found exactly where its own edges hold, whatever its neighbours
    for start, end in asserted:
        before = text[start - 1 : start] if start else b""
        after = text[end : end + 1]
        assert not re.match(rb"[A-Za-z0-9_\-.]", before) and not re.match(rb"[A-Za-z0-9_\-]", after)


@pytest.mark.parametrize("separator", [b"\n", b",", b" ", b"\r\n"])
def test_both_engines_find_every_value_of_a_list_one_delimiter_apart(separator: bytes) -> None:
    values = [b"k_" + fakes.pick(fakes.ALNUM.lower(), 6, n).encode() for n in range(7)]
    text = separator.join(values) + b"\n"
    for backend in ("hyperscan", "re"):
        found = build_matcher([custom_rule(EDGED.decode())], backend).matches(text)
        assert [text[m.value_start : m.value_end] for m in found] == values, backend
        in_cells = build_matcher([custom_rule(EDGED.decode())], backend).matches(text, True)
        assert len(in_cells) == len(values), backend


def test_a_file_of_one_token_per_line_and_a_column_of_tokens_report_every_one(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    """A list of keys, one per line, gave every other key: each match took the newline
    after its key, which the next key's pattern needed before it."""
    tokens = ["r8" + "_" + fakes.pick(fakes.ALNUM, 37, n) for n in range(6)]
    (tmp_path / "keys.txt").write_text("\n".join(tokens) + "\n", encoding="utf-8")
    (tmp_path / "keys.csv").write_text("token\n" + "\n".join(tokens) + "\n", encoding="utf-8")
    result = policyctl_in_process("scan", tmp_path, "--format", "json")
    assert result.code == 1, result.all_output
    findings = json.loads(result.out)["findings"]
    found = [f for f in findings if f["rule_id"] == "secret.replicate-api-token"]
    lines = sorted(f["location"]["line"] for f in found if f["location"]["path"].endswith(".txt"))
    assert lines == [1, 2, 3, 4, 5, 6]
    (column,) = [f for f in found if f["location"]["path"].endswith(".csv")]
    assert column["occurrences"] == 6
