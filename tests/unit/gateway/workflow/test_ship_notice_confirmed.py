"""856 against the supplier's own 855: shipping past what it confirmed (within the order)
is an exception for procurement, not a hold; the order still bounds the shipment."""

from __future__ import annotations

from decimal import Decimal

from gateway.canonical import AckType, LineStatus, PoAcknowledgement
from gateway.domain.workflow.authority import Authority
from gateway.domain.workflow.findings import Discrepancy
from gateway.domain.workflow.ship_notice import check_ship_notice, confirmed_quantity
from gateway.domain.workflow.tolerances import Tolerances
from tests.unit.gateway.workflow.builders import PO, ack, ack_line, kinds, notice, order, shipped

ORDERS = {PO: order()}


def check(asn, confirmation: PoAcknowledgement | None, *earlier, tolerances=None):  # type: ignore[no-untyped-def]
    return check_ship_notice(
        asn,
        ORDERS,
        earlier,
        tolerances or Tolerances(),
        Authority(),
        supplier="Acme",
        confirmations={PO: confirmation} if confirmation else {},
    )


CONFIRMED_20 = ack(ack_line("1", quantity=Decimal(20), status=LineStatus.QUANTITY_CHANGED))


def test_shipping_what_was_confirmed_finds_nothing() -> None:
    assert check(notice("ASN-1", shipped("1", 20), shipped("2", 6)), CONFIRMED_20).findings == ()


def test_shipping_past_the_confirmation_but_within_the_order_is_an_update() -> None:
    outcome = check(notice("ASN-1", shipped("1", 24), shipped("2", 6)), CONFIRMED_20)
    (finding,) = outcome.findings
    assert finding.kind is Discrepancy.ASN_OVER_CONFIRMED
    assert not finding.hold and not outcome.hold  # the supplier owns both figures
    assert (finding.expected, finding.actual) == ("20 EA", "24 EA")
    assert "confirmed only 20 EA" in finding.explanation
    assert finding.line == "line 1 item 100-200 (vendor AC-77)"


def test_partial_shipments_add_up_against_the_confirmation() -> None:
    first = notice("ASN-1", shipped("1", 12))
    assert check(first, CONFIRMED_20).findings == ()
    second = notice("ASN-2", shipped("1", 9))
    outcome = check(second, CONFIRMED_20, first)
    assert kinds(outcome) == ["asn_over_confirmed"]
    assert outcome.findings[0].actual == "21 EA"


def test_the_confirmation_tolerance_edge() -> None:
    ten = Tolerances(quantity_percent=Decimal(10))
    assert check(notice("ASN-1", shipped("1", 22)), CONFIRMED_20, tolerances=ten).findings == ()
    over = check(notice("ASN-1", shipped("1", "22.01")), CONFIRMED_20, tolerances=ten)
    assert kinds(over) == ["asn_over_confirmed"]


def test_a_rejected_line_may_not_ship() -> None:
    rejected = ack(ack_line("1", status=LineStatus.REJECTED, quantity=None), ack_line("2"))
    outcome = check(notice("ASN-1", shipped("1", 1)), rejected)
    (finding,) = outcome.findings
    assert finding.kind is Discrepancy.ASN_OVER_CONFIRMED and "rejected that line" in (
        finding.explanation
    )
    assert finding.expected == "0 EA"


def test_a_rejected_order_bounds_every_line_at_nothing() -> None:
    rejected = ack(ack_type=AckType.REJECTED)
    assert kinds(check(notice("ASN-1"), rejected)) == ["asn_over_confirmed"] * 2


def test_a_backorder_or_a_line_the_ack_skips_does_not_bound() -> None:
    backorder = ack(ack_line("1", status=LineStatus.BACKORDERED, quantity=Decimal(4)))
    assert check(notice("ASN-1", shipped("1", 24)), backorder).findings == ()
    only_line_2 = ack(ack_line("2"))
    assert check(notice("ASN-1", shipped("1", 24)), only_line_2).findings == ()
    other_unit = ack(ack_line("1", quantity=Decimal(2), uom="CS"))
    assert check(notice("ASN-1", shipped("1", 24)), other_unit).findings == ()


def test_past_the_order_is_an_over_shipment_only_not_also_past_the_confirmation() -> None:
    outcome = check(notice("ASN-1", shipped("1", 30)), CONFIRMED_20)
    assert kinds(outcome) == ["asn_over_shipment"] and outcome.hold


def test_no_855_yet_the_order_alone_bounds_the_asn() -> None:
    assert check(notice("ASN-1", shipped("1", 24)), None).findings == ()


def test_confirmed_quantity_per_status() -> None:
    line = order().lines[0]
    assert confirmed_quantity(CONFIRMED_20, line) == Decimal(20)
    assert confirmed_quantity(ack(), line) == Decimal(24)
    assert confirmed_quantity(ack(ack_type=AckType.REJECTED), line) == Decimal(0)
