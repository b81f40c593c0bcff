"""Batch intake: up to 1000 documents per call, each answered as it would be alone."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.unit.erp_connector.sandbox.conftest import key, po_document


def item(idempotency_key: str, document: Any = None, kind: str = "purchase_order") -> Any:
    document = po_document(f"PO-{idempotency_key}") if document is None else document
    return {"kind": kind, "idempotency_key": idempotency_key, "document": document}


def test_each_document_of_a_batch_answers_as_it_would_alone(client: TestClient) -> None:
    earlier = client.post("/erp/documents/purchase_order", json=po_document(), headers=key("old"))
    batch = [item("a"), item("old"), item("b", {"meta": {}, "body": {}}), item("a"), item("c")]

    answer = client.post("/erp/documents", json={"documents": batch})

    results = answer.json()["results"]
    assert answer.status_code == 200
    assert [r["status"] for r in results] == [201, 200, 422, 200, 201]
    assert results[1]["id"] == earlier.json()["id"]
    assert results[3]["id"] == results[0]["id"]  # a key twice in one batch: one record
    assert "po_number" in results[2]["error"]
    records = client.get("/erp/records").json()["records"]
    assert [(r["idempotency_key"], r["sequence"]) for r in records] == [
        ("c", 3),
        ("a", 2),
        ("old", 1),
    ]


def test_batches_and_single_posts_share_keys_and_sequences_under_concurrency(
    client: TestClient,
) -> None:
    start = threading.Barrier(8)

    def post(n: int) -> Any:
        start.wait(timeout=10)
        if n % 2:
            documents = [item(f"k{m}") for m in range(n, n + 20)]
            return client.post("/erp/documents", json={"documents": documents})
        return client.post(
            "/erp/documents/purchase_order", json=po_document(), headers=key(f"k{n}")
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(post, range(8)))

    assert {a.status_code for a in answers} <= {200, 201}
    records = client.get("/erp/records?limit=1000").json()["records"]
    assert len({r["idempotency_key"] for r in records}) == len(records) == 27  # k0…k26
    assert sorted(r["sequence"] for r in records) == list(range(1, 28))


def test_a_batch_suffers_the_faults_as_one_call(client: TestClient) -> None:
    client.put("/_faults", json={"status": 429, "count": 1, "retry_after": 2})

    refused = client.post("/wms/documents", json={"documents": [item("a"), item("b")]})
    taken = client.post("/wms/documents", json={"documents": [item("a"), item("b")]})

    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "2")
    assert [r["status"] for r in taken.json()["results"]] == [201, 201]


@pytest.mark.parametrize(
    "body",
    [
        {"documents": []},
        {"documents": [item("a")] * 1001},
        {"documents": [{**item("a"), "idempotency_key": ""}]},
        {"documents": [item("a")], "extra": 1},
    ],
    ids=["empty", "too-many", "blank-key", "unknown-field"],
)
def test_a_malformed_batch_is_422_and_stores_nothing(client: TestClient, body: Any) -> None:
    answer = client.post("/erp/documents", json=body)

    assert answer.status_code == 422
    assert "error" in answer.json()
    assert client.get("/erp/stats").json()["total"] == 0
