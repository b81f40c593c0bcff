"""810 three-way match: prices against the PO, quantities against what arrived (and
earlier invoices), approval only when everything agrees."""

from __future__ import annotations

from decimal import Decimal

from gateway.canonical import Invoice, ItemIds, Receipt
from gateway.domain.workflow.authority import Authority, DataDomain
from gateway.domain.workflow.findings import Discrepancy
from gateway.domain.workflow.invoice import check_invoice
from gateway.domain.workflow.tolerances import Tolerances
from tests.unit.gateway.workflow.builders import (
    GADGET,
    WIDGET,
    billed,
    invoice,
    kinds,
    order,
    receipt,
    received,
)

ALL_IN = (receipt("R-1"),)


def check(
    bill: Invoice,
    receipts: tuple[Receipt, ...] = ALL_IN,
    earlier=(),
    disputed=(),  # type: ignore[no-untyped-def]
    tolerances=None,
    po=True,
):
    return check_invoice(
        bill,
        order() if po else None,
        receipts,
        earlier,
        tolerances or Tolerances(),
        Authority(),
        disputed=disputed,
        supplier="Acme",
    )


def test_an_invoice_that_matches_po_and_receipts_is_approved() -> None:
    outcome = check(invoice())
    assert outcome.approved and not outcome.hold and outcome.findings == ()


def test_a_price_past_tolerance_is_held_for_finance() -> None:
    outcome = check(invoice("INV-1", billed("1", price="13.10"), billed("2")))
    (finding,) = outcome.findings
    assert finding.kind is Discrepancy.INVOICE_PRICE and finding.hold and not outcome.approved
    assert finding.conflict is DataDomain.PRICES
    assert (
        "bills item 100-200 (vendor AC-77) at 13.10 USD a unit, but PO PO-1001 says "
        "12.50 USD (tolerance 1% or 0.01 a unit)" in finding.explanation
    )


def test_price_tolerance_edge_on_invoices() -> None:
    assert check(invoice("INV-1", billed("1", price="12.625"), billed("2"))).approved  # +1 %
    assert not check(invoice("INV-1", billed("1", price="12.63"), billed("2"))).approved


def test_without_a_receipt_the_invoice_waits_and_is_held() -> None:
    outcome = check(invoice(), receipts=())
    assert outcome.findings == () and outcome.hold and not outcome.approved
    assert outcome.waiting_on == "receipts:PO-1001"
    assert outcome.waiting_for == "a receipt of PO PO-1001 from the warehouse"


def test_a_price_is_judged_even_while_the_receipt_is_awaited() -> None:
    outcome = check(invoice("INV-1", billed("1", price="14"), billed("2")), receipts=())
    assert kinds(outcome) == ["invoice_price"] and outcome.waiting_on is not None


def test_a_disputed_receipt_makes_it_wait_for_the_warehouse() -> None:
    outcome = check(invoice(), disputed=["#7: 4 EA short on ASN-1"])
    assert outcome.waiting_for == "the warehouse to settle #7: 4 EA short on ASN-1"
    assert outcome.hold and outcome.findings == ()


def test_billing_more_than_arrived_is_held() -> None:
    short = (receipt("R-1", received(WIDGET, 20), received(GADGET, 6, "CS")),)
    (finding,) = check(invoice(), receipts=short).findings
    assert finding.kind is Discrepancy.INVOICE_QUANTITY and finding.conflict is DataDomain.RECEIPTS
    assert (finding.expected, finding.actual) == ("20 EA", "24 EA")


def test_damaged_goods_are_not_payable() -> None:
    damaged = (
        receipt("R-1", received(WIDGET, 24, condition="damaged"), received(GADGET, 6, "CS")),
    )
    assert kinds(check(invoice(), receipts=damaged)) == ["invoice_quantity"]


def test_partial_invoices_add_up_against_what_arrived() -> None:
    first = invoice("INV-1", billed("1", 12))
    assert check(invoice("INV-2", billed("1", 12), billed("2")), earlier=[first]).approved
    outcome = check(invoice("INV-2", billed("1", 13), billed("2")), earlier=[first])
    (finding,) = outcome.findings
    assert "(with 12 EA on earlier invoices)" in finding.explanation
    assert check(invoice("INV-1", billed("1", 12)), earlier=[first]).approved  # itself again


def test_quantity_tolerance_edge_on_invoices() -> None:
    ten = Tolerances(quantity_percent=Decimal(10))
    short = (receipt("R-1", received(WIDGET, 20), received(GADGET, 6, "CS")),)
    assert check(invoice("INV-1", billed("1", 22), billed("2")), short, tolerances=ten).approved
    assert not check(
        invoice("INV-1", billed("1", "22.01"), billed("2")), short, tolerances=ten
    ).approved


def test_an_unknown_po_is_not_approved_but_not_held_either() -> None:
    outcome = check(invoice(), po=False)
    assert kinds(outcome) == ["unknown_po"] and not outcome.hold and not outcome.approved


def test_an_item_not_on_the_po_and_a_total_that_does_not_add_up() -> None:
    stray = billed("1", item=ItemIds(buyer_item="321-321"))
    assert kinds(check(invoice("INV-1", billed("1"), billed("2"), stray))) == [
        "invoice_unknown_item"
    ]
    outcome = check(invoice("INV-1", billed("1"), billed("2"), total="600.00"))
    (finding,) = outcome.findings
    assert finding.kind is Discrepancy.INVOICE_TOTAL
    assert "totals 600.00 USD, but its lines, charges and tax add up to 588.00 USD" in (
        finding.explanation
    )
