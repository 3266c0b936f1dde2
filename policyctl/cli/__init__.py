"""The policyctl command line: one module per command group, wiring only."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import traceback
from collections.abc import Callable
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

DEBUG_FLAG = "--debug"


def _new_app() -> typer.Typer:
    made = typer.Typer(
        name="policyctl",
        help="Scan code, git history, logs and datasets for secrets and personal data, "
        "judged against policy packs (SOC 2, ISO 27001, GDPR, HIPAA, PCI DSS ...).",
        no_args_is_help=True,
        add_completion=False,
        # Rich tracebacks print local variables, which can hold secrets.
        pretty_exceptions_enable=False,
        # Plain help (click's): rich's boxes cut long words with "…" on narrow terminals.
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    made.callback()(root)
    return made


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"policyctl {__version__}")
        raise typer.Exit()


def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_show_version, is_eager=True
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            DEBUG_FLAG,
            help="On an unexpected error, print its traceback (also accepted after the "
            "command's name).",
        ),
    ] = False,
) -> None:
    """policyctl: policy-as-code for secrets and personal data."""


_GROUPS = (
    scan_commands,
    rules_commands,
    baseline_commands,
    policy_commands,
    init_commands,
    evidence_commands,
    audit_commands,
    redact_commands,
    profile_commands,
)
app = _new_app()
for _group in _GROUPS:
    _group.register(app)


def _register_by_name() -> dict[str, Callable[[typer.Typer], None]]:
    """Each command's name (scan, rules, keygen ...) and the function registering it."""
    named: dict[str, Callable[[typer.Typer], None]] = {}
    for group in _GROUPS:
        probe = typer.Typer()
        group.register(probe)
        names = [info.name for info in probe.registered_commands]
        names += [info.name for info in probe.registered_groups]
        named.update((name, group.register) for name in names if name)
    return named


def _app_for(args: list[str]) -> typer.Typer:
    """The app to run `args` with: when they start with a command's name, one with that
    command's group alone, since click builds every command's options from its signature
    on each run (15 ms of the start-up of every command, issue 18); else the whole app
    (the help, --version, a mistyped command)."""
    register = _register_by_name().get(args[0]) if args else None
    if register is None:
        return app
    alone = _new_app()
    register(alone)
    return alone


def main() -> None:
    """Entry point: exit 0 (pass), 1 (findings block) or 2 (anything else).

    A usage error, a PolicyctlError, an output that cannot be written and any unexpected
    error become one line on stderr and exit code 2, never 1, which CI reads as
    "blocked"; the traceback of an unexpected error only with --debug.
    """
    debug = DEBUG_FLAG in sys.argv[1:]
    code = 0
    try:
        args = [a for a in sys.argv[1:] if a != DEBUG_FLAG]
        result = _app_for(args)(args=args, standalone_mode=False)
        code = result if isinstance(result, int) else 0
        _flush_stdout()
    except PolicyctlError as exc:
        code = _fail(str(exc))
    except typer.Abort:
        code = _fail("aborted", 130)
    except SystemExit as exc:
        # Outside standalone mode the only exit raised is click's own, on a broken pipe
        # (it would exit 1, which CI reads as "blocked").
        if exc.code in (0, None):
            raise
        code = _fail(_os_problem(OSError(errno.EPIPE, os.strerror(errno.EPIPE))))
    except click_exceptions() as exc:
        code = _usage_error(exc)
    except OSError as exc:
        if debug:
            traceback.print_exc()
        code = _fail(_os_problem(exc))
    except Exception as exc:  # the last line of defence: one line and exit 2, never 1
        if debug:
            traceback.print_exc()
        hint = "" if debug else "; run with --debug for the traceback"
        # The message may quote scanned data, so only the error's kind is printed.
        code = _fail(f"unexpected error ({type(exc).__name__}){hint}")
    finally:
        flush_traces()
    sys.exit(code)


def run() -> None:
    """The installed command (and `python -m policyctl`): `main`, then an exit without
    the interpreter's teardown, which frees the rules, the Hyperscan databases and every
    module's objects one by one (0.05 CPU-s after a scan of code, before the shell has
    its prompt back: issue 18). Only once the output is flushed and no other thread is
    still working; else the ordinary exit. Tests call `main`, which exits as usual."""
    code = 0
    try:
        main()
    except SystemExit as exc:
        if not isinstance(exc.code, int | None) or _threads_working():
            raise
        code = exc.code or 0
    for stream in (sys.stdout, sys.stderr):
        # (a stream that cannot take the rest: main has said so, or it is gone)
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _threads_working() -> bool:
    """Whether a thread other than this one is alive that the ordinary exit would wait
    for (a daemon thread it would abandon all the same)."""
    import threading

    return any(t is not threading.current_thread() and not t.daemon for t in threading.enumerate())


def click_exceptions() -> type[Exception]:
    from typer._click.exceptions import ClickException

    return ClickException


def _usage_error(exc: Exception) -> int:
    """A usage error as one line naming the command's help (the help itself when the
    command was given no arguments)."""
    from typer._click.exceptions import NoArgsIsHelpError, UsageError

    if isinstance(exc, NoArgsIsHelpError):
        help_text = exc.ctx.get_help()  # typer's help prints itself and gives ""
        if help_text:
            typer.echo(help_text)
        return 0
    message = " ".join(exc.format_message().split())  # type: ignore[attr-defined]
    if isinstance(exc, UsageError) and exc.ctx is not None:
        message += f" (see: {exc.ctx.command_path} --help)"
    return _fail(message)


def _fail(message: str, code: int = EXIT_ERROR) -> int:
    from policyctl.report.text import printable

    _flush_stdout()
    event_log_from_env().error(printable(message))
    return code


def _flush_stdout() -> None:
    """Flush standard output now; when it cannot take the text (a full disk, a closed
    pipe), say so once and send what is left nowhere, so Python's own flush at exit
    neither fails again nor changes the exit code."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        _silence_stdout()
        raise OSError(exc.errno, exc.strerror, "<stdout>") from None


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _os_problem(exc: OSError) -> str:
    """An I/O error as a sentence naming the file (or standard output)."""
    reason = exc.strerror or os.strerror(exc.errno or 0) or type(exc).__name__
    if exc.filename == "<stdout>" or exc.errno == errno.EPIPE:
        _silence_stdout()
        return f"cannot write to standard output: {reason}"
    if exc.filename is not None:
        return f"{os.fsdecode(exc.filename)}: {reason}"
    return reason


def event_log_from_env() -> EventLog:
    """The log for an error that ended a command: --log-format as given on the command
    line (the command may have stopped before reading its options), else
    POLICYCTL_LOG_FORMAT."""
    chosen = os.environ.get("POLICYCTL_LOG_FORMAT", "")
    for index, word in enumerate(sys.argv):
        if word == "--log-format" and index + 1 < len(sys.argv):
            chosen = sys.argv[index + 1]
        elif word.startswith("--log-format="):
            chosen = word.split("=", 1)[1]
    return EventLog(json=chosen.strip().lower() == "json")
