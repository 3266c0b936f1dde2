"""`policyctl policy list|show|validate|coverage`: inspect, check and map the policy packs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from policyctl.cli.console import stdout
from policyctl.core.model import PolicyPack, Rule
from policyctl.detection.rules import load_rules
from policyctl.policy.enforce import EXIT_ERROR
from policyctl.policy.packs import (
    builtin_pack_files,
    coverage,
    load_pack,
    load_packs,
    pack_rule_paths,
    selection_problems,
    serving_rules,
)

policy_app = typer.Typer(
    help="List, show, validate policy packs and map their controls to rules.",
    no_args_is_help=True,
)

ExtraRules = Annotated[
    list[Path] | None,
    typer.Option("--rules", help="Extra rule file or folder, added to the built-in rules."),
]
MODE_STYLE = {"block": "bold red", "warn": "yellow", "log": "dim"}


def _rules_for(packs: tuple[PolicyPack, ...], extra: list[Path] | None) -> tuple[Rule, ...]:
    return load_rules([*(extra or []), *map(Path, pack_rule_paths(packs))])


@policy_app.command("list")
def list_packs() -> None:
    """List the built-in policy packs: id, name, framework version and controls."""
    table = Table(show_edge=False, pad_edge=False)
    for column in ("id", "name", "framework version", "controls"):
        table.add_column(column, no_wrap=column == "id", overflow="fold")
    for pack_id in builtin_pack_files():
        pack = load_pack(pack_id)
        table.add_row(pack.id, pack.name, pack.framework.version, str(len(pack.controls)))
    stdout.print(table)


@policy_app.command("show")
def show_pack(
    pack_ref: Annotated[
        str, typer.Argument(help="A built-in pack id (e.g. hipaa) or a pack file.")
    ],
    extra: ExtraRules = None,
) -> None:
    """Show a pack (with `extends` resolved): its framework and every control, with its
    mode, minimum severity, scope and how many rules serve it."""
    pack = load_pack(pack_ref)
    rules = _rules_for((pack,), extra)
    stdout.print(f"[bold]{pack.id}[/bold] {pack.version}: ", end="")
    stdout.print(pack.name, markup=False)
    stdout.print(f"{pack.framework.name}, {pack.framework.version}", markup=False)
    stdout.print(pack.framework.url, markup=False)
    if pack.extends:
        stdout.print(f"extends: {pack.extends}", markup=False)
    if pack.description:
        stdout.print(pack.description.strip(), markup=False)
    table = Table(show_edge=False, pad_edge=False)
    for column in ("control", "mode", "min severity", "scope", "rules", "title"):
        table.add_column(column, no_wrap=column in ("control", "mode"), overflow="fold")
    for control in pack.controls:
        scope = ", ".join((*control.sources, *control.paths)) or "everywhere"
        served = "-" if control.unserved else str(len(serving_rules(control, rules)))
        table.add_row(
            Text(control.id),
            Text(control.mode, style=MODE_STYLE[control.mode]),
            Text(control.min_severity),
            Text(scope),
            Text(served),
            Text(control.title),
        )
    stdout.print(table)
    if pack.breach_notification:
        stdout.print("[bold]breach notification[/bold] (guidance, not legal advice):")
        for duty in pack.breach_notification:
            condition = f"; {duty.condition}" if duty.condition else ""
            stdout.print(f"  {duty.source}: {duty.notify}, {duty.within}{condition}", markup=False)
    if pack.data_subject_rights:
        rights = "; ".join(f"{r.right} ({r.source})" for r in pack.data_subject_rights)
        stdout.print("[bold]data-subject rights[/bold]: ", end="")
        stdout.print(rights, markup=False)


@policy_app.command("validate")
def validate_packs(
    files: Annotated[list[Path], typer.Argument(help="Pack files to check.")],
    extra: ExtraRules = None,
) -> None:
    """Check pack files: the schema, `extends`, and that every rule a control selects exists.

    Exit code 2 naming the file, control and field on the first schema error, or listing
    every selection that points at no rule.
    """
    problems: list[str] = []
    for path in files:
        pack = load_pack(str(path))
        rules = _rules_for((pack,), extra)
        found = selection_problems(pack, rules)
        problems += [f"{path}: {problem}" for problem in found]
        if not found:
            stdout.print(f"ok: {path}: pack {pack.id}, {len(pack.controls)} controls", markup=False)
    for problem in problems:
        typer.echo(f"policyctl: error: {problem}", err=True)
    if problems:
        raise typer.Exit(EXIT_ERROR)


@policy_app.command("coverage")
def coverage_matrix(
    packs: Annotated[
        list[str] | None,
        typer.Option("--pack", "-p", help="Pack id or file (repeatable; default: all built-in)."),
    ] = None,
    extra: ExtraRules = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="terminal or json.")
    ] = "terminal",
) -> None:
    """Map every control to the rules that serve it, and flag controls no rule serves.

    A control no rule can serve says why (it is then not assessed). Exit code 1 when a
    control is served by no rule and gives no reason.
    """
    if output_format not in ("terminal", "json"):
        raise typer.BadParameter("choose terminal or json", param_hint="--format")
    chosen = load_packs(packs or list(builtin_pack_files()))
    rules = _rules_for(chosen, extra)
    rows = coverage(chosen, rules)
    if output_format == "json":
        document = [
            {
                "pack": row.pack.id,
                "control": row.control.id,
                "mode": row.control.mode,
                "status": row.status,
                "rules": list(row.rules),
                **({"reason": row.control.unserved} if row.control.unserved else {}),
            }
            for row in rows
        ]
        typer.echo(json.dumps(document, indent=2))
    else:
        table = Table(show_edge=False, pad_edge=False)
        for column in ("pack", "control", "mode", "rules", "served by"):
            table.add_column(column, no_wrap=column != "served by", overflow="fold")
        for row in rows:
            if row.status == "served":
                served = Text(_summarise(row.rules))
            elif row.status == "not-assessed":
                served = Text(f"not assessed: {row.control.unserved}", style="dim")
            else:
                served = Text("UNSERVED: no rule selects it", style="bold red")
            table.add_row(
                Text(row.pack.id),
                Text(row.control.id),
                Text(row.control.mode, style=MODE_STYLE[row.control.mode]),
                Text(str(len(row.rules))),
                served,
            )
        stdout.print(table)
        counts = {s: sum(1 for r in rows if r.status == s) for s in ("served", "not-assessed")}
        unserved = len(rows) - sum(counts.values())
        stdout.print(
            f"{len(rows)} controls in {len(chosen)} packs: {counts['served']} served, "
            f"{counts['not-assessed']} not assessed (reason given), {unserved} unserved"
        )
        judged = {rule_id for row in rows for rule_id in row.rules}
        unjudged = tuple(r.id for r in rules if r.id not in judged)
        if unjudged:
            stdout.print(
                f"{len(unjudged)} rules no control judges (their findings are only logged): "
                + _summarise(unjudged),
                markup=False,
            )
    if any(row.status == "unserved" for row in rows):
        raise typer.Exit(1)


def _summarise(rule_ids: tuple[str, ...], shown: int = 6) -> str:
    """The first few rule ids and how many more."""
    listed = ", ".join(rule_ids[:shown])
    more = len(rule_ids) - shown
    return f"{listed} +{more} more" if more > 0 else listed


def register(app: typer.Typer) -> None:
    app.add_typer(policy_app, name="policy")
