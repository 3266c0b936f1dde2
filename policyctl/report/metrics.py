"""A scan's figures as Prometheus metrics: a textfile for node_exporter, or a Pushgateway.

A CI fleet or a nightly sweep is a batch job: nothing stays up to be scraped, so the
figures are either written where node_exporter's textfile collector reads them (a
temporary file renamed into place, so a half-written file is never read) or pushed to a
Pushgateway under a job/instance grouping key, the two ways Prometheus documents for
batch jobs. Every series is a count, a score or a duration; no label holds a scanned value
(rule ids, severities, categories and stage names only).
"""

from __future__ import annotations

import socket
from collections import Counter
from collections.abc import Mapping
from typing import Any

PREFIX = "policyctl_scan"


def scan_registry(report: Mapping[str, Any], stages: Mapping[str, float]) -> Any:
    """A fresh registry holding one scan's metrics."""
    from prometheus_client import CollectorRegistry, Gauge

    registry = CollectorRegistry()

    def gauge(name: str, documentation: str, labels: tuple[str, ...] = ()) -> Any:
        return Gauge(f"{PREFIX}_{name}", documentation, labels, registry=registry)

    summary, scan = report["summary"], report["scan"]
    gauge("duration_seconds", "Wall-clock seconds of the whole scan.").set(
        sum(stages.values()) or scan.get("duration_seconds", 0.0)
    )
    gauge("bytes", "Bytes read.").set(scan.get("bytes", 0))
    gauge("files", "Files (or blobs, or tables) read.").set(scan.get("files", 0))
    gauge("blocking_findings", "Unsuppressed findings in block mode.").set(summary["blocking"])
    gauge("exit_code", "The scan's exit code (0 pass, 1 blocked, 2 error).").set(
        summary["exit_code"]
    )
    gauge("risk_score", "The scan's risk score (0-100).").set(summary["risk"]["score"])
    gauge("last_run_timestamp_seconds", "When the scan finished (Unix time).").set_to_current_time()
    findings = [f for f in report["findings"] if not f.get("suppressed")]
    by_severity = gauge(
        "findings", "Unsuppressed findings by severity and category.", ("severity", "category")
    )
    for (severity, category), count in sorted(
        Counter((f["severity"], f["category"]) for f in findings).items()
    ):
        by_severity.labels(severity, category).set(count)
    by_rule = gauge("rule_findings", "Findings (suppressed too) by rule.", ("rule",))
    for rule, count in sorted(Counter(f["rule_id"] for f in report["findings"]).items()):
        by_rule.labels(rule).set(count)
    suppressed = gauge("suppressed_findings", "Suppressed findings.")
    suppressed.set(sum(1 for f in report["findings"] if f.get("suppressed")))
    per_stage = gauge("stage_seconds", "Seconds spent in each stage.", ("stage",))
    for stage, seconds in stages.items():
        per_stage.labels(stage).set(seconds)
    return registry


def write_metrics_file(registry: Any, path: str) -> None:
    """The textfile-collector convention: write beside the target, then rename over it."""
    from prometheus_client import write_to_textfile

    write_to_textfile(path, registry)


def push_metrics(registry: Any, url: str, job: str = "policyctl", instance: str = "") -> None:
    """Replace this job/instance's group on the Pushgateway at `url` with the scan's series."""
    from prometheus_client import push_to_gateway

    push_to_gateway(
        url,
        job=job,
        registry=registry,
        grouping_key={"instance": instance or socket.gethostname()},
        timeout=10,
    )
