"""`policyctl baseline create|update|import|audit`: accept the current findings, drop the
stale ones, bring another tool's, and mark them true or false positives."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from policyctl.app.scan import ScanRequest, scan_result
from policyctl.cli.console import stdout
from policyctl.cli.options import ConfigFile, Exclude, ExtraRules
from policyctl.core.config import Overrides, resolve_settings
from policyctl.core.model import Finding
from policyctl.policy.baseline import (
    DEFAULT_BASELINE,
    FALSE_POSITIVE,
    TRUE_POSITIVE,
    Baseline,
    BaselineEntry,
    baseline_of,
    joined,
    load_baseline,
    stale_entries,
    with_verdicts,
    without,
    write_baseline,
)
from policyctl.policy.migrate import map_entries, read_foreign
from policyctl.sources.git import GitScan

baseline_app = typer.Typer(
    help="Record findings you accept, so scans with --baseline report only new ones.",
    no_args_is_help=True,
)

Paths = Annotated[list[str] | None, typer.Argument(help="Files or folders to scan (default: .).")]
History = Annotated[bool, typer.Option("--git", help="Scan the git history instead of the files.")]


@baseline_app.command("create")
def create(
    paths: Paths = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The baseline file to write.")
    ] = Path(DEFAULT_BASELINE),
    config: ConfigFile = None,
    rules: ExtraRules = None,
    exclude: Exclude = None,
    history: History = False,
) -> None:
    """Scan and record every current finding as accepted (fingerprints and rule ids only)."""
    findings = _scan(paths, config, rules, exclude, history)
    baseline = baseline_of(findings)
    if output.is_file():  # keep the verdicts `baseline audit` recorded
        audited = {e: e.verdict for e in load_baseline(output).entries if e.verdict}
        baseline = with_verdicts(baseline, audited)
    write_baseline(output, baseline)
    stdout.print(
        f"wrote {output}: {len(baseline.entries)} accepted finding(s)", markup=False, soft_wrap=True
    )


@baseline_app.command("update")
def update(
    paths: Paths = None,
    baseline_file: Annotated[
        Path, typer.Option("--baseline", "-b", help="The baseline file to update.")
    ] = Path(DEFAULT_BASELINE),
    config: ConfigFile = None,
    rules: ExtraRules = None,
    exclude: Exclude = None,
    history: History = False,
) -> None:
    """Scan again and drop the entries no finding matches any more, listing them.

    New findings are not added: review them, then accept them with `baseline create`.
    """
    current = load_baseline(baseline_file)
    findings = _scan(paths, config, rules, exclude, history)
    stale = stale_entries(current, findings)
    kept: Baseline = without(current, stale)
    write_baseline(baseline_file, kept)
    for entry in stale:
        stdout.print(f"removed {entry.rule_id} {entry.fingerprint}", markup=False, soft_wrap=True)
    new = {f.fingerprint for f in findings if f.suppressed is None} - kept.fingerprints
    stdout.print(
        f"{baseline_file}: removed {len(stale)} stale, kept {len(kept.entries)}; "
        f"{len(new)} finding(s) not in the baseline",
        markup=False,
        soft_wrap=True,
    )


@baseline_app.command("import")
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help="A detect-secrets baseline (.secrets.baseline) or a gitleaks JSON report."
        ),
    ],
    paths: Paths = None,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="The baseline to write (entries are added to it)."),
    ] = Path(DEFAULT_BASELINE),
    config: ConfigFile = None,
    rules: ExtraRules = None,
    exclude: Exclude = None,
    history: History = False,
) -> None:
    """Accept the findings another tool recorded: each entry is matched by path and line
    (and value, when the file holds it) to a finding of a scan of the same files."""
    foreign = read_foreign(file)
    findings = _scan(paths, config, rules, exclude, history, with_values=True)
    mapping = map_entries(foreign.entries, findings)
    current = load_baseline(output) if output.is_file() else Baseline()
    updated = joined(current, mapping.entries)
    write_baseline(output, updated)
    _say(
        f"read {len(foreign.entries)} entries from {file} ({foreign.tool}): "
        f"{len(mapping.matched)} matched, {len(mapping.unmatched)} unmatched"
    )
    for entry in mapping.unmatched:
        _say(f"unmatched: {entry.where()} ({entry.kind}): no finding there in this scan")
    added = len(updated.entries) - len(current.entries)
    _say(f"wrote {output}: {added} accepted finding(s) added, {len(updated.entries)} in all")


ANSWERS = {"y": TRUE_POSITIVE, "yes": TRUE_POSITIVE, "n": FALSE_POSITIVE, "no": FALSE_POSITIVE}


@baseline_app.command("audit")
def audit(
    paths: Paths = None,
    baseline_file: Annotated[
        Path, typer.Option("--baseline", "-b", help="The baseline file to audit.")
    ] = Path(DEFAULT_BASELINE),
    again: Annotated[
        bool, typer.Option("--all", help="Ask about entries already audited too.")
    ] = False,
    yes_all: Annotated[
        bool,
        typer.Option("--yes-all", help="Mark every entry asked about a true positive, unasked."),
    ] = False,
    config: ConfigFile = None,
    rules: ExtraRules = None,
    exclude: Exclude = None,
    history: History = False,
) -> None:
    """Mark each baseline entry a true or a false positive: the rule, path, line and
    redacted preview are shown (never the value); answers are saved in the baseline.

    Answers come from the terminal, or one per line from standard input: y (a real
    value), n (a false positive), s (skip), q (stop; answers so far are saved).
    """
    current = load_baseline(baseline_file)
    findings = _scan(paths, config, rules, exclude, history)
    first: dict[str, Finding] = {}
    for finding in findings:
        first.setdefault(finding.fingerprint, finding)
    asked = sorted(e for e in current.entries if again or e.verdict is None)
    verdicts: dict[BaselineEntry, str] = {}
    skipped = missing = 0
    for number, entry in enumerate(asked, 1):
        found = first.get(entry.fingerprint)
        if found is None:
            missing += 1
            _say(f"[{number}/{len(asked)}] {entry.rule_id} {entry.fingerprint}: not found now")
            continue
        where = found.location
        line = f":{where.line}" if where.line is not None else ""
        _say(
            f"[{number}/{len(asked)}] {entry.rule_id} at {where.path}{line}: {found.preview}"
            + (f" (now: {entry.verdict})" if entry.verdict else "")
        )
        answer = "y" if yes_all else _answer()
        if answer == "q":
            break
        if answer in ANSWERS:
            verdicts[entry] = ANSWERS[answer]
        else:
            skipped += 1
    write_baseline(baseline_file, with_verdicts(current, verdicts))
    real = sum(v == TRUE_POSITIVE for v in verdicts.values())
    _say(
        f"{baseline_file}: {real} true positive(s), {len(verdicts) - real} false positive(s) "
        f"recorded; {skipped} skipped, {missing} not found"
    )


def _answer() -> str:
    """One answer from the user: y, n, s or q (end of input counts as q)."""
    while True:
        stdout.print(
            "real value? [y]es / [n]o, a false positive / [s]kip / [q]uit: ",
            end="",
            markup=False,
        )
        line = sys.stdin.readline()
        answer = line.strip().lower()
        if not sys.stdin.isatty():  # answers piped in: show each, as a terminal would
            stdout.print(answer, markup=False)
        if not line:
            return "q"
        if answer in ANSWERS:
            return answer[0]
        if answer in ("s", "skip", "q", "quit"):
            return answer[0]
        _say(f"{answer!r}: answer y, n, s or q")


def _say(line: str) -> None:
    stdout.print(line, markup=False, soft_wrap=True)


def _scan(
    paths: list[str] | None,
    config: str | None,
    rules: list[str] | None,
    exclude: list[str] | None,
    history: bool,
    with_values: bool = False,
) -> list[Finding]:
    """The findings of a scan of `paths`; `with_values` keeps each raw value in memory
    (to match another tool's entries by value), never printed."""
    targets = tuple(paths or ["."])
    # A baseline accepts each place of a secret on its own (a waiver or a scan names one).
    cli: Overrides = {
        "config_path": config,
        "rules": rules,
        "exclude": exclude,
        "per_place": True,
    }
    settings = resolve_settings(cli, targets)
    request = ScanRequest(
        targets=targets,
        settings=settings,
        show_secrets=with_values,
        git=GitScan("history") if history else None,
    )
    return scan_result(request).findings


def register(app: typer.Typer) -> None:
    app.add_typer(baseline_app, name="baseline")
