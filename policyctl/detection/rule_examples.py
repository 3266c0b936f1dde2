"""Run every rule's own examples: `examples` must be found, `negative_examples` must not."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from policyctl.core.model import Chunk, Location, Rule
from policyctl.detection.detect import DetectOptions, detect
from policyctl.detection.rules import Ruleset, compile_ruleset
from policyctl.sources.cells import CellBatcher
from policyctl.sources.tabular import json_leaves


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
    """Whether `rule` reports the example: as a line of text, and for a rule that reads
    datasets, an example written as a JSON object also as that record's values (cells
    named by their key paths), which is how a rule judged by a field's name is shown."""
    origin = Location(path=f"<{rule.id} example>")
    kind = rule.sources[0] if rule.sources else "repo"
    chunks = [Chunk(data=text.encode("utf-8"), origin=origin, kind=kind)]
    if "datasets" in rule.sources:
        chunks.extend(record_cells(text, origin.path))
    options = DetectOptions()
    return any(f.rule_id == rule.id for c in chunks for f in detect(c, ruleset, options))


def record_cells(text: str, path: str) -> Iterator[Chunk]:
    """The values of a JSON object example as one chunk of dataset cells (none when the
    example is not a JSON object)."""
    if not text.lstrip().startswith("{"):
        return
    try:
        record = json.loads(text)
    except ValueError:
        return
    cells = CellBatcher(path, "datasets")
    for name, value in json_leaves(record):
        cells.add(str(value), 1, name, 1)
    yield from cells.rest()


def _has_keyword(rule: Rule, text: str) -> bool:
    lowered = text.lower()
    return any(keyword.lower() in lowered for keyword in rule.keywords)
