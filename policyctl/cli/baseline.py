"""`policyctl baseline create|update`: accept the current findings, drop the stale ones."""

from __future__ import annotations

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
    Baseline,
    baseline_of,
    load_baseline,
    stale_entries,
    without,
    write_baseline,
)
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


def _scan(
    paths: list[str] | None,
    config: str | None,
    rules: list[str] | None,
    exclude: list[str] | None,
    history: bool,
) -> list[Finding]:
    targets = tuple(paths or ["."])
    cli: Overrides = {"config_path": config, "rules": rules, "exclude": exclude}
    settings = resolve_settings(cli, targets)
    request = ScanRequest(
        targets=targets,
        settings=settings,
        git=GitScan("history") if history else None,
    )
    return scan_result(request).findings


def register(app: typer.Typer) -> None:
    app.add_typer(baseline_app, name="baseline")
