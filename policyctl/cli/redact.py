"""`policyctl redact` and `policyctl detokenize`: gather options, run, write the report."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from policyctl.cli.console import print_notices, stderr, warn, write_file
from policyctl.cli.options import (
    AuditLog,
    ConfigFile,
    Engine,
    ExtraRules,
    Jobs,
    NoAudit,
    NoIgnore,
)

REPORT_FORMATS = ("terminal", "json")


def redact(
    inputs: Annotated[
        list[str],
        typer.Argument(help="Files or folders to redact (- for standard input)."),
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Where the redacted copy goes: a file for one input, else a folder "
            "(- for standard output). Never an input.",
        ),
    ] = None,
    in_place: Annotated[
        bool,
        typer.Option(
            "--in-place", help="Replace each input with its redacted copy, once fully written."
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace outputs that already exist.")
    ] = False,
    strategy: Annotated[
        list[str] | None,
        typer.Option(
            "--strategy",
            "-s",
            help="[DATA_CLASS|RULE=]NAME[:OPTION=VALUE,...] (repeatable), e.g. hash, "
            "contact=partial, pii.us-ssn=fpe. Strategies: mask, partial, remove, hash, "
            "tokenize, fpe, generalize, replace, synthetic.",
        ),
    ] = None,
    columns: Annotated[
        list[str] | None,
        typer.Option(
            "--columns",
            help="NAME=STRATEGY[:OPTION=VALUE,...] (repeatable): every value of a table "
            "column or JSON key redacted whole, e.g. email=hash, or noised: "
            "age=dp:epsilon=0.5,lower=0,upper=120 (options epsilon, sensitivity, lower, "
            "upper, mechanism=laplace|gaussian, delta; needs policyctl[dp]).",
        ),
    ] = None,
    dp_budget: Annotated[
        float | None,
        typer.Option(
            "--dp-budget",
            help="Privacy budget (total epsilon) of this run: the dp columns' epsilons add "
            "up, and a run over it refuses before writing anything.",
        ),
    ] = None,
    config: Annotated[
        str | None, typer.Option("--config", "-c", help="Config file (redaction: section).")
    ] = None,
    rules: ExtraRules = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", "-x", help="Path glob not to redact in folders (repeatable)."),
    ] = None,
    min_confidence: Annotated[
        float | None,
        typer.Option(
            "--min-confidence", min=0.0, max=1.0, help="Leave matches below this confidence."
        ),
    ] = None,
    engine: Engine = None,
    jobs: Jobs = None,
    no_ignore: NoIgnore = False,
    report_format: Annotated[
        str, typer.Option("--format", "-f", help="Report format: terminal or json.")
    ] = "terminal",
    report_file: Annotated[
        Path | None, typer.Option("--report", help="Write the report to this file.")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No report unless --report; warnings only.")
    ] = False,
    audit_log: AuditLog = None,
    no_audit: NoAudit = False,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            help="Redact each file or object as a task on a Dask cluster: local, local:N "
            "or tcp://HOST:PORT; workers read and write the copies themselves and need "
            "POLICYCTL_REDACT_KEY for keyed strategies (needs policyctl[cluster]).",
        ),
    ] = None,
) -> None:
    """Write redacted copies of text, logs and datasets (CSV/TSV, JSON, JSON lines,
    Parquet), each of the same kind: every secret or personal-data value the rules find
    is masked, hashed, tokenized, encrypted or generalized; nothing else changes.

    Keyed strategies (hash, tokenize, fpe) read the key from POLICYCTL_REDACT_KEY.
    Exit code 0: every input redacted; 1: an input could not be (see the warnings);
    2: usage or configuration error, or a --cluster task that failed twice.
    """
    from policyctl.app.redact import RedactRequest, run_redaction
    from policyctl.core.config import RedactOverrides, resolve_redact_settings
    from policyctl.redaction.outputs import OutputRequest

    if report_format not in REPORT_FORMATS:
        raise typer.BadParameter(
            f"choose one of {', '.join(REPORT_FORMATS)}", param_hint="--format"
        )
    cli: RedactOverrides = {
        "config_path": config,
        "rules": rules,
        "exclude": exclude,
        "min_confidence": min_confidence,
        "engine": engine,
        "jobs": jobs,
        "gitignore": False if no_ignore else None,
        "audit_log": "" if no_audit else audit_log,
    }
    settings = resolve_redact_settings(cli, tuple(inputs))
    for warning in settings.warnings:
        warn(warning)
    request = RedactRequest(
        outputs=OutputRequest(
            inputs=tuple(inputs),
            output=output,
            in_place=in_place,
            force=force,
            exclude=settings.exclude,
            use_gitignore=settings.gitignore,
            report=str(report_file) if report_file is not None else None,
        ),
        settings=settings,
        strategies=tuple(strategy or ()),
        command=tuple(sys.argv),
        columns=tuple(columns or ()),
        dp_budget=dp_budget,
        cluster=cluster,
        warn=warn,
    )
    outcome = run_redaction(request)
    print_notices(outcome.report["notices"], verbose=False)
    _write_report(outcome.report, report_format, report_file, quiet, to_stderr=output == "-")
    raise typer.Exit(outcome.exit_code)


def _write_report(
    report: dict[str, Any], fmt: str, path: Path | None, quiet: bool, to_stderr: bool
) -> None:
    """To the file when given; else to stdout, or stderr when stdout carries the data."""
    from policyctl.redaction.report import render_terminal
    from policyctl.report import RenderOptions, render

    if path is not None:
        text = render(report, "json", RenderOptions()) if fmt == "json" else render_terminal(report)
        write_file(path, text)
        return
    if quiet:
        return
    stream = sys.stderr if to_stderr else sys.stdout
    if fmt == "json":
        stream.write(render(report, "json", RenderOptions()))
        return
    tty = stream.isatty()
    width = shutil.get_terminal_size((120, 24)).columns if tty else 120
    stream.write(render_terminal(report, color=tty, width=width))


def detokenize(
    values: Annotated[
        list[str] | None,
        typer.Argument(help="Tokens (tok_...) or, with --fpe, fpe values, to turn back."),
    ] = None,
    reason: Annotated[
        str,
        typer.Option("--reason", help="Why the raw values are needed; recorded in the audit log."),
    ] = "",
    requester: Annotated[
        str,
        typer.Option(
            "--requester", help="Who asks (default user@host); recorded in the audit log."
        ),
    ] = "",
    file: Annotated[
        str | None,
        typer.Option(
            "--file", help="Restore every token in this text file (- for standard input)."
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="With --file: write here (default: stdout)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an output that already exists.")
    ] = False,
    fpe: Annotated[
        bool, typer.Option("--fpe", help="The values were encrypted by the fpe strategy.")
    ] = False,
    luhn: Annotated[
        bool, typer.Option("--luhn", help="With --fpe: they were encrypted with luhn=true.")
    ] = False,
    config: ConfigFile = None,
    audit_log: AuditLog = None,
) -> None:
    """Turn tokens (and fpe values) back into the values they replaced, with the key in
    POLICYCTL_REDACT_KEY. Prints raw personal data: run it only where that is allowed.

    Every run is recorded in the audit log (requester, reason, what, counts, outcome);
    --reason is required unless the configuration says `detokenize: {reason: optional}`.
    """
    from policyctl.app.detokenize import DetokenizeRequest, run_detokenize
    from policyctl.core.config import resolve_detokenize_settings
    from policyctl.redaction.keys import keys_from_env

    if (file is None) == (not values):
        raise typer.BadParameter("give either values or --file", param_hint="VALUES")
    if fpe and file is not None:
        raise typer.BadParameter("fpe values cannot be found in text: give them as values")
    settings = resolve_detokenize_settings({"config_path": config, "audit_log": audit_log})
    request = DetokenizeRequest(
        settings=settings,
        reason=reason,
        requester=requester,
        values=tuple(values or ()),
        file=file,
        output=output,
        force=force,
        fpe=fpe,
        luhn=luhn,
        command=tuple(sys.argv),
        warn=warn,
    )
    outcome = run_detokenize(request, lambda: keys_from_env(os.environ, "detokenize"))
    for plain in outcome.plain:
        typer.echo(plain)
    if file is not None:
        message = f"{outcome.counts.restored} tokens restored"
        if outcome.counts.left:
            message += f", {outcome.counts.left} look-alikes left as they were"
        stderr.print(f"policyctl: {outcome.display}: {message}", markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("redact")(redact)
    app.command("detokenize")(detokenize)
