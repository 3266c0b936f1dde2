"""A tamper-evident audit log: one JSON line per scan (or redaction), hash-chained.

Each entry carries `seq` (1, 2, ...), `prev` (the previous entry's hash) and `hash`
(SHA-256 of the entry's canonical JSON without `hash` and `hmac`). With
POLICYCTL_AUDIT_KEY set, `hmac` (HMAC-SHA-256 of the hash under that key) proves an entry
was written by someone who holds the key: without the key, an edited entry cannot be
re-hashed unseen. Deleting the newest entries (or emptying the log) cannot be seen from
the log alone: each evidence bundle's signed provenance records the head (the hash of the
newest entry and its number), and `verify_log(..., expect=Head(...))` checks the log
still reaches it.

Appends hold an exclusive lock on the log while they read the last entry and write the
new line with one `write` of the whole line (O_APPEND), checked and fsynced: a write that
falls short is cut back off, so the log holds the whole entry or nothing. The log is
opened without following a symbolic link, and must be a regular file.

A line that is not an entry (a write torn by a crash before this rule, or junk) does not
stop later appends: the next entry starts on a new line and links to the last entry
before it, with a warning; `verify_log` names the line.

To record an event from any command: `record("redact", {...})`.
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import hashlib
import hmac
import json
import os
import re
import socket
import stat
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policyctl.core import clock
from policyctl.core.config import default_audit_log
from policyctl.core.errors import ConfigError, InputError

if TYPE_CHECKING:
    from policyctl.report.build import Report

KEY_VARIABLE = "POLICYCTL_AUDIT_KEY"
GENESIS = "0" * 64
_TAIL_BYTES = 64 * 1024
MAX_ENTRY_BYTES = 4 * 1024 * 1024
"""A longer line is not an entry: it is never parsed (a scan's entry is a few hundred
bytes; a command line of thousands of staged files stays far below this)."""
_HEAD = re.compile(r"^([0-9a-f]{64})(?::([1-9][0-9]*))?$")


@dataclass(frozen=True)
class Head:
    """The newest entry of a log at some moment: its hash and, when known, its number."""

    hash: str
    count: int | None = None

    @classmethod
    def parse(cls, text: str) -> Head:
        found = _HEAD.match(text.strip().lower())
        if not found:
            raise ConfigError(
                f"--expect-head {text[:80]!r}: give HASH or HASH:COUNT (64 hex digits, "
                "then the entry number), as an evidence bundle's provenance records it"
            )
        return cls(found.group(1), int(found.group(2)) if found.group(2) else None)

    def __str__(self) -> str:
        return self.hash if self.count is None else f"{self.hash}:{self.count}"


def log_path(log: str | os.PathLike[str] | None, env: Mapping[str, str] | None = None) -> Path:
    """The log to use: `log` as configured, or the user's default when it is None."""
    return default_audit_log(env) if log is None else Path(log)


def record(
    event: str,
    fields: Mapping[str, Any],
    log: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    warn: Callable[[str], None] | None = None,
) -> dict[str, Any] | None:
    """Append one entry for `event` (scan, redact ...) with `fields` (JSON values: never a
    raw secret) and who, where and when; returns the entry as written.

    `log` is the configured `Settings.audit_log`: None for the user's default log, ""
    (the log is off) records nothing. `warn` hears about lines that are not entries.
    A log that cannot be written is a ConfigError (one line, exit 2).
    """
    env = os.environ if env is None else env
    if log is not None and not os.fspath(log):
        return None
    path = log_path(log, env)
    descriptor = _open_for_append(path)
    with os.fdopen(descriptor, "r+b") as handle:
        _lock(handle.fileno())
        size = os.fstat(handle.fileno()).st_size
        last, torn = _last_entry(handle, size)
        if torn is not None and warn is not None:
            linked = f"entry {last['seq']}" if last else "the start of a new chain"
            warn(
                f"audit log {path}: {torn}; the new entry starts on a new line and links to "
                f"{linked} (`policyctl audit verify` names the line)"
            )
        entry: dict[str, Any] = {
            "seq": (last["seq"] + 1) if last else 1,
            "time": clock.iso(clock.now(env)),
            "event": event,
            "user": _user(),
            "host": socket.gethostname(),
            **fields,
            "prev": last["hash"] if last else GENESIS,
        }
        entry["hash"] = entry_hash(entry)
        key = env.get(KEY_VARIABLE, "")
        if key:
            entry["hmac"] = entry_hmac(entry["hash"], key)
        line = (json.dumps(entry, separators=(",", ":")) + "\n").encode()
        if size and not _ends_with_newline(handle, size):
            line = b"\n" + line  # after a torn line: never glue an entry onto it
        _append(handle.fileno(), line, size, path)
    return entry


def _open_for_append(path: Path) -> int:
    """The log opened for appending: never through a symbolic link, a regular file only."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(path, flags | getattr(os, "O_NONBLOCK", 0), 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ConfigError(
                f"audit log {path}: is a symbolic link; policyctl never writes through one "
                "(point --audit-log at the file itself)"
            ) from None
        raise ConfigError(f"audit log {path}: cannot write: {exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise ConfigError(f"audit log {path}: is not a regular file")
    os.set_blocking(descriptor, True)
    return descriptor


def _append(descriptor: int, line: bytes, size: int, path: Path) -> None:
    """Write `line` whole, or leave the log as it was and raise."""
    try:
        written = os.write(descriptor, line)
        if written != len(line):
            raise OSError(errno.ENOSPC, f"only {written} of {len(line)} bytes could be written")
        os.fsync(descriptor)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.ftruncate(descriptor, size)  # no torn entry left behind
        raise ConfigError(
            f"audit log {path}: cannot append the entry: {exc.strerror or exc} "
            "(nothing was written; free space or use --audit-log / --no-audit)"
        ) from None


def scan_fields(report: Report, command: Sequence[str]) -> dict[str, Any]:
    """What a scan's entry records: the command, packs, verdict and the report's digest
    (SHA-256 of the JSON report, the very bytes of an evidence bundle's report.json)."""
    return {
        "command": ["policyctl", *command[1:]] if command else ["policyctl"],
        "packs": [pack.id for pack in report.policy.packs],
        "findings": report.counted,
        "blocking": report.blocking,
        "exit_code": report.exit_code,
        "report_sha256": hashlib.sha256(report.json).hexdigest(),
    }


def entry_hash(entry: Mapping[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k not in ("hash", "hmac")}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def entry_hmac(digest: str, key: str) -> str:
    return hmac.new(key.encode("utf-8"), digest.encode("ascii"), hashlib.sha256).hexdigest()


def _lock(descriptor: int) -> None:
    import fcntl

    fcntl.flock(descriptor, fcntl.LOCK_EX)  # released when the file is closed


def _last_entry(handle: Any, size: int) -> tuple[dict[str, Any] | None, str | None]:
    """The last entry of the log, and what is wrong with the lines after it (None when
    the last line is that entry). Reads backwards from the end, a window at a time."""
    window = _TAIL_BYTES
    while True:
        start = max(0, size - window)
        handle.seek(start)
        lines = handle.read(size - start).split(b"\n")
        if start > 0:
            lines = lines[1:]  # the first may be the end of a longer line
        for index in range(len(lines) - 1, -1, -1):
            entry = parse_entry(lines[index])
            if entry is not None:
                after = [line for line in lines[index + 1 :] if line.strip()]
                return entry, _describe(after) if after else None
        if start == 0:
            junk = [line for line in lines if line.strip()]
            return None, _describe(junk) if junk else None
        window *= 4


def _describe(lines: list[bytes]) -> str:
    count = "its last line is" if len(lines) == 1 else f"its last {len(lines)} lines are"
    return f"{count} not an entry (a write cut short by a crash, or not an audit log)"


def _ends_with_newline(handle: Any, size: int) -> bool:
    handle.seek(size - 1)
    return bool(handle.read(1) == b"\n")


def parse_entry(line: bytes) -> dict[str, Any] | None:
    """The entry on `line`, or None when it is not one. Bounded: an overlong line is not
    parsed, and nesting too deep for the parser is simply not an entry."""
    entry = _parse(line)
    if entry is not None and isinstance(entry.get("hash"), str):
        return entry if isinstance(entry.get("prev"), str) else None
    return None


def _parse(line: bytes) -> dict[str, Any] | None:
    """A JSON object with a whole-number `seq` (an entry, perhaps edited), else None."""
    line = line.strip()
    if not line.startswith(b"{") or len(line) > MAX_ENTRY_BYTES:
        return None
    try:
        entry = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if isinstance(entry, dict) and type(entry.get("seq")) is int:
        return entry
    return None


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


WARNING_KINDS = frozenset({"torn"})
"""Problems that show something happened to the log, not that an entry was changed."""


@dataclass(frozen=True)
class Problem:
    """What is wrong with the log, naming the entry (by seq) and the line (0: the log as
    a whole)."""

    line: int
    seq: int | None
    kind: str
    message: str

    @property
    def warning(self) -> bool:
        return self.kind in WARNING_KINDS


@dataclass(frozen=True)
class AuditReport:
    entries: int
    problems: tuple[Problem, ...]
    keyed: bool
    last_hash: str | None
    last_seq: int | None = None

    @property
    def ok(self) -> bool:
        return all(problem.warning for problem in self.problems)


def read_log(path: Path) -> list[tuple[int, dict[str, Any] | None]]:
    """(line number, entry or None when the line is not an entry) for each non-empty line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"audit log {path}: does not exist") from None
    except OSError as exc:
        raise InputError(f"audit log {path}: cannot read: {exc.strerror}") from None
    return [
        (number, _parse(line)) for number, line in enumerate(raw.split(b"\n"), 1) if line.strip()
    ]


def verify_log(
    path: Path, env: Mapping[str, str] | None = None, expect: Head | None = None
) -> AuditReport:
    """Every edited, deleted, inserted or reordered entry of the log, named; with
    `expect`, also a log cut short (or emptied) before that head.

    Edited: the entry's own hash (or HMAC) does not match its content, or the next entry
    links to another hash. Deleted: a sequence number is missing. Inserted: a sequence
    number repeats, and the copy off the chain is the inserted one. Reordered: all
    numbers are there but not in order. Torn (a warning): a line that is not an entry,
    over which the chain passes intact (a write cut short by a crash).
    """
    env = os.environ if env is None else env
    key = env.get(KEY_VARIABLE, "")
    lines = read_log(path)
    problems: list[Problem] = []
    entries: list[tuple[int, dict[str, Any]]] = []
    before: dict[str, Any] | None = None  # the last entry before the current line
    pending: list[int] = []  # lines that are not entries since `before`
    for number, entry in lines:
        if entry is None:
            pending.append(number)
            continue
        problems += [_not_an_entry(n, before, entry) for n in pending]
        pending = []
        entries.append((number, entry))
        before = entry
    problems += [_not_an_entry(n, before, None) for n in pending]
    intact: dict[int, bool] = {}
    for number, entry in entries:
        seq = entry["seq"]
        intact[number] = True
        if entry.get("hash") != entry_hash(entry):
            problems.append(Problem(number, seq, "edited", "content does not match its hash"))
            intact[number] = False
        elif key and entry.get("hmac") != entry_hmac(entry["hash"], key):
            why = "has no HMAC" if "hmac" not in entry else "HMAC does not match"
            problems.append(Problem(number, seq, "edited", f"{why} (re-hashed without the key)"))
            intact[number] = False
    problems += _sequence_problems(entries)
    problems += _link_problems(entries, intact)
    if expect is not None:
        problems += _head_problems(entries, expect)
    problems.sort(key=lambda p: (p.line, p.kind))
    last = entries[-1][1] if entries else {}
    return AuditReport(len(entries), tuple(problems), bool(key), last.get("hash"), last.get("seq"))


def _not_an_entry(
    number: int, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> Problem:
    """A line that is not an entry is torn when the chain passes over it: the entry after
    it (if any) follows `before`, the entry before it. Otherwise an entry was edited there."""
    expected_prev = before.get("hash") if before else GENESIS
    expected_seq = before["seq"] + 1 if before else 1
    if after is None or (after.get("prev") == expected_prev and after["seq"] == expected_seq):
        where = "after the last entry" if after is None else "between two linked entries"
        return Problem(
            number,
            None,
            "torn",
            f"not an entry, {where} (a write cut short by a crash, or junk); "
            "the chain passes over it intact",
        )
    return Problem(number, None, "edited", "is not a valid entry (an entry was edited here)")


def _head_problems(entries: list[tuple[int, dict[str, Any]]], expect: Head) -> list[Problem]:
    """The log must still hold the expected head, at its number: else its tail was cut."""
    found = [(number, e) for number, e in entries if e.get("hash") == expect.hash]
    if not found:
        newest = max((e["seq"] for _, e in entries), default=0)
        what = f"ends at entry {newest}" if newest else "has no entries"
        count = f" (entry {expect.count})" if expect.count else ""
        return [
            Problem(
                0,
                expect.count,
                "truncated",
                f"the log {what}, and no entry is the expected head {expect.hash[:16]}...{count}:"
                " entries were cut from its end, or the log was replaced",
            )
        ]
    number, entry = found[0]
    if expect.count is not None and entry["seq"] != expect.count:
        return [
            Problem(
                number,
                entry["seq"],
                "truncated",
                f"the expected head is entry {entry['seq']} here, not entry {expect.count}",
            )
        ]
    return []


def _sequence_problems(entries: list[tuple[int, dict[str, Any]]]) -> list[Problem]:
    problems: list[Problem] = []
    by_seq: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    for number, entry in entries:
        by_seq.setdefault(entry["seq"], []).append((number, entry))
    for seq, group in sorted(by_seq.items()):
        if len(group) > 1:
            for number, _ in _off_chain(group, by_seq):
                problems.append(
                    Problem(number, seq, "inserted", f"repeats entry {seq} and is off the chain")
                )
    present = sorted(by_seq)
    for seq in sorted(set(range(1, present[-1] + 1)) - set(present)) if present else ():
        following = min((n for n, e in entries if e["seq"] > seq), default=0)
        problems.append(Problem(following, seq, "deleted", f"missing before line {following}"))
    highest = 0
    for number, entry in entries:
        if len(by_seq[entry["seq"]]) == 1 and entry["seq"] < highest:
            problems.append(
                Problem(number, entry["seq"], "reordered", f"comes after entry {highest}")
            )
        highest = max(highest, entry["seq"])
    return problems


def _off_chain(
    group: list[tuple[int, dict[str, Any]]], by_seq: dict[int, list[tuple[int, dict[str, Any]]]]
) -> list[tuple[int, dict[str, Any]]]:
    """Of entries sharing a sequence number, those that do not link to the entry before
    and are not linked to by the entry after; if that cannot tell, all but the first."""
    seq = group[0][1]["seq"]
    before = {e.get("hash") for _, e in by_seq.get(seq - 1, [])} if seq > 1 else {GENESIS}
    after = {e.get("prev") for _, e in by_seq.get(seq + 1, [])}
    on_chain = [
        member
        for member in group
        if member[1].get("prev") in before and (not after or member[1].get("hash") in after)
    ]
    keep = on_chain[0] if len(on_chain) == 1 else group[0]
    return [member for member in group if member is not keep]


def _link_problems(
    entries: list[tuple[int, dict[str, Any]]], intact: dict[int, bool]
) -> list[Problem]:
    """An intact entry whose `prev` is not its predecessor's hash: the predecessor was
    edited and re-hashed (its own hash then looks fine)."""
    by_seq: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    for number, entry in entries:
        by_seq.setdefault(entry["seq"], []).append((number, entry))
    problems = []
    for seq, group in sorted(by_seq.items()):
        before = by_seq.get(seq - 1)
        if len(group) != 1 or (seq > 1 and (before is None or len(before) != 1)):
            continue  # repeats and gaps are reported as insertions and deletions
        number, entry = group[0]
        expected = before[0][1].get("hash") if before else GENESIS
        if intact[number] and entry.get("prev") != expected and before and intact[before[0][0]]:
            problems.append(
                Problem(
                    before[0][0],
                    seq - 1,
                    "edited",
                    f"was re-hashed: entry {seq} links to another hash",
                )
            )
    return problems
