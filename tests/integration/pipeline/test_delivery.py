"""Delivery to the systems of record over the real store (SQLite and PostgreSQL), with
in-memory systems: once per document, PO order kept, dead letters replayable."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from gateway.bootstrap import Gateway, gateway
from gateway.domain.delivery import DeliveryRejected
from gateway.domain.tracking import Direction, MessageQuery, State, Transport
from gateway.services.delivery import RetryPolicy
from gateway.services.intake import Submission
from gateway.settings import Settings
from tests.conftest import ROOT
from tests.fakes import FakeConnector, FixedClock
from tests.partner_profiles import acme

DAY1 = (ROOT / "demo/inbound/acme_supply_day1.x12").read_bytes()


class Held:
    """A dispatcher that only remembers what it was asked to deliver (the test decides):
    a message handed on as a whole counts as its mapped transactions, in order."""

    def __init__(self) -> None:
        self.deliveries: list[str] = []
        self.messages: list[str] = []
        self.sent: list[str] = []
        self.gw: Gateway | None = None

    def deliver_message(self, message_id: str) -> None:
        assert self.gw is not None
        self.messages.append(message_id)
        with self.gw.unit_of_work() as uow:
            self.deliveries.extend(t.id for t in uow.messages.mapped_of(message_id))

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
    held.gw = wired
    return wired


def _receive(gw: Gateway, data: bytes = DAY1) -> str:
    message = gw.intake.receive(data, Submission(Transport.API))
    gw.pipeline.process_inbound(message.id)
    return message.id


def test_each_document_reaches_its_systems_once(
    gw: Gateway, held: Held, systems: dict[str, FakeConnector]
) -> None:
    message_id = _receive(gw)
    assert len(held.deliveries) == 3  # three sets
    # TA1 and 997 wait for the partner to fetch them: it has no outbound transport, so
    # no send task is queued for them.
    assert held.sent == []
    with gw.unit_of_work() as uow:
        acks = [m for m in uow.messages.find(MessageQuery(direction=Direction.OUTBOUND))]
    assert sorted(m.document_type or "" for m in acks) == ["997", "TA1"]
    assert {m.state for m in acks} == {State.QUEUED}
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


def _states(gw: Gateway, message_id: str) -> list[State]:
    with gw.unit_of_work() as uow:
        return [t.state for t in uow.messages.transactions_of(message_id)]


def test_a_message_is_delivered_in_one_call_per_system(
    gw: Gateway, held: Held, systems: dict[str, FakeConnector]
) -> None:
    message_id = _receive(gw)
    assert held.messages == [message_id]  # handed on once, not once per set
    outcome = gw.delivery.deliver_message(message_id)
    # 855, 856 and 810 of one PO: the first goes; the later two wait for it (PO order).
    assert len(outcome.delivered) == 1 and len(outcome.waiting) == 2
    assert outcome.unblocked == outcome.waiting
    assert systems["erp"].batches == 1
    for transaction_id in outcome.unblocked:  # the per-document path takes the rest
        gw.delivery.deliver(transaction_id)
    assert _states(gw, message_id) == [State.DELIVERED] * 3
    again = gw.delivery.deliver_message(message_id)  # a task run twice changes nothing
    assert again.delivered == [] and len(systems["erp"].calls) == 3
    with gw.unit_of_work() as uow:
        message = uow.messages.get(message_id)
        assert message is not None and message.state is State.DELIVERED
        history = [(s.from_state, s.to_state) for s in uow.messages.history(message_id)]
    assert history.count((State.MAPPED, State.DELIVERED)) == 4  # three sets and the message


def test_a_batch_of_distinct_orders_goes_together_and_failures_stay_mapped(
    gw: Gateway, systems: dict[str, FakeConnector]
) -> None:
    data = (ROOT / "demo/inbound/acme_supply_day1.x12").read_bytes()
    message_id = _receive(gw, data)
    with gw.unit_of_work() as uow:  # give each set its own PO so none waits for another
        records = uow.messages.mapped_of(message_id)
        for index, record in enumerate(records):
            record.po_number = f"PO-{index}"
            uow.messages.update_transaction(record)
        uow.commit()
    systems["erp"].fail_next(1, DeliveryRejected("no such vendor"))
    outcome = gw.delivery.deliver_message(message_id)
    assert len(outcome.delivered) == 2 and list(outcome.failed) == [records[0].id]
    assert isinstance(outcome.failed[records[0].id], DeliveryRejected)
    assert _states(gw, message_id) == [State.MAPPED, State.DELIVERED, State.DELIVERED]
    with gw.unit_of_work() as uow:
        assert uow.deliveries.attempts(records[0].id, "erp") == 1
        assert uow.deliveries.delivered(records[0].id) == {}
        ship_notice = uow.deliveries.delivered(records[1].id)
    assert set(ship_notice) == {"erp", "wms"}  # each system its own batch
    assert systems["erp"].batches == 1 and systems["wms"].batches == 1
    retried = gw.delivery.deliver_message(message_id)  # only the failed one is asked again
    assert (
        retried.delivered == [records[0].id]
        and systems["erp"].calls.count(records[0].idempotency_key) == 2
    )
    with gw.unit_of_work() as uow:
        assert uow.deliveries.attempts(records[0].id, "erp") == 2
        message = uow.messages.get(message_id)
        assert message is not None and message.state is State.DELIVERED
