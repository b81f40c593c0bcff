"""Delivery to the systems of record over the real store (SQLite and PostgreSQL), with
in-memory systems: once per document, PO order kept, dead letters replayable."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from gateway.bootstrap import Gateway, gateway
from gateway.domain.delivery import DeliveryRejected
from gateway.domain.tracking import State, Transport
from gateway.services.delivery import RetryPolicy
from gateway.services.intake import Submission
from gateway.settings import Settings
from tests.conftest import ROOT
from tests.fakes import FakeConnector, FixedClock
from tests.partner_profiles import acme

DAY1 = (ROOT / "demo/inbound/acme_supply_day1.x12").read_bytes()


class Held:
    """A dispatcher that only remembers what it was asked to deliver (the test decides)."""

    def __init__(self) -> None:
        self.deliveries: list[str] = []
        self.sent: list[str] = []

    def process_inbound(self, message_id: str) -> None:
        raise AssertionError("not used")

    def deliver(self, transaction_id: str) -> None:
        self.deliveries.append(transaction_id)

    def send(self, message_id: str) -> None:
        self.sent.append(message_id)


@pytest.fixture
def systems() -> dict[str, FakeConnector]:
    return {"erp": FakeConnector("erp"), "wms": FakeConnector("wms")}


@pytest.fixture
def held() -> Held:
    return Held()


@pytest.fixture
def gw(
    store_engine: Engine,
    tmp_path: Path,
    clock: FixedClock,
    systems: dict[str, FakeConnector],
    held: Held,
) -> Gateway:
    settings = Settings(data_dir=tmp_path / "data")
    wired = gateway(
        settings, clock=clock, engine=store_engine, migrate=False, connectors=systems,
        dispatcher=held,
    )  # fmt: skip
    with wired.unit_of_work() as uow:
        uow.partners.save(acme(), clock.now())
        uow.commit()
    return wired


def _receive(gw: Gateway, data: bytes = DAY1) -> str:
    message = gw.intake.receive(data, Submission(Transport.API))
    gw.pipeline.process_inbound(message.id)
    return message.id


def test_each_document_reaches_its_systems_once(
    gw: Gateway, held: Held, systems: dict[str, FakeConnector]
) -> None:
    message_id = _receive(gw)
    assert len(held.deliveries) == 3 and len(held.sent) == 2  # three sets; TA1 and 997
    for transaction_id in held.deliveries:
        assert gw.delivery.deliver(transaction_id).state is State.DELIVERED
    for transaction_id in held.deliveries:  # a task run twice changes nothing
        assert gw.delivery.deliver(transaction_id).receipts == []
    assert len(systems["erp"].records) == 3 and len(systems["erp"].calls) == 3
    assert len(systems["wms"].records) == 1  # only the ship notice goes to the WMS
    with gw.unit_of_work() as uow:
        message = uow.messages.get(message_id)
        assert message is not None and message.state is State.DELIVERED
        sets = uow.messages.transactions_of(message_id)
        assert all(t.erp_document_id and t.erp_document_id.startswith("erp-") for t in sets)
        assert {uow.deliveries.attempts(t.id, "erp") for t in sets} == {1}


def test_documents_of_one_po_are_delivered_in_order(
    gw: Gateway, held: Held, systems: dict[str, FakeConnector]
) -> None:
    _receive(gw)
    ack, ship_notice, invoice = held.deliveries  # 855, 856, 810 of PO-20261128-01
    waiting = gw.delivery.deliver(invoice)
    assert waiting.waiting_for == ack and waiting.state is State.MAPPED
    assert systems["erp"].calls == []
    first = gw.delivery.deliver(ack)
    assert first.unblocked == [ship_notice, invoice]  # handed on again, in PO order
    assert gw.delivery.deliver(invoice).waiting_for == ship_notice
    assert gw.delivery.deliver(ship_notice).unblocked == [invoice]
    assert gw.delivery.deliver(invoice).state is State.DELIVERED
    kinds = [record["meta"]["kind"] for record in systems["erp"].records.values()]
    assert kinds == ["po_acknowledgement", "ship_notice", "invoice"]


def test_a_system_down_then_back_gets_the_document_once(
    gw: Gateway, held: Held, systems: dict[str, FakeConnector]
) -> None:
    _receive(gw)
    first = held.deliveries[0]
    systems["erp"].fail_next(2)
    for _ in range(2):
        with pytest.raises(Exception, match="503 from the fake"):
            gw.delivery.deliver(first)
    assert gw.delivery.deliver(first).state is State.DELIVERED
    assert len(systems["erp"].records) == 1 and len(systems["erp"].calls) == 3
    with gw.unit_of_work() as uow:
        assert uow.deliveries.attempts(first, "erp") == 3


def test_a_dead_letter_raises_an_alert_and_replay_delivers_it_once(
    gw: Gateway, held: Held, systems: dict[str, FakeConnector]
) -> None:
    message_id = _receive(gw)
    first = held.deliveries[0]
    systems["erp"].fail_next(1, DeliveryRejected("422: unknown vendor"))
    with pytest.raises(DeliveryRejected):
        gw.delivery.deliver(first)
    gw.delivery.dead_letter(first, DeliveryRejected("422: unknown vendor"))
    with gw.unit_of_work() as uow:
        record = uow.messages.transaction(first)
        assert record is not None and record.state is State.DEAD_LETTERED
        (alert,) = uow.deliveries.open_alerts()
        assert alert.kind == "dead_letter" and "unknown vendor" in alert.text
    assert gw.delivery.deliver(held.deliveries[1]).waiting_for == first  # held behind it
    held.deliveries.clear()
    assert gw.pipeline.replay(message_id, "vendor created in the ERP") == [first]
    assert held.deliveries == [first]
    assert gw.delivery.deliver(first).state is State.DELIVERED
    assert len(systems["erp"].records) == 1
    with gw.unit_of_work() as uow:
        reasons = [h.reason for h in uow.messages.history(message_id) if h.transaction_id == first]
        assert "replay: vendor created in the ERP" in reasons


def test_the_retry_policy_backs_off_with_jitter_and_honours_retry_after() -> None:
    policy = RetryPolicy(max_retries=5, base_seconds=2, max_seconds=60)
    for retries in range(8):
        countdown = policy.countdown(retries)
        expected = min(60, 2 * 2**retries)
        assert expected / 2 <= countdown <= expected
    assert policy.countdown(0, retry_after=30) == 30
    assert policy.countdown(0, retry_after=3600) == 60  # bounded: never past the window
