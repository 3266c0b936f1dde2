"""`policyctl audit verify|show`: check and list the hash-chained audit log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from policyctl.cli.console import stdout
from policyctl.core.config import DEFAULT_AUDIT_LOG

audit_app = typer.Typer(help="Check and list the tamper-evident audit log.", no_args_is_help=True)

LogOption = Annotated[
    Path | None,
    typer.Option(
        "--log",
        help=f"The audit log (default {DEFAULT_AUDIT_LOG}, else "
        "~/.local/state/policyctl/audit.jsonl).",
        envvar="POLICYCTL_AUDIT_LOG",
    ),
]


def _log(log: Path | None) -> Path:
    from policyctl.core.config import default_audit_log

    return log if log is not None and str(log) else default_audit_log()


@audit_app.command("verify")
def verify_audit(
    log: LogOption = None,
    expect_head: Annotated[
        str | None,
        typer.Option(
            "--expect-head",
            metavar="HASH[:COUNT]",
            help="The head the log must still reach (an evidence bundle's provenance "
            "records it): catches entries cut from the end, or an emptied log.",
        ),
    ] = None,
) -> None:
    """Check the hash chain (and HMACs when $POLICYCTL_AUDIT_KEY is set).

    Exit code 0: intact (a torn line from a crash is a warning); 1: an entry was edited,
    deleted, inserted or reordered, or the expected head is gone (each named).
    """
    from policyctl.evidence.audit import Head, verify_log

    path = _log(log)
    head = Head.parse(expect_head) if expect_head is not None else None
    result = verify_log(path, expect=head)
    for problem in result.problems:
        entry = f"entry {problem.seq}" if problem.seq is not None else "a line"
        where = f" (line {problem.line})" if problem.line else ""
        label = "WARN" if problem.warning else "FAIL"
        stdout.print(f"{label}  {entry} {problem.kind}{where}: {problem.message}", markup=False)
    if not result.ok:
        stdout.print(f"FAILED: {path} was tampered with", markup=False)
        raise typer.Exit(1)
    keyed = "hash chain and HMACs" if result.keyed else "hash chain (no HMAC key set)"
    reached = f", reaches the expected head {head}" if head is not None else ""
    newest = f"; head {result.last_hash}:{result.last_seq}" if result.last_hash else ""
    stdout.print(
        f"ok: {result.entries} entries, {keyed} intact{reached}{newest}",
        markup=False,
        soft_wrap=True,
    )


@audit_app.command("show")
def show_audit(
    log: LogOption = None,
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
        for _, entry in read_log(_log(log))
        if entry is not None and (event is None or entry.get("event") == event)
    ]
    if as_json:
        for entry in entries:
            typer.echo(json.dumps(entry, ensure_ascii=False))
        return
    table = Table(show_edge=False, pad_edge=False)
    for column in ("seq", "time", "event", "who", "exit", "findings", "command"):
        table.add_column(column, overflow="fold")
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
        newest = entries[-1]
        stdout.print(
            f"head: {newest.get('hash')}:{newest.get('seq')} "
            "(policyctl audit verify --expect-head HEAD checks the log still reaches it)",
            markup=False,
            soft_wrap=True,
        )


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
