"""The four rules wired into the pipeline over the real store: what goes on to the ERP,
what is held, what waits, and the exceptions each disagreement becomes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine

from gateway.domain.delivery import DeliveryRejected
from gateway.domain.tracking import State
from gateway.domain.workflow.exceptions import ExceptionState, Owner, Resolution
from tests.fakes import FixedClock
from tests.integration.workflow.conftest import make_flow
from tests.integration.workflow.harness import PO, Flow, ack, asn, invoice, receipt


def test_documents_that_agree_go_on_and_the_invoice_is_approved_for_payment(flow: Flow) -> None:
    flow.order()
    flow.supplier(ack(), asn("ASN-1"))
    flow.warehouse(receipt("R-1"))
    flow.supplier(invoice("INV-1"))
    assert flow.exceptions() == []
    for kind, number in (
        ("po_acknowledgement", PO),
        ("ship_notice", "ASN-1"),
        ("receipt", "R-1"),
        ("invoice", "INV-1"),
    ):
        assert flow.state(kind, number) is State.DELIVERED
    (billed,) = flow.erp("invoice")
    assert billed["approval"]["payment"] == "approved"
    assert billed["approval"]["basis"] == f"three-way match with PO {PO} and its receipts"
    (booked,) = flow.erp("receipt")
    assert booked["body"]["receipt_id"] == "R-1"
    assert [r["meta"]["kind"] for r in flow.systems["wms"].records.values()] == ["ship_notice"]


def test_a_price_above_tolerance_holds_the_855_until_procurement_accepts_it(flow: Flow) -> None:
    flow.order()
    flow.supplier(ack(**{"1": {"unit_price": Decimal("12.76")}}))  # 2.08 % above 12.50
    assert (
        flow.state("po_acknowledgement", PO) is State.HELD and flow.erp("po_acknowledgement") == []
    )
    (found,) = flow.exceptions()
    assert (found.owner, found.kind, found.state, found.hold) == (
        Owner.PROCUREMENT,
        "ack_price",
        ExceptionState.OPEN,
        True,
    )
    assert "12.76 USD a unit, but the PO says 12.50 USD (tolerance 2% or 0 a unit)" in (
        found.explanation
    )
    assert {link.kind for link in found.links} == {"po_acknowledgement", "purchase_order"}
    record, synced = flow.gw.pipeline.workflow.resolve(
        found.id, Resolution.ACCEPT, "buyer dana", "agreed the new price by phone"
    )
    assert record.state is ExceptionState.RESOLVED and record.resolved_by == "buyer dana"
    assert len(synced.released) == 1
    flow.gw.pipeline.dispatcher.deliver(synced.released[0])
    assert flow.state("po_acknowledgement", PO) is State.DELIVERED
    with flow.gw.unit_of_work() as uow:
        actions = [entry.action.value for entry in uow.exceptions.history(found.id)]
    assert actions == ["opened", "resolved"]


def test_a_price_at_the_tolerance_edge_goes_on(flow: Flow) -> None:
    flow.order()
    flow.supplier(ack(**{"1": {"unit_price": Decimal("12.75")}}))  # exactly 2 % above
    assert flow.exceptions() == [] and flow.state("po_acknowledgement", PO) is State.DELIVERED


def test_a_confirmed_quantity_change_goes_on_to_the_erp_with_an_exception(flow: Flow) -> None:
    flow.order()
    flow.supplier(ack(**{"1": {"quantity": Decimal(20)}}))
    (found,) = flow.exceptions()
    assert (found.kind, found.hold) == ("ack_quantity", False)
    assert flow.state("po_acknowledgement", PO) is State.DELIVERED


def test_the_same_discrepancy_found_twice_is_one_exception(flow: Flow) -> None:
    flow.order()
    flow.supplier(ack(**{"1": {"unit_price": Decimal("13.00")}}))
    flow.rematch_all()
    flow.rematch_all()
    (found,) = flow.exceptions()
    with flow.gw.unit_of_work() as uow:
        assert [e.action.value for e in uow.exceptions.history(found.id)] == ["opened"]


def test_an_asn_before_its_855(flow: Flow) -> None:
    flow.order()
    flow.supplier(asn("ASN-1"))
    assert flow.state("ship_notice", "ASN-1") is State.DELIVERED
    flow.supplier(ack())
    assert flow.state("po_acknowledgement", PO) is State.DELIVERED
    assert flow.exceptions() == []


def test_partial_shipments_across_several_asns_add_up_until_one_ships_too_much(flow: Flow) -> None:
    flow.order()
    flow.supplier(asn("ASN-1", **{"1": 10}))
    flow.supplier(asn("ASN-2", **{"1": 14, "2": 6}))
    assert flow.exceptions() == []
    flow.supplier(asn("ASN-3", **{"1": 2}))
    (found,) = flow.exceptions()
    assert (found.kind, found.subject, found.hold) == ("asn_over_shipment", "ASN-3", True)
    assert (found.details["expected"], found.details["actual"]) == ("24 EA", "26 EA")
    assert flow.state("ship_notice", "ASN-3") is State.HELD
    assert {link.number for link in found.links} >= {"ASN-1", "ASN-2", "ASN-3", PO}


def test_a_receipt_before_its_asn_waits_and_is_matched_when_the_asn_arrives(flow: Flow) -> None:
    flow.order()
    early = flow.warehouse(receipt("R-1", **{"1": 20, "2": 6}))
    assert early.match is not None and early.match.status == "waiting"
    assert early.match.waiting_on == "asn:ASN-1"
    assert flow.state("receipt", "R-1") is State.DELIVERED  # a receipt is a fact: posted
    assert flow.exceptions() == []
    flow.supplier(asn("ASN-1"))
    (found,) = flow.exceptions()
    assert (found.kind, found.owner, found.assignee) == (
        "receipt_shortage",
        Owner.WAREHOUSE,
        "dock@crossdock.example",
    )
    assert "received 20 EA" in found.explanation and "4 EA short" in found.explanation
    with flow.gw.unit_of_work() as uow:
        match = uow.workflow.match(early.transaction.id)
    assert match is not None and match.status == "exceptions" and match.waiting_on is None


def test_the_same_receipt_event_twice_is_taken_once(flow: Flow) -> None:
    flow.order()
    flow.supplier(asn("ASN-1"))
    first = flow.warehouse(receipt("R-1", **{"1": 20, "2": 6}))
    again = flow.warehouse(receipt("R-1", **{"1": 20, "2": 6}))
    assert first.created and not again.created
    assert again.transaction.id == first.transaction.id
    assert len([d for d in flow.documents() if d.kind == "receipt"]) == 1
    assert len(flow.exceptions()) == 1 and len(flow.erp("receipt")) == 1
    by_header = flow.warehouse(
        receipt("R-2", **{"1": 4})
        | {
            "meta": {
                "kind": "receipt",
                "direction": "inbound",
                "partner_id": "acme-supply",
                "document_id": "wms-R-2",
            }
        },
        key="wms-evt-9",
    )
    assert by_header.created
    assert not flow.warehouse(
        receipt("R-2", **{"1": 4})
        | {
            "meta": {
                "kind": "receipt",
                "direction": "inbound",
                "partner_id": "acme-supply",
                "document_id": "wms-R-2",
            }
        },
        key="wms-evt-9",
    ).created


def test_a_second_receipt_that_completes_the_asn_clears_the_shortage(flow: Flow) -> None:
    flow.order()
    flow.supplier(asn("ASN-1"))
    flow.warehouse(receipt("R-1", **{"1": 20, "2": 6}))
    (found,) = flow.exceptions()
    flow.warehouse(receipt("R-2", **{"1": 4}))
    (cleared,) = flow.exceptions()
    assert cleared.id == found.id and cleared.state is ExceptionState.RESOLVED
    assert (cleared.resolution, cleared.resolved_by) == (Resolution.CLEARED, "gateway")


def test_an_invoice_before_any_receipt_waits_and_is_approved_when_the_goods_arrive(
    flow: Flow,
) -> None:
    flow.order()
    flow.supplier(ack(), asn("ASN-1"), invoice("INV-1"))
    assert flow.state("invoice", "INV-1") is State.HELD and flow.erp("invoice") == []
    assert flow.exceptions() == []
    outcome = flow.warehouse(receipt("R-1"))
    assert len(outcome.synced.released) == 1
    assert flow.state("invoice", "INV-1") is State.DELIVERED
    (billed,) = flow.erp("invoice")
    assert billed["approval"]["payment"] == "approved"


def test_an_invoice_price_above_tolerance_is_held_for_finance_and_can_be_rejected(
    flow: Flow,
) -> None:
    flow.order()
    flow.supplier(ack(), asn("ASN-1"))
    flow.warehouse(receipt("R-1"))
    flow.supplier(invoice("INV-1", **{"1": "13.10"}))
    (found,) = flow.exceptions()
    assert (found.owner, found.kind, found.assignee) == (
        Owner.FINANCE,
        "invoice_price",
        "ap@crossdock.example",
    )
    assert flow.state("invoice", "INV-1") is State.HELD
    record, synced = flow.gw.pipeline.workflow.resolve(
        found.id, Resolution.REJECT, "ap clerk", "disputed with the supplier"
    )
    assert record.resolution is Resolution.REJECT
    assert synced.released == [] and flow.state("invoice", "INV-1") is State.REJECTED
    assert flow.erp("invoice") == []


def test_an_accepted_invoice_exception_releases_it_approved_naming_the_exception(
    flow: Flow,
) -> None:
    flow.order()
    flow.supplier(ack(), asn("ASN-1"))
    flow.warehouse(receipt("R-1"))
    flow.supplier(invoice("INV-1", **{"1": "13.10"}))
    (found,) = flow.exceptions()
    _, synced = flow.gw.pipeline.workflow.resolve(found.id, Resolution.ACCEPT, "ap", "ok")
    for transaction_id in synced.released:
        flow.gw.pipeline.dispatcher.deliver(transaction_id)
    (billed,) = flow.erp("invoice")
    assert billed["approval"]["payment"] == "approved"
    assert billed["approval"]["accepted_exceptions"] == [found.id]


def test_rematch_reopens_what_is_still_found(flow: Flow) -> None:
    flow.order()
    flow.supplier(ack(**{"1": {"unit_price": Decimal("14")}}))
    (found,) = flow.exceptions()
    record, synced = flow.gw.pipeline.workflow.resolve(
        found.id, Resolution.REMATCH, "dana", "fixed the PO in the ERP"
    )
    assert record.state is ExceptionState.OPEN and synced.released == []
    with flow.gw.unit_of_work() as uow:
        actions = [e.action.value for e in uow.exceptions.history(found.id)]
    assert actions == ["opened", "resolved", "reopened"]


def test_an_invoice_waits_while_the_warehouse_disputes_a_receipt(flow: Flow) -> None:
    flow.order()
    flow.supplier(ack(), asn("ASN-1"))
    flow.warehouse(receipt("R-1", **{"1": 20, "2": 6}))  # 4 short
    flow.supplier(invoice("INV-1"))
    (shortage,) = flow.exceptions()
    (held,) = [d for d in flow.documents() if d.kind == "invoice"]
    with flow.gw.unit_of_work() as uow:
        match = uow.workflow.match(held.id)
    assert match is not None and match.status == "waiting"
    assert f"exception {shortage.id[:8]} (receipt shortage on ASN-1)" in match.summary
    # the warehouse settles it (the supplier short-shipped): the invoice is matched again
    flow.gw.pipeline.workflow.resolve(shortage.id, Resolution.ACCEPT, "dock", "supplier short")
    billed = [e for e in flow.exceptions() if e.kind == "invoice_quantity"]
    assert len(billed) == 1 and billed[0].owner is Owner.FINANCE
    assert flow.state("invoice", "INV-1") is State.HELD


def test_a_document_for_a_po_never_sent_goes_on_with_an_exception_for_b2b(flow: Flow) -> None:
    flow.supplier(ack("PO-NEVER"), invoice("INV-9", po="PO-NEVER"))
    kinds = sorted((e.kind, e.owner.value, e.hold) for e in flow.exceptions())
    assert kinds == [("unknown_po", "b2b", False), ("unknown_po", "b2b", False)]
    (billed,) = flow.erp("invoice")
    assert billed["approval"]["payment"] == "blocked"
    assert "never sent" in billed["approval"]["reasons"][0]


def test_the_profile_moves_an_exception_kind_and_may_hand_prices_to_the_supplier(
    store_engine: Engine, tmp_path: Path, clock: FixedClock
) -> None:
    flow = make_flow(
        store_engine,
        tmp_path,
        clock,
        exception_owners={"ack_price": "finance", "finance": "ap@x.example"},
        authority={"prices": "supplier"},
    )
    flow.order()
    flow.supplier(ack(**{"1": {"unit_price": Decimal("14")}}))
    (found,) = flow.exceptions()
    assert (found.owner, found.assignee, found.hold) == (Owner.FINANCE, "ap@x.example", False)
    assert flow.state("po_acknowledgement", PO) is State.DELIVERED  # the supplier's to change


def test_a_replayed_dead_letter_is_matched_again_and_keeps_its_approval(flow: Flow) -> None:
    flow.order()
    flow.supplier(ack(), asn("ASN-1"))
    flow.warehouse(receipt("R-1"))
    flow.systems["erp"].fail_next(1, DeliveryRejected("the ERP refused it"))
    message_id = flow.supplier(invoice("INV-1"))
    assert flow.state("invoice", "INV-1") is State.DEAD_LETTERED and flow.erp("invoice") == []
    flow.gw.pipeline.replay(message_id, "the ERP was fixed")
    assert flow.state("invoice", "INV-1") is State.DELIVERED
    (billed,) = flow.erp("invoice")
    assert billed["approval"]["payment"] == "approved"


def test_a_receipt_that_names_only_its_po_is_matched_against_all_its_asns(flow: Flow) -> None:
    flow.order()
    flow.supplier(asn("ASN-1", **{"1": 10}))
    flow.supplier(asn("ASN-2", **{"1": 14, "2": 6}))
    flow.warehouse(receipt("R-1", asn_number=None, **{"1": 20, "2": 6}))
    (found,) = flow.exceptions()
    assert (found.kind, found.subject) == ("receipt_shortage", PO)
    assert "ASNs ASN-1, ASN-2 announced 24 EA: 4 EA short" in found.explanation
    flow.warehouse(receipt("R-2", asn_number=None, **{"1": 4}))
    (cleared,) = flow.exceptions()
    assert cleared.resolution is Resolution.CLEARED
