"""Where a run's time goes: named stages, timed, and traced when tracing is on.

Each stage records its wall-clock seconds (for metrics and logs). When the `otel` extra
is installed and OTEL_EXPORTER_OTLP_ENDPOINT is set, each stage is also an OpenTelemetry
span, exported over OTLP to that endpoint (a collector); span attributes carry counts and
names, never a scanned value. Without the variable nothing is imported: the hook's
start-up does not pay for tracing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

ENDPOINT_VARIABLE = "OTEL_EXPORTER_OTLP_ENDPOINT"
SERVICE_NAME = "policyctl"


@dataclass
class Stages:
    """Seconds per stage of one run, in the order the stages started."""

    seconds: dict[str, float] = field(default_factory=dict)
    tracer: Any = None

    @contextmanager
    def stage(self, name: str, **attributes: int | float | str) -> Iterator[dict[str, Any]]:
        """Time the block as `name`; the caller may add count attributes to the yielded dict."""
        counts: dict[str, Any] = dict(attributes)
        started = time.perf_counter()
        traced = (
            nullcontext(None)
            if self.tracer is None
            else self.tracer.start_as_current_span(f"policyctl.{name}")
        )
        with traced as span:
            try:
                yield counts
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
                if span is not None:
                    for key, value in counts.items():
                        span.set_attribute(f"policyctl.{key}", value)


def start_stages(env: Mapping[str, str] | None = None) -> Stages:
    """Stages for a run, traced when OTEL_EXPORTER_OTLP_ENDPOINT is set and the SDK is there."""
    env = os.environ if env is None else env
    return Stages(tracer=_tracer() if env.get(ENDPOINT_VARIABLE) else None)


_provider: Any = None


def _tracer() -> Any:
    """An OTLP-exporting tracer, set up once per process; None when the extra is missing."""
    global _provider
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        return None
    if _provider is None:
        from policyctl import __version__

        resource = Resource.create({"service.name": SERVICE_NAME, "service.version": __version__})
        _provider = TracerProvider(resource=resource)
        # The exporter reads the endpoint, headers and timeout from the OTEL_* variables.
        _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return _provider.get_tracer("policyctl")


def flush_traces() -> None:
    """Send the spans still buffered (called once, at the end of a run)."""
    if _provider is not None:
        _provider.force_flush()
