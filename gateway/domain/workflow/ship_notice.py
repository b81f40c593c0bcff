"""The 856 / DESADV against the POs it ships: every PO and item must resolve (through
the ERP's item master when the gateway holds one), the quantities shipped on all the
PO's ASNs together may not pass what was ordered (partial shipments add up; SPEC §5),
nor what the supplier's latest 855 confirmed for the line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from gateway.canonical import (
    AckType,
    LineStatus,
    OrderLine,
    PoAcknowledgement,
    ShipNotice,
    ShippedItem,
    ShippedOrder,
)
from gateway.canonical import PurchaseOrder as Order
from gateway.domain.workflow.authority import Authority
from gateway.domain.workflow.cross_reference import CrossReference, shipped_items
from gateway.domain.workflow.findings import (
    Discrepancy,
    Finding,
    MatchOutcome,
    Rule,
    judged,
    uom_mismatch,
)
from gateway.domain.workflow.items import describe, find_line, line_label, quantity, same_uom
from gateway.domain.workflow.tolerances import Tolerances

_KIND = "ship_notice"


def check_ship_notice(
    notice: ShipNotice,
    orders: Mapping[str, Order],
    earlier: Sequence[ShipNotice],
    tolerances: Tolerances,
    authority: Authority,
    *,
    supplier: str = "The supplier",
    confirmations: Mapping[str, PoAcknowledgement] | None = None,
    items: CrossReference | None = None,
) -> MatchOutcome:
    """Every discrepancy of ``notice`` against ``orders`` (PO number → the PO we sent;
    missing: never sent), counting what ``earlier`` ASNs of the same POs shipped.

    ``confirmations``: PO number → the supplier's latest 855 for it (none yet: only the
    order bounds the shipment). ``items``: the ERP's item master, to place an item the
    ASN names by another identifier than the PO line does."""
    xref = items or CrossReference()
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
        totals, found = _per_line(notice.asn_number, shipped, order, authority, supplier, xref)
        findings += found
        before = _earlier_totals(notice.asn_number, order, earlier, xref)
        confirmation = (confirmations or {}).get(order.po_number)
        for key, (po_line, this) in totals.items():
            shipped_before = before.get(key, Decimal(0))
            over = _over(
                notice, order, po_line, this, shipped_before, tolerances, authority, supplier
            )
            if not over and confirmation is not None:
                over = _over_confirmed(
                    notice,
                    order,
                    po_line,
                    this + shipped_before,
                    confirmation,
                    tolerances,
                    authority,
                    supplier,
                )
            findings += over
    po_numbers = tuple(dict.fromkeys(o.po_number for o in notice.orders if o.po_number))
    return MatchOutcome(Rule.SHIP_NOTICE, notice.asn_number, tuple(findings), po_numbers=po_numbers)


def _per_line(
    asn_number: str,
    shipped: ShippedOrder,
    order: Order,
    authority: Authority,
    supplier: str,
    xref: CrossReference,
) -> tuple[dict[int, tuple[OrderLine, Decimal]], list[Finding]]:
    """Quantity shipped per PO line on this ASN, and the items that fit no line."""
    totals: dict[int, tuple[OrderLine, Decimal]] = {}
    found: list[Finding] = []
    for item in shipped_items(shipped):
        po_line = _po_line(order, item, xref)
        if po_line is None:
            found.append(_unplaced(asn_number, item, order, authority, supplier, xref))
            continue
        if not same_uom(item.uom, po_line.uom):
            label = line_label(po_line.line_number, po_line.item)
            text = (
                f"{supplier}'s ASN {asn_number} ships {describe(item.item)} in {item.uom}, "
                f"but PO {order.po_number} ordered it in {po_line.uom}."
            )
            found.append(
                uom_mismatch(
                    authority, _KIND, text, line=label, expected=po_line.uom, actual=item.uom
                )
            )
            continue
        _, so_far = totals.get(id(po_line), (po_line, Decimal(0)))
        totals[id(po_line)] = (po_line, so_far + (item.quantity_shipped or Decimal(0)))
    return totals, found


def _unplaced(
    asn_number: str,
    item: ShippedItem,
    order: Order,
    authority: Authority,
    supplier: str,
    xref: CrossReference,
) -> Finding:
    """An item on no line of the PO: one the ERP does not know at all is told apart
    from a known item that was simply not ordered (a wrong pick at the supplier)."""
    label = line_label(item.line_number, item.item)
    what = f"{supplier}'s ASN {asn_number} ships {describe(item.item)} against PO {order.po_number}"
    if xref.empty:
        text = f"{what}, which is on no line of the PO."
        kind = Discrepancy.ASN_UNKNOWN_ITEM
    elif (known := xref.find(item.item)) is None:
        text = (
            f"{what}: the ERP's item master has no item with these identifiers, and no "
            "line of the PO names it."
        )
        kind = Discrepancy.ASN_UNKNOWN_ITEM
    else:
        text = f"{what}: that is the ERP's item {known.key}, which is on no line of the PO."
        kind = Discrepancy.ASN_ITEM_NOT_ORDERED
    return judged(authority, _KIND, "item", kind, text, line=label)


def confirmed_quantity(ack: PoAcknowledgement, po_line: OrderLine) -> Decimal | None:
    """What the supplier's 855 promised for a PO line; None when it does not bound the
    line (no line for it, a backorder that still comes, or a quantity in another unit)."""
    if ack.ack_type is AckType.REJECTED:
        return Decimal(0)
    line = find_line(
        ack.lines, po_line.item, po_line.line_number, lambda a: a.item, lambda a: a.line_number
    )
    if line is None:
        return None
    if line.status is LineStatus.REJECTED:
        return Decimal(0)
    if line.status is LineStatus.BACKORDERED or line.quantity is None:
        return None
    return line.quantity if same_uom(line.uom, po_line.uom) else None


def _over_confirmed(
    notice: ShipNotice,
    order: Order,
    po_line: OrderLine,
    total: Decimal,
    ack: PoAcknowledgement,
    tolerances: Tolerances,
    authority: Authority,
    supplier: str,
) -> list[Finding]:
    """Shipped (on all the PO's ASNs) past what the 855 confirmed, though within the
    order: the supplier owns both figures, so it goes on, and procurement hears of it."""
    confirmed = confirmed_quantity(ack, po_line)
    if confirmed is None or not tolerances.quantity_above(total, confirmed):
        return []
    uom = po_line.uom
    promised = (
        "rejected that line" if confirmed == 0 else f"confirmed only {quantity(confirmed, uom)}"
    )
    text = (
        f"{supplier}'s ASN {notice.asn_number} brings the shipments of {describe(po_line.item)} "
        f"on PO {order.po_number} line {po_line.line_number} to {quantity(total, uom)}, but "
        f"its acknowledgement {promised} (tolerance {tolerances.describe_quantity()})."
    )
    return [
        judged(
            authority,
            _KIND,
            "quantity_confirmed",
            Discrepancy.ASN_OVER_CONFIRMED,
            text,
            line=line_label(po_line.line_number, po_line.item),
            expected=quantity(confirmed, uom),
            actual=quantity(total, uom),
        )
    ]


def _earlier_totals(
    asn_number: str, order: Order, earlier: Sequence[ShipNotice], xref: CrossReference
) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for notice in earlier:
        if notice.asn_number == asn_number:
            continue  # the same ASN sent again (a replacement) counts once
        for shipped in notice.orders:
            if shipped.po_number != order.po_number:
                continue
            for item in shipped_items(shipped):
                po_line = _po_line(order, item, xref)
                if po_line is not None and same_uom(item.uom, po_line.uom):
                    key = id(po_line)
                    totals[key] = totals.get(key, Decimal(0)) + (item.quantity_shipped or 0)
    return totals


def _po_line(order: Order, item: ShippedItem, xref: CrossReference) -> OrderLine | None:
    return find_line(
        order.lines,
        xref.expand(item.item),
        item.line_number,
        lambda o: xref.expand(o.item),
        lambda o: o.line_number,
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
