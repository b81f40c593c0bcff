"""OpenTelemetry traces: one trace per document, from the transport that received it,
through the Celery tasks, to the ERP/WMS call.

- The receipt opens the trace (``receipt`` around the API upload, the AS2 request and
  the SFTP sink), with the message id and partner as attributes.
- Celery carries the context in each task's headers: ``before_task_publish`` injects
  the W3C ``traceparent`` (the publisher's current span), ``task_prerun`` extracts it
  and opens the task's span as its child (``gateway.observability.celery_signals``).
  opentelemetry-instrumentation-celery does the same through the same signals; it is
  a beta (0.x) package whose releases pin the exact instrumentation version matching
  the SDK, one more lock-step dependency for what is a dozen lines here.
- The ERP call is a span of its own around the connector (``adapters``), and the HTTP
  request carries ``traceparent`` to a system of record that traces too.

Exported by OTLP over HTTP when ``OTEL_EXPORTER_OTLP_ENDPOINT`` (the standard variable,
or ``CROSSDOCK_OTEL_ENDPOINT``) is set; otherwise nothing is configured and the API's
default tracer is a no-op. ``OTEL_SERVICE_NAME`` and the other ``OTEL_*`` variables
work as the OpenTelemetry SDK documents them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager

from opentelemetry import propagate, trace
from opentelemetry.context import Context

from gateway.observability import context

TRACER = "crossdock"
_configured = False


def tracer() -> trace.Tracer:
    return trace.get_tracer(TRACER)


def configure(service_name: str, endpoint: str | None = None) -> bool:
    """Install a tracer provider exporting by OTLP/HTTP when an endpoint is given (or
    ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set); once per process. Returns whether tracing
    is on. A forked pool process inherits it (the SDK restarts its export thread)."""
    global _configured
    endpoint = endpoint or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    if _configured or not endpoint:
        return _configured
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    name = os.environ.get("OTEL_SERVICE_NAME", service_name)
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    traces = endpoint.rstrip("/") + "/v1/traces"
    if os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        traces = os.environ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=traces)))
    trace.set_tracer_provider(provider)
    _configured = True
    return True


@contextmanager
def receipt(transport: str, partner_id: str | None = None) -> Iterator[trace.Span]:
    """The root span of a document's trace: what a transport received, up to the
    answer to its sender (the tasks it queues are its children). The log fields start
    afresh too: a new document, whatever the thread did before."""
    attributes = {"crossdock.transport": transport}
    if partner_id:
        attributes["crossdock.partner"] = partner_id
    fields = context.replace({"partner": partner_id} if partner_id else {})
    try:
        with tracer().start_as_current_span(
            f"receive {transport}", kind=trace.SpanKind.SERVER, attributes=attributes
        ) as span:
            yield span
    finally:
        context.reset(fields)


def inject(carrier: MutableMapping[str, str]) -> None:
    """Write the current context into ``carrier`` (task headers, HTTP headers)."""
    propagate.inject(carrier)


def extract(carrier: Mapping[str, str]) -> Context:
    return propagate.extract(carrier)
