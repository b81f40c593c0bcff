"""The connectors against a system that keeps the sandbox's HTTP contract."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from lxml import etree

from erp_connector import IdocConnector, RateLimiter, RestConnector, read_idoc
from gateway.domain.delivery import DeliveryReceipt, DeliveryRejected, DeliveryUnavailable

from .conftest import URL, FakeClock, FakeSystem, settings
from .samples import invoice, purchase_order, ship_notice


def test_delivers_the_canonical_json_with_the_idempotency_key(make_connector) -> None:
    fake = FakeSystem()
    doc = purchase_order()
    receipt = make_connector(fake).deliver(doc, "key-abc")
    assert receipt == DeliveryReceipt("erp", "PURCHASE_ORDER-1", duplicate=False)
    [request] = fake.requests
    assert request.method == "POST"
    assert str(request.url) == f"{URL}/documents/purchase_order"
    assert request.headers["Idempotency-Key"] == "key-abc"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == doc
    timeout = request.extensions["timeout"]
    assert timeout == {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}


def test_the_same_key_again_is_a_duplicate_with_the_same_id(make_connector) -> None:
    fake = FakeSystem()
    connector = make_connector(fake)
    first = connector.deliver(purchase_order(), "key-1")
    again = connector.deliver(purchase_order(), "key-1")
    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.external_id == first.external_id
    assert len(fake.records) == 1


def test_429_retry_after_seconds(make_connector) -> None:
    fake = FakeSystem()
    fake.answers.append(httpx.Response(429, headers={"Retry-After": "7"}, json={"error": "slow"}))
    with pytest.raises(DeliveryUnavailable) as raised:
        make_connector(fake).deliver(invoice(), "key-1")
    assert raised.value.code == "delivery.throttled"
    assert raised.value.retry_after == 7.0
    assert raised.value.retryable


def test_429_retry_after_http_date(make_connector) -> None:
    fake = FakeSystem()
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    fake.answers.append(httpx.Response(429, headers={"Retry-After": later}))
    with pytest.raises(DeliveryUnavailable) as raised:
        make_connector(fake).deliver(invoice(), "key-1")
    assert raised.value.retry_after is not None
    assert 115.0 <= raised.value.retry_after <= 120.0  # whole seconds on the wire


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (httpx.Response(500, text="boom"), "delivery.server_error"),
        (httpx.Response(502), "delivery.server_error"),
        (httpx.Response(503, headers={"Retry-After": "30"}), "delivery.server_error"),
        (httpx.ReadTimeout("timed out"), "delivery.timeout"),
        (httpx.ConnectTimeout("timed out"), "delivery.timeout"),
        (httpx.ConnectError("refused"), "delivery.connect_failed"),
        (httpx.RemoteProtocolError("peer closed connection"), "delivery.protocol"),
        (httpx.Response(201, text="not json"), "delivery.bad_answer"),
        (httpx.Response(201, json={"duplicate": False}), "delivery.bad_answer"),
    ],
)
def test_transient_failures_are_retryable(
    make_connector, answer: httpx.Response | Exception, code: str
) -> None:
    fake = FakeSystem()
    fake.answers.append(answer)
    connector = make_connector(fake)
    with pytest.raises(DeliveryUnavailable) as raised:
        connector.deliver(invoice(), "key-1")
    assert raised.value.code == code
    # and the retry, with the same key, goes through
    assert connector.deliver(invoice(), "key-1").external_id == "INVOICE-1"


@pytest.mark.parametrize("status", [400, 409, 422])
def test_rejected_data_is_permanent_with_the_systems_text(make_connector, status: int) -> None:
    fake = FakeSystem()
    fake.answers.append(httpx.Response(status, json={"error": "unknown PO PO-4711"}))
    with pytest.raises(DeliveryRejected) as raised:
        make_connector(fake).deliver(invoice(), "key-1")
    assert raised.value.code == "delivery.rejected"
    assert raised.value.message == f"erp answered HTTP {status}: unknown PO PO-4711"
    assert not raised.value.retryable


def test_a_numeric_id_becomes_text(make_connector) -> None:
    fake = FakeSystem()
    fake.answers.append(httpx.Response(201, json={"id": 4711, "duplicate": False}))
    assert make_connector(fake).deliver(invoice(), "key-1").external_id == "4711"


@pytest.mark.parametrize(
    "doc", [{}, {"meta": {}}, {"meta": {"kind": "recipe"}}, {"meta": "x"}, {"meta": {"kind": 3}}]
)
def test_not_a_canonical_document(make_connector, doc: dict[str, object]) -> None:
    fake = FakeSystem()
    with pytest.raises(DeliveryRejected) as raised:
        make_connector(fake).deliver(doc, "key-1")
    assert raised.value.code == "delivery.bad_document"
    assert fake.requests == []


def test_no_key_no_delivery(make_connector) -> None:
    with pytest.raises(DeliveryRejected, match="idempotency key"):
        make_connector(FakeSystem()).deliver(invoice(), "")


def test_a_document_that_is_not_json(make_connector) -> None:
    doc = invoice()
    doc["body"]["total_amount"] = object()
    with pytest.raises(DeliveryRejected) as raised:
        make_connector(FakeSystem()).deliver(doc, "key-1")
    assert raised.value.code == "delivery.bad_document"


def test_fetch(make_connector) -> None:
    fake = FakeSystem()
    connector = make_connector(fake)
    receipt = connector.deliver(invoice(), "key-1")
    record = connector.fetch("invoice", receipt.external_id)
    assert record is not None and record["id"] == receipt.external_id
    assert record["body"] == invoice()
    assert connector.fetch("invoice", "INVOICE-99") is None
    assert connector.fetch("invoice", "a/b?c") is None
    assert fake.requests[-1].url.raw_path == b"/api/documents/invoice/a%2Fb%3Fc"
    with pytest.raises(DeliveryRejected):
        connector.fetch("../admin", "1")


def test_fetch_failures(make_connector) -> None:
    fake = FakeSystem()
    fake.answers += [httpx.Response(503), httpx.Response(200, json=[1, 2])]
    connector = make_connector(fake)
    with pytest.raises(DeliveryUnavailable):
        connector.fetch("invoice", "1")
    with pytest.raises(DeliveryUnavailable) as raised:
        connector.fetch("invoice", "1")
    assert raised.value.code == "delivery.bad_answer"


def test_the_circuit_opens_fails_fast_and_closes_after_a_good_trial(
    make_connector, clock: FakeClock
) -> None:
    fake = FakeSystem()
    fake.answers += [httpx.Response(503)] * 3
    connector = make_connector(fake)  # breaker: 3 failures, 30 s
    for _ in range(3):
        with pytest.raises(DeliveryUnavailable):
            connector.deliver(invoice(), "key-1")
    clock.advance(5)
    with pytest.raises(DeliveryUnavailable) as raised:
        connector.deliver(invoice(), "key-1")
    assert raised.value.code == "delivery.circuit_open"
    assert raised.value.retry_after == pytest.approx(25.0)
    assert len(fake.requests) == 3  # failed fast: the system saw nothing
    clock.advance(25)
    assert connector.deliver(invoice(), "key-1").external_id == "INVOICE-1"
    fake.answers.append(httpx.Response(503))  # closed again: one failure is not enough
    with pytest.raises(DeliveryUnavailable, match="HTTP 503"):
        connector.deliver(invoice(), "key-2")
    assert connector.deliver(invoice(), "key-2").external_id == "INVOICE-2"


def test_rejections_do_not_open_the_circuit(make_connector) -> None:
    fake = FakeSystem()
    fake.answers += [httpx.Response(422, json={"error": "bad"})] * 5
    connector = make_connector(fake)
    for _ in range(5):
        with pytest.raises(DeliveryRejected):
            connector.deliver(invoice(), "key-1")
    assert connector.deliver(invoice(), "key-1").external_id == "INVOICE-1"


def test_calls_wait_for_the_rate_limit(clock: FakeClock) -> None:
    fake = FakeSystem()
    limiter = RateLimiter(10.0, clock=clock, sleep=clock.sleep)
    client = httpx.Client(transport=fake.transport())
    with RestConnector("erp", settings(), client=client, limiter=limiter) as connector:
        for number in range(3):
            connector.deliver(invoice(), f"key-{number}")
        connector.fetch("invoice", "INVOICE-1")
    assert clock.sleeps == pytest.approx([0.1, 0.1, 0.1])


def test_a_wms_gets_an_expected_receipt_for_a_ship_notice(make_connector) -> None:
    fake = FakeSystem()
    wms = make_connector(fake, system="wms")
    receipt = wms.deliver(ship_notice(), "key-1")
    wms.deliver(invoice(), "key-2")
    asn, other = (json.loads(r.content) for r in fake.requests)
    assert asn["type"] == "expected_receipt" and asn["asn_number"] == "ASN-900"
    assert fake.requests[0].url.path == "/api/documents/expected_receipt"
    assert receipt.external_id == "EXPECTED_RECEIPT-1"
    assert other == invoice()
    assert fake.requests[1].url.path == "/api/documents/invoice"
    # fetched under our kind, found where the WMS filed it
    record = wms.fetch("ship_notice", receipt.external_id)
    assert record is not None and record["body"] == asn
    assert fake.requests[-1].url.path == "/api/documents/expected_receipt/EXPECTED_RECEIPT-1"


def test_an_erp_gets_the_ship_notice_as_it_is(make_connector) -> None:
    fake = FakeSystem()
    make_connector(fake).deliver(ship_notice(), "key-1")
    assert json.loads(fake.requests[0].content) == ship_notice()


def test_the_idoc_connector_posts_xml(make_connector) -> None:
    fake = FakeSystem()
    connector = make_connector(fake, kind=IdocConnector, format="idoc")
    receipt = connector.deliver(ship_notice(), "key-1")
    again = connector.deliver(ship_notice(), "key-1")
    assert (receipt.external_id, again.duplicate) == ("IDOC-1", True)
    request = fake.requests[0]
    assert request.url.path == "/api/idoc"
    assert request.headers["Content-Type"] == "application/xml"
    assert request.headers["Idempotency-Key"] == "key-1"
    assert etree.fromstring(request.content).tag == "DESADV01"
    read = read_idoc(request.content)
    assert read["body"]["asn_number"] == "ASN-900"
    assert read["control"]["RCVPRN"] == "ERP"


def test_the_idoc_connector_refuses_kinds_without_an_idoc_type(make_connector) -> None:
    fake = FakeSystem()
    connector = make_connector(fake, kind=IdocConnector, format="idoc")
    doc = purchase_order()
    doc["meta"]["kind"] = "receipt"
    with pytest.raises(DeliveryRejected) as raised:
        connector.deliver(doc, "key-1")
    assert raised.value.code == "delivery.idoc.unsupported_kind"
    assert fake.requests == []


def test_close_closes_the_client() -> None:
    client = httpx.Client(transport=FakeSystem().transport())
    connector = RestConnector("erp", settings(), client=client)
    assert connector.system == "erp"
    connector.close()
    assert client.is_closed
