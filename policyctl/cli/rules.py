"""`policyctl rules list|show|validate|test`: inspect and prove the detector rules."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from policyctl.core.model import Rule
from policyctl.detection.rule_examples import run_examples
from policyctl.detection.rules import compile_ruleset, load_rules

rules_app = typer.Typer(help="List, show, validate and test detector rules.", no_args_is_help=True)
# Piped output stays one rule per line (grep-able): wide, ids never wrapped.
stdout = Console(highlight=False, width=None if sys.stdout.isatty() else 200)

ExtraRules = Annotated[
    list[Path] | None,
    typer.Option("--rules", help="Extra rule file or folder, added to the built-in rules."),
]
Files = Annotated[
    list[Path] | None,
    typer.Argument(help="Rule files or folders (default: the built-in rules)."),
]


def _chosen(
    files: list[Path] | None, extra: list[Path] | None = None, check: bool = False
) -> tuple[Rule, ...]:
    """The rules of `files`, else the built-in ones and `extra`; `check`: the built-in
    rules are checked in full too (validate, test), not just parsed as a scan does."""
    if files:
        return load_rules(files, builtin=False)
    return load_rules(extra or [], check_builtin=check)


@rules_app.command("list")
def list_rules(
    extra: ExtraRules = None,
    category: Annotated[
        str | None, typer.Option("--category", help="Only rules of this category (secret, pii).")
    ] = None,
) -> None:
    """List the rules: id, category, severity, data class and title."""
    from rich.table import Table

    table = Table(show_edge=False, pad_edge=False)
    table.add_column("id", no_wrap=True)
    for column in ("category", "severity", "data class", "title"):
        table.add_column(column, overflow="fold")
    shown = [r for r in _chosen(None, extra) if category in (None, r.category)]
    for rule in shown:
        table.add_row(rule.id, rule.category, rule.severity, rule.data_class, rule.title)
    stdout.print(table)
    stdout.print(f"{len(shown)} rules")


@rules_app.command("show")
def show_rule(
    rule_id: Annotated[str, typer.Argument(help="The rule id, e.g. secret.github-pat.")],
    extra: ExtraRules = None,
) -> None:
    """Show one rule in full, with its examples."""
    found = {r.id: r for r in _chosen(None, extra)}
    rule = found.get(rule_id)
    if rule is None:
        close = [i for i in found if rule_id in i][:5]
        hint = f" (did you mean: {', '.join(close)})" if close else ""
        raise typer.BadParameter(f"no rule {rule_id!r}{hint}", param_hint="RULE_ID")
    fields = {
        "id": rule.id,
        "title": rule.title,
        "category": rule.category,
        "severity": rule.severity,
        "confidence": rule.confidence,
        "data class": rule.data_class,
        "tags": ", ".join(rule.tags),
        "keywords": ", ".join(rule.keywords),
        "pattern": rule.pattern,
        "validator": rule.validator,
        "entropy": rule.entropy,
        "context words": ", ".join(rule.context.words),
        "description": rule.description,
        "file": rule.source,
    }
    for name, value in fields.items():
        if value not in (None, ""):
            stdout.print(f"[bold]{name}:[/bold] ", end="")
            stdout.print(str(value), markup=False)
    stdout.print(
        f"[bold]examples:[/bold] {len(rule.examples)}, "
        f"[bold]negative examples:[/bold] {len(rule.negative_examples)}"
    )


@rules_app.command("validate")
def validate_rules(files: Files = None) -> None:
    """Check rule files against the schema and compile them into the engine.

    Exit code 2 with a one-line message naming the file, rule and field on the first error.
    """
    rules = _chosen(files, check=True)
    compile_ruleset(rules)
    sources = Counter(r.source for r in rules)
    stdout.print(f"ok: {len(rules)} rules in {len(sources)} files")


@rules_app.command("test")
def test_rules(
    files: Files = None,
    engine: Annotated[str, typer.Option("--engine", help="auto, hyperscan or re.")] = "auto",
) -> None:
    """Run every rule's examples (must be found) and negative examples (must not).

    Exit code 1 when any rule fails, listing each failure by rule.
    """
    rules = _chosen(files, check=True)
    failures = run_examples(rules, engine)
    examples = sum(len(r.examples) + len(r.negative_examples) for r in rules)
    for failure in failures:
        stdout.print(
            f"FAIL {failure.rule_id}: {failure.kind.replace('_', ' ')} #{failure.index} "
            f"{failure.reason}",
            markup=False,
        )
    failed_rules = len({f.rule_id for f in failures})
    if failures:
        stdout.print(f"{failed_rules} of {len(rules)} rules failed ({len(failures)} examples)")
        raise typer.Exit(1)
    stdout.print(f"ok: {len(rules)} rules, {examples} examples passed")


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")
