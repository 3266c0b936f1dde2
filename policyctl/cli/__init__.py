"""The policyctl command line: one module per command group, wiring only."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from policyctl import __version__
from policyctl.cli import audit as audit_commands
from policyctl.cli import baseline as baseline_commands
from policyctl.cli import evidence as evidence_commands
from policyctl.cli import init as init_commands
from policyctl.cli import policy as policy_commands
from policyctl.cli import profile as profile_commands
from policyctl.cli import redact as redact_commands
from policyctl.cli import rules as rules_commands
from policyctl.cli import scan as scan_commands
from policyctl.cli.console import EventLog
from policyctl.core.errors import PolicyctlError
from policyctl.core.stages import flush_traces
from policyctl.policy.enforce import EXIT_ERROR

app = typer.Typer(
    name="policyctl",
    help="Scan code, git history, logs and datasets for secrets and personal data, "
    "judged against policy packs (SOC 2, ISO 27001, GDPR, HIPAA, PCI DSS ...).",
    no_args_is_help=True,
    add_completion=False,
    # Rich tracebacks print local variables, which can hold secrets.
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"policyctl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_show_version, is_eager=True
        ),
    ] = False,
) -> None:
    """policyctl: policy-as-code for secrets and personal data."""


scan_commands.register(app)
rules_commands.register(app)
baseline_commands.register(app)
policy_commands.register(app)
init_commands.register(app)
evidence_commands.register(app)
audit_commands.register(app)
redact_commands.register(app)
profile_commands.register(app)


def main() -> None:
    """Entry point: a PolicyctlError becomes one line on stderr and exit code 2."""
    try:
        app()
    except PolicyctlError as exc:
        event_log_from_env().error(str(exc))
        sys.exit(EXIT_ERROR)
    finally:
        flush_traces()


def event_log_from_env() -> EventLog:
    """The log for an error that ended a command: --log-format as given on the command
    line (the command may have stopped before reading its options), else
    POLICYCTL_LOG_FORMAT."""
    import os

    chosen = os.environ.get("POLICYCTL_LOG_FORMAT", "")
    for index, word in enumerate(sys.argv):
        if word == "--log-format" and index + 1 < len(sys.argv):
            chosen = sys.argv[index + 1]
        elif word.startswith("--log-format="):
            chosen = word.split("=", 1)[1]
    return EventLog(json=chosen.strip().lower() == "json")
