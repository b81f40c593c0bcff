"""Observability on the real stack: the API's trace goes on in the Celery worker's
tasks (context in the task headers) and its ERP call, exported by OTLP/HTTP; the
worker's metrics add up across its pool processes; its log lines are JSON naming the
document and the task."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from gateway.api import create_app, create_key
from gateway.domain.tracking import State
from tests.e2e.harness import ROOT, Stack, free_port, stack, wait_for
from tests.observability import sample, span_exporter
from tests.partner_profiles import acme

DAY1 = (ROOT / "demo/inbound/acme_supply_day1.x12").read_bytes()


class Collector(ThreadingHTTPServer):
    """An OTLP/HTTP trace receiver: keeps (trace id, span name) of what it is sent."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Receive)
        self.spans: list[tuple[str, str]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Receive(BaseHTTPRequestHandler):
    server: Collector

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        request = ExportTraceServiceRequest.FromString(body)
        for resource in request.resource_spans:
            for scope in resource.scope_spans:
                for span in scope.spans:
                    self.server.spans.append((span.trace_id.hex(), span.name))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *_: object) -> None:
        return None


@pytest.fixture
def collector() -> Iterator[Collector]:
    server = Collector()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_one_trace_from_the_api_through_the_worker_and_metrics_from_its_pool(
    tmp_path: Path, collector: Collector
) -> None:
    port = free_port()
    env = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector.url,
        "OTEL_BSP_SCHEDULE_DELAY": "100",  # export within a tenth of a second
        "CROSSDOCK_WORKER_METRICS_PORT": str(port),
        "CROSSDOCK_LOG_FORMAT": "json",
    }
    exporter = span_exporter()
    exporter.clear()
    for e2e in stack(tmp_path, **env):
        _run(e2e, collector, port)


def _run(e2e: Stack, collector: Collector, port: int) -> None:
    with e2e.gw.unit_of_work() as uow:
        uow.partners.save(acme(), e2e.gw.clock.now())
        uow.commit()
    key = create_key(e2e.gw, "acme", "partner", "acme-supply").secret
    e2e.start_worker(concurrency=2)
    with TestClient(create_app(e2e.gw)) as client:
        answer = client.post("/api/v1/messages", content=DAY1, headers={"X-API-Key": key})
    assert answer.status_code == 202, answer.text
    message_id = answer.json()["message_id"]

    def state() -> State | None:
        with e2e.gw.unit_of_work() as uow:
            message = uow.messages.get(message_id)
        return message.state if message else None

    wait_for(lambda: state() is State.DELIVERED, timeout=60)
    (receipt,) = [s for s in span_exporter().get_finished_spans() if s.name == "receive api"]
    trace_id = format(receipt.context.trace_id, "032x")

    def worker_spans() -> set[str]:
        names = {name for tid, name in collector.spans if tid == trace_id}
        wanted = {"task crossdock.process_inbound", "erp deliver_many"}
        return names if wanted <= names else set()

    names = wait_for(worker_spans, timeout=20)
    assert "task crossdock.send" in names or "task crossdock.process_inbound" in names

    scrape = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    task = {"task": "crossdock.process_inbound", "state": "SUCCESS"}
    assert sample(scrape, "crossdock_task_duration_seconds_count", **task) >= 1
    for kind in ("po_acknowledgement", "ship_notice", "invoice"):
        labels = {"partner": "acme-supply", "kind": kind, "direction": "inbound"}
        assert sample(scrape, "crossdock_documents_total", **labels, state="delivered") == 1
    assert sample(scrape, "crossdock_broker_up") == 1
    assert 'crossdock_queue_depth{queue="inbound"}' in scrape

    lines = [json.loads(line) for line in (e2e.tmp / "worker-0.log").read_text().splitlines()
             if line.startswith("{")]  # fmt: skip
    ours = [line for line in lines if line["message_id"] == message_id and line["task_id"]]
    assert ours, "the worker's lines name the document and the task"
    assert {line["partner"] for line in ours} == {"acme-supply"}
    assert {line["trace_id"] for line in ours} == {trace_id}
