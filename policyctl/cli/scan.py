"""`policyctl scan`: gather options, run the pipeline, write the report, set the exit code."""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from policyctl.app.scan import ScanRequest, run_scan_request
from policyctl.cli.console import event_log, scan_progress, write_file, write_stdout
from policyctl.cli.evidence import evidence_request, print_bundle
from policyctl.cli.options import (
    AuditLog,
    ConfigFile,
    Engine,
    Exclude,
    ExtraRules,
    Jobs,
    LogFormat,
    NoAudit,
    NoIgnore,
)
from policyctl.core.config import (
    CONFIG_TRUSTS,
    RUN_MODES,
    Overrides,
    parse_size,
    resolve_settings,
)
from policyctl.core.model import SEVERITIES
from policyctl.report import FORMATS, RenderOptions
from policyctl.report.build import Report
from policyctl.sources.datasets import DATA_KINDS
from policyctl.sources.git import GitScan
from policyctl.sources.targets import DEFAULT_CLONE_MAX_SIZE, DEFAULT_CLONE_TIMEOUT, TargetsFile


def scan(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files or folders to scan (default: .), - for standard input; with "
            "--git/--diff the repository; with --staged, staged files to limit the scan to.",
        ),
    ] = None,
    output_format: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            help=f"Report format: {', '.join(FORMATS)} (default terminal). Repeatable with "
            "--output-dir.",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
    ] = None,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir",
            help="Write each --format to DIR/report.<ext> (the terminal report still prints).",
        ),
    ] = None,
    git_history: Annotated[
        bool,
        typer.Option(
            "--git",
            help="Scan the git history of all branches (lines each commit added), not the files.",
        ),
    ] = False,
    branch: Annotated[
        str | None, typer.Option("--branch", help="With --git: only the history of this ref.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="With --git: only commits after this date (git syntax)."),
    ] = None,
    max_commits: Annotated[
        int | None,
        typer.Option("--max-commits", min=1, help="With --git: only the N most recent commits."),
    ] = None,
    staged: Annotated[
        bool,
        typer.Option(
            "--staged",
            help="Scan what is staged in the git index (what the commit will hold); "
            "PATHS limit it to those files.",
        ),
    ] = False,
    diff: Annotated[
        str | None,
        typer.Option(
            "--diff",
            metavar="RANGE",
            help="Scan only lines added by the commits of BASE..HEAD (BASE alone: BASE...HEAD).",
        ),
    ] = None,
    pre_push: Annotated[
        bool,
        typer.Option(
            "--pre-push",
            help="Scan the commits being pushed (pre-commit's PRE_COMMIT_FROM_REF..TO_REF, "
            "else those of HEAD on no remote).",
        ),
    ] = False,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            help="Report only findings not in this baseline file (see policyctl baseline).",
        ),
    ] = None,
    config: ConfigFile = None,
    rules: ExtraRules = None,
    exclude: Exclude = None,
    max_file_size: Annotated[
        str | None,
        typer.Option("--max-file-size", help="Skip larger files, with a note (default 10MiB)."),
    ] = None,
    max_archive_depth: Annotated[
        int | None,
        typer.Option(
            "--max-archive-depth",
            min=0,
            help="Read inside archives (zip, jar, tar, tgz, gz ...) this many levels deep "
            "(default 2: an archive and the archives in it; 0: archives are not opened).",
        ),
    ] = None,
    max_archive_size: Annotated[
        str | None,
        typer.Option(
            "--max-archive-size",
            help="Stop reading an archive, with a note, after this much decompressed data "
            "(default 256MiB).",
        ),
    ] = None,
    jobs: Jobs = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help=f"Findings at or above this severity block: {', '.join(SEVERITIES)} "
            "(default high without packs; with packs, only when given).",
        ),
    ] = None,
    packs: Annotated[
        list[str] | None,
        typer.Option(
            "--pack",
            "-p",
            help="Policy pack to enforce (repeatable): a built-in id (soc2, gdpr, hipaa ...; "
            "see `policyctl policy list`) or a pack file.",
        ),
    ] = None,
    mode: Annotated[
        str | None,
        typer.Option(
            "--mode",
            help="Override control modes for this run: warn (advisory, never fails) "
            "or block (warnings block too).",
        ),
    ] = None,
    min_confidence: Annotated[
        float | None,
        typer.Option(
            "--min-confidence",
            min=0.0,
            max=1.0,
            help="Drop matches below this confidence (default 0.5).",
        ),
    ] = None,
    engine: Engine = None,
    as_kind: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Read the named files (or - for standard input) as: "
            f"{', '.join(DATA_KINDS)} (default: by file name).",
        ),
    ] = None,
    per_cell: Annotated[
        bool | None,
        typer.Option(
            "--per-cell/--per-column",
            help="Datasets: a finding for every matching cell, or one per column and rule "
            "with a count (default).",
            show_default=False,
        ),
    ] = None,
    per_place: Annotated[
        bool | None,
        typer.Option(
            "--per-place/--per-secret",
            help="Secrets: a finding for every place a secret is at, or one per rule and "
            "value listing the other places (default).",
            show_default=False,
        ),
    ] = None,
    max_bytes_per_file: Annotated[
        str | None,
        typer.Option(
            "--max-bytes-per-file",
            help="Read each log, table and object only up to this size (10MB, 1GiB), as a "
            "sample the report names (Parquet: whole row groups within it).",
        ),
    ] = None,
    sample_rows: Annotated[
        int | None,
        typer.Option(
            "--sample-rows", min=1, help="Datasets: scan only the first N rows of each table."
        ),
    ] = None,
    ner_model: Annotated[
        str | None,
        typer.Option(
            "--ner-model",
            metavar="NAME",
            help="Logs and text documents: also find person, place and organisation names "
            "with this installed spaCy pipeline (a package name or a folder; needs "
            "policyctl[ner]).",
        ),
    ] = None,
    enable: Annotated[
        list[str] | None,
        typer.Option(
            "--enable",
            help="Scan only with these rules: rule id or glob, tag or category (secret, pii); "
            "repeatable or comma-separated.",
        ),
    ] = None,
    disable: Annotated[
        list[str] | None,
        typer.Option(
            "--disable",
            help="Do not scan with these rules: rule id or glob, tag or category; "
            "repeatable or comma-separated.",
        ),
    ] = None,
    no_ignore: NoIgnore = False,
    allow_incomplete: Annotated[
        bool,
        typer.Option(
            "--allow-incomplete",
            help="Exit by the findings even when some input could not be scanned "
            "(default: such a scan exits 2).",
        ),
    ] = False,
    config_trust: Annotated[
        str | None,
        typer.Option(
            "--config-trust",
            help="repo (default): read the scanned folder's .policyctl.yaml; none: ignore it "
            "and use only --config / $POLICYCTL_CONFIG.",
        ),
    ] = None,
    time_budget: Annotated[
        float | None,
        typer.Option(
            "--time-budget",
            min=0.0,
            help="Seconds a file (or a block of a log or table) may take to scan; past it, "
            "an error notice and an incomplete scan (default 60; 0: no limit).",
        ),
    ] = None,
    follow_links: Annotated[
        bool,
        typer.Option(
            "--follow-links",
            help="Also read symlinks that lead out of the scanned folder (default: skipped).",
        ),
    ] = False,
    no_progress: Annotated[
        bool, typer.Option("--no-progress", help="No progress display.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only findings and errors.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also print notes on skipped inputs.")
    ] = False,
    show_secrets: Annotated[
        bool,
        typer.Option(
            "--show-secrets",
            help="Put raw secret values in the output. "
            "Off by default: only redacted previews are shown.",
        ),
    ] = False,
    evidence: Annotated[
        Path | None,
        typer.Option(
            "--evidence",
            help="Write an evidence bundle to this new folder: report, SARIF, SBOM, "
            "signed SLSA provenance, SHA256SUMS.",
        ),
    ] = None,
    sign_key: Annotated[
        str | None,
        typer.Option(
            "--sign-key",
            help="Private key (PEM) to sign the evidence with "
            "(default: $POLICYCTL_SIGN_KEY, the PEM itself or a file).",
        ),
    ] = None,
    encrypt_to: Annotated[
        Path | None,
        typer.Option(
            "--encrypt-to",
            help="Public key (PEM) of the recipient: the bundle's report and SARIF are "
            "encrypted for it (AES-256-GCM).",
        ),
    ] = None,
    audit_log: AuditLog = None,
    no_audit: NoAudit = False,
    log_format: LogFormat = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            envvar="POLICYCTL_CLUSTER",
            help="Run detection on a Dask cluster: local, local:N (N worker processes here) "
            "or a scheduler address tcp://HOST:PORT (needs policyctl[cluster]).",
        ),
    ] = None,
    targets_file: Annotated[
        Path | None,
        typer.Option(
            "--targets",
            help="Scan many repositories: FILE lists one local path or git URL (https://, "
            "ssh://, git@host:path, file://) a line; URLs are cloned (shallow unless --git).",
        ),
    ] = None,
    clone_timeout: Annotated[
        float,
        typer.Option(
            "--clone-timeout", min=1.0, help="With --targets: seconds one clone may take."
        ),
    ] = DEFAULT_CLONE_TIMEOUT,
    clone_max_size: Annotated[
        str | None,
        typer.Option(
            "--clone-max-size",
            help="With --targets: disk one clone may fill before it is stopped (default 2GiB).",
        ),
    ] = None,
    metrics_file: Annotated[
        Path | None,
        typer.Option(
            "--metrics-file",
            help="Write Prometheus metrics here (textfile-collector format, replaced atomically).",
        ),
    ] = None,
    metrics_push: Annotated[
        str | None,
        typer.Option(
            "--metrics-push",
            help="Push the metrics to this Prometheus Pushgateway (job policyctl, instance "
            "this host).",
        ),
    ] = None,
) -> None:
    """Scan files and folders for secrets and personal data.

    Exit code 0: nothing fails the scan; 1: findings fail it; 2: usage, config or input error.
    """
    targets = tuple(paths or ([] if staged or targets_file else ["."]))
    formats = check_formats(output_format or ["terminal"], output, output_dir)
    git = git_scan(git_history, staged, diff, pre_push, branch, since, max_commits)
    listed = targets_request(targets_file, paths, git, clone_timeout, clone_max_size)
    if as_kind is not None and as_kind not in DATA_KINDS:
        raise typer.BadParameter(f"choose one of {', '.join(DATA_KINDS)}", param_hint="--as")
    if fail_on is not None and fail_on not in SEVERITIES:
        raise typer.BadParameter(f"choose one of {', '.join(SEVERITIES)}", param_hint="--fail-on")
    if mode is not None and mode not in RUN_MODES:
        raise typer.BadParameter(f"choose one of {', '.join(RUN_MODES)}", param_hint="--mode")
    if config_trust is not None and config_trust not in CONFIG_TRUSTS:
        raise typer.BadParameter(
            f"choose one of {', '.join(CONFIG_TRUSTS)}", param_hint="--config-trust"
        )
    cli: Overrides = {
        "config_path": config,
        "rules": rules,
        "exclude": exclude,
        "max_file_size": parse_size(max_file_size, "--max-file-size") if max_file_size else None,
        "max_archive_depth": max_archive_depth,
        "max_archive_size": (
            parse_size(max_archive_size, "--max-archive-size") if max_archive_size else None
        ),
        "jobs": jobs,
        "fail_on": fail_on,
        "packs": packs,
        "mode": mode,
        "min_confidence": min_confidence,
        "engine": engine,
        "gitignore": False if no_ignore else None,
        "baseline": baseline,
        "audit_log": "" if no_audit else audit_log,
        "as_kind": as_kind,
        "per_cell": per_cell,
        "per_place": per_place,
        "sample_rows": sample_rows,
        "allow_incomplete": allow_incomplete or None,
        "follow_links": follow_links or None,
        "time_budget": time_budget,
        "config_trust": config_trust,
        "enable": split_patterns(enable),
        "disable": split_patterns(disable),
    }
    settings = resolve_settings(cli, targets)
    request = ScanRequest(
        targets=targets,
        settings=settings,
        show_secrets=show_secrets,
        git=git,
        command=tuple(sys.argv),
        evidence=evidence_request(evidence, sign_key, encrypt_to),
        cluster=cluster,
        targets_file=listed,
        max_bytes_per_file=(
            parse_size(max_bytes_per_file, "--max-bytes-per-file") if max_bytes_per_file else None
        ),
        ner_model=ner_model,
    )
    events = event_log(log_format)
    with scan_progress(enabled=not (no_progress or quiet or events.json)) as progress:
        outcome = run_scan_request(request, progress)
    report = outcome.report
    if metrics_file is not None or metrics_push is not None:
        publish_metrics(report.document, outcome.stages or {}, metrics_file, metrics_push)
    events.scan_finished(report.document, outcome.stages or {})
    if not quiet:
        events.notices(report.document["notices"], verbose)
        events.notices([asdict(n) for n in outcome.notices], verbose)
        if outcome.bundle is not None:
            print_bundle(outcome.bundle, verbose)
    else:  # errors, and what the repository's config did to lower coverage, even so
        shown = [n for n in report.document["notices"] if _shown_when_quiet(n)]
        events.notices(shown, verbose)
    events.incomplete(report.document)
    if output_dir is not None:
        write_reports(report, formats, output_dir)
        for index, part in enumerate(outcome.target_reports, start=1):
            write_reports(part, formats, output_dir / "targets" / target_folder(index, part))
        write_report(report, "terminal", None, quiet)
    else:
        write_report(report, formats[0], output, quiet)
    if outcome.exit_code == 1 and not quiet:
        events.blocked(report.document["findings"])
    raise typer.Exit(outcome.exit_code)


def targets_request(
    targets_file: Path | None,
    paths: list[str] | None,
    git: GitScan | None,
    clone_timeout: float,
    clone_max_size: str | None,
) -> TargetsFile | None:
    """--targets and its clone budget, checked against the options it excludes."""
    if targets_file is None:
        if clone_max_size is not None:
            raise typer.BadParameter("needs --targets", param_hint="--clone-max-size")
        if clone_timeout != DEFAULT_CLONE_TIMEOUT:
            raise typer.BadParameter("needs --targets", param_hint="--clone-timeout")
        return None
    if paths:
        raise typer.BadParameter("give paths or --targets FILE, not both", param_hint="--targets")
    if git is not None and git.mode != "history":
        raise typer.BadParameter(f"--{git.mode} reads one repository", param_hint="--targets")
    size = DEFAULT_CLONE_MAX_SIZE
    if clone_max_size is not None:
        size = parse_size(clone_max_size, "--clone-max-size")
    return TargetsFile(str(targets_file), clone_timeout, size)


def target_folder(index: int, report: Report) -> str:
    """`007-git.example.com_org_api.git`: its place among the targets and a safe name, the
    last 80 characters of it (the repository's own name is at the end)."""
    outcome = report.document["targets"][0]
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", outcome["target"].split("://", 1)[-1]).strip("._")
    return f"{index:03d}-{name[-80:].lstrip('._') or 'target'}"


def _shown_when_quiet(notice: dict[str, Any]) -> bool:
    """Input errors, and the settings of a repository's config that lower coverage."""
    return bool(notice["level"] == "error" or notice["message"].startswith("lowers coverage: "))


def split_patterns(given: list[str] | None) -> list[str] | None:
    """`--disable a,b --disable c` as [a, b, c]."""
    if given is None:
        return None
    return [p.strip() for item in given for p in item.split(",") if p.strip()]


def publish_metrics(
    report: dict[str, Any], stages: dict[str, float], path: Path | None, gateway: str | None
) -> None:
    """The scan's figures as Prometheus metrics: to a textfile and/or a Pushgateway."""
    from policyctl.core.errors import InputError
    from policyctl.report.metrics import push_metrics, scan_registry, write_metrics_file

    registry = scan_registry(report, stages)
    if path is not None:
        try:
            write_metrics_file(registry, str(path))
        except OSError as exc:
            raise InputError(f"--metrics-file {path}: {exc.strerror or exc}") from None
    if gateway is not None:
        try:
            push_metrics(registry, gateway)
        except OSError as exc:  # URLError is an OSError
            raise InputError(f"--metrics-push {gateway}: {getattr(exc, 'reason', exc)}") from None


def check_formats(formats: list[str], output: Path | None, output_dir: Path | None) -> list[str]:
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise typer.BadParameter(
            f"{unknown[0]!r}: choose from {', '.join(FORMATS)}", param_hint="--format"
        )
    if output is not None and output_dir is not None:
        raise typer.BadParameter("give --output or --output-dir, not both", param_hint="--output")
    if len(formats) > 1 and output_dir is None:
        raise typer.BadParameter("several formats need --output-dir", param_hint="--format")
    return list(dict.fromkeys(formats))


def git_scan(
    history: bool,
    staged: bool,
    diff: str | None,
    pre_push: bool,
    branch: str | None,
    since: str | None,
    max_commits: int | None,
) -> GitScan | None:
    """The git content the options ask for, or None to scan files."""
    chosen = [
        name
        for name, on in (
            ("--git", history),
            ("--staged", staged),
            ("--diff", diff is not None),
            ("--pre-push", pre_push),
        )
        if on
    ]
    if len(chosen) > 1:
        raise typer.BadParameter(f"choose one of {', '.join(chosen)}", param_hint=chosen[1])
    narrowing = [n for n, v in (("--branch", branch), ("--since", since)) if v is not None]
    narrowing += ["--max-commits"] if max_commits is not None else []
    if narrowing and not (history or diff is not None or pre_push):
        raise typer.BadParameter("needs --git", param_hint=narrowing[0])
    if diff is not None and not diff.strip():
        raise typer.BadParameter("give a range such as main..HEAD", param_hint="--diff")
    if history:
        return GitScan("history", branch=branch, since=since, max_commits=max_commits)
    if staged:
        return GitScan("staged")
    if diff is not None:
        return GitScan("diff", since=since, max_commits=max_commits, diff_range=diff.strip())
    if pre_push:
        source = os.environ.get("PRE_COMMIT_FROM_REF")
        target = os.environ.get("PRE_COMMIT_TO_REF")
        push_range = (source, target) if source and target else None
        return GitScan("pre-push", since=since, max_commits=max_commits, push_range=push_range)
    return None


def write_reports(report: Report, formats: list[str], output_dir: Path) -> None:
    """Each format to `output_dir/report.<extension>`."""
    for name in formats:
        path = output_dir / f"report.{FORMATS[name].extension}"
        write_file(path, report.encoded(name, RenderOptions()))


def write_report(report: Report, output_format: str, output: Path | None, quiet: bool) -> None:
    """To the file when one is given, else to stdout (in colour on a terminal)."""
    if output is not None:
        write_file(output, report.encoded(output_format, RenderOptions()))
        return
    if quiet and output_format == "terminal" and not report.document["findings"]:
        return
    tty = sys.stdout.isatty()
    width = shutil.get_terminal_size((120, 24)).columns if tty else 120
    write_stdout(report.render(output_format, RenderOptions(color=tty, width=width)))


def register(app: typer.Typer) -> None:
    app.command("scan")(scan)
