"""The warehouse's receipts against the ASN they receive: shortage, overage, damage and
wrong items (SPEC §5). Every receipt of one ASN counts together (a truck booked in two
goes), so the subject is the ASN; a receipt without one is checked against its PO."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from gateway.canonical import ItemIds, Receipt, ReceiptLine, ShipNotice
from gateway.canonical import PurchaseOrder as Order
from gateway.domain.workflow.authority import Authority
from gateway.domain.workflow.cross_reference import shipped_items
from gateway.domain.workflow.findings import (
    Discrepancy,
    Finding,
    MatchOutcome,
    Rule,
    judged,
    waiting_key_for_asn,
)
from gateway.domain.workflow.items import describe, find_line, line_label, quantity, same_uom
from gateway.domain.workflow.tolerances import Tolerances

_KIND = "receipt"
GOOD_CONDITIONS = frozenset({"good", "ok", "accepted", "sound"})


def in_good_condition(line: ReceiptLine) -> bool:
    return line.condition is None or line.condition.strip().lower() in GOOD_CONDITIONS


@dataclass(slots=True)
class _Expected:
    """One thing the warehouse should find: an ASN item (all packs) or a PO line."""

    item: ItemIds
    line_number: str | None
    po_number: str | None
    uom: str | None
    quantity: Decimal
    received: Decimal = Decimal(0)
    damaged: Decimal = Decimal(0)


def check_receipts(
    receipts: Sequence[Receipt],
    notices: Sequence[ShipNotice],
    order: Order | None,
    tolerances: Tolerances,
    authority: Authority,
    *,
    asn_number: str | None,
    po_number: str | None,
) -> MatchOutcome:
    """Every discrepancy of the ``receipts`` of one ASN (``notices``: that ASN, or none
    yet), or without an ASN number, of one PO (``notices``: the PO's ASNs, all of them
    together; none: checked against the PO's lines)."""
    subject = asn_number or po_number or (receipts[-1].receipt_id if receipts else "")
    pos: tuple[str, ...] = (po_number,) if po_number else ()
    if asn_number and not notices:
        return MatchOutcome(
            Rule.RECEIPT,
            subject,
            waiting_for=f"ASN {asn_number} from the supplier",
            waiting_on=waiting_key_for_asn(asn_number),
            po_numbers=pos,
        )
    if notices:
        only = po_number if asn_number is None else None
        expected = _from_notices(notices, only)
        numbers = ", ".join(n.asn_number for n in notices)
        against = f"ASN {numbers}" if len(notices) == 1 else f"ASNs {numbers}"
        shipped = (o.po_number for n in notices for o in n.orders if o.po_number)
        pos = tuple(dict.fromkeys(shipped)) if only is None else pos
    elif order is not None:
        expected = [
            _Expected(
                line.item, line.line_number, order.po_number, line.uom, line.quantity or Decimal(0)
            )
            for line in order.lines
        ]
        against = f"PO {order.po_number}"
    else:
        text = (
            "The warehouse booked a receipt that names neither an ASN nor a PO the gateway "
            "knows: it cannot be checked against anything."
        )
        return MatchOutcome(
            Rule.RECEIPT, subject, (Finding(Discrepancy.RECEIPT_UNMATCHED, text),), po_numbers=pos
        )
    findings = _book(receipts, expected, against, authority)
    for entry in expected:
        findings += _compare(entry, against, bool(notices), tolerances, authority)
    return MatchOutcome(Rule.RECEIPT, subject, tuple(findings), po_numbers=pos)


def _from_notices(notices: Sequence[ShipNotice], only: str | None) -> list[_Expected]:
    """What the ASNs announce, per item and PO (``only``: that PO's part of them)."""
    expected: list[_Expected] = []
    orders = [o for n in notices for o in n.orders if only is None or o.po_number == only]
    for order in orders:
        for item in shipped_items(order):
            same = [e for e in expected if e.po_number == order.po_number]
            entry = find_line(
                same, item.item, item.line_number, lambda e: e.item, lambda e: e.line_number
            )
            if entry is None or not same_uom(entry.uom, item.uom):
                expected.append(
                    _Expected(
                        item.item,
                        item.line_number,
                        order.po_number,
                        item.uom,
                        item.quantity_shipped or Decimal(0),
                    )
                )
            else:
                entry.quantity += item.quantity_shipped or Decimal(0)
    return expected


def _book(
    receipts: Sequence[Receipt], expected: list[_Expected], against: str, authority: Authority
) -> list[Finding]:
    """Add each received line to what it was expected as; lines that fit nothing are
    wrong items."""
    found: list[Finding] = []
    for receipt in receipts:
        for line in receipt.lines:
            entry = find_line(
                expected, line.item, line.line_number, lambda e: e.item, lambda e: e.line_number
            )
            amount = line.quantity_received or Decimal(0)
            if entry is None:
                label = line_label(None, line.item)
                text = (
                    f"The warehouse received {quantity(amount, line.uom)} of "
                    f"{describe(line.item)} (receipt {receipt.receipt_id}), which is not on "
                    f"{against}."
                )
                found.append(
                    judged(
                        authority,
                        _KIND,
                        "item",
                        Discrepancy.RECEIPT_WRONG_ITEM,
                        text,
                        line=label,
                        actual=quantity(amount, line.uom),
                    )
                )
                continue
            if not same_uom(entry.uom, line.uom):
                text = (
                    f"The warehouse booked {describe(line.item)} in {line.uom} (receipt "
                    f"{receipt.receipt_id}), but {against} has it in {entry.uom}."
                )
                found.append(
                    judged(
                        authority,
                        _KIND,
                        "quantity_received",
                        Discrepancy.UOM_MISMATCH,
                        text,
                        line=line_label(None, entry.item),
                        expected=entry.uom,
                        actual=line.uom,
                    )
                )
                continue
            entry.received += amount
            if not in_good_condition(line):
                entry.damaged += amount
    return found


def _compare(
    entry: _Expected, against: str, is_asn: bool, tolerances: Tolerances, authority: Authority
) -> list[Finding]:
    label = line_label(None, entry.item)
    got, want = quantity(entry.received, entry.uom), quantity(entry.quantity, entry.uom)
    what = f"{describe(entry.item)}" + (f" (PO {entry.po_number})" if entry.po_number else "")
    found: list[Finding] = []
    tolerance = f"(tolerance {tolerances.describe_quantity()})"
    if is_asn and tolerances.quantity_below(entry.received, entry.quantity):
        short = quantity(entry.quantity - entry.received, entry.uom)
        text = (
            f"The warehouse received {got} of {what}, but {against} announced {want}: "
            f"{short} short {tolerance}."
        )
        found.append(
            judged(
                authority,
                _KIND,
                "quantity_received",
                Discrepancy.RECEIPT_SHORTAGE,
                text,
                line=label,
                expected=want,
                actual=got,
            )
        )
    elif tolerances.quantity_above(entry.received, entry.quantity):
        extra = quantity(entry.received - entry.quantity, entry.uom)
        said = "announced" if is_asn else "ordered"
        text = (
            f"The warehouse received {got} of {what}, but {against} {said} {want}: "
            f"{extra} more {tolerance}."
        )
        found.append(
            judged(
                authority,
                _KIND,
                "quantity_received",
                Discrepancy.RECEIPT_OVERAGE,
                text,
                line=label,
                expected=want,
                actual=got,
            )
        )
    if entry.damaged > 0:
        text = (
            f"The warehouse received {quantity(entry.damaged, entry.uom)} of {what} "
            f"damaged ({against})."
        )
        found.append(
            judged(
                authority,
                _KIND,
                "condition",
                Discrepancy.RECEIPT_DAMAGED,
                text,
                line=label,
                actual=quantity(entry.damaged, entry.uom),
            )
        )
    return found
