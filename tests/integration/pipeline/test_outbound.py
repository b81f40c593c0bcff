"""Outbound over the real store (SQLite and PostgreSQL): an ERP event becomes the
partner's 850 with allocated control numbers, is sent, and the partner's 997 settles it;
no 997 in time makes it overdue with an alert."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from edi_maps.translate import translate
from gateway.bootstrap import Gateway, gateway
from gateway.domain.control_numbers import InMemoryControlNumbers
from gateway.domain.tracking import Direction, MessageQuery, MessageRecord, State, Transport
from gateway.profiles.model import PartnerProfile
from gateway.services.intake import Submission
from gateway.settings import Settings
from tests.fakes import FixedClock
from tests.partner_profiles import acme

ORDER: dict[str, Any] = {
    "meta": {"kind": "purchase_order", "direction": "outbound", "partner_id": "acme-supply",
             "document_id": "po-1", "idempotency_key": "erp-po-1"},
    "body": {"po_number": "PO-ERP-1", "purpose": "original", "order_date": "2026-11-28",
             "lines": [{"line_number": "1", "item": {"buyer_item": "100-200"},
                        "quantity": "24", "uom": "EA", "unit_price": "12.50"}]},
}  # fmt: skip


class Wire:
    """An outbound transport that keeps what it was given."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def send(self, profile: PartnerProfile, message: MessageRecord, payload: bytes) -> str:
        self.sent.append(payload)
        return f"wire-{len(self.sent)}"


@pytest.fixture
def wire() -> Wire:
    return Wire()


@pytest.fixture
def gw(store_engine: Engine, tmp_path: Path, clock: FixedClock, wire: Wire) -> Gateway:
    wired = gateway(
        Settings(data_dir=tmp_path / "data"), clock=clock, engine=store_engine, migrate=False,
        connectors={},
    )  # fmt: skip
    wired.outbound._transports = {"http": wire}  # the HTTP adapter has its own tests
    profile = acme(transports={"http": {"url": "https://edi.acme.example/in"}, "outbound": "http"})
    with wired.unit_of_work() as uow:
        uow.partners.save(profile, clock.now())
        uow.commit()
    return wired


def _outbound_sets(gw: Gateway) -> list[Any]:
    with gw.unit_of_work() as uow:
        (message,) = [
            m for m in uow.messages.find(MessageQuery(direction=Direction.OUTBOUND))
            if m.document_type == "850"
        ]  # fmt: skip
        return uow.messages.transactions_of(message.id)


def _their_997(payload: bytes, *, reject: bool = False) -> bytes:
    """What the partner's translator answers to our 850 (our engine, their side)."""
    numbers = InMemoryControlNumbers(start=7000)
    translation = translate(io.BytesIO(payload), numbers=numbers, clock=FixedClock())
    (ack,) = [a for a in translation.acknowledgements if a.type == "997"]
    text = ack.edi
    if reject:
        text = text.replace("AK5*A~", "AK5*R*5~").replace("AK9*A*1*1*1~", "AK9*R*1*1*0~")
    return text.encode("latin-1")


def test_an_erp_event_becomes_the_partner_850_once_and_is_sent(gw: Gateway, wire: Wire) -> None:
    message, created = gw.outbound.accept(ORDER)
    again, created_again = gw.outbound.accept(ORDER)
    assert created and not created_again and again.id == message.id
    assert gw.outbound.send(message.id) is State.SENT
    (payload,) = wire.sent
    assert payload.startswith(b"ISA*00*") and b"*ZZ*CROSSDOCK      *ZZ*ACMESUPPLY     *" in payload
    assert b"BEG*00*SA*PO-ERP-1**20261128~" in payload
    (item,) = _outbound_sets(gw)
    assert (item.transaction_set, item.state, item.group_control_number) == ("850", State.SENT, "1")
    assert gw.outbound.send(message.id) is State.SENT and len(wire.sent) == 1  # idempotent


def test_the_partner_997_acknowledges_our_850(gw: Gateway, wire: Wire) -> None:
    message, _ = gw.outbound.accept(ORDER)
    gw.outbound.send(message.id)
    inbound = gw.intake.receive(_their_997(wire.sent[0]), Submission(Transport.HTTP))
    gw.pipeline.process_inbound(inbound.id)
    (item,) = _outbound_sets(gw)
    assert item.state is State.ACKNOWLEDGED
    with gw.unit_of_work() as uow:
        reasons = [h.reason or "" for h in uow.messages.history(message.id)]
        assert any(r.startswith("accepted by 997") for r in reasons)
        (ack_set,) = uow.messages.transactions_of(inbound.id)
        assert ack_set.state is State.DELIVERED  # its destination was us


def test_a_rejecting_997_marks_the_set_rejected_with_an_alert(gw: Gateway, wire: Wire) -> None:
    message, _ = gw.outbound.accept(ORDER)
    gw.outbound.send(message.id)
    inbound = gw.intake.receive(_their_997(wire.sent[0], reject=True), Submission(Transport.HTTP))
    gw.pipeline.process_inbound(inbound.id)
    (item,) = _outbound_sets(gw)
    assert item.state is State.REJECTED
    with gw.unit_of_work() as uow:
        (alert,) = uow.deliveries.open_alerts("acme-supply")
        assert alert.kind == "ack_rejected" and "850 #0001" in alert.text


def test_no_ack_within_the_window_makes_it_overdue_once(
    gw: Gateway, wire: Wire, clock: FixedClock
) -> None:
    message, _ = gw.outbound.accept(ORDER)
    gw.outbound.send(message.id)
    clock.advance(minutes=59)
    assert gw.outbound.mark_overdue() == 0  # the profile allows 60 minutes
    clock.advance(minutes=2)
    assert gw.outbound.mark_overdue() == 1
    assert gw.outbound.mark_overdue() == 0
    (item,) = _outbound_sets(gw)
    assert item.state is State.OVERDUE
    with gw.unit_of_work() as uow:
        (alert,) = uow.deliveries.open_alerts()
        assert alert.kind == "ack_overdue" and "within 60 minutes" in alert.text
    inbound = gw.intake.receive(_their_997(wire.sent[0]), Submission(Transport.HTTP))
    gw.pipeline.process_inbound(inbound.id)  # a late 997 still settles it
    (item,) = _outbound_sets(gw)
    assert item.state is State.ACKNOWLEDGED
