"""Choosing rules by id glob, tag or category; telling archives by their names."""

from __future__ import annotations

from fnmatch import fnmatchcase

import pytest

from policyctl.core.model import Rule
from policyctl.detection.rules import load_rules, select_rules
from policyctl.sources.archives import archive_format


def rule(rule_id: str, category: str, tags: tuple[str, ...] = ()) -> Rule:
    return Rule(rule_id, category, rule_id, "high", 0.8, "credential", "x", tags=tags)


def test_selection_by_id_glob_tag_and_category() -> None:
    rules = [
        rule("secret.a-1", "secret", ("cloud",)),
        rule("secret.b", "secret"),
        rule("pii.c", "pii"),
    ]

    assert [r.id for r in select_rules(rules, ["cloud", "pii"]).rules] == ["secret.a-1", "pii.c"]
    assert [r.id for r in select_rules(rules, (), ["secret.a-*"]).rules] == ["secret.b", "pii.c"]
    assert select_rules(rules, ["secret"], ["secret.b", "zzz"]).unmatched == ("zzz",)


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("a.ZIP", "zip"),
        ("lib/x.jar", "zip"),
        ("x.tar.gz", "tar"),
        ("x.tgz", "tar"),
        ("settings.py.gz", "gzip"),
        ("app.log.gz", None),
        ("users.csv.gz", None),
        ("notes.txt", None),
    ],
)
def test_archive_format_by_name(name: str, form: str | None) -> None:
    assert archive_format(name) == form


def test_selection_names_the_rules_each_pattern_matches_as_fnmatch_would() -> None:
    # the reference: a pattern names a rule when it fnmatches its id or a tag, or equals
    # its category (one test of every rule per pattern, which select_rules avoids)
    rules = load_rules()
    tags = sorted({tag for r in rules for tag in r.tags})
    patterns = [
        *tags[:5],
        "secret",
        "pii",
        "secret.aws-*",
        "*-credential",
        "pii.??-*",
        "secret.github-pat-[cf]*",
        "s*t",
        "*",
        rules[0].id,
        "secret.no-such-rule",
    ]

    def named(rule: Rule, pattern: str) -> bool:
        return (
            fnmatchcase(rule.id, pattern)
            or pattern == rule.category
            or any(fnmatchcase(tag, pattern) for tag in rule.tags)
        )

    for pattern in patterns:
        expected = [r.id for r in rules if named(r, pattern)]
        assert [r.id for r in select_rules(rules, [pattern]).rules] == expected, pattern
        kept = [r.id for r in select_rules(rules, (), [pattern]).rules]
        assert kept == [r.id for r in rules if not named(r, pattern)], pattern
