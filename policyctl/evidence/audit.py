"""A tamper-evident audit log: one JSON line per scan (or redaction), hash-chained.

Each entry carries `seq` (1, 2, ...), `prev` (the previous entry's hash) and `hash`
(SHA-256 of the entry's canonical JSON without `hash` and `hmac`). With
POLICYCTL_AUDIT_KEY set, `hmac` (HMAC-SHA-256 of the hash under that key) proves an entry
was written by someone who holds the key: without the key, an edited entry cannot be
re-hashed unseen. Deleting the newest entries cannot be seen from the log alone; anchor
the last hash elsewhere (`policyctl audit show` prints it) when that matters.

Appends hold an exclusive lock on the log while they read the last entry and write the
new line with a single write, so concurrent scans never tear a line or fork the chain.

To record an event from any command: `record("redact", {...})`.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import os
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policyctl.core import clock
from policyctl.core.config import DEFAULT_AUDIT_LOG as DEFAULT_LOG
from policyctl.core.errors import ConfigError, InputError

if TYPE_CHECKING:
    from policyctl.report.build import Report

KEY_VARIABLE = "POLICYCTL_AUDIT_KEY"
GENESIS = "0" * 64
_TAIL_BYTES = 64 * 1024


def record(
    event: str,
    fields: Mapping[str, Any],
    log: str | os.PathLike[str] = DEFAULT_LOG,
    env: Mapping[str, str] | None = None,
) -> dict[str, Any] | None:
    """Append one entry for `event` (scan, redact ...) with `fields` (JSON values: never a
    raw secret) and who, where and when; returns the entry as written.

    `log` is the configured `Settings.audit_log`; "" (the log is off) records nothing.
    """
    env = os.environ if env is None else env
    if not os.fspath(log):
        return None
    path = Path(log)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError as exc:
        raise ConfigError(f"audit log {path}: cannot write: {exc.strerror or exc}") from None
    with os.fdopen(descriptor, "r+b") as handle:
        _lock(handle.fileno())
        last = _last_entry(handle)
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
        os.write(handle.fileno(), (json.dumps(entry, separators=(",", ":")) + "\n").encode())
        os.fsync(handle.fileno())
    return entry


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


def _last_entry(handle: Any) -> dict[str, Any] | None:
    """The last complete line's entry (the tail is enough: entries are short)."""
    size = handle.seek(0, os.SEEK_END)
    handle.seek(max(0, size - _TAIL_BYTES))
    lines = [line for line in handle.read().split(b"\n") if line.strip()]
    if not lines:
        return None
    try:
        entry = json.loads(lines[-1])
        if isinstance(entry.get("seq"), int) and isinstance(entry.get("hash"), str):
            return dict(entry)
    except ValueError:
        pass
    raise InputError(
        "the audit log's last line is not an entry: run `policyctl audit verify` "
        "and keep the log as evidence before starting a new one"
    )


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


@dataclass(frozen=True)
class Problem:
    """What is wrong with the log, naming the entry (by seq) and the line."""

    line: int
    seq: int | None
    kind: str
    message: str


@dataclass(frozen=True)
class AuditReport:
    entries: int
    problems: tuple[Problem, ...]
    keyed: bool
    last_hash: str | None


def read_log(path: Path) -> list[tuple[int, dict[str, Any] | None]]:
    """(line number, entry or None when the line is not JSON) for each non-empty line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"audit log {path}: does not exist") from None
    except OSError as exc:
        raise InputError(f"audit log {path}: cannot read: {exc.strerror}") from None
    found: list[tuple[int, dict[str, Any] | None]] = []
    for number, line in enumerate(raw.split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            entry = None
        ok = isinstance(entry, dict) and isinstance(entry.get("seq"), int)
        found.append((number, entry if ok else None))
    return found


def verify_log(path: Path, env: Mapping[str, str] | None = None) -> AuditReport:
    """Every edited, deleted, inserted or reordered entry of the log, named.

    Edited: the entry's own hash (or HMAC) does not match its content, or the next entry
    links to another hash. Deleted: a sequence number is missing. Inserted: a sequence
    number repeats, and the copy off the chain is the inserted one. Reordered: all
    numbers are there but not in order.
    """
    env = os.environ if env is None else env
    key = env.get(KEY_VARIABLE, "")
    lines = read_log(path)
    problems: list[Problem] = []
    entries: list[tuple[int, dict[str, Any]]] = []
    for number, entry in lines:
        if entry is None:
            problems.append(
                Problem(number, None, "edited", "is not a valid entry (torn or edited)")
            )
        else:
            entries.append((number, entry))
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
    problems.sort(key=lambda p: (p.line, p.kind))
    last = entries[-1][1].get("hash") if entries else None
    return AuditReport(len(lines), tuple(problems), bool(key), last)


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
