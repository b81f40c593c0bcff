"""ERP purchase orders and WMS receipts: stored, then emitted to the gateway with retries."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from erp_connector.sandbox.events import _retry_after
from tests.unit.erp_connector.sandbox.conftest import (
    API_KEY,
    FakeGateway,
    MakeClient,
    key,
)

SMALL_PO = {
    "partner_id": "acme",
    "po_number": "PO-5001",
    "lines": [{"item": "SKU-1", "quantity": 10, "uom": "EA", "unit_price": "2.50"}],
}
RECEIPT = {
    "partner_id": "nordfrost",
    "receipt_id": "RCV-1",
    "asn_number": "ASN-77001",
    "lines": [{"item": "SKU-1", "quantity_received": 9, "uom": "EA", "condition": "damaged"}],
}


def events(client: TestClient, system: str = "erp") -> list[dict[str, Any]]:
    """The system's events, once no delivery is still under way."""
    deadline = time.monotonic() + 5
    while True:
        found: list[dict[str, Any]] = client.get(f"/{system}/events").json()["events"]
        if all(e["status"] != "pending" for e in found) or time.monotonic() > deadline:
            return found
        time.sleep(0.01)


def test_a_purchase_order_is_stored_and_emitted_to_the_gateway(
    client: TestClient, gateway: FakeGateway
) -> None:
    answer = client.post("/erp/purchase-orders", json=SMALL_PO)

    assert answer.status_code == 201
    (event,) = events(client)
    (request,) = gateway.requests
    assert str(request.url) == "http://gateway.test/api/v1/outbound"
    assert request.headers["X-API-Key"] == API_KEY
    document = gateway.bodies()[0]
    assert request.headers["Idempotency-Key"] == document["meta"]["idempotency_key"]
    assert document["meta"] | {"idempotency_key": "…"} == {
        "document_id": answer.json()["document_id"],
        "kind": "purchase_order",
        "direction": "outbound",
        "partner_id": "acme",
        "idempotency_key": "…",
        "contract_version": "1",
    }
    assert document["body"]["lines"] == [
        {
            "line_number": "1",
            "item": {"buyer_item": "SKU-1"},
            "quantity": "10",
            "uom": "EA",
            "unit_price": "2.50",
        }
    ]
    assert (event["id"], event["status"], event["attempts"]) == (
        answer.json()["event_id"],
        "delivered",
        1,
    )
    assert (event["response_status"], event["response"]) == (202, '{"accepted":true}')
    assert event["record_id"] == answer.json()["id"]
    (record,) = client.get("/erp/records?kind=purchase_order").json()["records"]
    assert (record["business_number"], record["body"]) == ("PO-5001", document)


def test_a_canonical_purchase_order_is_taken_as_it_is(
    client: TestClient, gateway: FakeGateway
) -> None:
    document = {
        "meta": {
            "document_id": "11111111-2222-4333-8444-555555555555",
            "kind": "purchase_order",
            "direction": "outbound",
            "partner_id": "acme",
        },
        "body": {"po_number": "PO-7", "currency": "USD"},
    }

    answer = client.post("/erp/purchase-orders", json=document, headers=key("po-7"))

    assert answer.json()["document_id"] == "11111111-2222-4333-8444-555555555555"
    assert gateway.bodies()[0]["meta"]["idempotency_key"] == "po-7"
    assert gateway.bodies()[0]["body"] == {
        "po_number": "PO-7",
        "purpose": "original",
        "currency": "USD",
        "parties": [],
        "lines": [],
    }


def test_a_repeated_purchase_order_key_emits_nothing_more(
    client: TestClient, gateway: FakeGateway
) -> None:
    first = client.post("/erp/purchase-orders", json=SMALL_PO, headers=key("po-1"))
    again = client.post("/erp/purchase-orders", json=SMALL_PO, headers=key("po-1"))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() | {"event_status": None} == first.json() | {
        "duplicate": True,
        "event_status": None,
    }
    assert len(gateway.requests) == 1
    assert len(events(client)) == 1


def test_transient_answers_are_retried_until_delivered(
    client: TestClient, gateway: FakeGateway
) -> None:
    gateway.answers = [
        httpx.Response(503, text="busy"),
        httpx.Response(429, headers={"Retry-After": "0"}),
        httpx.ConnectError("refused"),
    ]

    client.post("/erp/purchase-orders", json=SMALL_PO)

    (event,) = events(client)
    assert (event["status"], event["attempts"], event["response_status"]) == ("delivered", 4, 202)
    assert len({r.headers["Idempotency-Key"] for r in gateway.requests}) == 1


def test_a_refusal_is_not_retried(client: TestClient, gateway: FakeGateway) -> None:
    gateway.answers = [httpx.Response(422, json={"error": {"code": "request.invalid"}})]

    client.post("/erp/purchase-orders", json=SMALL_PO)

    (event,) = events(client)
    assert (event["status"], event["attempts"], event["response_status"]) == ("failed", 1, 422)
    assert "request.invalid" in event["response"]


def test_retries_run_out(client: TestClient, gateway: FakeGateway) -> None:
    gateway.answers = [httpx.ReadTimeout("slow")] * 4  # retry_delays: 3 retries

    client.post("/erp/purchase-orders", json=SMALL_PO)

    (event,) = events(client)
    assert (event["status"], event["attempts"], event["response_status"]) == ("failed", 4, None)
    assert event["response"] == "ReadTimeout: slow"


def _httpx_errors(base: type[Exception] = httpx.HTTPError) -> list[type[Exception]]:
    found = []
    for cls in base.__subclasses__():
        found += [cls, *_httpx_errors(cls)]
    return [cls for cls in found if cls is not httpx.HTTPStatusError]  # raise_for_status only


def test_every_httpx_error_is_recorded_never_raised(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    """One client for them all: an app per exception class would double the suite's time."""
    client = make_client(retry_delays=())
    errors = [*_httpx_errors(), httpx.InvalidURL]
    gateway.answers = [error("boom") for error in errors]

    for _ in errors:
        client.post("/erp/purchase-orders", json=SMALL_PO)

    recorded = [(e["status"], e["response"]) for e in reversed(events(client))]
    assert recorded == [("failed", f"{error.__name__}: boom") for error in errors]
    assert len(errors) > 15  # the hierarchy was walked, not just its root


def test_without_a_gateway_events_are_kept_but_not_sent(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    client = make_client(gateway_url=None)

    answer = client.post("/erp/purchase-orders", json=SMALL_PO)

    assert answer.json()["event_status"] == "skipped"
    assert events(client)[0]["status"] == "skipped"
    assert gateway.requests == []


@pytest.mark.parametrize(
    ("payload", "why"),
    [
        ({"partner_id": "acme", "lines": []}, "po_number"),
        ({"po_number": "PO-1"}, "partner_id"),
        ({**SMALL_PO, "lines": [{"quantity": 1.5e300, "unit_price": "x"}]}, "unit_price"),
        ({"meta": {"kind": "invoice", "direction": "outbound"}, "body": {}}, "invoice"),
        ({**SMALL_PO, "colour": "red"}, "colour"),
    ],
)
def test_a_purchase_order_that_breaks_the_contract_is_422(
    client: TestClient, gateway: FakeGateway, payload: Any, why: str
) -> None:
    answer = client.post("/erp/purchase-orders", json=payload)

    assert answer.status_code == 422
    assert why in answer.json()["error"]
    assert client.get("/erp/stats").json()["total"] == 0
    assert events(client) == []
    assert gateway.requests == []


def test_a_wms_receipt_is_emitted_to_the_gateway_receipts_endpoint(
    client: TestClient, gateway: FakeGateway
) -> None:
    answer = client.post("/wms/receipts", json=RECEIPT, headers=key("rcv-1"))

    assert answer.status_code == 201
    (request,) = gateway.requests
    assert str(request.url) == "http://gateway.test/api/v1/wms/receipts"
    assert request.headers["X-API-Key"] == API_KEY
    receipt = gateway.bodies()[0]
    assert (receipt["meta"]["kind"], receipt["meta"]["partner_id"]) == ("receipt", "nordfrost")
    assert receipt["body"]["lines"][0]["quantity_received"] == "9"
    assert [e["status"] for e in events(client, "wms")] == ["delivered"]
    assert events(client, "erp") == []
    assert client.get("/wms/stats").json()["kinds"] == {"receipt": 1}


def test_receipts_are_a_wms_route_and_purchase_orders_an_erp_route(client: TestClient) -> None:
    assert client.post("/erp/receipts", json=RECEIPT).status_code in (404, 405)
    assert client.post("/wms/purchase-orders", json=SMALL_PO).status_code in (404, 405)


def test_events_filter_by_status(client: TestClient, gateway: FakeGateway) -> None:
    gateway.answers = [httpx.Response(400)]
    client.post("/erp/purchase-orders", json=SMALL_PO)
    client.post("/erp/purchase-orders", json=SMALL_PO)
    events(client)

    failed = client.get("/erp/events?status=failed").json()["events"]

    assert [e["response_status"] for e in failed] == [400]


@pytest.mark.parametrize(("value", "seconds"), [("7", 7.0), ("-3", 0.0), ("soon", None)])
def test_retry_after_reads_seconds(value: str, seconds: float | None) -> None:
    assert _retry_after(httpx.Response(429, headers={"Retry-After": value})) == seconds


@pytest.mark.parametrize(("offset", "seconds"), [(60, 60.0), (-60, 0.0)])
def test_retry_after_reads_http_dates(offset: int, seconds: float) -> None:
    moment = format_datetime(datetime.now(UTC) + timedelta(seconds=offset), usegmt=True)

    found = _retry_after(httpx.Response(503, headers={"Retry-After": moment}))

    assert found == pytest.approx(seconds, abs=1.5)
