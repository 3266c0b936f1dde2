"""Mapping another tool's entries onto findings; gitleaks allowlists."""

from __future__ import annotations

import hashlib

import pytest

from policyctl.core.model import Finding, Location
from policyctl.detection.suppress import PatternAllowlist
from policyctl.policy.migrate import ForeignEntry, go_regex, map_entries


def finding(rule_id: str, path: str, line: int, value: str | None) -> Finding:
    return Finding(
        rule_id=rule_id,
        title=rule_id,
        category="secret",
        severity="high",
        confidence=0.9,
        data_class="credential",
        location=Location(path=path, line=line),
        preview="xxxx…",
        fingerprint=hashlib.md5(f"{rule_id}{path}{value}".encode()).hexdigest(),
        secret=value,
    )


def test_a_value_picks_the_finding_it_names_among_several_on_the_line() -> None:
    first, second = finding("a", "f.py", 3, "one"), finding("b", "f.py", 3, "two")
    entry = ForeignEntry("f.py", 3, "x", sha1=hashlib.sha1(b"two").hexdigest())

    mapping = map_entries([entry], [first, second])

    assert [e.rule_id for e in mapping.entries] == ["b"]


def test_without_a_value_every_finding_on_the_line_is_accepted() -> None:
    first, second = finding("a", "f.py", 3, None), finding("b", "f.py", 3, None)

    mapping = map_entries([ForeignEntry("f.py", 3, "x")], [first, second])

    assert [e.rule_id for e in mapping.entries] == ["a", "b"]


def test_a_moved_line_is_found_by_its_value_in_the_same_file_only() -> None:
    moved, elsewhere = finding("a", "f.py", 9, "v"), finding("a", "g.py", 3, "v")

    mapping = map_entries([ForeignEntry("f.py", 3, "x", secret="v")], [moved, elsewhere])

    assert [e.fingerprint for e in mapping.entries] == [moved.fingerprint]


def test_an_entry_with_nothing_at_its_place_is_unmatched() -> None:
    entry = ForeignEntry("f.py", 3, "x", secret="v")

    mapping = map_entries([entry], [finding("a", "f.py", 4, "w")])

    assert mapping.unmatched == (entry,) and mapping.entries == ()


@pytest.mark.parametrize(
    ("go", "python"),
    [("[[:alpha:]]+\\z", "[A-Za-z]+\\Z"), ("^[[:xdigit:]]{8}$", "^[0-9A-Fa-f]{8}$")],
)
def test_go_regex_spellings_are_translated(go: str, python: str) -> None:
    assert go_regex(go) == python


def test_and_condition_needs_every_kind_given() -> None:
    allowed = PatternAllowlist.compile("t", paths=["^docs/"], stopwords=["demo"], all_of=True)

    assert allowed.lets_pass("docs/a.md", "xxDEMOxx", None)
    assert not allowed.lets_pass("docs/a.md", "real", None)
    assert not allowed.lets_pass("src/a.py", "demo", None)


def test_a_pattern_python_reads_differently_is_a_problem_not_a_silent_match() -> None:
    problems: list[str] = []

    allowed = PatternAllowlist.compile("t", paths=["[[:nope:]]", "ok"], problems=problems)

    assert len(allowed.paths) == 1
    assert problems and problems[0].startswith("t: paths #1: not a usable regular expression")
