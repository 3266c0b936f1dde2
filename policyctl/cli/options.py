"""Options that several commands share, declared once so they read and behave alike."""

from __future__ import annotations

from typing import Annotated

import typer

ConfigFile = Annotated[
    str | None,
    typer.Option(
        "--config",
        "-c",
        help="Config file (default: .policyctl.yaml in the scanned folder or the current one).",
    ),
]
ExtraRules = Annotated[
    list[str] | None, typer.Option("--rules", help="Extra rule file or folder (repeatable).")
]
Exclude = Annotated[
    list[str] | None, typer.Option("--exclude", "-x", help="Path glob not to scan (repeatable).")
]
Engine = Annotated[
    str | None, typer.Option("--engine", help="Matching engine: auto, hyperscan or re.")
]
NoIgnore = Annotated[
    bool, typer.Option("--no-ignore", help="In folders, also read what .gitignore excludes.")
]
AuditLog = Annotated[
    str | None,
    typer.Option(
        "--audit-log",
        help="Audit log to append to (default $XDG_STATE_HOME/policyctl/audit.jsonl, "
        "else ~/.local/state/policyctl/audit.jsonl).",
    ),
]
NoAudit = Annotated[bool, typer.Option("--no-audit", help="Do not append to the audit log.")]
Jobs = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=0, help="Worker processes (default: one per CPU)."),
]
LogFormat = Annotated[
    str | None,
    typer.Option(
        "--log-format",
        envvar="POLICYCTL_LOG_FORMAT",
        help="Messages on stderr as text (default) or json: one JSON object per event.",
    ),
]
