"""Baselines: findings accepted as they are, so a scan reports only new ones.

A baseline is a set of (rule id, fingerprint) pairs; "new since the baseline" is a set
difference. Fingerprints hold the rule, the value and the path but no line number, so
moving code around never invalidates an entry. The file is sorted, one entry per line
and has no timestamps, so two branches that each accept a finding merge cleanly.

An entry may carry a `verdict` from `policyctl baseline audit` (or from an imported
detect-secrets baseline's `is_secret`): "true-positive" (a real value, accepted for now:
rotate it) or "false-positive". It records the triage; every entry suppresses alike.

A column finding stands for many cells of a table, so its entry also records which
(`cells`: their file lines, or rows, as runs such as `2-40`): a row appended later with
a new SSN in the same column is a new finding, not hidden by the column's entry.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from policyctl.core.cache import memoized
from policyctl.core.errors import ConfigError
from policyctl.core.model import Finding
from policyctl.core.spans import Spans, minus, parse, render, size, union
from policyctl.schemas import schema_problems

DEFAULT_BASELINE = ".policyctl-baseline.json"
BASELINE_VERSION = 1
SUPPRESSED_BY_BASELINE = "baseline"
TRUE_POSITIVE = "true-positive"
FALSE_POSITIVE = "false-positive"
VERDICTS = (TRUE_POSITIVE, FALSE_POSITIVE)


@dataclass(frozen=True, order=True)
class BaselineEntry:
    rule_id: str
    fingerprint: str
    cells: Spans = ()
    """The cells a column finding stood for when it was accepted (empty otherwise)."""
    verdict: str | None = field(default=None, compare=False)
    """TRUE_POSITIVE, FALSE_POSITIVE or None (not audited); not part of the identity."""


@dataclass(frozen=True)
class Baseline:
    entries: frozenset[BaselineEntry] = frozenset()

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(e.fingerprint for e in self.entries)

    def accepted_cells(self) -> dict[str, Spans]:
        """The cells recorded for each fingerprint (empty for a finding without cells)."""
        found: dict[str, Spans] = {}
        for entry in self.entries:
            found[entry.fingerprint] = union(found.get(entry.fingerprint, ()), entry.cells)
        return found


def baseline_of(findings: Iterable[Finding]) -> Baseline:
    """Every finding not already suppressed another way (inline ignore, waiver)."""
    return Baseline(
        frozenset(
            BaselineEntry(f.rule_id, f.fingerprint, f.cells)
            for f in findings
            if f.suppressed in (None, SUPPRESSED_BY_BASELINE)
        )
    )


def apply_baseline(findings: Iterable[Finding], baseline: Baseline) -> list[Finding]:
    """Mark findings in the baseline as suppressed; a finding already suppressed keeps
    its first reason. A column finding is suppressed only when every cell it stands for
    was recorded; otherwise it stays, standing for the cells that were not."""
    accepted = baseline.accepted_cells()
    judged = []
    for finding in findings:
        recorded = accepted.get(finding.fingerprint)
        if finding.suppressed is not None or recorded is None:
            judged.append(finding)
            continue
        new = minus(finding.cells, recorded)
        if not new:
            judged.append(replace(finding, suppressed=SUPPRESSED_BY_BASELINE))
        else:
            judged.append(_only_cells(finding, new))
    return judged


def _only_cells(finding: Finding, cells: Spans) -> Finding:
    """A column finding narrowed to some of its cells: counted and located by them."""
    first = cells[0][0]
    where = finding.location
    if where.line is not None:
        moved = where.row + first - where.line if where.row is not None else None
        where = replace(where, line=first, row=moved)
    else:
        where = replace(where, row=first)
    return replace(finding, cells=cells, occurrences=size(cells), location=where)


def stale_entries(baseline: Baseline, findings: Iterable[Finding]) -> list[BaselineEntry]:
    """Entries that no finding of a fresh scan matches any more, sorted."""
    found = {f.fingerprint for f in findings}
    return sorted(e for e in baseline.entries if e.fingerprint not in found)


def without(baseline: Baseline, removed: Iterable[BaselineEntry]) -> Baseline:
    return Baseline(baseline.entries - frozenset(removed))


def joined(baseline: Baseline, added: Iterable[BaselineEntry]) -> Baseline:
    """`baseline` with the `added` entries; an entry already there keeps its verdict
    unless it has none and the added one has."""
    kept = {entry: entry for entry in baseline.entries}
    for entry in added:
        if entry not in kept or (kept[entry].verdict is None and entry.verdict is not None):
            kept[entry] = entry
    return Baseline(frozenset(kept.values()))


def with_verdicts(baseline: Baseline, verdicts: dict[BaselineEntry, str]) -> Baseline:
    """`baseline` with the audited entries' verdicts set."""
    return Baseline(
        frozenset(
            replace(entry, verdict=verdicts[entry]) if entry in verdicts else entry
            for entry in baseline.entries
        )
    )


def render_baseline(baseline: Baseline) -> str:
    """The file's text: JSON, entries sorted by rule then fingerprint, one per line."""
    lines = [json.dumps(_entry_document(e)) for e in sorted(baseline.entries)]
    body = ",\n".join(f"    {line}" for line in lines)
    findings = f"[\n{body}\n  ]" if lines else "[]"
    return f'{{\n  "version": {BASELINE_VERSION},\n  "findings": {findings}\n}}\n'


def _entry_document(entry: BaselineEntry) -> dict[str, str]:
    document = {"rule_id": entry.rule_id, "fingerprint": entry.fingerprint}
    if entry.cells:
        document["cells"] = render(entry.cells)
    if entry.verdict is not None:
        document["verdict"] = entry.verdict
    return document


def load_baseline(path: Path) -> Baseline:
    """The baseline at `path`; a ConfigError naming the file when it is missing or invalid.

    Cached by the file's bytes (policyctl.core.cache), as it is read by every pre-commit run.
    """
    try:
        content = path.read_bytes()
    except OSError:
        content = None
    if content is None:
        return _load_baseline(path)  # words the error
    return memoized(
        "baseline",
        str(path).encode() + b"\0" + content,
        lambda: _load_baseline(path),
        lambda baseline: sorted([e.rule_id, e.fingerprint] for e in baseline.entries),
        lambda pairs: Baseline(frozenset(BaselineEntry(*pair) for pair in pairs)),
    )


def _load_baseline(path: Path) -> Baseline:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: baseline file not found (create one with: policyctl baseline create)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the baseline: {type(exc).__name__}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON at line {exc.lineno}: {exc.msg}") from None
    problems = schema_problems(document, "baseline")
    if problems:
        where = ".".join(map(str, problems[0].path)) or "file"
        raise ConfigError(f"{path}: field '{where}': {problems[0].message}")
    try:
        entries = frozenset(
            BaselineEntry(
                e["rule_id"], e["fingerprint"], parse(e.get("cells", "")), e.get("verdict")
            )
            for e in document["findings"]
        )
    except ValueError as exc:
        raise ConfigError(f"{path}: field 'cells': {exc}") from None
    return Baseline(entries)


def write_baseline(path: Path, baseline: Baseline) -> None:
    """Write atomically: a crash never leaves a half-written baseline behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(render_baseline(baseline))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
