"""The 855 / ORDRSP against the PO we sent: each line's status, quantity, date, price and
item (substitution), within the partner's tolerances (SPEC §5)."""

from __future__ import annotations

from gateway.canonical import AckLine, AckType, LineStatus, OrderLine, PoAcknowledgement
from gateway.canonical import PurchaseOrder as Order
from gateway.domain.workflow.authority import Authority
from gateway.domain.workflow.findings import (
    Discrepancy,
    Finding,
    MatchOutcome,
    Rule,
    judged,
    uom_mismatch,
)
from gateway.domain.workflow.items import (
    day,
    describe,
    find_line,
    identified,
    line_by_number,
    line_label,
    money,
    quantity,
    same_uom,
)
from gateway.domain.workflow.tolerances import Tolerances

_KIND = "po_acknowledgement"


def check_acknowledgement(
    ack: PoAcknowledgement,
    order: Order | None,
    tolerances: Tolerances,
    authority: Authority,
    *,
    supplier: str = "The supplier",
) -> MatchOutcome:
    """Every discrepancy between ``ack`` and ``order`` (None: we never sent that PO)."""
    subject = ack.po_number
    if order is None:
        text = (
            f"{supplier} acknowledged PO {ack.po_number}, which the gateway never sent: "
            "check the PO number with the supplier, or whether the PO went another way."
        )
        return MatchOutcome(
            Rule.PO_ACK,
            subject,
            (Finding(Discrepancy.UNKNOWN_PO, text),),
            po_numbers=(ack.po_number,),
        )
    findings: list[Finding] = []
    if ack.ack_type is AckType.REJECTED:
        text = f"{supplier} rejected PO {order.po_number} as a whole."
        findings.append(judged(authority, _KIND, "status", Discrepancy.ACK_REJECTED, text))
    answered: set[int] = set()
    for line in ack.lines:
        po_line = find_line(
            order.lines, line.item, line.line_number, lambda o: o.item, lambda o: o.line_number
        )
        if po_line is None:
            findings += _unplaced(line, order, tolerances, authority, supplier, answered)
            continue
        answered.add(id(po_line))
        findings += _line(line, po_line, order, tolerances, authority, supplier)
    if ack.lines and ack.ack_type is not AckType.REJECTED:
        for po_line in order.lines:
            if id(po_line) not in answered:
                label = line_label(po_line.line_number, po_line.item)
                text = (
                    f"{supplier}'s acknowledgement of PO {order.po_number} says nothing "
                    f"about {label}: is it coming?"
                )
                findings.append(
                    judged(
                        authority, _KIND, "status", Discrepancy.ACK_LINE_MISSING, text, line=label
                    )
                )
    return MatchOutcome(Rule.PO_ACK, subject, tuple(findings), po_numbers=(order.po_number,))


def _unplaced(
    line: AckLine,
    order: Order,
    tolerances: Tolerances,
    authority: Authority,
    supplier: str,
    answered: set[int],
) -> list[Finding]:
    """A line whose item is on no PO line: a substitute for the line of the same number,
    or an item we never ordered."""
    same_number = line_by_number(order.lines, line.line_number, lambda o: o.line_number)
    if same_number is None or not identified(line.item):
        label = line_label(line.line_number, line.item)
        text = (
            f"{supplier} acknowledged {describe(line.item)} on PO {order.po_number}, "
            "which is on no line of the PO."
        )
        return [judged(authority, _KIND, "item", Discrepancy.ACK_UNKNOWN_ITEM, text, line=label)]
    answered.add(id(same_number))
    label = line_label(same_number.line_number, same_number.item)
    found: list[Finding] = []
    if not tolerances.substitution_allowed:
        text = (
            f"{supplier} offers {describe(line.item)} instead of {describe(same_number.item)} "
            f"on PO {order.po_number} line {same_number.line_number}; substitutes are not "
            "allowed for this supplier."
        )
        found.append(
            judged(
                authority,
                _KIND,
                "item",
                Discrepancy.ACK_SUBSTITUTION,
                text,
                line=label,
                expected=describe(same_number.item),
                actual=describe(line.item),
            )
        )
    return found + _line(line, same_number, order, tolerances, authority, supplier)


def _line(
    line: AckLine,
    po_line: OrderLine,
    order: Order,
    tolerances: Tolerances,
    authority: Authority,
    supplier: str,
) -> list[Finding]:
    label = line_label(po_line.line_number, po_line.item)
    where = f"{describe(po_line.item)} on PO {order.po_number} line {po_line.line_number}"
    if line.status is LineStatus.REJECTED:
        text = f"{supplier} rejected {where}."
        return [judged(authority, _KIND, "status", Discrepancy.ACK_LINE_REJECTED, text, line=label)]
    found: list[Finding] = []
    if line.status is LineStatus.BACKORDERED:
        when = f", expected {day(line.scheduled_date)}" if line.scheduled_date else ""
        text = f"{supplier} backordered {where}{when}."
        found.append(
            judged(authority, _KIND, "status", Discrepancy.ACK_BACKORDERED, text, line=label)
        )
    if not same_uom(line.uom, po_line.uom):
        text = (
            f"{supplier} confirmed {where} in {line.uom}, but it was ordered in "
            f"{po_line.uom}: the quantities cannot be compared."
        )
        found.append(
            uom_mismatch(authority, _KIND, text, line=label, expected=po_line.uom, actual=line.uom)
        )
    elif (
        line.quantity is not None
        and po_line.quantity is not None
        and tolerances.quantity_differs(line.quantity, po_line.quantity)
    ):
        confirmed, ordered = (
            quantity(line.quantity, line.uom),
            quantity(po_line.quantity, po_line.uom),
        )
        text = (
            f"{supplier} confirmed {confirmed} of {where}, but we ordered {ordered} "
            f"(tolerance {tolerances.describe_quantity()})."
        )
        found.append(
            judged(
                authority,
                _KIND,
                "quantity",
                Discrepancy.ACK_QUANTITY,
                text,
                line=label,
                expected=ordered,
                actual=confirmed,
            )
        )
    if (
        line.unit_price is not None
        and po_line.unit_price is not None
        and tolerances.price_differs(line.unit_price, po_line.unit_price)
    ):
        ours, theirs = (
            money(po_line.unit_price, order.currency),
            money(line.unit_price, order.currency),
        )
        text = (
            f"{supplier} confirmed {where} at {theirs} a unit, but the PO says {ours} "
            f"(tolerance {tolerances.describe_price()})."
        )
        found.append(
            judged(
                authority,
                _KIND,
                "unit_price",
                Discrepancy.ACK_PRICE,
                text,
                line=label,
                expected=ours,
                actual=theirs,
            )
        )
    requested = po_line.requested_date or order.requested_delivery_date or order.requested_ship_date
    if line.scheduled_date is not None and requested is not None:
        off = tolerances.date_offset(line.scheduled_date, requested)
        if off is not None:
            how = f"{off} days late" if off > 0 else f"{-off} days early"
            text = (
                f"{supplier} schedules {where} for {day(line.scheduled_date)}, {how} "
                f"against the requested {day(requested)}."
            )
            found.append(
                judged(
                    authority,
                    _KIND,
                    "scheduled_date",
                    Discrepancy.ACK_DATE,
                    text,
                    line=label,
                    expected=day(requested),
                    actual=day(line.scheduled_date),
                )
            )
    return found
