"""``deliver_many``: a message's documents in one call to a batch endpoint, one answer
per document in order; without one, a call each, and none after the system is down."""

from __future__ import annotations

import json

import httpx

from erp_connector import RestConnector
from gateway.domain.delivery import DeliveryReceipt, DeliveryRejected, DeliveryUnavailable

from .conftest import URL, FakeSystem, settings
from .samples import invoice, purchase_order, ship_notice


def _batch_system(answer: httpx.Response | None = None) -> tuple[RestConnector, list[dict]]:
    """A system whose ``POST /documents`` stores each new key (201), answers a known one
    as a duplicate (200) and refuses an invoice (422) — or gives ``answer`` to all."""
    seen: list[dict] = []
    keys: dict[str, str] = {}

    def handle(request: httpx.Request) -> httpx.Response:
        assert request.url.path.endswith("/documents") and request.method == "POST"
        body = json.loads(request.content)
        seen.append(body)
        if answer is not None:
            return answer
        results = []
        for item in body["documents"]:
            if item["kind"] == "invoice":
                results.append({"status": 422, "error": "unknown vendor"})
            elif item["idempotency_key"] in keys:
                results.append(
                    {"status": 200, "id": keys[item["idempotency_key"]], "duplicate": True}
                )
            else:
                keys[item["idempotency_key"]] = f"R{len(keys) + 1}"
                results.append({"status": 201, "id": keys[item["idempotency_key"]]})
        return httpx.Response(200, json={"results": results})

    client = httpx.Client(transport=httpx.MockTransport(handle))
    connector = RestConnector("erp", settings(batch_path="/documents", batch_size=2), client=client)
    return connector, seen


def test_one_answer_per_document_in_order_in_chunks_of_the_batch_size() -> None:
    connector, seen = _batch_system()
    answers = connector.deliver_many(
        [
            (purchase_order(), "k1"),
            (invoice(), "k2"),
            (ship_notice(), "k3"),
            (purchase_order(), "k1"),
        ]
    )
    assert answers[0] == DeliveryReceipt("erp", "R1")
    assert isinstance(answers[1], DeliveryRejected) and "unknown vendor" in answers[1].message
    assert answers[2] == DeliveryReceipt("erp", "R2")
    assert answers[3] == DeliveryReceipt("erp", "R1", duplicate=True)
    assert [len(call["documents"]) for call in seen] == [2, 2]  # batch_size 2
    first = seen[0]["documents"][0]
    assert first["kind"] == "purchase_order" and first["document"] == purchase_order()


def test_a_document_without_a_key_is_refused_alone_and_never_sent() -> None:
    connector, seen = _batch_system()
    answers = connector.deliver_many([(purchase_order(), ""), (ship_notice(), "k9")])
    assert isinstance(answers[0], DeliveryRejected)
    assert answers[1] == DeliveryReceipt("erp", "R1")
    assert [item["idempotency_key"] for item in seen[0]["documents"]] == ["k9"]


def test_a_failed_call_fails_every_document_of_it_retryably() -> None:
    connector, _ = _batch_system(httpx.Response(503, headers={"Retry-After": "4"}))
    answers = connector.deliver_many([(purchase_order(), "k1"), (ship_notice(), "k2")])
    assert all(isinstance(a, DeliveryUnavailable) and a.retry_after == 4.0 for a in answers)


def test_an_answer_with_the_wrong_number_of_results_is_not_trusted() -> None:
    connector, _ = _batch_system(
        httpx.Response(200, json={"results": [{"status": 201, "id": "X"}]})
    )
    answers = connector.deliver_many([(purchase_order(), "k1"), (ship_notice(), "k2")])
    assert all(isinstance(a, DeliveryUnavailable) for a in answers)


def test_without_a_batch_endpoint_a_call_each_and_none_after_the_system_is_down(
    make_connector,
) -> None:
    fake = FakeSystem()
    connector = make_connector(fake)
    fake.answers.append(httpx.Response(200, json={"id": "E1"}))
    fake.answers.append(httpx.Response(503))
    answers = connector.deliver_many(
        [(purchase_order(), "k1"), (invoice(), "k2"), (ship_notice(), "k3")]
    )
    assert answers[0] == DeliveryReceipt("erp", "E1")
    assert isinstance(answers[1], DeliveryUnavailable) and answers[2] is answers[1]
    assert len(fake.requests) == 2
    assert str(fake.requests[0].url) == f"{URL}/documents/purchase_order"
