"""Run every rule's own examples: `examples` must be found, `negative_examples` must not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from policyctl.core.model import Chunk, Location, Rule
from policyctl.detection.detect import DetectOptions, detect
from policyctl.detection.rules import Ruleset, compile_ruleset


@dataclass(frozen=True)
class ExampleFailure:
    rule_id: str
    kind: str  # "example" or "negative_example"
    index: int
    reason: str


def run_examples(rules: Sequence[Rule], backend: str = "auto") -> list[ExampleFailure]:
    """Each example through the full pipeline, with all `rules` compiled together."""
    ruleset = compile_ruleset(rules, backend)
    failures: list[ExampleFailure] = []
    for rule in rules:
        for index, text in enumerate(rule.examples, 1):
            if rule.keywords and not _has_keyword(rule, text):
                failures.append(ExampleFailure(rule.id, "example", index, "contains no keyword"))
            elif not found_by(rule, text, ruleset):
                failures.append(ExampleFailure(rule.id, "example", index, "was not found"))
        for index, text in enumerate(rule.negative_examples, 1):
            if found_by(rule, text, ruleset):
                failures.append(ExampleFailure(rule.id, "negative_example", index, "was found"))
    return failures


def found_by(rule: Rule, text: str, ruleset: Ruleset) -> bool:
    chunk = Chunk(
        data=text.encode("utf-8"),
        origin=Location(path=f"<{rule.id} example>"),
        kind=rule.sources[0] if rule.sources else "repo",
    )
    return any(f.rule_id == rule.id for f in detect(chunk, ruleset, DetectOptions()))


def _has_keyword(rule: Rule, text: str) -> bool:
    lowered = text.lower()
    return any(keyword.lower() in lowered for keyword in rule.keywords)
