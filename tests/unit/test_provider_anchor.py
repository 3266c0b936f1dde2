"""provider_anchor reads a rule's pattern for its provider's mark; weigh sets that mark
against a body that reads as typed."""

from __future__ import annotations

import pytest

from policyctl.detection.provider_anchor import PASSWORD_SLOT, Anchor, provider_anchor
from policyctl.detection.rules import load_rules
from policyctl.detection.secret_filters import (
    OBVIOUS_PLACEHOLDER,
    Candidate,
    FilterVerdict,
    weigh,
)

EDGE = r"(?:^|[^A-Za-z0-9_\-.])"
PREFIXED = EDGE + r"(?P<secret>figd_[A-Za-z0-9_\-]{40})(?:[^A-Za-z0-9_\-]|$)"
KEYED = r"(?i:abstract_?api)[A-Za-z0-9_.\-]{0,30}\s{0,5}=\s{0,5}['\"]?(?P<secret>[a-f0-9]{32})"
TYPED_FILTERS = ("placeholder", "sequence", "repeated_characters")
GENERIC_FILTERS = ("placeholder", "low_entropy", "words_and_digits")


@pytest.mark.parametrize(
    ("pattern", "anchor"),
    [
        (PREFIXED, Anchor("prefix", 5)),
        (EDGE + r"(?P<secret>(?:sk|rk)_live_[A-Za-z0-9]{24})", Anchor("prefix", 8)),
        (KEYED, Anchor("key", 0)),
        (EDGE + r"(?P<secret>AAAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{80})", Anchor("prefix", 21, True)),
    ],
)
def test_a_literal_prefix_or_a_provider_name_in_the_key_is_a_mark(
    pattern: str, anchor: Anchor
) -> None:
    assert provider_anchor(pattern) == anchor


@pytest.mark.parametrize(
    "pattern",
    [
        EDGE + r"(?P<secret>[0-9a-f]{32})",  # a shape only: the name is a context word
        r"(?i:api_?key)\s*=\s*(?P<secret>[A-Za-z0-9]{32})",  # a generic key word
        EDGE + r"(?P<secret>SK[0-9a-f]{32})",  # two letters begin random text too often
        EDGE + r"(?P<secret>figd_[a-z]{8})",  # too short for an issued token
    ],
)
def test_a_shape_a_generic_word_or_a_short_prefix_is_no_mark(pattern: str) -> None:
    assert provider_anchor(pattern) is None


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?i:postgres)://[^:]+:(?P<secret>[^@\s]{1,64})@",
        r"(?i:convertto-securestring)\s+[\"'](?P<secret>[^\"'\s$]{3,128})[\"']\s+-(?i:asplaintext)",
    ],
)
def test_a_password_taken_as_typed_is_a_slot_not_a_token(pattern: str) -> None:
    assert provider_anchor(pattern) == PASSWORD_SLOT


def test_every_built_in_secret_pattern_is_read_without_error() -> None:
    for rule in load_rules():
        if rule.category == "secret":
            provider_anchor(rule.pattern)


def test_a_typed_body_under_a_mark_is_made_up_not_rejected() -> None:
    value = "figd_" + "AbCdEfGhIjKlMnOpQrStUvWxYz" + "1234567890AbCd"
    verdict = weigh(Candidate(value), TYPED_FILTERS, PREFIXED)
    assert verdict == FilterVerdict(None, "placeholder")


def test_without_a_mark_a_typed_body_is_rejected() -> None:
    value = "AbCdEfGhIjKlMnOpQrStUvWxYz" + "123456"
    pattern = EDGE + r"(?P<secret>[A-Za-z0-9]{32})"
    assert weigh(Candidate(value), TYPED_FILTERS, pattern).rejected_by == "placeholder"


@pytest.mark.parametrize(
    "body",
    [
        "x" * 40,
        "0" * 30 + "1234567890",
        "your_figma_token_goes_" + "here_0123456789a",
        "EXAMPLE" + "a1b2" * 8 + "c",
    ],
)
def test_a_value_saying_it_is_no_credential_is_rejected_under_a_mark(body: str) -> None:
    verdict = weigh(Candidate("figd_" + body), TYPED_FILTERS, PREFIXED)
    assert verdict.rejected_by == OBVIOUS_PLACEHOLDER


def test_a_format_that_writes_a_run_itself_is_not_filler() -> None:
    pattern = EDGE + r"(?P<secret>AAAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{80,120})"
    value = "A" * 21 + "1234567890abcdefghij" * 4
    assert weigh(Candidate(value), TYPED_FILTERS, pattern).rejected_by is None


@pytest.mark.parametrize(
    ("before", "value", "made_up"),
    [
        ("ZYLOFAX_API_KEY=", "abcd1234efgh5678ijkl9012mnop3456", True),
        ("adobeKey = '", "1a2b3c4d5e6f7890abcdef1234567890", True),
        ("token = '", "abcd1234efgh5678ijkl9012mnop3456", False),  # names no one's token
        ("ZYLOFAX_API_KEY=", "abc123", False),  # too short to be issued
        ("libnameToken: '", "LIB-NAME", False),
    ],
)
def test_a_generic_rule_takes_a_named_credential_key_as_the_mark(
    before: str, value: str, made_up: bool
) -> None:
    verdict = weigh(Candidate(value, before), GENERIC_FILTERS, "", generic=True)
    assert (verdict.made_up is not None) is made_up
    assert (verdict.rejected_by is not None) is not made_up
