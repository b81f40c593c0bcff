"""The same sandbox on PostgreSQL: a throwaway database on the machine's server
(``CROSSDOCK_TEST_POSTGRES``, as the store tests use), skipped where there is none."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.unit.erp_connector.sandbox.conftest import MakeClient, key, po_document

SERVER = os.environ.get(
    "CROSSDOCK_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 2})
    name = f"sandbox_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"no PostgreSQL at {SERVER}: {exc.orig}")
    try:
        yield make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_client(make_client: MakeClient, postgres_url: str) -> TestClient:
    client = make_client(database_url=postgres_url)
    client.delete("/_faults")
    return client


def test_one_record_per_key_under_concurrency(pg_client: TestClient) -> None:
    start = threading.Barrier(8)
    wanted = f"same-{uuid.uuid4()}"

    def post(_: int) -> Any:
        start.wait(timeout=10)
        return pg_client.post(
            "/wms/documents/purchase_order", json=po_document(), headers=key(wanted)
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(post, range(8)))

    assert sorted(a.status_code for a in answers) == [200] * 7 + [201]
    assert len({a.json()["id"] for a in answers}) == 1


def test_batches_and_singles_keep_sequences_unique(pg_client: TestClient) -> None:
    prefix = uuid.uuid4().hex
    before = pg_client.get("/erp/stats").json()["last_sequence"]

    def post(n: int) -> Any:
        if n % 2:
            documents = [
                {"kind": "invoice", "idempotency_key": f"{prefix}-{m}", "document": _invoice(m)}
                for m in range(n, n + 10)
            ]
            return pg_client.post("/erp/documents", json={"documents": documents})
        return pg_client.post(
            "/erp/documents/invoice", json=_invoice(n), headers=key(f"{prefix}-{n}")
        )

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(post, range(6)))

    found = pg_client.get("/erp/records?kind=invoice&limit=1000").json()["records"]
    mine = [r for r in found if r["idempotency_key"].startswith(prefix)]
    assert len(mine) == 15  # keys 0…14
    assert sorted(r["sequence"] for r in mine) == list(range(before + 1, before + 16))


def test_faults_and_events_work_on_postgres(pg_client: TestClient) -> None:
    pg_client.put("/_faults", json={"status": 503, "count": 1, "retry_after": 1})
    refused = pg_client.post("/erp/documents/invoice", json=_invoice(1), headers=key("f"))
    pg_client.delete("/_faults")

    order = pg_client.post(
        "/erp/purchase-orders", json={"partner_id": "acme", "po_number": "PO-PG", "lines": []}
    )

    assert refused.status_code == 503
    assert order.status_code == 201
    event = pg_client.get("/erp/events").json()["events"][0]
    assert (event["id"], event["status"]) == (order.json()["event_id"], "delivered")
    record = pg_client.get(f"/erp/documents/purchase_order/{order.json()['id']}").json()
    assert record["received_at"].endswith(("Z", "+00:00"))


def _invoice(n: int) -> dict[str, Any]:
    return {"meta": {"kind": "invoice"}, "body": {"invoice_number": f"INV-{n}"}}
