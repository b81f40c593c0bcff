"""One trace per document from the API's receipt to the ERP call; JSON log lines that
name the document on every line and never carry its contents."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest

from gateway.observability import logs, tracing
from gateway.settings import SystemSettings
from tests.integration.observability.conftest import DAY1, Api
from tests.observability import span_exporter

MARKER = "QZMARKER7"  # nowhere in the code or the logs' vocabulary


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Everything logged at DEBUG and above, as the JSON the API would write."""
    out = io.StringIO()
    handler = logs.handler("json", out)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)  # as logs.configure does
    try:
        yield out
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        logging.getLogger("sqlalchemy").setLevel(logging.NOTSET)


def test_a_documents_spans_share_one_trace_from_receipt_to_the_erp_call(api: Api) -> None:
    exporter = span_exporter()
    exporter.clear()
    message_id = api.submit()
    spans = exporter.get_finished_spans()
    (receipt,) = [s for s in spans if s.name == "receive api"]
    assert receipt.attributes is not None
    assert receipt.attributes["crossdock.message_id"] == message_id
    assert receipt.attributes["crossdock.partner"] == "acme-supply"
    calls = [s for s in spans if s.name in ("erp deliver_many", "erp deliver")]
    assert calls and all(s.context.trace_id == receipt.context.trace_id for s in calls)
    assert sum(s.attributes["crossdock.documents"] for s in calls if s.attributes) == 3
    assert {s.context.trace_id for s in spans} == {receipt.context.trace_id}


def test_the_erp_request_carries_the_trace_context() -> None:
    from erp_connector import build_connector

    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("traceparent", ""))
        return httpx.Response(201, json={"id": "erp-1"})

    span_exporter()
    connector = build_connector(
        "erp", SystemSettings(url="https://erp.example/api"), transport=httpx.MockTransport(answer)
    )
    try:
        with tracing.receipt("api") as span:
            connector.deliver({"meta": {"kind": "invoice"}, "body": {}}, "key-1")
    finally:
        connector.close()
    trace_id = format(span.get_span_context().trace_id, "032x")
    assert seen and seen[0].split("-")[1] == trace_id


def test_log_lines_name_the_document_and_never_carry_its_contents(
    api: Api, log_lines: io.StringIO
) -> None:
    data = DAY1.replace(b"CROSSDOCK DC EAST", f"{MARKER} DC EAST!"[:17].encode())
    assert MARKER.encode() in data
    message_id = api.submit(data)
    # The marker went all the way through: it is in what the ERP received.
    assert any(MARKER in json.dumps(record) for record in api.erp.records.values())
    text = log_lines.getvalue()
    assert MARKER not in text
    lines = [json.loads(line) for line in text.splitlines()]
    ours = [line for line in lines if line["logger"].startswith("gateway.")]
    assert ours, "the API logs the receipt"
    for line in ours:
        assert line["message_id"] == message_id, line
        assert line["partner"] == "acme-supply"
        assert line["trace_id"]


def test_a_new_document_is_not_logged_under_what_the_thread_handled_before(
    api: Api, log_lines: io.StringIO
) -> None:
    from gateway.observability import context

    with context.scope(message_id="stale-id", partner="someone-else"):
        message_id = api.submit()
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    received = [line for line in lines if line["message"].startswith("received ")]
    assert [(line["message_id"], line["partner"]) for line in received] == [
        (message_id, "acme-supply")
    ]
