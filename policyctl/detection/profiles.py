"""Column profiles of datasets: which kinds of personal data each column holds, and how
often; and the column-level findings that stand for a column's many matching cells.

A table with a million e-mail addresses is one problem, not a million: by default a
column and rule give one finding with a count (`--per-cell` keeps every cell's). The
tally is kept per file while its chunks are scanned, so memory does not grow with rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from policyctl.core.model import Chunk, ColumnMatch, ColumnProfile, Finding
from policyctl.core.spans import SpanBuilder, union
from policyctl.detection.detect import (
    GENERIC_TAG,
    DetectOptions,
    Verdict,
    assess_chunk,
    finding_for,
    fingerprint,
)
from policyctl.detection.names import NameColumns
from policyctl.detection.rules import Ruleset
from policyctl.sources.cells import CellLocations, column_key
from policyctl.validators.personal_urls import url_names_person

PII_SHARE = 0.5
"""A column where at least this share of values match one rule is a personal-data column."""


@dataclass
class _RuleTally:
    first: Finding
    rows: int = 0
    validated: int = 0
    last_row: object = None
    confidence: float = 0.0
    personal: int = 0
    """Rows whose value identifies a person (generic kinds only, see personal_value)."""
    cells: SpanBuilder = field(default_factory=SpanBuilder)
    """Places (file lines, else rows) of the matching cells: what a baseline records."""


class ColumnTally:
    """Scans the cell chunks of one file, counting the values per column and the
    matching rows per column and rule; `finish` gives the file's findings and profiles."""

    def __init__(self, path: str, ruleset: Ruleset, options: DetectOptions) -> None:
        self.path = path
        self.ruleset = ruleset
        self.options = options
        self.values: Counter[str] = Counter()
        self.matches: dict[tuple[str, str], _RuleTally] = {}
        self.name_columns = NameColumns.of(ruleset, options)
        self.personal_tests = personal_tests(ruleset)
        self.generic_rules = {
            rule.id for rule in ruleset.rules if rule.category == "pii" and GENERIC_TAG in rule.tags
        }

    @staticmethod
    def applies_to(chunk: Chunk) -> bool:
        """Dataset chunks made of cells (tables, JSON records) have columns to profile."""
        return chunk.kind == "datasets" and isinstance(chunk.line_locations, CellLocations)

    def scan(self, chunk: Chunk) -> list[Finding]:
        """Count the chunk's values and its accepted matches (in order of position);
        with --per-cell, give each match's finding, else none until `finish`.

        Otherwise only the first match of each column and rule is made into a Finding:
        in a column of a million e-mail addresses the other 999,999 only add to a count.
        """
        ruleset, options = self.ruleset, self.options
        verdicts = assess_chunk(chunk, ruleset, options)
        cells = chunk.line_locations
        assert isinstance(cells, CellLocations)
        if self.name_columns is not None:  # names and addresses: judged per column
            verdicts = self._name_columns(chunk, cells, verdicts)
        for name, count in Counter(cells.fields).items():
            if name is not None:
                self.values[column_key(name)] += count
        # (the loop runs once a matching cell: what it looks up is looked up once)
        keys: dict[tuple[str | None, int], tuple[str, str]] = {}  # (field, rule): its key
        fields, rows, lines = cells.fields, cells.rows, cells.lines
        line_index, rules, matches = chunk.line_index, ruleset.rules, self.matches
        personal_tests = self.personal_tests
        for verdict in verdicts:
            match = verdict.match
            index = line_index(match.value_start)
            field_name = fields[index]
            key = keys.get((field_name, match.rule))
            if key is None:
                key = keys[field_name, match.rule] = (
                    column_key(field_name or ""),
                    rules[match.rule].id,
                )
            tally = matches.get(key)
            if tally is None:
                first = finding_for(chunk, verdict, ruleset, options)
                tally = matches[key] = _RuleTally(first=first)
            row = (rows[index], lines[index])
            if row != tally.last_row:  # two matches in one cell count once
                tally.rows += 1
                tally.validated += bool(verdict.validated)
                test = personal_tests.get(match.rule)
                tally.personal += test is not None and test(verdict.value)
                tally.last_row = row
                place = row[1] if row[1] is not None else row[0]
                if place is not None:
                    tally.cells.add(place)
            if verdict.confidence > tally.confidence:
                tally.confidence = verdict.confidence  # rounded once, in column_findings
        if options.per_cell:
            return [finding_for(chunk, v, ruleset, options) for v in verdicts]
        return []

    def _name_columns(
        self, chunk: Chunk, cells: CellLocations, verdicts: list[Verdict]
    ) -> list[Verdict]:
        """Names and addresses (policyctl.detection.names), judged per column: with
        --per-cell, their cells join the chunk's verdicts; otherwise each judged
        column's cells are counted into its tally at once, and `verdicts` are unchanged."""
        assert self.name_columns is not None
        if self.options.per_cell:
            extra = self.name_columns.cell_verdicts(chunk, cells)
            if not extra:
                return verdicts
            return sorted([*verdicts, *extra], key=lambda v: v.match.start)
        for judged in self.name_columns.column_cells(chunk, cells):
            first = judged.first
            index = chunk.line_span(first.match.value_start)[0]
            key = (column_key(cells.fields[index] or ""), self.ruleset.rules[first.match.rule].id)
            tally = self.matches.get(key)
            if tally is None:
                found = finding_for(chunk, first, self.ruleset, self.options)
                tally = self.matches[key] = _RuleTally(first=found)
            tally.rows += judged.rows
            places = judged.places
            if places and places[-1] - places[0] == len(places) - 1:
                tally.cells.add_run(places[0], places[-1])  # rows one a line, no gaps
            else:
                add = tally.cells.add
                for place in places:
                    add(place)
            tally.confidence = max(tally.confidence, first.confidence)
        return verdicts

    def finish(self) -> tuple[list[Finding], list[ColumnProfile]]:
        """The file's column findings (none with --per-cell: its cells were reported)
        and its column profiles, once all its chunks are scanned."""
        findings = [] if self.options.per_cell else self.column_findings()
        return findings, self.profiles()

    def column_findings(self) -> list[Finding]:
        """One finding per column and rule: at its first match, with the count of rows."""
        found = []
        for (column, rule_id), tally in self.matches.items():
            first = tally.first
            found.append(
                replace(
                    first,
                    location=replace(first.location, field=column or first.location.field),
                    confidence=round(tally.confidence, 2),
                    fingerprint=fingerprint(rule_id, f"column:{column}", self.path),
                    validated=True if tally.validated else first.validated,
                    occurrences=tally.rows,
                    cells=tally.cells.spans(),
                )
            )
        return found

    def profiles(self) -> list[ColumnProfile]:
        """Every column seen, in file order, with its kinds of personal data."""
        by_column: dict[str, list[ColumnMatch]] = {column: [] for column in self.values}
        for (column, rule_id), tally in self.matches.items():
            by_column.setdefault(column, []).append(
                ColumnMatch(
                    rule_id=rule_id,
                    data_class=tally.first.data_class,
                    rows=tally.rows,
                    validated=tally.validated,
                    generic=tally.first.rule_id in self.generic_rules,
                    personal=tally.personal,
                )
            )
        return [
            ColumnProfile(
                path=self.path,
                field=column,
                rows=self.values.get(column, 0),
                matches=tuple(sorted(matches, key=lambda m: (-m.rows, m.rule_id))),
            )
            for column, matches in by_column.items()
        ]


def personal_tests(ruleset: Ruleset) -> dict[int, Callable[[str], bool]]:
    """By rule index, the test of whether a value of a generic kind identifies a person:
    for a URL (tag `url`), validators.personal_urls. A generic kind without one (dates
    in free text) never makes a column `pii` alone."""
    return {
        index: url_names_person
        for index, rule in enumerate(ruleset.rules)
        if rule.category == "pii" and GENERIC_TAG in rule.tags and "url" in rule.tags
    }


def judging_rows(match: ColumnMatch) -> int:
    """The rows of a kind that count toward a column's verdict: all of them, or for a
    generic kind (a URL) only those whose values identify a person."""
    return match.personal if match.generic else match.rows


def pii_kind(profile: ColumnProfile) -> ColumnMatch | None:
    """The kind of personal data that makes a column `pii` (it fills at least PII_SHARE
    of the column's values, counting a generic kind's personal values only), or None.
    A column of product or documentation links is not personal data for being links;
    one of profile pages, or of links carrying e-mail addresses, is."""
    if not profile.rows:
        return None
    top = max(profile.matches, key=judging_rows, default=None)
    if top is None or judging_rows(top) / profile.rows < PII_SHARE:
        return None
    return top


def verdict(profile: ColumnProfile) -> str:
    """'pii' when one kind of personal data fills at least PII_SHARE of the column's
    values (pii_kind), 'partial' when some values hold personal data, else 'clean'."""
    if not profile.matches:
        return "clean"
    return "pii" if pii_kind(profile) is not None else "partial"


def merge_profiles(columns: list[ColumnProfile]) -> list[ColumnProfile]:
    """One profile per file and column, adding up the parts a large table was split
    into; files in path order, columns in the order they were first seen."""
    merged: dict[tuple[str, str], ColumnProfile] = {}
    for column in columns:
        key = (column.path, column.field)
        seen = merged.get(key)
        merged[key] = column if seen is None else _add_profiles(seen, column)
    return sorted(merged.values(), key=lambda c: c.path)  # stable: keeps column order


def _add_profiles(a: ColumnProfile, b: ColumnProfile) -> ColumnProfile:
    matches: dict[str, ColumnMatch] = {m.rule_id: m for m in a.matches}
    for match in b.matches:
        seen = matches.get(match.rule_id)
        matches[match.rule_id] = (
            match
            if seen is None
            else replace(
                seen,
                rows=seen.rows + match.rows,
                validated=seen.validated + match.validated,
                personal=seen.personal + match.personal,
            )
        )
    ordered = tuple(sorted(matches.values(), key=lambda m: (-m.rows, m.rule_id)))
    return replace(a, rows=a.rows + b.rows, matches=ordered)


def merge_column_findings(findings: list[Finding]) -> list[Finding]:
    """Column findings of the parts of one table (same column fingerprint) become one:
    at the earliest row, with the counts added. Other findings pass unchanged."""
    merged: dict[str, Finding] = {}
    others: list[Finding] = []
    for finding in findings:
        if not is_column_finding(finding):
            others.append(finding)
            continue
        seen = merged.get(finding.fingerprint)
        if seen is None:
            merged[finding.fingerprint] = finding
            continue
        first, _ = sorted((seen, finding), key=lambda f: f.location.row or 0)
        merged[finding.fingerprint] = replace(
            first,
            occurrences=seen.occurrences + finding.occurrences,
            cells=union(seen.cells, finding.cells),
            confidence=max(seen.confidence, finding.confidence),
            validated=True if (seen.validated or finding.validated) else first.validated,
        )
    return others + list(merged.values())


def is_column_finding(finding: Finding) -> bool:
    """True for a finding that stands for a dataset column (see column_findings)."""
    where = finding.location
    return where.field is not None and finding.fingerprint == fingerprint(
        finding.rule_id, f"column:{where.field}", where.path
    )
