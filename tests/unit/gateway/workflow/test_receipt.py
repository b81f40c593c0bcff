"""Receipts against the ASN: shortage, overage, damage, wrong items; several receipts of
one ASN count together; no ASN yet means waiting."""

from __future__ import annotations

from decimal import Decimal

from gateway.canonical import ItemIds, Receipt
from gateway.domain.workflow.authority import Authority
from gateway.domain.workflow.findings import Discrepancy, Rule, default_owner
from gateway.domain.workflow.receipt import check_receipts
from gateway.domain.workflow.tolerances import Tolerances
from tests.unit.gateway.workflow.builders import (
    GADGET,
    PO,
    WIDGET,
    kinds,
    notice,
    order,
    receipt,
    received,
    shipped,
)

ASN = notice("ASN-1", shipped("1", 24), shipped("2", 6))


def check(*receipts: Receipt, asn=ASN, tolerances=None, asn_number="ASN-1", po=PO):  # type: ignore[no-untyped-def]
    return check_receipts(
        receipts,
        [asn] if asn else [],
        order(),
        tolerances or Tolerances(),
        Authority(),
        asn_number=asn_number,
        po_number=po,
    )


def test_a_receipt_of_everything_announced_finds_nothing() -> None:
    outcome = check(receipt("R-1"))
    assert outcome.findings == () and outcome.subject == "ASN-1" and outcome.waiting_on is None


def test_a_shortage_goes_to_the_warehouse_and_the_receipt_is_not_held() -> None:
    outcome = check(receipt("R-1", received(WIDGET, 20), received(GADGET, 6, "CS")))
    (finding,) = outcome.findings
    assert finding.kind is Discrepancy.RECEIPT_SHORTAGE and not outcome.hold
    assert default_owner(Rule.RECEIPT, finding.kind).value == "warehouse"
    assert finding.explanation == (
        "The warehouse received 20 EA of item 100-200 (vendor AC-77) (PO PO-1001), but ASN "
        "ASN-1 announced 24 EA: 4 EA short (tolerance 0%)."
    )


def test_two_receipts_of_one_asn_count_together() -> None:
    first = receipt("R-1", received(WIDGET, 20), received(GADGET, 6, "CS"))
    second = receipt("R-2", received(WIDGET, 4))
    assert kinds(check(first)) == ["receipt_shortage"]
    assert check(first, second).findings == ()


def test_overage_damage_and_wrong_item() -> None:
    outcome = check(
        receipt(
            "R-1",
            received(WIDGET, 25),
            received(GADGET, 6, "CS", condition="damaged"),
            received(ItemIds(buyer_item="888-888"), 1),
        )
    )
    assert kinds(outcome) == ["receipt_damaged", "receipt_overage", "receipt_wrong_item"]
    damaged = next(f for f in outcome.findings if f.kind is Discrepancy.RECEIPT_DAMAGED)
    assert "6 CS of item 100-300 (PO PO-1001) damaged" in damaged.explanation


def test_shortage_tolerance_edge() -> None:
    ten = Tolerances(quantity_percent=Decimal(10))
    exact = receipt("R-1", received(WIDGET, "21.6"), received(GADGET, 6, "CS"))
    assert check(exact, tolerances=ten).findings == ()
    past = receipt("R-1", received(WIDGET, "21.5"), received(GADGET, 6, "CS"))
    assert kinds(check(past, tolerances=ten)) == ["receipt_shortage"]


def test_a_receipt_before_its_asn_waits_for_it() -> None:
    outcome = check(receipt("R-1", received(WIDGET, 1)), asn=None)
    assert outcome.findings == () and outcome.waiting_on == "asn:ASN-1"
    assert outcome.waiting_for == "ASN ASN-1 from the supplier" and not outcome.hold


def test_a_receipt_without_asn_is_checked_against_its_po() -> None:
    outcome = check(receipt("R-1", received(WIDGET, 30), asn=None), asn=None, asn_number=None)
    assert kinds(outcome) == ["receipt_overage"] and outcome.subject == PO
    short = check(receipt("R-1", received(WIDGET, 3), asn=None), asn=None, asn_number=None)
    assert short.findings == ()  # no ASN: nothing announced to be short of


def test_a_receipt_that_names_nothing_known_cannot_be_matched() -> None:
    outcome = check_receipts(
        [receipt("R-1", asn=None, po=None)],
        [],
        None,
        Tolerances(),
        Authority(),
        asn_number=None,
        po_number=None,
    )
    assert kinds(outcome) == ["receipt_unmatched"] and outcome.subject == "R-1"


def test_a_receipt_naming_only_its_po_is_checked_against_all_the_pos_asns() -> None:
    first = notice("ASN-1", shipped("1", 10))
    second = notice("ASN-2", shipped("1", 14), shipped("2", 6))
    short = receipt("R-1", received(WIDGET, 20), received(GADGET, 6, "CS"), asn=None)
    outcome = check_receipts(
        [short], [first, second], order(), Tolerances(), Authority(), asn_number=None, po_number=PO
    )
    (finding,) = outcome.findings
    assert finding.kind is Discrepancy.RECEIPT_SHORTAGE and outcome.subject == PO
    assert "but ASNs ASN-1, ASN-2 announced 24 EA: 4 EA short" in finding.explanation
