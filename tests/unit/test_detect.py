"""The detection pipeline's steps, each on its own."""

from __future__ import annotations

from dataclasses import replace

import pytest

from policyctl.core.model import Allow, Chunk, Context, Location, Rule
from policyctl.detection.detect import DetectOptions, _lines_above, detect, fingerprint
from policyctl.detection.rules import compile_ruleset

BASE = Rule(
    id="custom.key",
    category="secret",
    title="Key",
    severity="high",
    confidence=0.7,
    data_class="credential",
    pattern=r"\bkey_(?P<secret>[A-Za-z0-9]{12})\b",
)


def run(rule: Rule, text: str, path: str = "app/config.py", **options: object) -> list[str]:
    """The values of the findings `rule` makes in `text` (they are shown only because
    these tests ask for them with show_secrets)."""
    ruleset = compile_ruleset([rule])
    chunk = Chunk(data=text.encode(), origin=Location(path=path))
    found = detect(chunk, ruleset, DetectOptions(show_secrets=True, **options))  # type: ignore[arg-type]
    return [f.secret or "" for f in found]


def test_the_secret_group_is_the_value() -> None:
    assert run(BASE, "use key_Ab3dE6gH9jK2 now") == ["Ab3dE6gH9jK2"]


def test_entropy_below_the_minimum_rejects_the_value() -> None:
    rule = replace(BASE, entropy=3.0)
    assert run(rule, "key_aaaaaaaaaaab") == []
    assert run(rule, "key_Ab3dE6gH9jK2") == ["Ab3dE6gH9jK2"]


def test_allow_regexes_and_stopwords_let_values_pass() -> None:
    rule = replace(BASE, allow=Allow(regexes=(r"^0+$",), stopwords=("EXAMPLE",)))
    assert run(rule, "key_000000000000 key_myexample123") == []


def test_allow_paths_turn_the_rule_off_for_those_files() -> None:
    rule = replace(BASE, allow=Allow(paths=("tests/fixtures",)))
    assert run(rule, "key_Ab3dE6gH9jK2", path="tests/fixtures/conf.py") == []
    assert run(rule, "key_Ab3dE6gH9jK2", path="src/conf.py") == ["Ab3dE6gH9jK2"]


def test_a_failing_validator_rejects_the_value() -> None:
    rule = replace(BASE, pattern=r"\bcard (?P<secret>[0-9]{16})\b", validator="luhn")
    visa = "4111" + "111111111111"  # a card-scheme test number, in pieces
    assert run(rule, f"card {visa} card 4111111111111112") == [visa]


def test_context_words_raise_and_negative_words_lower_confidence() -> None:
    rule = replace(
        BASE, confidence=0.6, context=Context(words=("stripe",), negative_words=("sample",))
    )
    ruleset = compile_ruleset([rule])

    def confidence(text: str) -> float:
        chunk = Chunk(data=text.encode(), origin=Location(path="a.py"))
        [finding] = detect(chunk, ruleset, DetectOptions(min_confidence=0.0))
        return finding.confidence

    assert confidence("stripe key_Ab3dE6gH9jK2") == 0.75
    assert confidence("key_Ab3dE6gH9jK2") == 0.6
    assert confidence("sample key_Ab3dE6gH9jK2") == pytest.approx(0.3)


def test_required_context_drops_matches_without_it() -> None:
    rule = replace(BASE, context=Context(words=("account",), required=True, window=20))
    assert run(rule, "key_Ab3dE6gH9jK2") == []
    assert run(rule, "account: key_Ab3dE6gH9jK2") == ["Ab3dE6gH9jK2"]


def test_matches_below_the_minimum_confidence_are_dropped() -> None:
    assert run(BASE, "key_Ab3dE6gH9jK2", min_confidence=0.8) == []
    assert run(replace(BASE, min_confidence=0.6), "key_Ab3dE6gH9jK2", min_confidence=0.8) != []


def test_a_generic_finding_yields_to_a_provider_finding_on_the_same_value() -> None:
    generic = replace(
        BASE,
        id="custom.generic",
        tags=("generic",),
        pattern=r"token = '(?P<secret>[A-Za-z0-9_]{16})'",
    )
    provider = replace(BASE, id="custom.provider", pattern=r"\b(?P<secret>tok_[A-Za-z0-9]{12})\b")
    ruleset = compile_ruleset([generic, provider])
    # Made-up values; the built-in generic rule would flag them.  policyctl: ignore
    text = "token = 'tok_Ab3dE6gH9jK2'\ntoken = 'Zx9Yw8Vu7Ts6Rq5P'\n"
    found = detect(
        Chunk(data=text.encode(), origin=Location(path="a.py")), ruleset, DetectOptions()
    )
    assert [(f.rule_id, f.location.line) for f in found] == [
        ("custom.provider", 1),
        ("custom.generic", 2),
    ]


def test_findings_carry_a_redacted_preview_and_no_raw_value_by_default() -> None:
    ruleset = compile_ruleset([BASE])
    chunk = Chunk(data=b"x\n  key_Ab3dE6gH9jK2", origin=Location(path="a.py"))
    [finding] = detect(chunk, ruleset, DetectOptions())
    assert finding.secret is None
    assert finding.preview == "Ab3d…"
    assert (finding.location.line, finding.location.column) == (2, 7)


def test_the_fingerprint_ignores_the_line_and_whitespace_but_not_rule_value_or_path() -> None:
    assert fingerprint("r", "ab cd\n", "p") == fingerprint("r", "abcd", "p")
    assert (
        len(
            {
                fingerprint("r", "abcd", "p"),
                fingerprint("s", "abcd", "p"),
                fingerprint("r", "abce", "p"),
                fingerprint("r", "abcd", "q"),
            }
        )
        == 4
    )


def test_dataset_lines_map_to_their_own_locations() -> None:
    ruleset = compile_ruleset([BASE])
    cells = (
        Location(path="t.csv", row=1, field="note"),
        Location(path="t.csv", row=2, field="note"),
    )
    chunk = Chunk(
        data=b"hello\nkey_Ab3dE6gH9jK2",
        origin=Location(path="t.csv"),
        kind="datasets",
        line_locations=cells,
    )
    [finding] = detect(chunk, ruleset, DetectOptions())
    assert (finding.location.row, finding.location.field) == (2, "note")


PII = replace(
    BASE,
    id="custom.member-number",
    category="pii",
    data_class="identity",
    pattern=r"\bmember (?P<secret>[0-9]{9})\b",
)


def _fingerprints(rule: Rule, text: str, **chunk: object) -> list[str]:
    ruleset = compile_ruleset([rule])
    piece = Chunk(data=text.encode(), origin=Location(path="people.txt"), **chunk)  # type: ignore[arg-type]
    return [f.fingerprint for f in detect(piece, ruleset, DetectOptions())]


def test_a_personal_data_fingerprint_cannot_be_recomputed_from_the_value() -> None:
    # A 9-digit number has a billion values: a hash of it would be reversed by trying them.
    [found] = _fingerprints(PII, "id: member 123456789\n")
    assert found != fingerprint(PII.id, "123456789", "people.txt")
    assert found not in {
        fingerprint(PII.id, str(n), "people.txt") for n in range(123456780, 123456800)
    }


def test_a_personal_data_fingerprint_survives_a_line_move_but_not_a_change_of_place() -> None:
    [first] = _fingerprints(PII, "id: member 123456789\n")
    [moved] = _fingerprints(PII, "\n\n# header\nid: member 123456789\n")
    [elsewhere] = _fingerprints(PII, "owner: member 123456789\n")
    assert first == moved
    assert first != elsewhere


def test_table_cells_of_one_column_have_their_own_fingerprints() -> None:
    cells = tuple(Location(path="t.csv", row=row, field="member") for row in (1, 2))
    found = _fingerprints(
        PII, "member 123456789\nmember 987654321", kind="datasets", line_locations=cells
    )
    assert len(set(found)) == 2


def test_a_secret_keeps_its_value_fingerprint() -> None:
    [found] = _fingerprints(BASE, "use key_Ab3dE6gH9jK2")
    assert found == fingerprint(BASE.id, "Ab3dE6gH9jK2", "people.txt")


ZIP = replace(
    BASE,
    id="custom.zip",
    category="pii",
    data_class="location",
    confidence=0.4,  # below the threshold: only a context word makes a finding
    pattern=r"\b(?P<secret>[0-9]{5})\b",
    context=Context(words=("zip",), window=30),
)


FIVE = [str(digit) * 5 for digit in range(10)]
"""Five-digit values made at run time, so this file holds no ZIP-code look-alike."""


def _cell_fields(rows: list[dict[str, str]], backend: str) -> list[str | None]:
    """The columns where ZIP finds values in a chunk of these rows' cells."""
    from policyctl.sources.cells import CellBatcher

    batcher = CellBatcher("t.csv", "datasets")
    for number, row in enumerate(rows, 1):
        batcher.add_row(list(row.values()), list(row), number, number + 1)
    chunk = batcher.take()
    assert chunk is not None
    found = detect(chunk, compile_ruleset([ZIP], backend), DetectOptions(per_cell=True))
    return [f.location.field for f in found]


@pytest.mark.parametrize("backend", ["hyperscan", "re"])
def test_a_context_rule_in_cells_finds_values_only_in_columns_named_by_its_words(
    backend: str,
) -> None:
    rows = [{"id": FIVE[1], "zip": FIVE[9], "amount": FIVE[3]}] * 3
    assert _cell_fields(rows, backend) == ["zip"] * 3


@pytest.mark.parametrize("backend", ["hyperscan", "re"])
def test_a_context_word_in_a_cell_still_counts_beside_a_named_column(backend: str) -> None:
    rows = [
        {"id": FIVE[1], "zip": FIVE[9], "note": "moved"},
        {"id": FIVE[2], "zip": FIVE[8], "note": "new zip " + FIVE[6]},
    ]
    assert _cell_fields(rows, backend) == ["zip", "zip", "note"]


@pytest.mark.parametrize(
    ("lines", "size", "in_table", "expected"),
    [
        (2, 100, False, b"cc\ndd\n"),  # the two lines above
        (1, 100, False, b"dd\n"),
        (9, 100, False, b"aa\nbb\ncc\ndd\n"),  # fewer lines than that: from the start
        (3, 5, False, b"c\ndd\n"),  # at most `size` bytes back, even mid-line
        (2, 100, True, b""),  # a table's cells: no line above belongs to the value
    ],
)
def test_the_lines_above_a_value_that_the_filters_see(
    lines: int, size: int, in_table: bool, expected: bytes
) -> None:
    data = b"aa\nbb\ncc\ndd\nee = value\n"
    line_start = data.index(b"ee")
    start = _lines_above(data, line_start, lines, size, in_table)
    assert data[start:line_start] == expected
