"""`policyctl profile`: a dataset's personal-data profile, released with differential privacy."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from policyctl.cli.console import stdout, warn
from policyctl.cli.options import AuditLog, ConfigFile, NoAudit


def profile(
    paths: Annotated[
        list[str], typer.Argument(help="Dataset files or folders (CSV, JSON lines, Parquet ...).")
    ],
    epsilon: Annotated[
        float,
        typer.Option("--epsilon", help="Privacy budget of the whole release (a positive number)."),
    ],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="terminal or json.")
    ] = "terminal",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the release to this file.")
    ] = None,
    sample_rows: Annotated[
        int | None,
        typer.Option("--sample-rows", min=1, help="Only the first N rows of each table."),
    ] = None,
    config: ConfigFile = None,
    audit_log: AuditLog = None,
    no_audit: NoAudit = False,
) -> None:
    """Release only noisy aggregates of a dataset's personal data: per column, the rows
    with a value and, for each data class, the rows holding it and their rate, with
    discrete Laplace noise (OpenDP) whose total privacy loss is --epsilon."""
    from policyctl.app.profile import ProfileRequest, run_profile
    from policyctl.core.config import Overrides, resolve_settings

    if output_format not in ("terminal", "json"):
        raise typer.BadParameter("choose terminal or json", param_hint="--format")
    cli: Overrides = {
        "config_path": config,
        "sample_rows": sample_rows,
        "audit_log": "" if no_audit else audit_log,
    }
    settings = resolve_settings(cli, tuple(paths))
    release = run_profile(
        ProfileRequest(tuple(paths), settings, epsilon, command=tuple(sys.argv), warn=warn)
    )
    if output_format == "json" or output is not None:
        text = json.dumps(release, indent=2, ensure_ascii=False) + "\n"
        if output is not None:
            output.write_text(text, encoding="utf-8")
        else:
            typer.echo(text, nl=False)
        return
    _print_release(release)


def _print_release(release: dict[str, Any]) -> None:
    privacy = release["privacy"]
    # Post-processing (free): a class is shown when its noisy count stands clear of the
    # noise, three scales above zero; the JSON release keeps every count.
    floor = 3 * privacy["noise_scale"]
    stdout.print(
        f"epsilon {privacy['epsilon']:g} over {privacy['released_counts']} noisy counts "
        f"({privacy['epsilon_per_count']:.4g} each, noise scale {privacy['noise_scale']:.3g}); "
        f"{privacy['note']}; classes under {floor:.0f} rows are not shown",
        markup=False,
    )
    for table_release in release["tables"]:
        table = Table(title=table_release["path"], show_edge=False, pad_edge=False)
        table.add_column("column", no_wrap=True)
        table.add_column("rows", justify="right")
        table.add_column("personal data (noisy rows, rate)")
        for column in table_release["columns"]:
            found = [
                f"{name} {values['rows']} ({values['rate']:.0%})"
                for name, values in column["classes"].items()
                if values["rows"] >= floor
            ]
            table.add_row(column["column"], str(column["rows"]), ", ".join(found) or "-")
        stdout.print(table)


def register(app: typer.Typer) -> None:
    app.command("profile")(profile)
