"""The 856 / DESADV against the POs it ships: every PO and item must resolve, and the
quantities shipped on all the PO's ASNs together may not pass what was ordered
(partial shipments add up; SPEC §5)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from gateway.canonical import OrderLine, ShipNotice, ShippedItem, ShippedOrder
from gateway.canonical import PurchaseOrder as Order
from gateway.domain.workflow.authority import Authority
from gateway.domain.workflow.findings import Discrepancy, Finding, MatchOutcome, Rule, judged
from gateway.domain.workflow.items import describe, find_line, line_label, quantity, same_uom
from gateway.domain.workflow.tolerances import Tolerances

_KIND = "ship_notice"


def shipped_items(order: ShippedOrder) -> list[ShippedItem]:
    """An order's items, from its packs and the flat list alike."""
    return [item for pack in order.packs for item in pack.items] + list(order.items)


def check_ship_notice(
    notice: ShipNotice,
    orders: Mapping[str, Order],
    earlier: Sequence[ShipNotice],
    tolerances: Tolerances,
    authority: Authority,
    *,
    supplier: str = "The supplier",
) -> MatchOutcome:
    """Every discrepancy of ``notice`` against ``orders`` (PO number → the PO we sent;
    missing: never sent), counting what ``earlier`` ASNs of the same POs shipped."""
    findings: list[Finding] = []
    for shipped in notice.orders:
        order = orders.get(shipped.po_number or "")
        if order is None:
            number = shipped.po_number or "(no PO number)"
            text = (
                f"{supplier}'s ASN {notice.asn_number} ships against PO {number}, which "
                "the gateway never sent: check the PO number with the supplier."
            )
            findings.append(Finding(Discrepancy.UNKNOWN_PO, text, line=number))
            continue
        totals, found = _per_line(notice.asn_number, shipped, order, authority, supplier)
        findings += found
        before = _earlier_totals(notice.asn_number, order, earlier)
        for key, (po_line, this) in totals.items():
            findings += _over(
                notice,
                order,
                po_line,
                this,
                before.get(key, Decimal(0)),
                tolerances,
                authority,
                supplier,
            )
    po_numbers = tuple(dict.fromkeys(o.po_number for o in notice.orders if o.po_number))
    return MatchOutcome(Rule.SHIP_NOTICE, notice.asn_number, tuple(findings), po_numbers=po_numbers)


def _per_line(
    asn_number: str, shipped: ShippedOrder, order: Order, authority: Authority, supplier: str
) -> tuple[dict[int, tuple[OrderLine, Decimal]], list[Finding]]:
    """Quantity shipped per PO line on this ASN, and the items that fit no line."""
    totals: dict[int, tuple[OrderLine, Decimal]] = {}
    found: list[Finding] = []
    for item in shipped_items(shipped):
        po_line = _po_line(order, item)
        if po_line is None:
            text = (
                f"{supplier}'s ASN {asn_number} ships {describe(item.item)} against PO "
                f"{order.po_number}, which is on no line of the PO."
            )
            label = line_label(item.line_number, item.item)
            found.append(
                judged(authority, _KIND, "item", Discrepancy.ASN_UNKNOWN_ITEM, text, line=label)
            )
            continue
        if not same_uom(item.uom, po_line.uom):
            label = line_label(po_line.line_number, po_line.item)
            text = (
                f"{supplier}'s ASN {asn_number} ships {describe(item.item)} in {item.uom}, "
                f"but PO {order.po_number} ordered it in {po_line.uom}."
            )
            found.append(
                judged(
                    authority,
                    _KIND,
                    "uom",
                    Discrepancy.UOM_MISMATCH,
                    text,
                    line=label,
                    expected=po_line.uom,
                    actual=item.uom,
                )
            )
            continue
        _, so_far = totals.get(id(po_line), (po_line, Decimal(0)))
        totals[id(po_line)] = (po_line, so_far + (item.quantity_shipped or Decimal(0)))
    return totals, found


def _earlier_totals(
    asn_number: str, order: Order, earlier: Sequence[ShipNotice]
) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for notice in earlier:
        if notice.asn_number == asn_number:
            continue  # the same ASN sent again (a replacement) counts once
        for shipped in notice.orders:
            if shipped.po_number != order.po_number:
                continue
            for item in shipped_items(shipped):
                po_line = _po_line(order, item)
                if po_line is not None and same_uom(item.uom, po_line.uom):
                    key = id(po_line)
                    totals[key] = totals.get(key, Decimal(0)) + (item.quantity_shipped or 0)
    return totals


def _po_line(order: Order, item: ShippedItem) -> OrderLine | None:
    return find_line(
        order.lines, item.item, item.line_number, lambda o: o.item, lambda o: o.line_number
    )


def _over(
    notice: ShipNotice,
    order: Order,
    po_line: OrderLine,
    this: Decimal,
    before: Decimal,
    tolerances: Tolerances,
    authority: Authority,
    supplier: str,
) -> list[Finding]:
    ordered = po_line.quantity
    total = this + before
    if ordered is None or not tolerances.quantity_above(total, ordered):
        return []
    uom = po_line.uom
    earlier = f"; with {quantity(before, uom)} on earlier ASNs that makes {quantity(total, uom)}"
    text = (
        f"{supplier}'s ASN {notice.asn_number} ships {quantity(this, uom)} of "
        f"{describe(po_line.item)} on PO {order.po_number} line {po_line.line_number}"
        f"{earlier if before else ''}, but only {quantity(ordered, uom)} were ordered "
        f"(tolerance {tolerances.describe_quantity()})."
    )
    return [
        judged(
            authority,
            _KIND,
            "quantity_ordered",
            Discrepancy.ASN_OVER_SHIPMENT,
            text,
            line=line_label(po_line.line_number, po_line.item),
            expected=quantity(ordered, uom),
            actual=quantity(total, uom),
        )
    ]
