"""The whole scan, top to bottom: settings -> rules -> sources -> findings -> verdict -> report.

The CLI gathers options and calls `run_scan_request`; tests can call it the same way.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from policyctl.core import clock
from policyctl.core.config import Settings, available_cpus
from policyctl.core.errors import ConfigError, RuleError
from policyctl.core.model import Notice
from policyctl.core.stages import Stages, start_stages
from policyctl.core.workers import worker_count
from policyctl.detection.cluster import Connection
from policyctl.detection.detect import DetectOptions
from policyctl.detection.repeats import fold_places, fold_repeats
from policyctl.detection.rules import compile_ruleset, load_rules, select_rules
from policyctl.detection.scan import Progress, finding_order, run_scan
from policyctl.detection.suppress import Allowlist
from policyctl.evidence import audit
from policyctl.policy.assess import ScanResult, assess
from policyctl.policy.baseline import apply_baseline, load_baseline
from policyctl.policy.enforce import Policy
from policyctl.policy.migrate import find_gitleaks_config, gitleaks_allowlists
from policyctl.policy.packs import load_packs, pack_rule_paths, selection_notices
from policyctl.report.build import Report, build_report
from policyctl.sources.archives import ArchiveOptions
from policyctl.sources.datasets import DataItem, DataOptions
from policyctl.sources.filesystem import FileItem, FileSystemSource, WalkOptions
from policyctl.sources.git import GitScan, git_source
from policyctl.sources.interface import Item, Source
from policyctl.sources.objects import ObjectStoreSource
from policyctl.sources.storage import is_url
from policyctl.sources.targets import (
    TargetListSource,
    TargetOptions,
    TargetsFile,
    read_targets_file,
)

if TYPE_CHECKING:
    from policyctl.evidence.bundle import EvidenceRequest, WrittenBundle
    from policyctl.evidence.sbom import ManifestFile


@dataclass(frozen=True)
class ScanRequest:
    targets: tuple[str, ...]
    settings: Settings
    show_secrets: bool = False
    git: GitScan | None = None
    command: tuple[str, ...] = ()
    evidence: EvidenceRequest | None = None
    cluster: str | None = None
    """A Dask scheduler address, or local / local:N (see detection.cluster)."""
    targets_file: TargetsFile | None = None
    """--targets: many repositories (paths and git URLs), each opened by a worker."""
    max_bytes_per_file: int | None = None
    """--max-bytes-per-file: logs, tables and objects are read up to this, as a sample."""
    ner_model: str | None = None
    """A spaCy pipeline (package or folder) for names in free text (detection.ner)."""


@dataclass(frozen=True)
class ScanOutcome:
    report: Report
    bundle: WrittenBundle | None = None
    stages: dict[str, float] | None = None
    """Seconds per stage (load, compile, detect, assess, report, evidence, audit)."""
    notices: tuple[Notice, ...] = ()
    """Learnt after the report was made (the audit log's state)."""
    target_reports: tuple[Report, ...] = ()
    """With --targets: one report per target, in the file's order."""

    @property
    def exit_code(self) -> int:
        return self.report.exit_code


def run_scan_request(
    request: ScanRequest, progress: Progress | None = None, stages: Stages | None = None
) -> ScanOutcome:
    stages = start_stages() if stages is None else stages
    manifests: list[ManifestFile] | None = None
    if request.evidence is not None:
        from policyctl.evidence.bundle import check_folder

        check_folder(request.evidence.folder)  # before the scan, not after
        manifests = [] if request.git is None else None  # the SBOM's, from the scan's walk
    result = scan_result(request, progress, manifests, stages)
    with stages.stage("report", findings=len(result.findings)):
        report = build_report(result)
        target_reports = tuple(build_report(part) for part in result.by_target)
    notices: list[Notice] = []
    # The entry first: the bundle's signed provenance records the log's head after it.
    with stages.stage("audit"):
        entry = audit.record(
            "scan",
            audit.scan_fields(report, request.command),
            request.settings.audit_log,
            warn=lambda message: notices.append(Notice("audit log", message)),
        )
    bundle = None
    if request.evidence is not None:
        from policyctl.evidence.bundle import write_bundle

        with stages.stage("evidence"):
            bundle = write_bundle(
                request.evidence,
                report,
                result,
                request.settings,
                request.command,
                manifests,
                audit_head=audit.Head(entry["hash"], entry["seq"]) if entry else None,
            )
    return ScanOutcome(
        report=report,
        bundle=bundle,
        stages=dict(stages.seconds),
        notices=tuple(notices),
        target_reports=target_reports,
    )


def scan_result(
    request: ScanRequest,
    progress: Progress | None = None,
    manifests: list[ManifestFile] | None = None,
    stages: Stages | None = None,
) -> ScanResult:
    """Findings suppressed and judged against the packs, with what the report says
    about the scan and the policy's assessment of it. When `manifests` is a list, the
    manifests and lockfiles the walk meets are added to it (for the evidence SBOM).

    With --cluster, the connection (a LocalCluster's start) is made while the rules load."""
    connection = Connection(request.cluster) if request.cluster else None
    try:
        return _scan_result(request, progress, manifests, stages, connection)
    finally:
        if connection is not None:
            connection.close()  # only when the scan ended before it used the cluster


def _scan_result(
    request: ScanRequest,
    progress: Progress | None,
    manifests: list[ManifestFile] | None,
    stages: Stages | None,
    connection: Connection | None,
) -> ScanResult:
    stages = Stages() if stages is None else stages
    settings = request.settings
    started_at = clock.now()
    started_clock = time.perf_counter()
    with stages.stage("load") as counts:
        baseline = load_baseline(Path(settings.baseline)) if settings.baseline else None
        packs = load_packs(settings.packs)
        loaded = load_rules([Path(p) for p in (*settings.rules, *pack_rule_paths(packs))])
        selection = select_rules(loaded, settings.enable, settings.disable)
        rules = selection.rules
        counts.update(rules=len(rules), packs=len(packs))
    if loaded and not rules:
        raise ConfigError("--enable/--disable (or enable:/disable: in the config) left no rule on")
    if not rules:
        # A scan without rules finds nothing and would pass: never report that as clean.
        raise RuleError("no rules were loaded, so nothing could be found (check the installation)")
    with stages.stage("compile", rules=len(rules)):
        ruleset = compile_ruleset(rules, settings.engine)
        if request.ner_model is not None:  # a model that cannot load: exit 2 now
            from policyctl.detection import ner

            ner.load_model(request.ner_model)
    jobs = worker_count(settings.jobs)
    run_notices = [
        Notice(settings.config_path or ".policyctl.yaml", f"lowers coverage: {lowered}")
        for lowered in settings.coverage_lowered
    ]
    if settings.jobs_capped is not None:
        run_notices.append(
            Notice(
                settings.config_path or "POLICYCTL_JOBS",
                f"jobs: {settings.jobs_capped} capped at {jobs}, one per CPU "
                "(only --jobs may ask for more)",
            )
        )
    if jobs > available_cpus():  # only the command line can ask for this (resolve_settings)
        run_notices.append(
            Notice("--jobs", f"{jobs} workers on {available_cpus()} CPUs: more than one per CPU")
        )
    source = choose_source(request, jobs)
    allowlist, allowlist_notices = scan_allowlist(settings, request.targets)
    items = source.items()
    if manifests is not None:
        items = noting_manifests(items, manifests)
    with stages.stage("detect", jobs=jobs) as counts:
        scanned = run_scan(
            items,
            ruleset,
            DetectOptions(
                min_confidence=settings.min_confidence,
                show_secrets=request.show_secrets,
                per_cell=settings.per_cell,
                allowlist=allowlist,
                time_budget=settings.time_budget,
                ner_model=request.ner_model,
            ),
            jobs=jobs,
            progress=progress,
            cluster=connection,
        )
        counts.update(
            files=scanned.stats.files, bytes=scanned.stats.bytes, findings=len(scanned.findings)
        )
    # With SOURCE_DATE_EPOCH the report must not change between runs: no real durations.
    reproducible = clock.fixed_time() is not None
    scanned.stats.seconds = 0.0 if reproducible else time.perf_counter() - started_clock
    with stages.stage("assess") as counts:
        order = source.commit_order()
        findings = sorted(fold_repeats(scanned.findings, order), key=finding_order)
        if baseline is not None:
            findings = apply_baseline(findings, baseline)
        policy = Policy(
            packs=packs,
            fail_on=settings.fail_on,
            mode=settings.mode,
            allow_incomplete=settings.allow_incomplete,
        )
        unassessed = findings
        findings, assessment = assess(findings, policy, settings.waivers, started_at.date())
        # After every per-place verdict (baseline, waivers, modes): see detection.repeats.
        if not settings.per_place:
            findings = fold_places(findings)
        counts.update(findings=len(findings))
    result = ScanResult(
        findings=findings,
        notices=[
            *run_notices,
            *(Notice("config", warning) for warning in settings.warnings),
            *selection.notices("rules"),
            *allowlist_notices,
            *selection_notices(packs, rules),
            *scanned.notices,
        ],
        stats=scanned.stats,
        rules=rules,
        targets=tuple(t.target for t in scanned.targets) or request.targets,
        engine=ruleset.engine,
        started=clock.iso(started_at),
        finished=clock.iso(clock.now()),
        columns=tuple(scanned.columns),
        assessment=assessment,
        coverage=settings.coverage_lowered,
        config_trust=settings.config_trust,
        cluster=scanned.cluster,
        target_outcomes=tuple(scanned.targets),
    )
    if not scanned.targets:
        return result
    from policyctl.app.targets import target_results

    parts = target_results(result, unassessed, policy, settings.waivers, started_at.date())
    return replace(result, by_target=parts)


def scan_allowlist(settings: Settings, targets: Sequence[str]) -> tuple[Allowlist, list[Notice]]:
    """The config's allowlist, and a `.gitleaks.toml`'s global allowlist when there is one
    (read, so a team coming from gitleaks keeps what it allowed; said in the notices)."""
    allowlist = Allowlist.compile(
        settings.allow_paths, settings.allow_values, settings.allow_sha256
    )
    found = find_gitleaks_config(targets)
    if found is None:
        return allowlist, []
    patterns, notices = gitleaks_allowlists(found)
    return replace(allowlist, patterns=patterns), notices


def choose_source(request: ScanRequest, jobs: int = 1) -> Source:
    """The files under the targets, or the git content the request names. A large table
    is split into `jobs` parts, one per worker."""
    settings = request.settings
    budget = request.max_bytes_per_file
    if request.targets_file is not None:
        return targets_source(request)
    urls = [target for target in request.targets if is_url(target)]
    if urls:
        if len(urls) < len(request.targets):
            raise ConfigError("give either local paths or object-store URLs, not both")
        data = DataOptions(
            as_kind=settings.as_kind, sample_rows=settings.sample_rows, max_bytes=budget, parts=jobs
        )
        limit = min(settings.max_file_size, budget or settings.max_file_size)
        return ObjectStoreSource(request.targets, data, limit)
    if request.git is not None:
        return git_source(
            request.git,
            request.targets,
            exclude=settings.exclude,
            max_file_size=settings.max_file_size,
        )
    return FileSystemSource(request.targets, walk_options(settings, budget, jobs))


def walk_options(settings: Settings, budget: int | None, parts: int = 1) -> WalkOptions:
    """How a folder is walked and its files read: the settings' limits, the byte budget
    (--max-bytes-per-file), and `parts`, the pieces a large table is split into."""
    return WalkOptions(
        exclude=settings.exclude,
        max_file_size=settings.max_file_size,
        use_gitignore=settings.gitignore,
        follow_links=settings.follow_links,
        data=DataOptions(
            as_kind=settings.as_kind,
            sample_rows=settings.sample_rows,
            max_bytes=budget,
            parts=parts,
        ),
        archives=ArchiveOptions(
            max_depth=settings.max_archive_depth,
            max_size=settings.max_archive_size,
            max_file_size=settings.max_file_size,
            exclude=settings.exclude,
            data=DataOptions(sample_rows=settings.sample_rows, max_bytes=budget),
        ),
    )


def targets_source(request: ScanRequest) -> Source:
    """The targets of --targets, each read as `scan PATH` (or `scan --git`) reads one."""
    settings, listed = request.settings, request.targets_file
    budget = request.max_bytes_per_file
    assert listed is not None
    options = TargetOptions(
        walk_options(settings, budget), request.git, listed.clone_timeout, listed.clone_max_size
    )
    return TargetListSource(read_targets_file(listed.path, options))


def noting_manifests(
    items: Iterator[Item | Notice], manifests: list[ManifestFile]
) -> Iterator[Item | Notice]:
    """The items, passed on unchanged, adding each manifest or lockfile among them to
    `manifests`: the evidence SBOM reads the files the scan walked, not a second walk."""
    from policyctl.evidence.sbom import is_manifest

    for item in items:
        file = item if isinstance(item, FileItem | DataItem) else None
        if file is not None and file.counts_as_file and is_manifest(file.display):
            manifests.append((file.path, file.display))
        yield item
