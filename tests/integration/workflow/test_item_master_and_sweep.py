"""On the real store (SQLite and PostgreSQL): the ASN against the supplier's 855, the
ERP's item master resolving an ASN's items, and the sweeper matching what was left."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.render import RenderOptions, render_x12
from gateway.canonical import (
    CanonicalDocument,
    Direction,
    ItemIds,
    Meta,
    Pack,
    ShipNotice,
    ShippedItem,
    ShippedOrder,
)
from gateway.domain.tracking import State, Transport
from gateway.domain.workflow.cross_reference import MasterItem
from gateway.services.intake import Submission
from gateway.services.sweep import recheck_matches, resume_stalled
from tests.integration.workflow.harness import PO, Flow, ack, asn, invoice, receipt

MASTER = [
    MasterItem("ERP-100200", ItemIds(buyer_item="100-200", vendor_item="AC-77")),
    MasterItem(
        "ERP-100300", ItemIds(buyer_item="100-300", vendor_item="AC-91", gtin="00012345678912")
    ),
    MasterItem("ERP-100400", ItemIds(buyer_item="100-400", vendor_item="AC-12")),
]


def by_supplier_parts(number: str, **items: tuple[ItemIds, int, str]) -> ShipNotice:
    """An ASN naming items only as the supplier knows them."""
    shipped = [
        ShippedItem(line_number=n, item=item, quantity_shipped=Decimal(qty), uom=uom)
        for n, (item, qty, uom) in items.items()
    ]
    order = ShippedOrder(po_number=PO, packs=[Pack(sscc=f"00{number}", items=shipped)])
    shipped_at = datetime(2026, 11, 29, 14, 0, tzinfo=UTC)
    return ShipNotice(asn_number=number, shipped_at=shipped_at, orders=[order])


def sweep(flow: Flow) -> dict[str, int]:
    flow.clock.advance(minutes=10)
    stall = timedelta(minutes=5)
    gw = flow.gw
    matched = recheck_matches(gw.pipeline.workflow, gw.pipeline.dispatcher, gw.clock, stall)
    return matched | resume_stalled(gw.unit_of_work, gw.pipeline.dispatcher, gw.clock, stall)


def test_an_asn_past_what_the_855_confirmed_goes_on_with_an_exception(flow: Flow) -> None:
    flow.order()
    flow.supplier(ack(**{"1": {"quantity": Decimal(20)}}))
    flow.supplier(asn("ASN-1"))  # ships all 24 ordered
    found = {e.kind: e for e in flow.exceptions()}
    assert set(found) == {"ack_quantity", "asn_over_confirmed"}
    over = found["asn_over_confirmed"]
    assert (over.owner.value, over.hold, over.subject) == ("procurement", False, "ASN-1")
    assert (over.details["expected"], over.details["actual"]) == ("20 EA", "24 EA")
    assert {link.kind for link in over.links} >= {"po_acknowledgement", "purchase_order"}
    assert flow.state("ship_notice", "ASN-1") is State.DELIVERED


def test_a_later_855_replaces_the_earlier_one(flow: Flow) -> None:
    flow.order()
    flow.supplier(ack(**{"1": {"quantity": Decimal(20)}}))
    flow.supplier(ack())  # the supplier confirms all 24 after all
    flow.supplier(asn("ASN-1"))
    assert "asn_over_confirmed" not in {e.kind for e in flow.exceptions()}


def test_item_master_sync_replaces_the_copy(flow: Flow) -> None:
    flow.systems["erp"].master = list(MASTER)
    synced = flow.gw.items.sync()
    assert (synced.items, flow.gw.items.count()) == (3, 3)
    with flow.gw.unit_of_work() as uow:
        (found,) = uow.items.find({"v:AC-91"})
        assert found.key == "ERP-100300" and found.ids.buyer_item == "100-300"
        assert [i.key for i in uow.items.find({"g:12345678912"})] == ["ERP-100300"]
        assert uow.items.find({"v:NOPE"}) == []
    flow.systems["erp"].master = [MASTER[0]]
    assert flow.gw.items.sync().items == 1 and flow.gw.items.count() == 1


def test_an_asn_by_the_suppliers_part_numbers_resolves_through_the_item_master(
    flow: Flow,
) -> None:
    flow.systems["erp"].master = list(MASTER)
    flow.gw.items.sync()
    flow.order()
    flow.supplier(
        by_supplier_parts(
            "ASN-1",
            **{
                "1": (ItemIds(vendor_item="AC-77"), 24, "EA"),
                "2": (ItemIds(gtin="12345678912"), 6, "CS"),
            },
        )
    )
    assert flow.exceptions() == []
    assert flow.state("ship_notice", "ASN-1") is State.DELIVERED


def test_an_item_the_po_does_not_order_and_one_the_erp_does_not_know(flow: Flow) -> None:
    flow.systems["erp"].master = list(MASTER)
    flow.gw.items.sync()
    flow.order()
    flow.supplier(
        by_supplier_parts(
            "ASN-1",
            **{
                "1": (ItemIds(vendor_item="AC-77"), 24, "EA"),
                "2": (ItemIds(vendor_item="AC-12"), 6, "EA"),  # known, never ordered
                "3": (ItemIds(vendor_item="ZZ-1"), 1, "EA"),  # unknown to the ERP
            },
        )
    )
    assert sorted(e.kind for e in flow.exceptions()) == [
        "asn_item_not_ordered",
        "asn_unknown_item",
    ]
    assert flow.state("ship_notice", "ASN-1") is State.HELD


def test_the_sweeper_releases_a_held_asn_once_the_item_master_resolves_it(flow: Flow) -> None:
    flow.order()
    lines = {
        "1": (ItemIds(vendor_item="AC-77"), 24, "EA"),
        "2": (ItemIds(vendor_item="AC-91"), 6, "CS"),
    }
    flow.supplier(by_supplier_parts("ASN-1", **lines))
    assert [e.kind for e in flow.exceptions()] == ["asn_unknown_item"]
    assert flow.state("ship_notice", "ASN-1") is State.HELD and flow.erp("ship_notice") == []
    flow.systems["erp"].master = list(MASTER)
    flow.gw.items.sync()  # the ERP's master now says AC-91 is our 100-300
    swept = sweep(flow)
    assert swept["rematched"] >= 1 and swept["released"] == 1
    assert flow.state("ship_notice", "ASN-1") is State.DELIVERED
    assert len(flow.erp("ship_notice")) == 1
    (cleared,) = flow.exceptions()
    assert cleared.state.value == "resolved" and cleared.resolution is not None
    assert cleared.resolution.value == "cleared"
    assert sweep(flow)["released"] == 0 and len(flow.erp("ship_notice")) == 1  # idempotent


def test_the_sweeper_matches_a_document_mapped_but_never_matched_before_delivering(
    flow: Flow,
) -> None:
    """A worker that stopped between mapping and matching: the sweeper must hold the
    over-shipment, not deliver it with the other mapped documents."""
    flow.order()
    record = flow.gw.intake.receive(_interchange(flow, asn("ASN-1", **{"1": 30})), _api())
    flow.gw.intake.process(record.id)  # mapped; the worker dies before matching
    assert flow.state("ship_notice", "ASN-1") is State.MAPPED
    swept = sweep(flow)
    assert swept["rematched"] == 1
    assert flow.state("ship_notice", "ASN-1") is State.HELD
    assert flow.erp("ship_notice") == []
    assert [e.kind for e in flow.exceptions()] == ["asn_over_shipment"]


def _interchange(flow: Flow, body: ShipNotice) -> bytes:
    document = CanonicalDocument(
        meta=Meta(document_id="x", kind="ship_notice", direction=Direction.OUTBOUND), body=body
    )
    options = RenderOptions(
        sender=("ZZ", "ACMESUPPLY"),
        receiver=("ZZ", "CROSSDOCK"),
        delimiters=Delimiters(element="*", component=">", segment="~", repetition="^"),
    )
    return render_x12([document], options, flow._numbers, flow.clock).encode("latin-1")


def _api() -> Submission:
    return Submission(Transport.API, None, "acme-supply")


def test_asn_receipt_and_invoice_naming_items_three_ways_match_through_the_master(
    flow: Flow,
) -> None:
    """The PO names our parts, the supplier's ASN and invoice its own parts and GTINs,
    the warehouse scans GTINs: with the ERP's item master they are the same items."""
    flow.systems["erp"].master = list(MASTER)
    flow.gw.items.sync()
    flow.order()
    supplier_ids = {"1": ItemIds(vendor_item="AC-77"), "2": ItemIds(gtin="00012345678912")}
    lines = {"1": (supplier_ids["1"], 24, "EA"), "2": (supplier_ids["2"], 6, "CS")}
    flow.supplier(by_supplier_parts("ASN-1", **lines))
    scanned = receipt("R-1")
    scanned["body"]["lines"][1]["item"] = {"gtin": "12345678912"}  # the dock scans barcodes
    flow.warehouse(scanned)
    bill = invoice("INV-1")
    bill = replace(
        bill,
        lines=[replace(line, item=supplier_ids[line.line_number or ""]) for line in bill.lines],
    )
    flow.supplier(bill)
    assert flow.exceptions() == []
    assert flow.state("invoice", "INV-1") is State.DELIVERED
    (approved,) = flow.erp("invoice")
    assert approved["approval"]["payment"] == "approved"  # type: ignore[index]


def test_without_the_master_the_same_documents_disagree(flow: Flow) -> None:
    flow.order()
    lines = {
        "1": (ItemIds(vendor_item="AC-77"), 24, "EA"),
        "2": (ItemIds(vendor_item="AC-91"), 6, "CS"),
    }
    flow.supplier(by_supplier_parts("ASN-1", **lines))
    assert {e.kind for e in flow.exceptions()} == {"asn_unknown_item"}
