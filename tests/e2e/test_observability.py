"""Metrics, JSON logs and traces of a scan, checked against the real components."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import ClassVar

import pytest

from tests import fakes
from tests.conftest import RunPolicyctl, assert_no_secret_in

PUSHGATEWAY = shutil.which("prometheus-pushgateway")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def leaky_repo(tmp_path: Path) -> tuple[Path, str]:
    secret = fakes.github_pat("observability")
    (tmp_path / "app.py").write_text(f"token = '{secret}'\n", encoding="utf-8")
    return tmp_path, secret


def series(text: str) -> dict[str, float]:
    """Prometheus text exposition: 'name{labels} value' lines, comments left out."""
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            found[name] = float(value)
    return found


def test_metrics_file_holds_the_scans_figures_in_exposition_format(
    leaky_repo: tuple[Path, str], run_policyctl: RunPolicyctl
) -> None:
    folder, secret = leaky_repo
    target = folder / "metrics" / "policyctl.prom"
    target.parent.mkdir()
    result = run_policyctl("scan", folder / "app.py", "--metrics-file", target)
    assert result.code == 1
    text = target.read_text(encoding="utf-8")
    found = series(text)
    assert found["policyctl_scan_blocking_findings"] == 1
    assert found["policyctl_scan_files"] == 1
    assert found['policyctl_scan_findings{category="secret",severity="critical"}'] == 1
    assert found['policyctl_scan_rule_findings{rule="secret.github-pat-classic"}'] == 1
    assert {"load", "compile", "detect", "assess", "report"} <= {
        name.split('"')[1] for name in found if name.startswith("policyctl_scan_stage_seconds")
    }
    assert not list(target.parent.glob("*.tmp*"))  # written beside, then renamed
    assert_no_secret_in([text], [secret])


@pytest.fixture
def pushgateway() -> Iterator[str]:
    if PUSHGATEWAY is None:
        if os.environ.get("POLICYCTL_REQUIRE_PUSHGATEWAY"):
            pytest.fail("CI must run the Pushgateway test: prometheus-pushgateway is missing")
        pytest.skip("Debian's prometheus-pushgateway is not installed (.ci/run installs it)")
    port = free_port()
    process = subprocess.Popen(
        [PUSHGATEWAY, f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/-/ready", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_metrics_are_pushed_to_a_real_pushgateway_and_read_back(
    leaky_repo: tuple[Path, str], run_policyctl: RunPolicyctl, pushgateway: str
) -> None:
    folder, secret = leaky_repo
    result = run_policyctl("scan", folder / "app.py", "--metrics-push", pushgateway)
    assert result.code == 1, result.err
    with urllib.request.urlopen(pushgateway + "/metrics", timeout=5) as response:
        text = response.read().decode("utf-8")
    pushed = [line for line in text.splitlines() if line.startswith("policyctl_scan_blocking")]
    assert len(pushed) == 1
    assert 'job="policyctl"' in pushed[0] and f'instance="{socket.gethostname()}"' in pushed[0]
    assert pushed[0].endswith(" 1")
    assert_no_secret_in([text], [secret])


def test_an_unreachable_pushgateway_is_one_line_and_exit_2(
    leaky_repo: tuple[Path, str], run_policyctl: RunPolicyctl
) -> None:
    folder, _ = leaky_repo
    url = f"http://127.0.0.1:{free_port()}"
    result = run_policyctl("scan", folder / "app.py", "--metrics-push", url)
    assert result.code == 2
    assert result.err.strip().splitlines() == [result.err.strip()]
    assert "--metrics-push" in result.err


def test_json_logs_are_one_object_per_event_without_values(
    leaky_repo: tuple[Path, str], run_policyctl: RunPolicyctl
) -> None:
    folder, secret = leaky_repo
    (folder / "blob.bin").write_bytes(b"\x00\x01\x02" * 100)
    result = run_policyctl(
        "scan", folder, "-v", "--no-progress", env={"POLICYCTL_LOG_FORMAT": "json"}
    )
    events = [json.loads(line) for line in result.err.splitlines()]
    assert all({"time", "level", "event"} <= set(e) for e in events)
    [finished] = [e for e in events if e["event"] == "scan.finished"]
    assert (finished["files"], finished["blocking"], finished["exit_code"]) == (1, 1, 1)
    assert "detect" in finished["stages"]
    assert_no_secret_in([result.err], [secret])
    bad = run_policyctl("scan", folder, "--log-format", "json", "--config", folder / "none.yaml")
    assert bad.code == 2
    [error] = [json.loads(line) for line in bad.err.splitlines()]
    assert error["level"] == "error" and "none.yaml" in error["message"]


class _Collector(BaseHTTPRequestHandler):
    received: ClassVar[list[bytes]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        type(self).received.append(self.rfile.read(length))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_traces_reach_an_otlp_endpoint_with_a_span_per_stage_and_counts_only(
    leaky_repo: tuple[Path, str], run_policyctl: RunPolicyctl
) -> None:
    pytest.importorskip("opentelemetry.sdk")
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
        ExportTraceServiceRequest,
    )

    folder, secret = leaky_repo
    _Collector.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}"
        result = run_policyctl(
            "scan", folder / "app.py", env={"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint}
        )
    finally:
        server.shutdown()
    assert result.code == 1, result.err
    spans = []
    for body in _Collector.received:
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        for resource in request.resource_spans:
            for scope in resource.scope_spans:
                spans.extend(scope.spans)
    names = {span.name for span in spans}
    assert {"policyctl.load", "policyctl.compile", "policyctl.detect", "policyctl.assess"} <= names
    detect = next(s for s in spans if s.name == "policyctl.detect")
    attributes = {a.key: a.value.int_value for a in detect.attributes}
    assert attributes["policyctl.files"] == 1 and attributes["policyctl.findings"] == 1
    assert_no_secret_in([b"".join(_Collector.received).decode("latin-1")], [secret])
