"""The 810 / INVOIC three-way match: invoice against the PO (items, prices) and the
warehouse's receipts (quantities billed, on this and earlier invoices of the PO, may not
pass what arrived in good condition), within the partner's tolerances (SPEC §5).

An invoice that matches is approved for payment. One that cannot be judged yet — no
receipt of its PO, or a receipt the warehouse is still disputing — waits, and is matched
again when the receipt arrives or the dispute is settled.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from gateway.canonical import Invoice, InvoiceLine, OrderLine, Receipt
from gateway.canonical import PurchaseOrder as Order
from gateway.domain.workflow.authority import Authority
from gateway.domain.workflow.findings import (
    Discrepancy,
    Finding,
    MatchOutcome,
    Rule,
    judged,
    uom_mismatch,
    waiting_key_for_receipts,
)
from gateway.domain.workflow.items import (
    describe,
    find_line,
    line_label,
    money,
    quantity,
    same_uom,
)
from gateway.domain.workflow.receipt import in_good_condition
from gateway.domain.workflow.tolerances import Tolerances

_KIND = "invoice"
_CENT = Decimal("0.01")


def check_invoice(
    invoice: Invoice,
    order: Order | None,
    receipts: Sequence[Receipt],
    earlier: Sequence[Invoice],
    tolerances: Tolerances,
    authority: Authority,
    *,
    disputed: Sequence[str] = (),
    supplier: str = "The supplier",
) -> MatchOutcome:
    """Every discrepancy of ``invoice`` against ``order`` and ``receipts`` (the PO's, all of
    them); ``earlier``: the PO's other invoices; ``disputed``: the warehouse's unsettled
    exceptions on those receipts, in words."""
    subject = invoice.invoice_number
    if order is None:
        number = invoice.po_number or "(no PO number)"
        text = (
            f"{supplier}'s invoice {subject} bills PO {number}, which the gateway never "
            "sent: it goes to the ERP without approval for payment."
        )
        pos = (invoice.po_number,) if invoice.po_number else ()
        return MatchOutcome(
            Rule.INVOICE, subject, (Finding(Discrepancy.UNKNOWN_PO, text),), po_numbers=pos
        )
    findings: list[Finding] = []
    billed: list[tuple[OrderLine, InvoiceLine]] = []
    for line in invoice.lines:
        po_line = _po_line(order, line)
        if po_line is None:
            text = (
                f"{supplier}'s invoice {subject} bills {describe(line.item)}, which is on "
                f"no line of PO {order.po_number}."
            )
            findings.append(
                judged(
                    authority,
                    _KIND,
                    "item",
                    Discrepancy.INVOICE_UNKNOWN_ITEM,
                    text,
                    line=line_label(line.line_number, line.item),
                )
            )
            continue
        label = line_label(po_line.line_number, po_line.item)
        if not same_uom(line.uom, po_line.uom):
            text = (
                f"{supplier}'s invoice {subject} bills {describe(po_line.item)} in "
                f"{line.uom}, but PO {order.po_number} ordered it in {po_line.uom}."
            )
            findings.append(
                uom_mismatch(
                    authority, _KIND, text, line=label, expected=po_line.uom, actual=line.uom
                )
            )
            continue
        billed.append((po_line, line))
        findings += _price(subject, order, po_line, line, tolerances, authority, supplier)
    findings += _total(invoice, authority, supplier)
    key = waiting_key_for_receipts(order.po_number)
    pos = (order.po_number,)
    if disputed:
        waiting = "the warehouse to settle " + "; ".join(disputed)
        return MatchOutcome(Rule.INVOICE, subject, tuple(findings), waiting, key, pos)
    if not receipts:
        waiting = f"a receipt of PO {order.po_number} from the warehouse"
        return MatchOutcome(Rule.INVOICE, subject, tuple(findings), waiting, key, pos)
    findings += _quantities(
        invoice, order, billed, receipts, earlier, tolerances, authority, supplier
    )
    return MatchOutcome(Rule.INVOICE, subject, tuple(findings), po_numbers=pos)


def _po_line(order: Order, line: InvoiceLine) -> OrderLine | None:
    return find_line(
        order.lines, line.item, line.line_number, lambda o: o.item, lambda o: o.line_number
    )


def _price(
    subject: str,
    order: Order,
    po_line: OrderLine,
    line: InvoiceLine,
    tolerances: Tolerances,
    authority: Authority,
    supplier: str,
) -> list[Finding]:
    if line.unit_price is None or po_line.unit_price is None:
        return []
    if not tolerances.price_differs(line.unit_price, po_line.unit_price):
        return []
    ours = money(po_line.unit_price, order.currency)
    theirs = money(line.unit_price, order.currency)
    text = (
        f"{supplier}'s invoice {subject} bills {describe(po_line.item)} at {theirs} a "
        f"unit, but PO {order.po_number} says {ours} (tolerance "
        f"{tolerances.describe_price()})."
    )
    return [
        judged(
            authority,
            _KIND,
            "unit_price",
            Discrepancy.INVOICE_PRICE,
            text,
            line=line_label(po_line.line_number, po_line.item),
            expected=ours,
            actual=theirs,
        )
    ]


def _quantities(
    invoice: Invoice,
    order: Order,
    billed: list[tuple[OrderLine, InvoiceLine]],
    receipts: Sequence[Receipt],
    earlier: Sequence[Invoice],
    tolerances: Tolerances,
    authority: Authority,
    supplier: str,
) -> list[Finding]:
    received = _received(order, receipts)
    before: dict[int, Decimal] = {}
    for other in earlier:
        if other.invoice_number == invoice.invoice_number:
            continue  # the same invoice sent again counts once
        for line in other.lines:
            po_line = _po_line(order, line)
            if po_line is not None:
                key = id(po_line)
                before[key] = before.get(key, Decimal(0)) + (line.quantity_invoiced or 0)
    now: dict[int, tuple[OrderLine, Decimal]] = {}
    for po_line, line in billed:
        _, so_far = now.get(id(po_line), (po_line, Decimal(0)))
        now[id(po_line)] = (po_line, so_far + (line.quantity_invoiced or Decimal(0)))
    found: list[Finding] = []
    for key, (po_line, this) in now.items():
        total, arrived = this + before.get(key, Decimal(0)), received.get(key, Decimal(0))
        if not tolerances.quantity_above(total, arrived):
            continue
        uom = po_line.uom
        earlier_text = (
            f" (with {quantity(before[key], uom)} on earlier invoices)" if before.get(key) else ""
        )
        text = (
            f"{supplier}'s invoice {invoice.invoice_number} bills {quantity(this, uom)} of "
            f"{describe(po_line.item)} on PO {order.po_number}{earlier_text}, but the "
            f"warehouse received {quantity(arrived, uom)} in good condition (tolerance "
            f"{tolerances.describe_quantity()})."
        )
        found.append(
            judged(
                authority,
                _KIND,
                "quantity_invoiced",
                Discrepancy.INVOICE_QUANTITY,
                text,
                line=line_label(po_line.line_number, po_line.item),
                expected=quantity(arrived, uom),
                actual=quantity(total, uom),
            )
        )
    return found


def _received(order: Order, receipts: Sequence[Receipt]) -> dict[int, Decimal]:
    """Good quantity received per PO line (id of the line)."""
    received: dict[int, Decimal] = {}
    for receipt in receipts:
        for line in receipt.lines:
            po_line = find_line(
                order.lines, line.item, line.line_number, lambda o: o.item, lambda o: o.line_number
            )
            if po_line is None or not in_good_condition(line):
                continue
            if not same_uom(line.uom, po_line.uom):
                continue
            key = id(po_line)
            received[key] = received.get(key, Decimal(0)) + (line.quantity_received or 0)
    return received


def _total(invoice: Invoice, authority: Authority, supplier: str) -> list[Finding]:
    """The invoice's own arithmetic: lines, charges and tax add up to its total."""
    if invoice.total_amount is None:
        return []
    lines = Decimal(0)
    for line in invoice.lines:
        if line.amount is not None:
            lines += line.amount
        elif line.quantity_invoiced is not None and line.unit_price is not None:
            lines += line.quantity_invoiced * line.unit_price
    computed = lines + sum((c.amount or Decimal(0) for c in invoice.charges), Decimal(0))
    computed += invoice.tax_total or Decimal(0)
    if abs(computed - invoice.total_amount) <= _CENT:
        return []
    total = money(invoice.total_amount, invoice.currency)
    text = (
        f"{supplier}'s invoice {invoice.invoice_number} totals {total}, but its lines, "
        f"charges and tax add up to {money(computed, invoice.currency)}."
    )
    return [
        judged(
            authority,
            _KIND,
            "total_amount",
            Discrepancy.INVOICE_TOTAL,
            text,
            expected=money(computed, invoice.currency),
            actual=total,
        )
    ]
