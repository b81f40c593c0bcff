"""Test helpers for metrics and traces: read a counter from a scrape, and one
in-memory span exporter for the whole test process (OpenTelemetry allows a single
global tracer provider per process)."""

from __future__ import annotations

from functools import lru_cache

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families


def sample(scrape: str, name: str, **labels: str) -> float:
    """The value of sample ``name`` with these labels in a scrape (0 when absent)."""
    total = 0.0
    for family in text_string_to_metric_families(scrape):
        for item in family.samples:
            if item.name == name and all(item.labels.get(k) == v for k, v in labels.items()):
                total += item.value
    return total


@lru_cache(maxsize=1)
def span_exporter() -> InMemorySpanExporter:
    """Spans finished in this process from now on (cleared by the caller as needed)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return exporter
