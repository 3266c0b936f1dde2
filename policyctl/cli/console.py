"""What every command shares: stderr messages, notices, the progress display."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from policyctl.core import clock
from policyctl.core.errors import OutputError
from policyctl.detection.scan import Progress as ProgressCallback
from policyctl.report.text import printable

stderr = Console(stderr=True, highlight=False)
stdout = Console(highlight=False, soft_wrap=True)
"""Lines of output are never folded to the terminal's width: piped to grep or a file,
a line naming a long path stays one line."""


def write_file(path: Path, content: str | bytes) -> None:
    """A report written to `path`, creating missing parent folders; a path that cannot
    be written (a folder, /dev/full, a read-only place) is an OutputError, one line."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as out:
            out.write(data)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputError(f"{os.fsdecode(path)}: cannot write the report: {reason}") from None


def write_stdout(text: str) -> None:
    """`text` on standard output, flushed; failing, an OSError that names it."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, "<stdout>") from None


def warn(message: str) -> None:
    stderr.print(f"policyctl: warning: {message}", markup=False, soft_wrap=True)


def print_notices(notices: list[dict[str, Any]], verbose: bool) -> None:
    """Input warnings always; informational notes (binary files skipped ...) with -v."""
    for notice in notices:
        if notice["level"] != "info" or verbose:
            label = "note" if notice["level"] == "info" else notice["level"]
            stderr.print(
                printable(f"policyctl: {label}: {notice['path']}: {notice['message']}"),
                markup=False,
                soft_wrap=True,
            )


LOG_FORMATS = ("text", "json")
BLOCKED_HINT = (
    "blocked. Remove the value (and rotate it if it was ever real). To accept a finding "
    "that is not a real problem, paste the comment shown on the line above it (or at the "
    "end of its line):"
)
"""After a blocked scan: the ways to accept a finding that is not a real problem."""
BASELINE_HINT = (
    "or accept every current finding: policyctl baseline create, then scan with "
    "--baseline .policyctl-baseline.json."
)

HINTS_SHOWN = 5
"""Blocking findings whose exact ignore comment the blocked message shows."""

_COMMENT_STYLES: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        (
            ".js",
            ".jsx",
            ".ts",
            ".tsx",
            ".mjs",
            ".cjs",
            ".java",
            ".kt",
            ".kts",
            ".scala",
            ".go",
            ".rs",
            ".c",
            ".h",
            ".cc",
            ".cpp",
            ".hpp",
            ".cs",
            ".swift",
            ".php",
            ".dart",
            ".groovy",
            ".gradle",
            ".jsonc",
            ".proto",
        ),
        ("// ", ""),
    ),
    **dict.fromkeys((".sql", ".lua", ".hs", ".elm"), ("-- ", "")),
    **dict.fromkeys(
        (
            ".html",
            ".htm",
            ".xml",
            ".md",
            ".markdown",
            ".vue",
            ".svelte",
            ".xaml",
            ".config",
            ".csproj",
            ".plist",
            ".svg",
        ),
        ("<!-- ", " -->"),
    ),
    **dict.fromkeys((".css", ".scss", ".less"), ("/* ", " */")),
    **dict.fromkeys((".ini", ".cfg"), ("; ", "")),
    **dict.fromkeys((".bat", ".cmd"), ("REM ", "")),
    **dict.fromkeys((".tex", ".erl"), ("% ", "")),
}


def ignore_comment(path: str, rule_id: str) -> str:
    """The comment that ignores `rule_id`, in the comment syntax of the file's type
    (`#` where the type is not known: shell, Python, YAML, TOML, .env ...)."""
    name = path.rsplit("/", 1)[-1].lower()
    extension = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    opening, closing = _COMMENT_STYLES.get(extension, ("# ", ""))
    return f"{opening}policyctl: ignore[{rule_id}]{closing}"


def suppress_hints(findings: list[dict[str, Any]]) -> list[str]:
    """For each blocking finding (the first few): where it is and the exact comment to
    paste on its line, or, for a table cell or a commit, that only a baseline can accept it.
    A secret found in several places needs the comment at each (an ignore is per place)."""
    blocking = [
        (where, f["rule_id"])
        for f in findings
        if f["mode"] == "block" and not f["suppressed"]
        for where in (f["location"], *(p["location"] for p in f.get("also_at", ())))
    ]
    lines = []
    for where, rule_id in blocking[:HINTS_SHOWN]:
        if "field" in where or "row" in where:
            place = f"{where['path']} row {where.get('row', '?')} {where.get('field', '')}"
            lines.append(
                f"  {place.strip()}: a table cell takes no comment; accept it with a baseline"
            )
        elif "commit" in where:
            lines.append(
                f"  {where['path']} @{where['commit'][:10]}: in history, a commit cannot be "
                "edited; accept it with a baseline (policyctl baseline create --git)"
            )
        else:
            place = f"{where['path']}:{where['line']}" if "line" in where else where["path"]
            lines.append(f"  {place}: {ignore_comment(where['path'], rule_id)}")
    if len(blocking) > HINTS_SHOWN:
        lines.append(f"  ... and {len(blocking) - HINTS_SHOWN} more blocking place(s)")
    return lines


def print_suppress_hint(findings: list[dict[str, Any]]) -> None:
    """After a blocked scan: the ways to accept a finding that is not a real problem,
    with the exact comment to paste for each blocking finding."""
    for line in (f"policyctl: {BLOCKED_HINT}", *suppress_hints(findings), BASELINE_HINT):
        stderr.print(printable(line), markup=False, soft_wrap=True)


@dataclass(frozen=True)
class EventLog:
    """Messages on stderr: human text, or one JSON object per event (for log shippers).

    A JSON event has `time`, `level`, `event` and fields of counts, names and durations;
    never a scanned value (notices name paths, findings are in the report, not here).
    """

    json: bool = False

    def emit(self, level: str, event: str, **fields: Any) -> None:
        document = {"time": clock.iso(datetime.now(UTC)), "level": level, "event": event}
        sys.stderr.write(json.dumps({**document, **fields}, ensure_ascii=False) + "\n")

    def notices(self, notices: list[dict[str, Any]], verbose: bool) -> None:
        if not self.json:
            print_notices(notices, verbose)
            return
        for notice in notices:
            if notice["level"] != "info" or verbose:
                self.emit(
                    notice["level"],
                    "input.notice",
                    target=notice["path"],
                    message=notice["message"],
                )

    def scan_finished(self, report: dict[str, Any], stages: dict[str, float]) -> None:
        if not self.json:
            return
        summary, scan = report["summary"], report["scan"]
        self.emit(
            "info",
            "scan.finished",
            targets=scan["targets"],
            files=scan["files"],
            bytes=scan["bytes"],
            findings=summary["findings"],
            blocking=summary["blocking"],
            suppressed=summary["suppressed"],
            exit_code=summary["exit_code"],
            duration_seconds=round(sum(stages.values()), 3),
            stages={name: round(seconds, 4) for name, seconds in stages.items()},
        )

    def incomplete(self, report: dict[str, Any]) -> None:
        """One line when some input could not be scanned, and what that does to the exit
        code (see policyctl.policy.enforce)."""
        missed = report["scan"].get("incomplete")
        if not missed:
            return
        consequence = (
            "exit code by the findings (--allow-incomplete)"
            if report["scan"].get("allow_incomplete")
            else "exit code 2 (--allow-incomplete to accept it)"
        )
        message = (
            f"the scan is incomplete: {len(missed)} input(s) could not be scanned "
            f"(first: {missed[0]['path']}: {missed[0]['reason']}); {consequence}"
        )
        if self.json:
            self.emit("error", "scan.incomplete", message=message, inputs=len(missed))
        else:
            stderr.print(f"policyctl: error: {message}", markup=False, soft_wrap=True)

    def blocked(self, findings: list[dict[str, Any]]) -> None:
        if self.json:
            hints = [line.strip() for line in suppress_hints(findings)]
            self.emit("error", "scan.blocked", message=BLOCKED_HINT, accept=hints)
        else:
            print_suppress_hint(findings)

    def error(self, message: str) -> None:
        if self.json:
            self.emit("error", "error", message=message)
        else:
            print(f"policyctl: error: {message}", file=sys.stderr)


def event_log(log_format: str | None) -> EventLog:
    """The log for --log-format / POLICYCTL_LOG_FORMAT (text when unset)."""
    chosen = (log_format or "text").strip().lower()
    if chosen not in LOG_FORMATS:
        import typer

        raise typer.BadParameter(
            f"choose one of {', '.join(LOG_FORMATS)}", param_hint="--log-format"
        )
    return EventLog(json=chosen == "json")


@contextmanager
def scan_progress(enabled: bool) -> Iterator[ProgressCallback | None]:
    """A live count of files and bytes on stderr, only when it is a terminal.

    Refreshed by hand (no background thread), so worker processes can be forked safely.
    """
    if not (enabled and sys.stderr.isatty()):
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    display = Progress(
        SpinnerColumn(),
        TextColumn("scanning {task.fields[files]} files, {task.fields[megabytes]:.1f} MB"),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
        auto_refresh=False,
    )
    task = display.add_task("scan", total=None, files=0, megabytes=0.0)
    totals = {"files": 0, "bytes": 0, "shown": 0.0}

    def advance(files: int, size: int) -> None:
        totals["files"] += files
        totals["bytes"] += size
        now = time.monotonic()
        if now - totals["shown"] > 0.1:
            totals["shown"] = now
            display.update(task, files=totals["files"], megabytes=totals["bytes"] / 1e6)
            display.refresh()

    with display:
        yield advance
