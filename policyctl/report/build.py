"""Build the report of a scan (policyctl/schemas/report.schema.json), in sections."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any

from policyctl import __version__
from policyctl.core.model import (
    MODES,
    SEVERITIES,
    ColumnProfile,
    Finding,
    Location,
    PolicyPack,
    Rule,
)
from policyctl.detection.profiles import verdict
from policyctl.policy.assess import Assessment, ScanResult
from policyctl.policy.duties import PackDuties, duties_for
from policyctl.policy.enforce import Policy, exit_code, incomplete_inputs, is_blocking
from policyctl.policy.packs import pack_digest
from policyctl.policy.scoring import CONTROL_STATUSES, PackCompliance
from policyctl.policy.waivers import WAIVED, WaiverOutcome
from policyctl.report import renderer
from policyctl.report.interface import RenderOptions

SCHEMA_VERSION = "1.0"
LOCATION_FIELDS = tuple(f.name for f in fields(Location))


@dataclass(frozen=True)
class Report:
    """A finished report: the JSON document (policyctl/schemas/report.schema.json) and
    what its consumers ask of it, decided once here: the findings counted (not
    suppressed), the blocking ones and the exit code. Renderers read `document`; the
    JSON text is rendered once (`json`) and those bytes are what the output file, the
    audit log's digest and the evidence bundle share."""

    document: dict[str, Any]
    policy: Policy
    counted: int
    blocking: int
    exit_code: int

    @cached_property
    def json(self) -> bytes:
        """The JSON report as written to a file, rendered once."""
        from policyctl.report.json import render

        return render(self.document, RenderOptions()).encode("utf-8")

    def encoded(self, name: str, options: RenderOptions) -> bytes:
        """The report in format `name`, as the bytes of its file."""
        return self.json if name == "json" else self.render(name, options).encode("utf-8")

    def render(self, name: str, options: RenderOptions) -> str:
        """The report in format `name`, as text."""
        if name == "json":
            return self.json.decode("utf-8")
        return renderer(name)(self.document, options)


def build_report(result: ScanResult) -> Report:
    """The report of a scan: plain JSON types, keys in a fixed order, no raw secrets
    unless the findings carry them (only with --show-secrets)."""
    assessment = result.assessment
    if assessment is None:
        raise ValueError("a report needs the scan's assessment (policyctl.policy.assess)")
    findings = result.findings
    counted = [f for f in findings if f.suppressed is None]
    blocking = sum(1 for f in findings if is_blocking(f))
    code = exit_code(findings, bool(incomplete_inputs(result.notices)), assessment.policy)
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "policyctl", "version": __version__},
        "scan": scan_section(result, assessment.policy),
        "summary": summary_section(findings, counted, blocking, assessment, code),
        "findings": [finding_document(f) for f in findings],
        "compliance": [compliance_document(c) for c in assessment.compliance],
        "waivers": [waiver_document(w) for w in assessment.waivers],
        "notices": [
            {"path": n.path, "message": n.message, "level": n.level} for n in result.notices
        ],
        "rules": [rule_document(r) for r in sorted(result.rules, key=lambda r: r.id)],
        **({"columns": column_documents(result.columns)} if result.columns else {}),
    }
    if result.target_outcomes:
        document["targets"] = target_documents(result, findings)
    duties = duties_for(findings, assessment.policy.packs)
    if duties:
        document["duties"] = [duties_document(d) for d in duties]
    return Report(document, assessment.policy, len(counted), blocking, code)


def target_documents(result: ScanResult, findings: list[Finding]) -> list[dict[str, Any]]:
    """With --targets: each target (without credentials), what became of it, its files
    and bytes, and its findings (counted, not suppressed) and blocking findings."""
    counted: Counter[str | None] = Counter()
    blocking: Counter[str | None] = Counter()
    for finding in findings:
        target = finding.location.target
        counted[target] += finding.suppressed is None
        blocking[target] += is_blocking(finding)
    documents = []
    for outcome in result.target_outcomes:
        document: dict[str, Any] = {
            "target": outcome.target,
            "status": outcome.status,
            "files": outcome.files,
            "bytes": outcome.bytes,
            "findings": counted[outcome.target],
            "blocking": blocking[outcome.target],
        }
        if outcome.error is not None:
            document["error"] = outcome.error
        documents.append(document)
    return documents


def duties_document(duties: PackDuties) -> dict[str, Any]:
    """One pack's breach-notification duties and data-subject rights, for the findings
    in history that may trigger them (guidance, not legal advice)."""
    return {
        "pack": duties.pack,
        "framework": duties.framework,
        "findings": list(duties.findings),
        "breach_notification": [
            {
                "notify": d.notify,
                "within": d.within,
                "source": d.source,
                **({"hours": d.hours} if d.hours is not None else {}),
                **({"condition": d.condition} if d.condition else {}),
            }
            for d in duties.duties
        ],
        "data_subject_rights": [{"right": r.right, "source": r.source} for r in duties.rights],
    }


def scan_section(result: ScanResult, policy: Policy) -> dict[str, Any]:
    """What was scanned, when, how, and against which packs."""
    scan: dict[str, Any] = {
        "targets": list(result.targets),
        "started": result.started,
        "finished": result.finished,
        "duration_seconds": round(result.stats.seconds, 3),
        "files": result.stats.files,
        "bytes": result.stats.bytes,
        "engine": result.engine,
        "rules": len(result.rules),
        "executor": "dask" if result.cluster is not None else "local",
    }
    if result.cluster is not None:
        info = result.cluster
        scan["cluster"] = {
            "scheduler": info.scheduler,
            "workers": info.workers,
            "tasks": info.tasks,
            "failed_tasks": info.failed_tasks,
        }
    if policy.severity_floor is not None:
        scan["fail_on"] = policy.severity_floor
    if policy.mode is not None:
        scan["mode"] = policy.mode
    scan["packs"] = [pack_document(pack) for pack in policy.packs]
    unscanned = incomplete_inputs(result.notices)
    scan["complete"] = not unscanned
    if unscanned:
        scan["incomplete"] = [{"path": n.path, "reason": n.message} for n in unscanned]
        scan["allow_incomplete"] = policy.allow_incomplete
    scan["config_trust"] = result.config_trust
    if result.coverage:
        scan["coverage_lowered"] = list(result.coverage)
    return scan


def summary_section(
    findings: list[Finding],
    counted: list[Finding],
    blocking: int,
    assessment: Assessment,
    code: int,
) -> dict[str, Any]:
    """The findings counted by severity, category and mode, the risk and the verdict."""
    severities = Counter(f.severity for f in counted)
    modes = Counter(f.mode for f in counted)
    return {
        "findings": len(counted),
        "blocking": blocking,
        "suppressed": len(findings) - len(counted),
        "by_severity": {s: severities[s] for s in reversed(SEVERITIES) if severities[s]},
        "by_category": dict(sorted(Counter(f.category for f in counted).items())),
        "by_mode": {m: modes[m] for m in reversed(MODES) if modes[m]},
        "waived": sum(1 for f in findings if f.suppressed == WAIVED),
        "risk": {"score": assessment.risk.score, "grade": assessment.risk.grade},
        "exit_code": code,
    }


def location_document(location: Location) -> dict[str, Any]:
    """A location as JSON, without the fields it does not have."""
    values = {name: getattr(location, name) for name in LOCATION_FIELDS}
    return {name: value for name, value in values.items() if value is not None}


def rule_document(rule: Rule) -> dict[str, Any]:
    """What formats that describe rules (SARIF, JUnit) need to know of each rule run."""
    document: dict[str, Any] = {
        "id": rule.id,
        "title": rule.title,
        "category": rule.category,
        "severity": rule.severity,
        "data_class": rule.data_class,
    }
    if rule.tags:
        document["tags"] = list(rule.tags)
    if rule.description:
        document["description"] = rule.description
    return document


def pack_document(pack: PolicyPack) -> dict[str, Any]:
    """Which pack was enforced: id, version and the framework it maps."""
    framework = pack.framework
    document: dict[str, Any] = {
        "id": pack.id,
        "name": pack.name,
        "version": pack.version,
        "framework": {"name": framework.name, "version": framework.version, "url": framework.url},
        "sha256": pack_digest(pack),
    }
    if pack.extends:
        document["extends"] = pack.extends
    return document


def compliance_document(result: PackCompliance) -> dict[str, Any]:
    """One pack's score, its controls counted by status, and each control's result."""
    return {
        "pack": result.pack.id,
        "name": result.pack.name,
        "score": result.score,
        **{status.replace("-", "_"): result.count(status) for status in CONTROL_STATUSES},
        "controls": [
            {
                "id": c.id,
                "title": c.title,
                "mode": c.mode,
                "status": c.status,
                "findings": c.findings,
                "risk": c.risk,
            }
            for c in result.controls
        ],
    }


def waiver_document(outcome: WaiverOutcome) -> dict[str, Any]:
    """A waiver as declared, what it did, and the fingerprints it covered."""
    waiver = outcome.waiver
    scope = (
        {"fingerprint": waiver.fingerprint}
        if waiver.fingerprint
        else {"rule": waiver.rule, "path": waiver.path}
    )
    return {
        **scope,
        "reason": waiver.reason,
        "owner": waiver.owner,
        "expires": waiver.expires.isoformat(),
        "status": outcome.status,
        "findings": list(outcome.findings),
    }


def finding_document(finding: Finding) -> dict[str, Any]:
    """One finding as JSON; empty optional fields are left out."""
    document: dict[str, Any] = {
        "rule_id": finding.rule_id,
        "title": finding.title,
        "category": finding.category,
        "severity": finding.severity,
        "confidence": finding.confidence,
        "data_class": finding.data_class,
        "location": location_document(finding.location),
        "preview": finding.preview,
        "fingerprint": finding.fingerprint,
        "mode": finding.mode,
        "suppressed": finding.suppressed,
        "source_kind": finding.source_kind,
        "risk": finding.risk,
    }
    optional = {
        "entropy": finding.entropy,
        "validated": finding.validated,
        "tags": list(finding.tags) or None,
        "controls": list(finding.controls) or None,
        "secret": finding.secret,
        # git history: times commits added the value; datasets: rows of a column holding it
        "occurrences": finding.occurrences
        if finding.location.commit or finding.occurrences != 1
        else None,
        "decoded": finding.decoded,
        "also_at": [
            {"location": location_document(p.location), "fingerprint": p.fingerprint}
            for p in finding.also_at
        ]
        or None,
    }
    document.update({k: v for k, v in optional.items() if v is not None})
    return document


def column_documents(columns: tuple[ColumnProfile, ...]) -> list[dict[str, Any]]:
    """The column profiles of datasets: per column, its kinds of personal data, the share
    of the column's values each fills, and a verdict."""
    return [
        {
            "path": column.path,
            "field": column.field,
            "rows": column.rows,
            "verdict": verdict(column),
            "matches": [
                {
                    "rule_id": match.rule_id,
                    "data_class": match.data_class,
                    "rows": match.rows,
                    "share": round(match.rows / column.rows, 4) if column.rows else 0.0,
                    "validated": match.validated,
                    **({"personal": match.personal} if match.generic else {}),
                }
                for match in column.matches
            ],
        }
        for column in columns
    ]
