"""End to end on real PostgreSQL, Redis, Celery workers and the sandbox ERP/WMS:
documents reach the systems of record once, whatever fails on the way (SPEC §1)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gateway.api import create_app, create_key
from gateway.domain.tracking import Direction, MessageQuery, State
from tests.e2e.harness import ROOT, Stack, stack, wait_for
from tests.partner_profiles import acme

DAY1 = (ROOT / "demo/inbound/acme_supply_day1.x12").read_bytes()


@pytest.fixture
def e2e(tmp_path: Path) -> Iterator[Stack]:
    yield from stack(tmp_path)


@pytest.fixture
def api(e2e: Stack) -> Iterator[tuple[TestClient, str]]:
    with e2e.gw.unit_of_work() as uow:
        uow.partners.save(acme(), e2e.gw.clock.now())
        uow.commit()
    key = create_key(e2e.gw, "acme", "partner", "acme-supply").secret
    with TestClient(create_app(e2e.gw)) as client:
        yield client, key


def _submit(api: tuple[TestClient, str], data: bytes = DAY1) -> str:
    client, key = api
    answer = client.post("/api/v1/messages", content=data, headers={"X-API-Key": key})
    assert answer.status_code == 202, answer.text
    body: dict[str, Any] = answer.json()
    assert body["state"] == "received"  # the worker takes it from here
    return str(body["message_id"])


def _state(e2e: Stack, message_id: str) -> State | None:
    with e2e.gw.unit_of_work() as uow:
        message = uow.messages.get(message_id)
    return message.state if message else None


def _erp_keys(e2e: Stack) -> list[str]:
    return [r["idempotency_key"] for r in e2e.sandbox_records("erp")]


def test_an_interchange_reaches_erp_and_wms_once_and_its_acks_are_queued(
    e2e: Stack, api: tuple[TestClient, str]
) -> None:
    e2e.start_worker()
    message_id = _submit(api)
    wait_for(lambda: _state(e2e, message_id) is State.DELIVERED, timeout=60)
    erp = e2e.sandbox_records("erp")
    assert sorted(r["kind"] for r in erp) == ["invoice", "po_acknowledgement", "ship_notice"]
    assert [r["kind"] for r in e2e.sandbox_records("wms")] == ["expected_receipt"]
    with e2e.gw.unit_of_work() as uow:
        acks = uow.messages.find(MessageQuery(direction=Direction.OUTBOUND))
        assert sorted(a.document_type or "" for a in acks) == ["997", "TA1"]
        sets = uow.messages.transactions_of(message_id)
        assert {t.erp_document_id for t in sets} == {r["id"] for r in erp}


def test_the_same_interchange_twice_makes_one_erp_record(
    e2e: Stack, api: tuple[TestClient, str]
) -> None:
    e2e.start_worker()
    first = _submit(api)
    wait_for(lambda: _state(e2e, first) is State.DELIVERED, timeout=60)
    again = _submit(api)
    wait_for(lambda: _state(e2e, again) is State.DUPLICATE, timeout=30)
    time.sleep(1)  # anything wrongly queued would arrive by now
    assert len(_erp_keys(e2e)) == 3


def test_a_worker_killed_mid_delivery_delivers_exactly_once_after_restart(
    e2e: Stack, api: tuple[TestClient, str]
) -> None:
    e2e.faults(latency_ms=2500)  # every delivery hangs in the sandbox for a while
    worker = e2e.start_worker(concurrency=1)
    message_id = _submit(api)
    wait_for(lambda: _state(e2e, message_id) is State.MAPPED, timeout=60)
    time.sleep(1.0)  # a delivery is now in flight, inside the sandbox
    e2e.kill_worker(worker)
    e2e.faults()
    e2e.start_worker()
    e2e.start_beat()  # the sweeper finds the delivery that stalled with the dead worker
    wait_for(lambda: _state(e2e, message_id) is State.DELIVERED, timeout=90)
    keys = _erp_keys(e2e)
    assert len(keys) == len(set(keys)) == 3


def test_outages_are_ridden_out_in_po_order_then_dead_lettered_and_replayed(
    e2e: Stack, api: tuple[TestClient, str]
) -> None:
    client, _ = api
    e2e.faults(status=503, count=4, retry_after=1)
    e2e.start_worker()
    message_id = _submit(api)
    wait_for(lambda: _state(e2e, message_id) is State.DELIVERED, timeout=90)
    erp = sorted(e2e.sandbox_records("erp"), key=lambda r: r["sequence"])
    assert [r["kind"] for r in erp] == ["po_acknowledgement", "ship_notice", "invoice"]
    # past the retry window: dead letter, an alert, then replay once the ERP is back
    e2e.faults(status=500)
    again = _submit(api, DAY1.replace(b"000000101", b"000000777"))

    def states() -> list[State]:
        with e2e.gw.unit_of_work() as uow:
            return [t.state for t in uow.messages.transactions_of(again)]

    # the 855 gives up; the 856 and 810 of its PO are held behind it, not sent past it
    wait_for(lambda: states() == [State.DEAD_LETTERED, State.MAPPED, State.MAPPED], 90)
    with e2e.gw.unit_of_work() as uow:
        assert any(a.kind == "dead_letter" for a in uow.deliveries.open_alerts())
    e2e.faults()
    admin = create_key(e2e.gw, "ops", "operator").secret
    answer = client.post(f"/api/v1/messages/{again}/replay", headers={"X-API-Key": admin})
    assert answer.status_code == 200, answer.text
    wait_for(lambda: _state(e2e, again) is State.DELIVERED, timeout=90)
    # another interchange control number makes other idempotency keys: three new records,
    # each once, whatever the retries and the replay did
    keys = _erp_keys(e2e)
    assert len(keys) == len(set(keys)) == 6
