"""The whole scan, top to bottom: settings -> rules -> sources -> findings -> verdict -> report.

The CLI gathers options and calls `run_scan_request`; tests can call it the same way.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policyctl.core import clock
from policyctl.core.config import Settings
from policyctl.core.errors import RuleError
from policyctl.core.model import Notice
from policyctl.detection.detect import DetectOptions
from policyctl.detection.repeats import fold_repeats
from policyctl.detection.rules import compile_ruleset, load_rules
from policyctl.detection.scan import Progress, finding_order, run_scan, worker_count
from policyctl.evidence import audit
from policyctl.policy.assess import ScanResult, assess
from policyctl.policy.baseline import apply_baseline, load_baseline
from policyctl.policy.enforce import Policy
from policyctl.policy.packs import load_packs, pack_rule_paths, selection_notices
from policyctl.report.build import build_report
from policyctl.sources.datasets import DataOptions
from policyctl.sources.filesystem import FileSystemSource, WalkOptions
from policyctl.sources.git import GitLogSource, GitScan, git_source
from policyctl.sources.interface import Source

if TYPE_CHECKING:
    from policyctl.evidence.bundle import EvidenceRequest, WrittenBundle
from policyctl.detection.suppress import Allowlist


@dataclass(frozen=True)
class ScanRequest:
    targets: tuple[str, ...]
    settings: Settings
    show_secrets: bool = False
    git: GitScan | None = None
    command: tuple[str, ...] = ()
    evidence: EvidenceRequest | None = None


@dataclass(frozen=True)
class ScanOutcome:
    report: dict[str, Any]
    exit_code: int
    bundle: WrittenBundle | None = None
    notices: tuple[Notice, ...] = ()
    """Learnt after the report was made (the audit log's state)."""


def run_scan_request(request: ScanRequest, progress: Progress | None = None) -> ScanOutcome:
    if request.evidence is not None:
        from policyctl.evidence.bundle import check_folder

        check_folder(request.evidence.folder)  # before the scan, not after
    result = scan_result(request, progress)
    report = build_report(result)
    notices: list[Notice] = []
    # The entry first: the bundle's signed provenance records the log's head after it.
    entry = audit.record(
        "scan",
        audit.scan_fields(report, request.command),
        request.settings.audit_log,
        warn=lambda message: notices.append(Notice("audit log", message)),
    )
    bundle = None
    if request.evidence is not None:
        from policyctl.evidence.bundle import write_bundle

        bundle = write_bundle(
            request.evidence,
            report,
            result.rules,
            request.settings,
            request.targets,
            request.command,
            audit_head=audit.Head(entry["hash"], entry["seq"]) if entry else None,
        )
    return ScanOutcome(
        report=report,
        exit_code=report["summary"]["exit_code"],
        bundle=bundle,
        notices=tuple(notices),
    )


def scan_result(request: ScanRequest, progress: Progress | None = None) -> ScanResult:
    """Findings suppressed and judged against the packs, with what the report says
    about the scan and the policy's assessment of it."""
    settings = request.settings
    started_at = clock.now()
    started_clock = time.perf_counter()
    baseline = load_baseline(Path(settings.baseline)) if settings.baseline else None
    packs = load_packs(settings.packs)
    rules = load_rules([Path(p) for p in (*settings.rules, *pack_rule_paths(packs))])
    if not rules:
        # A scan without rules finds nothing and would pass: never report that as clean.
        raise RuleError("no rules were loaded, so nothing could be found (check the installation)")
    ruleset = compile_ruleset(rules, settings.engine)
    jobs = worker_count(settings.jobs)
    source = choose_source(request, jobs)
    scanned = run_scan(
        source.items(),
        ruleset,
        DetectOptions(
            min_confidence=settings.min_confidence,
            show_secrets=request.show_secrets,
            per_cell=settings.per_cell,
            allowlist=Allowlist.compile(
                settings.allow_paths, settings.allow_values, settings.allow_sha256
            ),
        ),
        jobs=jobs,
        progress=progress,
    )
    # With SOURCE_DATE_EPOCH the report must not change between runs: no real durations.
    reproducible = clock.fixed_time() is not None
    scanned.stats.seconds = 0.0 if reproducible else time.perf_counter() - started_clock
    order = source.commit_order if isinstance(source, GitLogSource) else None
    findings = sorted(fold_repeats(scanned.findings, order), key=finding_order)
    if baseline is not None:
        findings = apply_baseline(findings, baseline)
    policy = Policy(packs=packs, fail_on=settings.fail_on, mode=settings.mode)
    findings, assessment = assess(findings, policy, settings.waivers, started_at.date())
    return ScanResult(
        findings=findings,
        notices=[
            *(Notice("config", warning) for warning in settings.warnings),
            *selection_notices(packs, rules),
            *scanned.notices,
        ],
        stats=scanned.stats,
        rules=rules,
        targets=request.targets,
        engine=ruleset.engine,
        started=clock.iso(started_at),
        finished=clock.iso(clock.now()),
        columns=tuple(scanned.columns),
        assessment=assessment,
    )


def choose_source(request: ScanRequest, jobs: int = 1) -> Source:
    """The files under the targets, or the git content the request names. A large table
    is split into `jobs` parts, one per worker."""
    settings = request.settings
    if request.git is not None:
        return git_source(
            request.git,
            request.targets,
            exclude=settings.exclude,
            max_file_size=settings.max_file_size,
        )
    return FileSystemSource(
        request.targets,
        WalkOptions(
            exclude=settings.exclude,
            max_file_size=settings.max_file_size,
            use_gitignore=settings.gitignore,
            data=DataOptions(
                as_kind=settings.as_kind, sample_rows=settings.sample_rows, parts=jobs
            ),
        ),
    )
