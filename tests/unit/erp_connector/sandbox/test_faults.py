"""The fault switch: statuses for N calls or until cleared, latency, hangs; intake only."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.unit.erp_connector.sandbox.conftest import FIXTURES, key, po_document

PO = "/erp/documents/purchase_order"


def test_429_with_retry_after_for_count_calls_then_success(client: TestClient) -> None:
    client.put("/_faults", json={"status": 429, "count": 2, "retry_after": 3})

    answers = [client.post(PO, json=po_document(), headers=key("k")) for _ in range(3)]

    assert [a.status_code for a in answers] == [429, 429, 201]
    assert [a.headers.get("Retry-After") for a in answers[:2]] == ["3", "3"]
    assert answers[0].json() == {"error": "injected fault: HTTP 429"}
    assert client.get("/_faults").json() == {
        "latency_ms": 0,
        "status": 429,
        "count": 0,
        "retry_after": 3,
        "timeout": False,
        "injected": 2,
    }


def test_without_a_count_calls_fail_until_the_faults_are_cleared(client: TestClient) -> None:
    client.put("/_faults", json={"status": 500, "retry_after": 5})

    failed = [client.post(PO, json=po_document(), headers=key("k")) for _ in range(3)]
    cleared = client.delete("/_faults")
    after = client.post(PO, json=po_document(), headers=key("k"))

    assert {a.status_code for a in failed} == {500}
    assert all("Retry-After" not in a.headers for a in failed)  # only with 429 and 503
    assert cleared.json()["status"] is None
    assert after.status_code == 201
    assert client.get("/erp/stats").json()["total"] == 1  # failed calls stored nothing


def test_503_applies_to_both_faces_and_to_idoc_intake(client: TestClient) -> None:
    client.put("/_faults", json={"status": 503, "retry_after": 1})
    xml = {"Content-Type": "application/xml", **key("k")}

    wms = client.post("/wms/documents/purchase_order", json=po_document(), headers=key("k"))
    idoc = client.post("/erp/idoc", content=(FIXTURES / "orders05.xml").read_bytes(), headers=xml)

    assert (wms.status_code, idoc.status_code) == (503, 503)
    assert idoc.headers["Retry-After"] == "1"


def test_faults_spare_lookups_stats_health_the_switch_and_erp_events(client: TestClient) -> None:
    client.put("/_faults", json={"status": 500, "timeout": True})
    small_po = {"partner_id": "acme", "po_number": "PO-9", "lines": []}

    assert client.get("/erp/stats").status_code == 200
    assert client.get("/wms/records").status_code == 200
    assert client.get("/erp/events").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/_faults").status_code == 200
    assert client.post("/erp/purchase-orders", json=small_po).status_code == 201


def test_latency_delays_every_intake_call(client: TestClient) -> None:
    client.put("/_faults", json={"latency_ms": 150})

    started = time.perf_counter()
    answer = client.post(PO, json=po_document(), headers=key("k"))
    took = time.perf_counter() - started
    client.delete("/_faults")
    started = time.perf_counter()
    client.get("/erp/stats")

    assert answer.status_code == 201
    assert took >= 0.15
    assert time.perf_counter() - started < 0.15


def test_a_timeout_hangs_then_answers_504_for_count_calls(client: TestClient) -> None:
    client.put("/_faults", json={"timeout": True, "count": 1})  # hang_seconds is 0.05 here

    started = time.perf_counter()
    hung = client.post(PO, json=po_document(), headers=key("k"))
    took = time.perf_counter() - started
    after = client.post(PO, json=po_document(), headers=key("k"))

    assert hung.status_code == 504
    assert took >= 0.05
    assert after.status_code == 201


def test_concurrent_calls_share_the_count_exactly(client: TestClient) -> None:
    client.put("/_faults", json={"status": 503, "count": 4})
    start = threading.Barrier(10)

    def post(n: int) -> int:
        start.wait(timeout=10)
        return client.post(PO, json=po_document(f"PO-{n}"), headers=key(f"k{n}")).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(post, range(10)))

    assert sorted(statuses) == [201] * 6 + [503] * 4
    assert client.get("/_faults").json()["injected"] == 4


def test_setting_faults_again_resets_what_was_injected(client: TestClient) -> None:
    client.put("/_faults", json={"status": 500, "count": 1})
    client.post(PO, json=po_document(), headers=key("k"))

    reset = client.put("/_faults", json={"status": 500, "count": 1}).json()

    assert (reset["count"], reset["injected"]) == (1, 0)


@pytest.mark.parametrize(
    "body",
    [{"status": 200}, {"status": 700}, {"latency_ms": -1}, {"count": -1}, {"stauts": 500}],
)
def test_a_fault_switch_that_makes_no_sense_is_422(client: TestClient, body: Any) -> None:
    answer = client.put("/_faults", json=body)

    assert answer.status_code == 422
    assert "error" in answer.json()
    assert client.get("/_faults").json()["status"] is None
