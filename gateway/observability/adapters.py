"""Decorators over the ports that count and trace what crosses the edge: the ERP/WMS
connectors, the outbound transports and the SFTP sink. The composition root wraps
the real adapters in them, so neither the services nor the adapters change.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, BinaryIO

from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode

from gateway.domain.delivery import DeliveryReceipt
from gateway.domain.errors import GatewayError
from gateway.domain.tracking import MessageRecord
from gateway.domain.workflow.cross_reference import MasterItem
from gateway.observability import tracing
from gateway.observability.metrics import metrics, transfer
from gateway.ports import Connector, OutboundTransport
from gateway.profiles.model import PartnerProfile


def outcome_of(error: BaseException) -> str:
    """ "retryable" or "permanent" for a gateway error, "error" for anything else."""
    if isinstance(error, GatewayError):
        return "retryable" if error.retryable else "permanent"
    return "error"


class ObservedConnector:
    """A ``Connector`` whose calls are spans (children of the task's) and whose
    failures are counted by system, kind and error code."""

    def __init__(self, inner: Connector) -> None:
        self._inner = inner

    @property
    def system(self) -> str:
        return self._inner.system

    def deliver(self, document: Mapping[str, Any], idempotency_key: str) -> DeliveryReceipt:
        with self._call("deliver", documents=1):
            return self._inner.deliver(document, idempotency_key)

    def deliver_many(
        self, items: Sequence[tuple[Mapping[str, Any], str]]
    ) -> list[DeliveryReceipt | GatewayError]:
        with self._call("deliver_many", documents=len(items)) as span:
            answers = self._inner.deliver_many(items)
            failed = [a for a in answers if isinstance(a, GatewayError)]
            for error in failed:
                self._count(error)
            span.set_attribute("crossdock.failed", len(failed))
            return answers

    def fetch(self, kind: str, external_id: str) -> Mapping[str, Any] | None:
        with self._call("fetch"):
            return self._inner.fetch(kind, external_id)

    def items(self) -> Sequence[MasterItem]:
        with self._call("items"):
            return self._inner.items()

    def close(self) -> None:
        self._inner.close()

    @contextmanager
    def _call(self, operation: str, documents: int = 0) -> Iterator[trace.Span]:
        started = time.perf_counter()
        attributes: dict[str, str | int] = {"crossdock.system": self.system}
        if documents:
            attributes["crossdock.documents"] = documents
        with tracing.tracer().start_as_current_span(
            f"{self.system} {operation}", kind=trace.SpanKind.CLIENT, attributes=attributes
        ) as span:
            try:
                yield span
            except BaseException as error:
                self._count(error)
                raise
            finally:
                elapsed = time.perf_counter() - started
                metrics().connector_seconds.labels(self.system, operation).observe(elapsed)

    def _count(self, error: BaseException) -> None:
        code = error.code if isinstance(error, GatewayError) else type(error).__name__
        metrics().connector_errors.labels(self.system, outcome_of(error), code).inc()


class ObservedTransport:
    """An ``OutboundTransport`` whose sends are spans and counted transfers."""

    def __init__(self, name: str, inner: OutboundTransport) -> None:
        self._name = name
        self._inner = inner

    def send(self, profile: PartnerProfile, message: MessageRecord, payload: bytes) -> str:
        with tracing.tracer().start_as_current_span(
            f"send {self._name}",
            kind=trace.SpanKind.CLIENT,
            attributes={"crossdock.partner": profile.id, "crossdock.message_id": message.id},
        ) as span:
            try:
                sent = self._inner.send(profile, message, payload)
            except BaseException as error:
                transfer(self._name, "outbound", outcome_of(error))
                span.set_status(Status(StatusCode.ERROR, type(error).__name__))
                raise
            transfer(self._name, "outbound", "ok", len(payload))
            return sent


class ObservedSink:
    """The SFTP ``Sink``: each file received opens its document's trace and counts as
    an inbound transfer (the tasks it queues carry the trace on)."""

    def __init__(self, inner: Any, transport: str = "sftp") -> None:
        self._inner = inner
        self._transport = transport

    def accept(
        self, partner_id: str, filename: str, source: BinaryIO, transport_message_id: str
    ) -> str:
        with tracing.receipt(self._transport, partner_id) as span:
            try:
                message_id: str = self._inner.accept(
                    partner_id, filename, source, transport_message_id
                )
            except BaseException as error:
                transfer(self._transport, "inbound", outcome_of(error))
                raise
            span.set_attribute("crossdock.message_id", message_id)
            size = source.tell() if source.seekable() else None
            transfer(self._transport, "inbound", "ok", size)
            return message_id
