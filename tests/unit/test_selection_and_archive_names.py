"""Choosing rules by id glob, tag or category; telling archives by their names."""

from __future__ import annotations

import pytest

from policyctl.core.model import Rule
from policyctl.detection.rules import select_rules
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
