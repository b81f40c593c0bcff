"""Small canonical documents for the matching rules' tests: one PO of two lines and the
supplier's and warehouse's answers to it, changed field by field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from gateway.canonical import (
    AckLine,
    AckType,
    Invoice,
    InvoiceLine,
    ItemIds,
    LineStatus,
    OrderLine,
    Pack,
    PoAcknowledgement,
    PurchaseOrder,
    Receipt,
    ReceiptLine,
    ShipNotice,
    ShippedItem,
    ShippedOrder,
)

PO = "PO-1001"
WIDGET = ItemIds(buyer_item="100-200", vendor_item="AC-77")
GADGET = ItemIds(buyer_item="100-300", gtin="00012345678905")


def order(**changes: Any) -> PurchaseOrder:
    """24 EA of 100-200 at 12.50 and 6 CS of 100-300 at 48.00, wanted 2026-12-10."""
    lines = [
        OrderLine(
            line_number="1",
            item=WIDGET,
            quantity=Decimal(24),
            uom="EA",
            unit_price=Decimal("12.50"),
            requested_date=date(2026, 12, 10),
        ),
        OrderLine(
            line_number="2",
            item=GADGET,
            quantity=Decimal(6),
            uom="CS",
            unit_price=Decimal("48.00"),
            requested_date=date(2026, 12, 10),
        ),
    ]
    values: dict[str, Any] = {"po_number": PO, "currency": "USD", "lines": lines}
    return PurchaseOrder(**(values | changes))


def ack_line(number: str = "1", **changes: Any) -> AckLine:
    base = order().lines[int(number) - 1]
    values: dict[str, Any] = {
        "line_number": number,
        "item": base.item,
        "quantity": base.quantity,
        "uom": base.uom,
        "unit_price": base.unit_price,
        "scheduled_date": base.requested_date,
    }
    return AckLine(**(values | changes))


def ack(*lines: AckLine, ack_type: AckType = AckType.ACCEPTED) -> PoAcknowledgement:
    return PoAcknowledgement(
        po_number=PO, ack_type=ack_type, lines=list(lines) or [ack_line("1"), ack_line("2")]
    )


def shipped(
    number: str, amount: str | int, item: ItemIds | None = None, uom: str | None = None
) -> ShippedItem:
    base = order().lines[int(number) - 1]
    return ShippedItem(
        line_number=number,
        item=item or base.item,
        quantity_shipped=Decimal(amount),
        uom=uom or base.uom,
    )


def notice(asn: str, *items: ShippedItem, po: str = PO, packed: bool = True) -> ShipNotice:
    items = items or (shipped("1", 24), shipped("2", 6))
    if packed:
        shipped_order = ShippedOrder(po_number=po, packs=[Pack(sscc="001", items=list(items))])
    else:
        shipped_order = ShippedOrder(po_number=po, items=list(items))
    return ShipNotice(asn_number=asn, orders=[shipped_order])


def received(
    item: ItemIds, amount: str | int, uom: str = "EA", condition: str | None = None
) -> ReceiptLine:
    return ReceiptLine(item=item, quantity_received=Decimal(amount), uom=uom, condition=condition)


def receipt(
    receipt_id: str, *lines: ReceiptLine, asn: str | None = "ASN-1", po: str | None = PO
) -> Receipt:
    lines = lines or (received(WIDGET, 24), received(GADGET, 6, "CS"))
    return Receipt(receipt_id=receipt_id, asn_number=asn, po_number=po, lines=list(lines))


def billed(
    number: str,
    amount: str | int | None = None,
    price: str | None = None,
    item: ItemIds | None = None,
) -> InvoiceLine:
    base = order().lines[int(number) - 1]
    quantity = Decimal(amount) if amount is not None else base.quantity
    unit = Decimal(price) if price is not None else base.unit_price
    assert quantity is not None and unit is not None
    return InvoiceLine(
        line_number=number,
        item=item or base.item,
        quantity_invoiced=quantity,
        uom=base.uom,
        unit_price=unit,
        amount=quantity * unit,
    )


def invoice(number: str = "INV-1", *lines: InvoiceLine, total: str | None = None) -> Invoice:
    lines = lines or (billed("1"), billed("2"))
    computed = sum((line.amount or Decimal(0) for line in lines), Decimal(0))
    return Invoice(
        invoice_number=number,
        po_number=PO,
        currency="USD",
        lines=list(lines),
        total_amount=Decimal(total) if total is not None else computed,
    )


def kinds(outcome: Any) -> list[str]:
    return sorted(finding.kind.value for finding in outcome.findings)


def line_status(status: LineStatus, number: str = "1", **changes: Any) -> AckLine:
    return ack_line(number, status=status, **changes)
