"""Patterns that could backtrack without end are refused when a rule is loaded."""

from __future__ import annotations

import pytest

from policyctl.engine.regex_safety import MAX_WINDOW, max_width, unsafe_reason

CATASTROPHIC = [
    r"(a+)+$",
    r"(a|aa)+$",
    r"(a|a)*b",
    r"(.*a){12}",
    r"(\w+\s?)+$",
    r"(x+x+)+y",
    r"^(([a-z])+.)+[A-Z]([a-z])+$",
    r"(a*)*b",
    r"([a-zA-Z]+)*$",
]

SAFE = [
    r"\bghp_[A-Za-z0-9]{36}\b",
    r"(?:[A-Za-z0-9]{4}-){3}[A-Za-z0-9]{4}",
    r"(?:\.[a-z]{2,6}){1,3}",
    r"(?i)(?:password|secret)\s{0,8}[:=]\s{0,8}['\"](?P<secret>[^'\"\s]{8,128})['\"]",
    r"-----BEGIN [A-Z ]{0,20}PRIVATE KEY-----[A-Za-z0-9+/=\s]{64,4000}?-----END",
    r"(?:ab|cd)*x",
]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_patterns_are_refused(pattern: str) -> None:
    assert unsafe_reason(pattern) is not None


@pytest.mark.parametrize("pattern", SAFE)
def test_ordinary_rule_patterns_are_accepted(pattern: str) -> None:
    assert unsafe_reason(pattern) is None


def test_an_invalid_regex_is_reported_as_such() -> None:
    reason = unsafe_reason(r"(unclosed")
    assert reason is not None and "not a valid regular expression" in reason


def test_max_width_is_the_longest_match_capped_at_the_window() -> None:
    assert max_width(r"ghp_[A-Za-z0-9]{36}") == 40
    assert max_width(r"a+") == MAX_WINDOW
