"""The whole scan, top to bottom: settings -> rules -> sources -> findings -> verdict -> report.

The CLI gathers options and calls `run_scan_request`; tests can call it the same way.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from policyctl.assess import assess
from policyctl.baseline import apply_baseline, load_baseline
from policyctl.config import Settings
from policyctl.detect import DetectOptions
from policyctl.enforce import Policy
from policyctl.errors import RuleError
from policyctl.model import ScanResult
from policyctl.packs import load_packs, pack_rule_paths, selection_notices
from policyctl.repeats import fold_repeats
from policyctl.report.build import build_report
from policyctl.rules import compile_ruleset, load_rules
from policyctl.scan import Progress, default_jobs, finding_order, run_scan
from policyctl.sources.filesystem import FileSystemSource, WalkOptions
from policyctl.sources.git import GitLogSource, GitScan, git_source
from policyctl.sources.interface import Source


@dataclass(frozen=True)
class ScanRequest:
    targets: tuple[str, ...]
    settings: Settings
    show_secrets: bool = False
    git: GitScan | None = None


@dataclass(frozen=True)
class ScanOutcome:
    report: dict[str, Any]
    exit_code: int


def run_scan_request(request: ScanRequest, progress: Progress | None = None) -> ScanOutcome:
    report = build_report(scan_result(request, progress))
    return ScanOutcome(report=report, exit_code=report["summary"]["exit_code"])


def scan_result(request: ScanRequest, progress: Progress | None = None) -> ScanResult:
    """Findings suppressed and judged against the packs, with what the report says
    about the scan and the policy's assessment of it."""
    settings = request.settings
    started_at = datetime.now(UTC)
    clock = time.perf_counter()
    baseline = load_baseline(Path(settings.baseline)) if settings.baseline else None
    packs = load_packs(settings.packs)
    rules = load_rules([Path(p) for p in (*settings.rules, *pack_rule_paths(packs))])
    if not rules:
        # A scan without rules finds nothing and would pass: never report that as clean.
        raise RuleError("no rules were loaded, so nothing could be found (check the installation)")
    ruleset = compile_ruleset(rules, settings.engine)
    source = choose_source(request)
    scanned = run_scan(
        source.items(),
        ruleset,
        DetectOptions(min_confidence=settings.min_confidence, show_secrets=request.show_secrets),
        jobs=settings.jobs or default_jobs(),
        progress=progress,
    )
    scanned.stats.seconds = time.perf_counter() - clock
    order = source.commit_order if isinstance(source, GitLogSource) else None
    findings = sorted(fold_repeats(scanned.findings, order), key=finding_order)
    if baseline is not None:
        findings = apply_baseline(findings, baseline)
    policy = Policy(packs=packs, fail_on=settings.fail_on, mode=settings.mode)
    findings, assessment = assess(findings, policy, settings.waivers, started_at.date())
    return ScanResult(
        findings=findings,
        notices=[*selection_notices(packs, rules), *scanned.notices],
        stats=scanned.stats,
        rules=rules,
        targets=request.targets,
        engine=ruleset.matcher.name,
        started=_iso(started_at),
        finished=_iso(datetime.now(UTC)),
        assessment=assessment,
    )


def choose_source(request: ScanRequest) -> Source:
    """The files under the targets, or the git content the request names."""
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
        ),
    )


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
