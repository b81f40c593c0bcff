"""JSON intake: one record per idempotency key, per system; light validation; lookups."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from erp_connector.sandbox.documents import BUSINESS_NUMBER
from gateway.canonical import Kind
from tests.unit.erp_connector.sandbox.conftest import MakeClient, key, po_document


def test_a_repeated_key_answers_the_first_record_as_a_duplicate(client: TestClient) -> None:
    first = client.post("/erp/documents/purchase_order", json=po_document(), headers=key("k-1"))
    again = client.post("/erp/documents/purchase_order", json=po_document(), headers=key("k-1"))

    assert first.status_code == 201
    assert first.json() == {"id": first.json()["id"], "duplicate": False}
    assert again.status_code == 200
    assert again.json() == {"id": first.json()["id"], "duplicate": True}
    assert client.get("/erp/stats").json()["total"] == 1


def test_concurrent_posts_of_one_key_store_exactly_one_record(client: TestClient) -> None:
    start = threading.Barrier(12)

    def post(_: int) -> Any:
        start.wait(timeout=10)
        return client.post("/erp/documents/invoice", json=_invoice(), headers=key("same"))

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(post, range(12)))

    assert sorted(a.status_code for a in answers) == [200] * 11 + [201]
    assert len({a.json()["id"] for a in answers}) == 1
    assert [a.json()["duplicate"] for a in answers].count(False) == 1
    assert client.get("/erp/stats").json() == {
        "system": "erp",
        "total": 1,
        "kinds": {"invoice": 1},
        "last_sequence": 1,
    }


def test_each_system_has_its_own_keys_and_records(client: TestClient) -> None:
    erp = client.post("/erp/documents/purchase_order", json=po_document(), headers=key("k"))
    wms = client.post("/wms/documents/purchase_order", json=po_document(), headers=key("k"))

    assert erp.status_code == wms.status_code == 201
    assert erp.json()["id"] != wms.json()["id"]
    assert client.get("/wms/records").json()["records"][0]["system"] == "wms"


@pytest.mark.parametrize("headers", [{}, key("  ")], ids=["missing", "blank"])
def test_intake_without_an_idempotency_key_is_400(client: TestClient, headers: Any) -> None:
    answer = client.post("/erp/documents/purchase_order", json=po_document(), headers=headers)

    assert answer.status_code == 400
    assert "Idempotency-Key" in answer.json()["error"]


@pytest.mark.parametrize(
    ("kind", "document", "why"),
    [
        ("purchase_order", {"meta": {"kind": "purchase_order"}, "body": {}}, "po_number"),
        ("ship_notice", {"meta": {}, "body": {"asn_number": ""}}, "asn_number"),
        ("invoice", {"meta": {}, "body": {"invoice_number": None}}, "invoice_number"),
        ("receipt", {"meta": {}, "body": {"po_number": "PO-1"}}, "receipt_id"),
        ("purchase_order", {"po_number": "PO-1"}, "canonical document"),
        ("invoice", po_document(), "meta.kind"),
        ("quote", po_document(), "unknown kind"),
        ("expected_receipt", {"lines": []}, "asn_number"),
    ],
)
def test_a_document_without_its_business_number_is_422(
    client: TestClient, kind: str, document: Any, why: str
) -> None:
    answer = client.post(f"/erp/documents/{kind}", json=document, headers=key("k"))

    assert answer.status_code == 422
    assert why in answer.json()["error"]
    assert client.get("/erp/stats").json()["total"] == 0


def test_a_body_that_is_not_a_json_object_is_422_with_the_error_shape(client: TestClient) -> None:
    answer = client.post(
        "/erp/documents/purchase_order",
        content=b"[1, 2",
        headers={**key("k"), "Content-Type": "application/json"},
    )

    assert answer.status_code == 422
    assert set(answer.json()) == {"error"}


def test_the_wms_takes_a_flat_expected_receipt(client: TestClient) -> None:
    expected = {"asn_number": "ASN-77", "partner_id": "nordfrost", "lines": [{"sku": "A"}]}

    answer = client.post("/wms/documents/expected_receipt", json=expected, headers=key("asn"))

    record = client.get(f"/wms/documents/expected_receipt/{answer.json()['id']}").json()
    assert answer.status_code == 201
    assert (record["business_number"], record["partner_id"]) == ("ASN-77", "nordfrost")
    assert record["body"] == expected


def test_a_record_reads_back_as_stored(client: TestClient) -> None:
    posted = client.post("/erp/documents/purchase_order", json=po_document(), headers=key("k-9"))
    record_id = posted.json()["id"]

    record = client.get(f"/erp/documents/purchase_order/{record_id}").json()

    assert record["body"] == po_document()
    assert record["idempotency_key"] == "k-9"
    assert (record["kind"], record["business_number"], record["partner_id"]) == (
        "purchase_order",
        "PO-1001",
        "acme",
    )
    assert record["sequence"] == 1
    assert record["received_at"].endswith(("Z", "+00:00"))


@pytest.mark.parametrize(
    "path",
    ["/erp/documents/invoice/{id}", "/wms/documents/purchase_order/{id}", "/erp/documents/x/nope"],
)
def test_a_record_of_another_kind_or_system_is_404(client: TestClient, path: str) -> None:
    posted = client.post("/erp/documents/purchase_order", json=po_document(), headers=key("k"))

    answer = client.get(path.format(id=posted.json()["id"]))

    assert answer.status_code == 404
    assert "error" in answer.json()


def test_records_filter_by_kind_number_and_partner_newest_first(client: TestClient) -> None:
    for n, (number, partner) in enumerate([("PO-1", "acme"), ("PO-2", "acme"), ("PO-1", "zen")]):
        document = po_document(number, partner)
        client.post("/erp/documents/purchase_order", json=document, headers=key(f"k{n}"))
    client.post("/erp/documents/invoice", json=_invoice(), headers=key("inv"))

    def numbers(query: str) -> list[tuple[str, str]]:
        found = client.get(f"/erp/records?{query}").json()["records"]
        return [(r["business_number"], r["partner_id"]) for r in found]

    assert numbers("kind=purchase_order") == [("PO-1", "zen"), ("PO-2", "acme"), ("PO-1", "acme")]
    assert numbers("business_number=PO-1") == [("PO-1", "zen"), ("PO-1", "acme")]
    assert numbers("business_number=PO-1&partner_id=acme") == [("PO-1", "acme")]
    assert numbers("limit=1") == [("INV-1", "acme")]
    assert client.get("/erp/records?limit=0").status_code == 422


def test_stats_count_records_per_kind(client: TestClient) -> None:
    for n in range(3):
        client.post(
            "/erp/documents/purchase_order", json=po_document(f"PO-{n}"), headers=key(f"{n}")
        )
    client.post("/erp/documents/purchase_order", json=po_document("PO-0"), headers=key("0"))
    client.post("/erp/documents/invoice", json=_invoice(), headers=key("inv"))

    assert client.get("/erp/stats").json() == {
        "system": "erp",
        "total": 4,
        "kinds": {"purchase_order": 3, "invoice": 1},
        "last_sequence": 4,  # the duplicate gave its number back
    }


def test_an_unknown_system_is_404(client: TestClient) -> None:
    answer = client.post("/crm/documents/purchase_order", json=po_document(), headers=key("k"))

    assert answer.status_code == 404
    assert client.get("/crm/stats").status_code == 404


def test_the_default_system_is_also_served_without_a_prefix(make_client: MakeClient) -> None:
    client = make_client(system="wms")

    answer = client.post("/documents/purchase_order", json=po_document(), headers=key("k"))

    assert answer.status_code == 201
    assert client.get("/wms/stats").json()["total"] == 1
    assert client.get("/stats").json()["system"] == "wms"
    assert client.get("/erp/stats").json()["total"] == 0


def test_healthz_answers_once_the_database_does(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_every_canonical_kind_has_a_business_number() -> None:
    assert set(Kind) <= set(BUSINESS_NUMBER)


def test_openapi_has_one_operation_per_route_and_stable_ids(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]

    assert len(ids) == len(set(ids))
    assert "intake-post_document" in ids
    assert "/documents/{kind}" not in schema["paths"]  # the bare default face is hidden


def _invoice() -> dict[str, Any]:
    meta = {"kind": "invoice", "partner_id": "acme"}
    return {"meta": meta, "body": {"invoice_number": "INV-1", "po_number": "PO-1"}}
