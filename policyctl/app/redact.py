"""`policyctl redact`, top to bottom: strategies and key -> outputs planned -> rules ->
the tables scanned for their column verdicts -> each input redacted into its copy ->
the redaction report, an audit log entry and the exit code.

Everything that can refuse (an unknown strategy, a keyed strategy without a key, an
output that would overwrite an input) refuses before the first file is written.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from policyctl.core import clock
from policyctl.core.config import RedactSettings
from policyctl.core.errors import InputError
from policyctl.core.model import ColumnProfile, Notice
from policyctl.core.workers import worker_count
from policyctl.detection.cluster import Connection
from policyctl.detection.detect import DetectOptions
from policyctl.detection.profiles import merge_profiles
from policyctl.detection.rules import Ruleset, compile_ruleset, load_rules
from policyctl.detection.scan import run_scan
from policyctl.evidence import audit
from policyctl.policy.enforce import INCOMPLETE_LEVEL
from policyctl.redaction.cells import DataResult
from policyctl.redaction.columns import judged_columns, plan_privacy
from policyctl.redaction.formats import Input, NotRedactable, format_for
from policyctl.redaction.formats.text import NotText
from policyctl.redaction.keys import keys_from_env
from policyctl.redaction.objects import local_copy, object_output
from policyctl.redaction.outputs import (
    STDIO,
    DigestReader,
    DigestWriter,
    OutputRequest,
    Target,
    atomic_output,
    plan_targets,
)
from policyctl.redaction.policy import RedactionPolicy, build_policy
from policyctl.redaction.redactor import Redactor
from policyctl.redaction.report import FileRecord, RunInfo, build_report
from policyctl.sources.datasets import DataOptions, kind_for_name
from policyctl.sources.filesystem import FileSystemSource, WalkOptions
from policyctl.sources.storage import is_url, shown

EXIT_OK = 0
EXIT_INPUT_SKIPPED = 1
EXIT_INCOMPLETE = 2
"""With --cluster: a task failed twice, so the run did not redact everything it planned."""


@dataclass(frozen=True)
class RedactRequest:
    outputs: OutputRequest
    settings: RedactSettings
    strategies: tuple[str, ...] = ()
    """`--strategy` specs, stronger than the config file's `redaction:` section."""
    command: tuple[str, ...] = ()
    """The command line, for the audit log."""
    columns: tuple[str, ...] = ()
    """`--columns NAME=STRATEGY[:OPTION=VALUE,...]` specs, over `redaction.columns`."""
    dp_budget: float | None = None
    """`--dp-budget`, over `redaction.dp_budget`."""
    cluster: str | None = None
    """A Dask scheduler address, or local / local:N: each input is a worker's task."""
    warn: Callable[[str], None] | None = None
    """Where a warning about the audit log goes (a torn last line), if anywhere."""


@dataclass(frozen=True)
class RedactOutcome:
    report: dict[str, Any]
    exit_code: int


def run_redaction(request: RedactRequest, env: Mapping[str, str] | None = None) -> RedactOutcome:
    """Redact every input; exit code 0, or 1 when an input could not be redacted (2 when
    a cluster task failed twice). With --cluster, the connection is made while the rules
    load."""
    connection = None
    if request.cluster:
        connection = Connection(request.cluster)
    try:
        return _run_redaction(request, os.environ if env is None else env, connection)
    finally:
        if connection is not None:
            connection.close()  # only when the run ended before it used the cluster


def _run_redaction(
    request: RedactRequest, env: Mapping[str, str], connection: Connection | None
) -> RedactOutcome:
    settings = request.settings
    started = clock.now(env)
    timer = time.perf_counter()
    where = settings.config_path or "config"
    policy = build_policy(settings.redaction, request.strategies, where, request.columns)
    budget = request.dp_budget
    if budget is None:
        budget = (settings.redaction or {}).get("dp_budget")
    privacy = plan_privacy(policy.columns, budget)  # refuses before anything is written
    keyed = policy.keyed()
    keys = keys_from_env(env, f"the {' and '.join(keyed)} strategy") if keyed else None
    targets, notices = plan_targets(request.outputs)
    refuse_unredactable(targets)
    rules = load_rules([Path(p) for p in settings.rules])
    ruleset = compile_ruleset(rules, settings.engine)
    options = DetectOptions(min_confidence=settings.min_confidence)
    jobs = worker_count(settings.jobs)
    judged, judge_notices = judged_profiles(targets, ruleset, settings, jobs)
    notices.extend(judge_notices)
    categories = {rule.id: rule.category for rule in rules}
    records: list[FileRecord] = []
    skipped = sum(1 for n in notices if n.level != "info")  # inputs missing, unreadable
    failed = 0
    validators = {rule.id: rule.validator for rule in rules}

    def policy_for(target: Target) -> RedactionPolicy:
        """The policy with the columns the scan judged personal data in this target."""
        columns = judged_columns(
            judged.get(target.source, ()),
            policy.columns,
            lambda rule_id, data_class: policy.strategy_for(
                rule_id, data_class, categories.get(rule_id, "pii")
            ),
            validators,
        )
        return replace(policy, columns={**columns, **policy.columns})

    def note(target: Target, done: FileRecord | Notice, task_failed: bool = False) -> None:
        nonlocal skipped, failed
        if isinstance(done, Notice):
            notices.append(done)
            skipped += 1
            failed += task_failed
        else:
            records.append(done)
            notices.extend(Notice(target.display, warning) for warning in done.warnings)

    if connection is None:
        for target in targets:
            redactor = Redactor(ruleset, options, policy_for(target), keys, jobs)
            note(target, redact_target(target, redactor))
    else:
        from policyctl.app.redact_cluster import redact_on_cluster

        key_id = keys.key_id if keys else None
        redact_on_cluster(targets, ruleset, options, policy_for, key_id, connection, note)
        order = {target.display: index for index, target in enumerate(targets)}
        records.sort(key=lambda record: order[record.input])  # as a local run lists them
    run = RunInfo(
        started=clock.iso(started),
        finished=clock.iso(clock.now(env)),
        seconds=time.perf_counter() - timer,
        engine=ruleset.engine,
        rules=len(rules),
        key_id=keys.key_id if keys else None,
        policy=policy.describe(),
        privacy=privacy,
    )
    notices.sort(key=lambda n: n.path)  # stable: a file's warnings stay in file order
    report = build_report(records, notices, run, skipped)
    exit_code = EXIT_INCOMPLETE if failed else EXIT_INPUT_SKIPPED if skipped else EXIT_OK
    audit.record(
        "redact",
        audit_fields(report, request.command, exit_code),
        settings.audit_log,
        warn=request.warn,
    )
    return RedactOutcome(report, exit_code)


TABLE_KINDS = ("csv", "jsonl", "parquet", "xlsx")
"""The kinds of input `scan` profiles column by column, and so judges."""
UNREDACTABLE_KINDS = {
    "ods": "an OpenDocument spreadsheet (.ods) is scanned but not redacted (convert it to "
    ".xlsx to redact it)"
}
"""Kinds `scan` reads and `redact` cannot copy: asked to, the run stops before anything
is written, rather than copy such a file unredacted or leave it out of a tree quietly."""


def refuse_unredactable(targets: Sequence[Target]) -> None:
    """InputError (exit 2) naming the first input of a kind redact cannot copy."""
    for target in targets:
        if target.source == STDIO or is_url(target.source):
            continue
        why = UNREDACTABLE_KINDS.get(kind_for_name(target.source) or "")
        if why is not None:
            raise InputError(f"{target.display}: {why}; no copy written")


def judged_profiles(
    targets: Sequence[Target], ruleset: Ruleset, settings: RedactSettings, jobs: int
) -> tuple[dict[str, list[ColumnProfile]], list[Notice]]:
    """The column profiles of the tables among the inputs (CSV, JSON lines, Parquet), by
    input path, from a scan of them with the redaction's own rules (the verdicts `scan`
    gives): a column whose verdict is `pii` is then redacted whole (columns.
    judged_columns). No time budget applies: a verdict on part of a column would let its
    other values through. Standard input is read once, and objects in a bucket would be
    downloaded twice, so neither is judged: name their columns with --columns. A table that
    could not be read in full for its verdicts gives a warning (the copy is still made, its
    values redacted one by one)."""
    tables = {
        os.path.realpath(t.source): t.source
        for t in targets
        if t.source != STDIO and not is_url(t.source) and kind_for_name(t.source) in TABLE_KINDS
    }
    if not tables:
        return {}, []
    source = FileSystemSource(
        tuple(tables.values()),
        WalkOptions(
            use_gitignore=False,
            follow_links=True,
            data=DataOptions(sample_rows=settings.sample_rows, parts=jobs),
        ),
    )
    options = DetectOptions(min_confidence=settings.min_confidence, time_budget=0)
    scanned = run_scan(source.items(), ruleset, options, jobs)
    found: dict[str, list[ColumnProfile]] = {}
    for profile in scanned.columns:
        table = tables.get(os.path.realpath(profile.path))
        if table is not None:
            found.setdefault(table, []).append(profile)
    notices = [
        Notice(
            n.path, f"columns not judged in full ({n.message}): only the values found are redacted"
        )
        for n in scanned.notices
        if n.level == INCOMPLETE_LEVEL
    ]
    return {table: merge_profiles(profiles) for table, profiles in found.items()}, notices


def audit_fields(report: dict[str, Any], command: Sequence[str], exit_code: int) -> dict[str, Any]:
    """What a redaction's audit entry records: the command, what was done with which key,
    and the SHA-256 of the JSON report (the bytes `--report FILE -f json` writes), whose
    per-file input and output digests tie each copy to its source."""
    from policyctl.report import RenderOptions, render

    rendered = render(report, "json", RenderOptions()).encode("utf-8")
    summary = report["summary"]
    fields: dict[str, Any] = {
        "command": ["policyctl", *command[1:]] if command else ["policyctl"],
        "files": summary["files"],
        "redactions": summary["redactions"],
        "by_strategy": summary["by_strategy"],
        "skipped": summary["skipped"],
        "exit_code": exit_code,
        "report_sha256": hashlib.sha256(rendered).hexdigest(),
    }
    if "key_id" in report["redaction"]:
        fields["key_id"] = report["redaction"]["key_id"]
    if "privacy" in report["redaction"]:
        fields["privacy"] = report["redaction"]["privacy"]
    return fields


def redact_target(target: Target, redactor: Redactor) -> FileRecord | Notice:
    """Redact one input into its destination; a notice (and no output) when it cannot be."""
    redactor.tally.clear()
    redactor.columns.tally.clear()
    try:
        with local_copy(target.source) as local, open_input(local) as raw:
            source = DigestReader(raw)
            item = Input(source, local, target.display)
            with output_for(target) as handle:
                sink = DigestWriter(handle)
                result = format_for(item).redact(item, sink, redactor)
            input_digest = source.drain()
    except NotText:
        return Notice(target.display, "not redacted: binary file (no copy written)")
    except NotRedactable as exc:
        return Notice(target.display, f"not redacted: {exc} (no copy written)")
    except OSError as exc:
        return Notice(target.display, f"not redacted: {exc.strerror or type(exc).__name__}")
    except Exception as exc:  # one bad input must not end the run
        # The exception text may quote the input, so only its kind is reported.
        return Notice(target.display, f"not redacted: {type(exc).__name__}")
    return FileRecord(
        input=target.display,
        output="<stdout>" if target.destination == STDIO else shown(target.destination),
        format=result.format,
        input_sha256=input_digest,
        output_sha256=sink.digest.hexdigest(),
        input_bytes=source.size,
        output_bytes=sink.size,
        lines=result.lines,
        counts=redactor.counts(),
        records=result.records if isinstance(result, DataResult) else None,
        warnings=result.warnings if isinstance(result, DataResult) else [],
        columns=redactor.columns.tally.copy(),
    )


def output_for(target: Target) -> AbstractContextManager[IO[bytes]]:
    """Where the copy is written: a file replaced in one rename, or an object uploaded
    once complete."""
    if is_url(target.destination):
        return object_output(target.destination)
    like = None if is_url(target.source) else target.source
    return atomic_output(target.destination, like=like)


def open_input(source: str) -> IO[bytes]:
    if source == STDIO:
        return open(sys.stdin.fileno(), "rb", closefd=False)
    return open(source, "rb")
