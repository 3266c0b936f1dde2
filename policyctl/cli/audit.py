"""`policyctl audit verify|show`: check and list the hash-chained audit log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from policyctl.cli.console import stdout
from policyctl.core.config import DEFAULT_AUDIT_LOG as DEFAULT_LOG

audit_app = typer.Typer(help="Check and list the tamper-evident audit log.", no_args_is_help=True)

LogOption = Annotated[
    Path,
    typer.Option(
        "--log", help=f"The audit log (default {DEFAULT_LOG}).", envvar="POLICYCTL_AUDIT_LOG"
    ),
]


@audit_app.command("verify")
def verify_audit(log: LogOption = Path(DEFAULT_LOG)) -> None:
    """Check the hash chain (and HMACs when $POLICYCTL_AUDIT_KEY is set).

    Exit code 0: intact; 1: an entry was edited, deleted, inserted or reordered (named).
    """
    from policyctl.evidence.audit import verify_log

    result = verify_log(log)
    for problem in result.problems:
        entry = f"entry {problem.seq}" if problem.seq is not None else "an entry"
        stdout.print(
            f"FAIL  {entry} {problem.kind} (line {problem.line}): {problem.message}", markup=False
        )
    if result.problems:
        stdout.print(f"FAILED: {log} was tampered with", markup=False)
        raise typer.Exit(1)
    keyed = "hash chain and HMACs" if result.keyed else "hash chain (no HMAC key set)"
    stdout.print(f"ok: {result.entries} entries, {keyed} intact; last hash {result.last_hash}")


@audit_app.command("show")
def show_audit(
    log: LogOption = Path(DEFAULT_LOG),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the entries as JSON lines.")
    ] = False,
    event: Annotated[
        str | None,
        typer.Option("--event", help="Only entries of this event (scan, redact, detokenize)."),
    ] = None,
) -> None:
    """List the entries: number, time, event, user@host, exit code, command."""
    from policyctl.evidence.audit import read_log

    entries = [
        entry
        for _, entry in read_log(log)
        if entry is not None and (event is None or entry.get("event") == event)
    ]
    if as_json:
        for entry in entries:
            typer.echo(json.dumps(entry, ensure_ascii=False))
        return
    table = Table(show_edge=False, pad_edge=False)
    for column in ("seq", "time", "event", "who", "exit", "findings", "command"):
        table.add_column(column)
    for entry in entries:
        table.add_row(
            str(entry.get("seq")),
            str(entry.get("time", "")),
            str(entry.get("event", "")),
            f"{entry.get('user', '?')}@{entry.get('host', '?')}",
            str(entry.get("exit_code", "")),
            str(entry.get("findings", "")),
            " ".join(map(str, entry.get("command", []))),
        )
    stdout.print(table)
    if entries:
        stdout.print(f"last hash: {entries[-1].get('hash')}", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
