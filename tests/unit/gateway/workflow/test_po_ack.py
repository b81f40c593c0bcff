"""855 against the PO: status, quantity, date, price and substitution per line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from gateway.canonical import AckType, ItemIds, LineStatus
from gateway.domain.workflow.authority import DEFAULT_OWNERS, Authority, DataDomain, Source
from gateway.domain.workflow.findings import Discrepancy, Rule, default_owner
from gateway.domain.workflow.po_ack import check_acknowledgement
from gateway.domain.workflow.tolerances import Tolerances
from tests.unit.gateway.workflow.builders import ack, ack_line, kinds, order

STRICT = Tolerances(price_percent=Decimal(0), price_absolute=Decimal(0), days_early=0)


def check(acknowledgement, tolerances=STRICT, authority=None, po=None):  # type: ignore[no-untyped-def]
    return check_acknowledgement(
        acknowledgement, po or order(), tolerances, authority or Authority(), supplier="Acme"
    )


def test_an_acknowledgement_that_agrees_finds_nothing() -> None:
    outcome = check(ack())
    assert outcome.findings == () and not outcome.hold and outcome.subject == "PO-1001"


def test_an_unknown_po_goes_to_b2b_and_is_not_held() -> None:
    outcome = check_acknowledgement(ack(), None, STRICT, Authority(), supplier="Acme")
    (finding,) = outcome.findings
    assert finding.kind is Discrepancy.UNKNOWN_PO and not finding.hold
    assert default_owner(Rule.PO_ACK, finding.kind).value == "b2b"
    assert "never sent" in finding.explanation


def test_a_price_past_tolerance_is_a_conflict_the_erp_owns_and_is_held() -> None:
    outcome = check(ack(ack_line("1", unit_price=Decimal("12.51")), ack_line("2")))
    (finding,) = outcome.findings
    assert finding.kind is Discrepancy.ACK_PRICE and finding.hold and outcome.hold
    assert (
        finding.conflict is DataDomain.PRICES
        and finding.line == "line 1 item 100-200 (vendor AC-77)"
    )
    assert "12.51 USD a unit, but the PO says 12.50 USD" in finding.explanation
    assert "Prices belong to the ERP" in finding.explanation


def test_a_price_at_the_tolerance_edge_passes_and_a_cent_past_it_does_not() -> None:
    two_percent = Tolerances(price_percent=Decimal(2), price_absolute=Decimal(0))
    assert (
        check(ack(ack_line("1", unit_price=Decimal("12.75")), ack_line("2")), two_percent).findings
        == ()
    )
    assert kinds(
        check(ack(ack_line("1", unit_price=Decimal("12.76")), ack_line("2")), two_percent)
    ) == ["ack_price"]


def test_a_supplier_that_owns_prices_changes_them_as_an_update_not_a_conflict() -> None:
    owners = dict(DEFAULT_OWNERS) | {DataDomain.PRICES: Source.SUPPLIER}
    outcome = check(
        ack(ack_line("1", unit_price=Decimal("13.00")), ack_line("2")), authority=Authority(owners)
    )
    (finding,) = outcome.findings
    assert finding.kind is Discrepancy.ACK_PRICE and not finding.hold and not outcome.hold


def test_a_changed_quantity_is_the_suppliers_confirmation_an_exception_but_not_held() -> None:
    outcome = check(
        ack(ack_line("1", quantity=Decimal(20), status=LineStatus.QUANTITY_CHANGED), ack_line("2"))
    )
    (finding,) = outcome.findings
    assert finding.kind is Discrepancy.ACK_QUANTITY and not finding.hold
    assert "Acme confirmed 20 EA of item 100-200" in finding.explanation
    assert "but we ordered 24 EA (tolerance 0%)" in finding.explanation
    assert (finding.expected, finding.actual) == ("24 EA", "20 EA")


def test_quantity_tolerance_edges() -> None:
    ten = Tolerances(quantity_percent=Decimal(10))
    assert check(ack(ack_line("1", quantity=Decimal("21.6")), ack_line("2")), ten).findings == ()
    assert kinds(check(ack(ack_line("1", quantity=Decimal("21.5")), ack_line("2")), ten)) == [
        "ack_quantity"
    ]


def test_dates_past_the_early_or_late_bound() -> None:
    tolerances = Tolerances(days_early=2, days_late=1)
    on_time = ack(
        ack_line("1", scheduled_date=date(2026, 12, 11)),
        ack_line("2", scheduled_date=date(2026, 12, 8)),
    )
    assert check(on_time, tolerances).findings == ()
    late = check(ack(ack_line("1", scheduled_date=date(2026, 12, 12)), ack_line("2")), tolerances)
    (finding,) = late.findings
    assert finding.kind is Discrepancy.ACK_DATE and "2 days late" in finding.explanation
    early = check(ack(ack_line("1"), ack_line("2", scheduled_date=date(2026, 12, 7))), tolerances)
    assert "3 days early" in early.findings[0].explanation


def test_a_substitute_is_refused_unless_the_profile_allows_it() -> None:
    other = ItemIds(buyer_item="100-999", vendor_item="AC-99")
    substituted = ack(ack_line("1", item=other, status=LineStatus.SUBSTITUTED), ack_line("2"))
    (finding,) = check(substituted).findings
    assert finding.kind is Discrepancy.ACK_SUBSTITUTION and finding.hold
    assert finding.conflict is DataDomain.ORDERS
    allowed = Tolerances(substitution_allowed=True, price_percent=Decimal(0))
    assert check(substituted, allowed).findings == ()
    # the substitute's own figures are still checked against the line it replaces
    dearer = ack(ack_line("1", item=other, unit_price=Decimal("13")), ack_line("2"))
    assert kinds(check(dearer, allowed)) == ["ack_price"]


def test_an_item_on_no_line_of_the_po_is_unknown() -> None:
    stray = ack_line("1", line_number="9", item=ItemIds(buyer_item="555-555"))
    assert kinds(check(ack(ack_line("1"), ack_line("2"), stray))) == ["ack_unknown_item"]


def test_line_statuses_rejected_and_backordered() -> None:
    outcome = check(
        ack(
            ack_line("1", status=LineStatus.REJECTED),
            ack_line("2", status=LineStatus.BACKORDERED, scheduled_date=date(2026, 12, 10)),
        )
    )
    assert kinds(outcome) == ["ack_backordered", "ack_line_rejected"]
    assert not outcome.hold  # the supplier's own confirmations: they go on to the ERP
    assert "expected 2026-12-10" in outcome.findings[1].explanation


def test_a_rejected_po_and_a_line_left_unanswered() -> None:
    assert kinds(check(ack(ack_line("1"), ack_type=AckType.REJECTED))) == ["ack_rejected"]
    assert kinds(check(ack(ack_line("1")))) == ["ack_line_missing"]


def test_another_unit_of_measure_cannot_be_compared() -> None:
    outcome = check(ack(ack_line("1", uom="CS", quantity=Decimal(2)), ack_line("2")))
    assert kinds(outcome) == ["uom_mismatch"] and outcome.hold
