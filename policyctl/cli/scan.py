"""`policyctl scan`: gather options, run the pipeline, write the report, set the exit code."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from policyctl.cli.console import print_notices, scan_progress
from policyctl.config import parse_size, resolve_settings
from policyctl.model import SEVERITIES
from policyctl.pipeline import ScanRequest, run_scan_request
from policyctl.report import FORMATS, RenderOptions, render


def scan(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files or folders to scan (default: .).")
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=f"Report format: {', '.join(FORMATS)}.")
    ] = "terminal",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
    ] = None,
    config: Annotated[
        str | None,
        typer.Option(
            "--config",
            "-c",
            help="Config file (default: .policyctl.yaml in the scanned folder or the current one).",
        ),
    ] = None,
    rules: Annotated[
        list[str] | None,
        typer.Option("--rules", help="Extra rule file or folder (repeatable)."),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", "-x", help="Path glob not to scan (repeatable)."),
    ] = None,
    max_file_size: Annotated[
        str | None,
        typer.Option("--max-file-size", help="Skip larger files, with a note (default 10MiB)."),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=0, help="Worker processes (default: one per CPU)."),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help=f"Lowest severity that fails the scan: {', '.join(SEVERITIES)} (default high).",
        ),
    ] = None,
    min_confidence: Annotated[
        float | None,
        typer.Option(
            "--min-confidence",
            min=0.0,
            max=1.0,
            help="Drop matches below this confidence (default 0.5).",
        ),
    ] = None,
    engine: Annotated[
        str | None,
        typer.Option("--engine", help="Matching engine: auto, hyperscan or re."),
    ] = None,
    no_ignore: Annotated[
        bool, typer.Option("--no-ignore", help="Scan files that .gitignore excludes too.")
    ] = False,
    no_progress: Annotated[
        bool, typer.Option("--no-progress", help="No progress display.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only findings and errors.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also print notes on skipped inputs.")
    ] = False,
    show_secrets: Annotated[
        bool,
        typer.Option(
            "--show-secrets",
            help="Put raw secret values in the output. "
            "Off by default: only redacted previews are shown.",
        ),
    ] = False,
) -> None:
    """Scan files and folders for secrets and personal data.

    Exit code 0: nothing fails the scan; 1: findings fail it; 2: usage, config or input error.
    """
    targets = tuple(paths or ["."])
    if output_format not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    if fail_on is not None and fail_on not in SEVERITIES:
        raise typer.BadParameter(f"choose one of {', '.join(SEVERITIES)}", param_hint="--fail-on")
    cli: dict[str, Any] = {
        "config_path": config,
        "rules": rules,
        "exclude": exclude,
        "max_file_size": parse_size(max_file_size, "--max-file-size") if max_file_size else None,
        "jobs": jobs,
        "fail_on": fail_on,
        "min_confidence": min_confidence,
        "engine": engine,
        "gitignore": False if no_ignore else None,
    }
    settings = resolve_settings(cli, targets)
    request = ScanRequest(targets=targets, settings=settings, show_secrets=show_secrets)
    with scan_progress(enabled=not (no_progress or quiet)) as progress:
        outcome = run_scan_request(request, progress)
    report = outcome.report
    if not quiet:
        print_notices(report["notices"], verbose)
    write_report(report, output_format, output, quiet)
    raise typer.Exit(outcome.exit_code)


def write_report(
    report: dict[str, Any], output_format: str, output: Path | None, quiet: bool
) -> None:
    """To the file when one is given, else to stdout (in colour on a terminal)."""
    if output is not None:
        output.write_text(render(report, output_format, RenderOptions()), encoding="utf-8")
        return
    if quiet and output_format == "terminal" and not report["findings"]:
        return
    tty = sys.stdout.isatty()
    width = shutil.get_terminal_size((120, 24)).columns if tty else 120
    sys.stdout.write(render(report, output_format, RenderOptions(color=tty, width=width)))


def register(app: typer.Typer) -> None:
    app.command("scan")(scan)
