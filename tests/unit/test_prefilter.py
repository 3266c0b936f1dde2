"""A rule's prefilter: Hyperscan looks for part of the pattern, and finds the same."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from policyctl.core.errors import RuleError
from policyctl.core.model import Context
from policyctl.detection.rules import _check_rule
from policyctl.engine import build_matcher
from policyctl.engine.hyperscan_backend import database_parts
from policyctl.engine.interface import CompiledPattern
from policyctl.engine.prefilter import prefilter_problem
from tests.conftest import RunPolicyctl, custom_rule

KEY = (
    r"(?:^|[^A-Za-z0-9_\-|])"
    r"(?P<secret>[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}:[a-f0-9]{16})"
    r"(?:[^A-Za-z0-9_\-]|$)"
)
KEY_PREFILTER = r"-[a-f0-9]{12}:[a-f0-9]{16}"


@pytest.mark.parametrize(
    "pattern, prefilter",
    [
        (KEY, KEY_PREFILTER),
        (KEY, r"[a-f0-9]{8}-"),  # the start of the value, inside its group
        (r"(?i)token=(?P<secret>[a-z]{10})\b", r"(?i)=[a-z]{10}"),
        (r"ab(?:cd|ef)gh[0-9]{3}", r"gh[0-9]{3}"),
    ],
)
def test_consecutive_parts_of_the_pattern_can_stand_in_for_it(pattern: str, prefilter: str) -> None:
    assert prefilter_problem(pattern, prefilter) is None


@pytest.mark.parametrize(
    "pattern, prefilter, problem",
    [
        (KEY, r"-[a-f0-9]{13}:", "not a run of consecutive parts"),  # not the pattern's
        (KEY, r"[a-f0-9]{16}-", "not a run of consecutive parts"),  # parts out of order
        (r"ab(?:cd|ef)gh", r"cd", "not a run of consecutive parts"),  # one alternative
        (r"x(?:ab){2}y", r"ab", "not a run of consecutive parts"),  # inside a repeat
        (KEY, r"(?i)-[a-f0-9]{12}:", "inline flags differ"),
        (KEY, r"[^A-Za-z0-9_\-|]", "can match a line break"),
        (r"key=[a-z]+", r"=[a-z]", "can be wider"),
        (KEY, r"(unclosed", "not a valid regular expression"),
    ],
)
def test_anything_else_is_refused_with_its_reason(
    pattern: str, prefilter: str, problem: str
) -> None:
    reason = prefilter_problem(pattern, prefilter)
    assert reason is not None and problem in reason


def test_the_database_holds_the_prefilter_in_the_patterns_place() -> None:
    patterns = [
        CompiledPattern.from_rule(custom_rule(KEY, prefilter=KEY_PREFILTER)),
        CompiledPattern.from_rule(custom_rule(KEY)),
    ]
    expressions, _ids, _flags = database_parts(patterns, [0, 1], ())
    assert expressions == [KEY_PREFILTER.encode(), KEY.encode()]


def _text(seed: int) -> bytes:
    """Keys, keys with a part missing or too long, the prefilter's part alone, and
    separators, run together: matches at line starts and ends, side by side, and near
    misses before and after them."""
    rng = random.Random(seed)
    hex_digits = "0123456789abcdef"

    def run(length: int) -> str:
        return "".join(rng.choice(hex_digits) for _ in range(length))

    def key() -> str:
        return f"{run(8)}-{run(4)}-{run(4)}-{run(12)}:{run(16)}"

    pieces = [
        key,
        lambda: f"{run(8)}-{run(4)}-{run(12)}:{run(16)}",  # a part missing
        lambda: f"{run(9)}-{run(4)}-{run(4)}-{run(12)}:{run(16)}",  # too long
        lambda: f"-{run(12)}:{run(16)}",  # the prefilter's part alone
        lambda: f"{key()}{run(3)}",  # runs on
        lambda: f"|{key()}",
    ]
    separators = ["\n", " ", "x", "_", "-", ":", "=", '"', "\n\n", "|", ""]
    return "".join(rng.choice(pieces)() + rng.choice(separators) for _ in range(3_000)).encode()


@pytest.mark.parametrize("seed", range(3))
def test_a_prefiltered_rule_finds_what_matching_the_whole_text_finds(seed: int) -> None:
    text = _text(seed)
    whole = build_matcher([custom_rule(KEY)], "re").matches(text)
    assert len(whole) > 100, "the generated text should hold many keys"
    prefiltered = build_matcher([custom_rule(KEY, prefilter=KEY_PREFILTER)], "hyperscan")
    assert prefiltered.matches(text) == whole
    # in cells (one per line): what the pattern's own database finds there
    in_cells = build_matcher([custom_rule(KEY)], "hyperscan").matches(text, True)
    assert prefiltered.matches(text, True) == in_cells
    assert len(in_cells) > 100


def test_a_line_filter_keeps_the_same_matches_with_a_prefilter() -> None:
    """In cells (one per line) a rule may be asked about each hit's line (a column that
    names its word): the prefilter's hit lies on its match's line, so the same pass."""
    text = _text(7)

    def on_even_lines(end: int) -> bool:
        return text.count(b"\n", 0, end - 1 if end else 0) % 2 == 0

    found = [
        build_matcher([rule], "hyperscan").matches(text, True, lambda _: on_even_lines)
        for rule in (custom_rule(KEY), custom_rule(KEY, prefilter=KEY_PREFILTER))
    ]
    assert found[1] == found[0]
    assert len(found[0]) > 50


RULE_FILE = """\
rules:
  - id: custom.key
    category: secret
    title: A key
    severity: high
    data_class: credential
    pattern: '{pattern}'
    prefilter: '{prefilter}'
    examples: ['k = {example}']
    negative_examples: ['k = 0']
"""


def test_a_rule_file_with_a_prefilter_that_is_not_part_of_the_pattern_stops_the_scan(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        RULE_FILE.format(pattern=r"key_[a-z]{8}x", prefilter=r"[a-z]{9}", example="key_abcdefghx"),
        encoding="utf-8",
    )
    (tmp_path / "a.txt").write_text("hello\n", encoding="utf-8")
    result = policyctl_in_process("scan", tmp_path / "a.txt", "--rules", extra)
    assert result.code == 2, result.all_output
    assert "rule custom.key: field 'prefilter': it is not a run of consecutive parts" in result.err


def test_a_rule_file_with_a_sound_prefilter_finds_with_it(
    tmp_path: Path, policyctl_in_process: RunPolicyctl
) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        RULE_FILE.format(
            pattern=r"key_[a-z]{8}x", prefilter=r"_[a-z]{8}x", example="key_abcdefghx"
        ),
        encoding="utf-8",
    )
    (tmp_path / "a.txt").write_text("k = key_qwhzkrtmx\nk = key_qwhzkrtm\n", encoding="utf-8")
    result = policyctl_in_process("scan", tmp_path / "a.txt", "--rules", extra, "--format", "json")
    assert result.code == 1, result.all_output
    assert '"custom.key"' in result.out and '"line": 1' in result.out


def test_a_rule_whose_context_is_the_value_alone_on_its_line_takes_no_prefilter() -> None:
    rule = replace(
        custom_rule(r"key_[a-z]{8}x", "custom.alone", prefilter=r"_[a-z]{8}x"),
        context=Context(words=("key",), alone=True),
    )
    with pytest.raises(
        RuleError, match="field 'prefilter': a rule whose context is the value alone"
    ):
        _check_rule(rule, Path("extra.yaml"))
