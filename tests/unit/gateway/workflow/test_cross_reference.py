"""The ERP's item master places an ASN's items the PO names by other identifiers, and
tells an item the ERP does not know from one that was simply not ordered."""

from __future__ import annotations

from gateway.canonical import ItemIds
from gateway.domain.workflow.authority import Authority
from gateway.domain.workflow.cross_reference import CrossReference, MasterItem
from gateway.domain.workflow.findings import Discrepancy
from gateway.domain.workflow.ship_notice import check_ship_notice
from gateway.domain.workflow.tolerances import Tolerances
from tests.unit.gateway.workflow.builders import PO, kinds, notice, order, shipped

MASTER = CrossReference(
    [
        MasterItem(
            "ERP-1", ItemIds(buyer_item="100-200", vendor_item="AC-77", gtin="00098765432109")
        ),
        MasterItem(
            "ERP-2", ItemIds(buyer_item="100-300", vendor_item="AC-91", gtin="00012345678905")
        ),
        MasterItem("ERP-4", ItemIds(buyer_item="100-400", vendor_item="AC-12")),
    ]
)


def check(asn, items: CrossReference | None = MASTER):  # type: ignore[no-untyped-def]
    return check_ship_notice(
        asn, {PO: order()}, (), Tolerances(), Authority(), supplier="Acme", items=items
    )


def test_expand_fills_what_the_document_lacks_and_keeps_what_it_says() -> None:
    by_gtin = MASTER.expand(ItemIds(gtin="98765432109"))  # leading zeros do not matter
    assert (by_gtin.buyer_item, by_gtin.vendor_item) == ("100-200", "AC-77")
    own = MASTER.expand(ItemIds(vendor_item="AC-77", description="bolts"))
    assert own.description == "bolts" and own.buyer_item == "100-200"
    unknown = ItemIds(vendor_item="ZZ-1")
    assert MASTER.expand(unknown) is unknown and MASTER.find(unknown) is None
    assert CrossReference().empty and not MASTER.empty


def test_an_item_shipped_under_the_vendors_part_or_upc_finds_its_po_line() -> None:
    # The PO names 100-200 by our and the vendor's part, 100-300 by our part and GTIN;
    # the ASN names the first by its UPC and the second by the vendor's part only.
    by_vendor = shipped("2", 6, item=ItemIds(vendor_item="AC-91"))
    by_upc = shipped("1", 24, item=ItemIds(upc="098765432109"))
    assert check(notice("ASN-1", by_upc, by_vendor)).findings == ()
    # Without the master neither resolves (by identifiers; line numbers only place a line
    # that carries no identifier at all).
    assert kinds(check(notice("ASN-1", by_upc, by_vendor), items=None)) == [
        "asn_unknown_item",
        "asn_unknown_item",
    ]


def test_an_item_the_master_knows_but_the_po_does_not_order() -> None:
    stray = shipped("1", 2, item=ItemIds(vendor_item="AC-12"))
    outcome = check(notice("ASN-1", shipped("1", 24), shipped("2", 6), stray))
    (finding,) = outcome.findings
    assert finding.kind is Discrepancy.ASN_ITEM_NOT_ORDERED and outcome.hold
    assert "the ERP's item ERP-4, which is on no line of the PO" in finding.explanation


def test_an_item_the_master_does_not_know() -> None:
    stray = shipped("1", 2, item=ItemIds(vendor_item="ZZ-9"))
    outcome = check(notice("ASN-1", shipped("1", 24), shipped("2", 6), stray))
    (finding,) = outcome.findings
    assert finding.kind is Discrepancy.ASN_UNKNOWN_ITEM and outcome.hold
    assert "item master has no item with these identifiers" in finding.explanation


def test_quantities_placed_through_the_master_still_bound_the_order() -> None:
    by_upc = shipped("1", 25, item=ItemIds(upc="098765432109"))
    assert kinds(check(notice("ASN-1", by_upc, shipped("2", 6)))) == ["asn_over_shipment"]
