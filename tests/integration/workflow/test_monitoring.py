"""A PO's timeline and the KPIs, computed from the store (SPEC §6)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text, update
from sqlalchemy.exc import DBAPIError

from gateway.persistence.tables import exception_events
from gateway.services.monitoring import Monitoring
from tests.fakes import FixedClock
from tests.integration.workflow.conftest import make_flow
from tests.integration.workflow.harness import PO, Flow, ack, asn, invoice, receipt

HTTP = {"http": {"url": "https://edi.acme.example/in"}, "outbound": "http"}


@pytest.fixture
def sending(store_engine: Engine, tmp_path: Path, clock: FixedClock) -> Flow:
    return make_flow(store_engine, tmp_path, clock, transports=HTTP)


def _story(flow: Flow) -> None:
    """PO sent → 997 → 855 → 856 → receipt → 810, all agreeing."""
    flow.functional_ack(flow.send_order())
    flow.supplier(ack())
    flow.supplier(asn("ASN-1"))
    flow.warehouse(receipt("R-1"))
    flow.supplier(invoice("INV-1"))


def test_the_timeline_tells_the_po_story_in_order(sending: Flow) -> None:
    _story(sending)
    timeline = Monitoring(sending.gw.unit_of_work, sending.clock).timeline(PO)
    events = [(e.event, e.number) for e in timeline.entries]
    story = [
        ("purchase_order_issued", PO),
        ("po_sent", PO),
        ("functional_ack", PO),
        ("po_acknowledgement", PO),
        ("match_matched", PO),
        ("delivered", PO),
        ("ship_notice", "ASN-1"),
        ("match_matched", "ASN-1"),
        ("delivered", "ASN-1"),
        ("receipt", "R-1"),
        ("match_matched", "R-1"),
        ("delivered", "R-1"),
        ("invoice", "INV-1"),
        ("match_approved", "INV-1"),
        ("delivered", "INV-1"),
    ]
    kept = list(dict.fromkeys(event for event in events if event in story))
    assert kept == story  # the ASN's two deliveries (ERP and WMS) count once here
    times = [e.at for e in timeline.entries]
    assert times == sorted(times)
    ack_line = next(e for e in timeline.entries if e.event == "functional_ack")
    assert "accepted by 997" in ack_line.title
    approved = next(e for e in timeline.entries if e.event == "match_approved")
    assert approved.title == "matched: approved for payment: invoice INV-1 approved for payment"
    assert {d.kind for d in timeline.documents} == {
        "purchase_order",
        "po_acknowledgement",
        "ship_notice",
        "receipt",
        "invoice",
    }


def test_the_timeline_shows_exceptions_and_holds(flow: Flow) -> None:
    flow.order()
    flow.supplier(ack(**{"1": {"unit_price": Decimal("14")}}))
    timeline = Monitoring(flow.gw.unit_of_work, flow.clock).timeline(PO)
    events = [e.event for e in timeline.entries]
    assert (
        events.index("po_acknowledgement") < events.index("exception_opened") < events.index("held")
    )
    (found,) = timeline.exceptions
    opened = next(e for e in timeline.entries if e.event == "exception_opened")
    assert opened.exception_id == found.id and opened.title.startswith("procurement exception")
    assert Monitoring(flow.gw.unit_of_work, flow.clock).timeline("PO-NONE").documents == []
    assert (
        Monitoring(flow.gw.unit_of_work, flow.clock).timeline(PO, partner_id="nordfrost").documents
        == []
    )


def test_kpis_from_the_store(sending: Flow) -> None:
    start = sending.clock.now()
    _story(sending)
    sending.supplier(ack("PO-NEVER"))  # an exception for b2b, open
    monitoring = Monitoring(sending.gw.unit_of_work, sending.clock)
    found = monitoring.kpis(start, sending.clock.now() + timedelta(seconds=1))
    assert found.sync_latency.count == 5  # 855, 856, receipt, 810, the stray 855
    assert found.sync_latency_by_kind["invoice"].count == 1
    assert found.sync_latency.max_seconds is not None and found.sync_latency.max_seconds >= 0
    assert found.ack_latency.latency.count == 1 and found.ack_latency.awaiting == 0
    assert found.ack_latency.latency.average_seconds == 300.0  # sent, the 997 5 minutes later
    assert found.failure_rate.events >= 7 and found.failure_rate.failed == 0
    assert found.backlog.total == 1 and found.backlog.by_owner["b2b"]["under_1h"] == 1
    (day,) = found.documents_per_day
    assert (day.partner_id, day.outbound) == ("acme-supply", 1)
    assert day.inbound == 6  # 997, 855, 856, receipt, 810, stray 855
    (supplier,) = found.confirmations
    assert (supplier.orders, supplier.on_time, supplier.rate) == (1, 1, 1.0)
    later = monitoring.kpis(start + timedelta(days=30), start + timedelta(days=31))
    assert later.sync_latency.count == 0 and later.failure_rate.rate is None
    assert later.backlog.total == 1  # the backlog is as of now, whatever the window


def test_an_unconfirmed_po_counts_against_the_supplier_once_its_window_closes(flow: Flow) -> None:
    start = flow.clock.now()
    flow.order()
    monitoring = Monitoring(flow.gw.unit_of_work, flow.clock)
    (pending,) = monitoring.kpis(start, flow.clock.now()).confirmations
    assert (pending.pending, pending.rate) == (1, None)
    flow.clock.advance(hours=49)
    (late,) = monitoring.kpis(start, flow.clock.now()).confirmations
    assert (late.unconfirmed_overdue, late.rate) == (1, 0.0)


def test_the_exception_audit_trail_is_append_only(flow: Flow) -> None:
    flow.supplier(ack("PO-NEVER"))
    with pytest.raises(DBAPIError, match="append-only"), flow.gw.engine.begin() as connection:
        connection.execute(update(exception_events).values(note="rewritten"))
    with pytest.raises(DBAPIError, match="append-only"), flow.gw.engine.begin() as connection:
        connection.execute(text("DELETE FROM exception_events"))
