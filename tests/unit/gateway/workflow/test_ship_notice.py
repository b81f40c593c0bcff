"""856 against the PO: POs and items resolve, partial shipments add up, over-shipments
(across several ASNs) are held."""

from __future__ import annotations

from decimal import Decimal

from gateway.canonical import ItemIds, ShipNotice, ShippedOrder
from gateway.domain.workflow.authority import Authority, DataDomain
from gateway.domain.workflow.findings import Discrepancy
from gateway.domain.workflow.ship_notice import check_ship_notice
from gateway.domain.workflow.tolerances import Tolerances
from tests.unit.gateway.workflow.builders import PO, kinds, notice, order, shipped

ORDERS = {PO: order()}


def check(asn: ShipNotice, *earlier: ShipNotice, tolerances: Tolerances | None = None):  # type: ignore[no-untyped-def]
    return check_ship_notice(
        asn, ORDERS, earlier, tolerances or Tolerances(), Authority(), supplier="Acme"
    )


def test_a_complete_shipment_finds_nothing() -> None:
    outcome = check(notice("ASN-1"))
    assert outcome.findings == () and outcome.subject == "ASN-1" and outcome.po_numbers == (PO,)
    assert check(notice("ASN-1", packed=False)).findings == ()  # flat items, no packs


def test_partial_shipments_across_several_asns_add_up() -> None:
    first = notice("ASN-1", shipped("1", 10))
    second = notice("ASN-2", shipped("1", 14), shipped("2", 6))
    assert check(first).findings == ()
    assert check(second, first).findings == ()  # 10 + 14 = the 24 ordered
    third = notice("ASN-3", shipped("1", 1))
    outcome = check(third, first, second)
    (finding,) = outcome.findings
    assert finding.kind is Discrepancy.ASN_OVER_SHIPMENT and finding.hold
    assert finding.conflict is DataDomain.ORDERS
    assert (finding.expected, finding.actual) == ("24 EA", "25 EA")
    assert "ships 1 EA of item 100-200" in finding.explanation
    assert "with 24 EA on earlier ASNs that makes 25 EA" in finding.explanation
    assert "only 24 EA were ordered" in finding.explanation


def test_the_same_asn_sent_again_counts_once() -> None:
    first = notice("ASN-1", shipped("1", 24))
    assert check(notice("ASN-1", shipped("1", 24)), first).findings == ()


def test_over_shipment_tolerance_edge() -> None:
    ten = Tolerances(quantity_percent=Decimal(10))
    assert check(notice("ASN-1", shipped("1", "26.4")), tolerances=ten).findings == ()
    assert kinds(check(notice("ASN-1", shipped("1", "26.5")), tolerances=ten)) == [
        "asn_over_shipment"
    ]


def test_an_unknown_po_is_an_exception_for_b2b_but_not_held() -> None:
    outcome = check(notice("ASN-9", po="PO-NEVER-SENT"))
    (finding,) = outcome.findings
    assert finding.kind is Discrepancy.UNKNOWN_PO and not outcome.hold
    assert finding.line == "PO-NEVER-SENT"


def test_an_item_the_po_does_not_have_is_held() -> None:
    stray = shipped("1", 2, item=ItemIds(buyer_item="777-777"))
    outcome = check(notice("ASN-1", shipped("1", 24), stray))
    assert kinds(outcome) == ["asn_unknown_item"] and outcome.hold


def test_an_asn_for_two_pos_checks_each() -> None:
    known = ShippedOrder(po_number=PO, items=[shipped("1", 30)])
    unknown = ShippedOrder(po_number="PO-OTHER", items=[shipped("1", 1)])
    outcome = check(ShipNotice(asn_number="ASN-7", orders=[known, unknown]))
    assert kinds(outcome) == ["asn_over_shipment", "unknown_po"]
    assert outcome.po_numbers == (PO, "PO-OTHER")


def test_a_shipment_in_another_unit_is_not_added_to_the_order() -> None:
    assert kinds(check(notice("ASN-1", shipped("1", 2, uom="CS")))) == ["uom_mismatch"]
