"""ORDRSP purchase order response ↔ canonical ``po_acknowledgement`` (read: any
directory; written as D96A, or any directory up to D01B).

An ORDRSP has the ORDERS structure (``orders.py`` cuts both the same way): the
header's own segments, its reference groups, its party groups, the LIN groups and
the summary after UNS. The acknowledged purchase order is the one the response
names in its header reference group RFF ON (order number, buyer), as EANCOM
requires; BGM 1004 is the response's own number, read as the order number only
when no RFF ON is given (some senders number the response after the order).

=====================  =========================================================
canonical              ORDRSP
=====================  =========================================================
po_number              SG1 RFF ON, else BGM 1004; written to both
po_date                the DTM 171 (reference date) of the RFF ON group, else the
                       header's DTM 4 (order date)
ack_type               BGM 1225, table ``ACK_TYPE_CODES``; else BGM 4343 response
                       type (``RESPONSE_TYPES``); else from the lines: accepted when
                       every line is, rejected when every line is, else with changes
ack_date               header DTM 137 (document date)
parties                SG3 NAD (``common.party``)
lines[]                SG26 LIN groups: 1082; item ids from LIN C212 and the PIAs
                       that identify the ordered item (4347 1 or 5, not a substitute);
                       IMD text; status (below); QTY 113, else 21, 12, 1 (83 first for
                       a backorder) and its 6411; PRI AAA (else AAB, CAL, AAF, AAE,
                       INF) / 5284; the line's own DTM 69, else 76, 17, 11, 506, else
                       one of those of the header
=====================  =========================================================

A line's status. LIN 1229 says accepted (5 accepted without amendment, 4 no action,
11 not amended) or rejected (7 not accepted, 2 deleted, 10 not found) outright. Any
other line says what changed by what it carries, the first found of:

==================  ===========================================================
substituted         PIA 4347 3 or 4 (substituted by / for); QVR 4221 IS, CS;
                    QVR C960 4295 PS
backordered         QTY 83 (backorder quantity); QVR 4221 BP, BK
quantity_changed    QVR C960 4295 QO, PC, UM, AQ; any other QVR (a quantity
                    variance, C279, or discrepancy 4221)
price_changed       QVR C960 4295 UP
date_changed        QVR C960 4295 DC
==================  ===========================================================

and else, with 1229 3 changed (6, 24 accepted with amendment, 1 added, 23 proposed
amendment), quantity_changed (as the 855 map reads IC, "accepted, changes made");
a line without any of these shares the header's verdict (rejected when BGM says
so, else accepted). EDIFACT has no code telling a changed date or price from a
changed quantity. EANCOM's ORDRSP says a backorder with QVR 4221 BP (shipment
partial, back order to follow) and gives QVR a reason for change (C960 4295), whose
codes in EANCOM and the later UN lists follow X12's change reasons (371: PC, UM,
AQ…); this map takes QO (quantity ordered), UP (unit price), DC (date change) and PS
(product/service id change) from there. So a written line carries LIN 1229 (5, 7,
or 3) and, for a change, one QVR with the first code of its table: ``QVR++BP``,
``QVR++IS``, ``QVR+++QO``, ``QVR+++UP``, ``QVR+++DC``.

Writing emits BGM 231 (1004 the order number, 1225 the first code of the ack
type), DTM 137 (or, without an ack date, the order date as DTM 4: the header DTM is
mandatory), RFF ON with DTM 171, NAD, per line LIN, PIA, IMD, QTY (83 for a
backorder, else 21), DTM 69, QVR, PRI AAA, then UNS and CNT 2. It refuses a body
with neither date, and what ``orders.write_lin_pia`` refuses (line numbers LIN 1082
cannot hold, directories other than D96A to D01B); a unit without a quantity is
dropped.

Dropped, because contract v1 has no field for them: the response's own number,
currency, payment terms, references other than the order's, contacts, substitute
item ids, a second status of a split line, allowances, taxes, transport, totals.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from edi_maps.edifact.maps.base import MappingError, ReadContext, Row, WriteContext
from edi_maps.edifact.maps.common import (
    description,
    groups,
    item_ids,
    until,
    value,
    write_decimal,
    write_dtm,
    write_imd,
    write_nad,
)
from edi_maps.edifact.maps.lines import (
    check_directory,
    date_of,
    leading,
    price_of,
    product_pairs,
    quantity_of,
    write_lin_pia,
    write_quantity,
)
from edi_maps.edifact.maps.orders import (
    HEADER_OWN,
    LINE_OWN,
    PRICES,
    header_parties,
    header_references,
)
from gateway.canonical import AckLine, AckType, Body, Kind, LineStatus, PoAcknowledgement

# BGM 1225 message function ↔ ack_type; the first code per type is written.
ACK_TYPE_CODES: dict[AckType, tuple[str, ...]] = {
    # accepted without amendment, accepted without reserves, confirmation
    AckType.ACCEPTED: ("29", "44", "6"),
    # change, accepted with amendment (in heading / detail), with reserves, seller's change
    AckType.ACCEPTED_WITH_CHANGES: ("4", "34", "28", "30", "45", "19"),
    AckType.REJECTED: ("27", "48"),  # not accepted, accepted but contents rejected
}
ACK_TYPE_OF_CODE = {code: kind for kind, codes in ACK_TYPE_CODES.items() for code in codes}
# BGM 4343 response type, read when 1225 (9 original, 12 not processed…) gives no verdict.
RESPONSE_TYPES: dict[str, AckType] = {
    "AP": AckType.ACCEPTED,  # accepted
    "AD": AckType.ACCEPTED,  # acknowledge - with detail, no change
    "AC": AckType.ACCEPTED_WITH_CHANGES,  # acknowledge - with detail and change
    "CA": AckType.ACCEPTED_WITH_CHANGES,  # conditionally accepted
    "RE": AckType.REJECTED,  # rejected
}
RESPONSE = "231"  # BGM 1001: purchase order response

# LIN 1229 action request/notification: verdicts, and the codes of a changed line.
ACCEPTED_ACTIONS = ("5", "4", "11")
REJECTED_ACTIONS = ("7", "2", "10")
CHANGED_ACTIONS = ("3", "6", "24", "1", "23")
ACTION_CODES: dict[LineStatus, str] = {
    LineStatus.ACCEPTED: ACCEPTED_ACTIONS[0],
    LineStatus.REJECTED: REJECTED_ACTIONS[0],
}  # every other status is written as changed (3)

# What a changed line carries that says what changed, by precedence (first found wins).
# QVR 4221 discrepancy codes and C960 4295 change reason codes; the first is written.
DISCREPANCY_CODES: dict[LineStatus, tuple[str, ...]] = {
    LineStatus.SUBSTITUTED: ("IS", "CS"),  # item represents substitution, complete with it
    LineStatus.BACKORDERED: ("BP", "BK"),  # partial, back order to follow; back ordered
}
REASON_CODES: dict[LineStatus, tuple[str, ...]] = {
    LineStatus.SUBSTITUTED: ("PS",),  # product/services id change
    LineStatus.QUANTITY_CHANGED: ("QO", "PC", "UM", "AQ"),  # quantity, pack, unit changes
    LineStatus.PRICE_CHANGED: ("UP",),  # unit price
    LineStatus.DATE_CHANGED: ("DC",),  # date change
}
CHANGES = (
    LineStatus.SUBSTITUTED,
    LineStatus.BACKORDERED,
    LineStatus.QUANTITY_CHANGED,
    LineStatus.PRICE_CHANGED,
    LineStatus.DATE_CHANGED,
)
SUBSTITUTES = ("3", "4")  # PIA 4347: substituted by, substituted for
BACKORDER = "83"  # QTY 6063 backorder quantity
CONFIRMED = ("113", "21", "12", "1")  # to be delivered, ordered, despatch, discrete
ORDER_NUMBER = "ON"  # RFF 1153 order number (buyer)
REFERENCE_DATE, ORDER_DATE, DOCUMENT_DATE = "171", "4", "137"  # DTM 2005
# DTM 2005 that date a line's delivery: promised for, scheduled for, estimated,
# despatch, back order delivery; the first is written.
SCHEDULED = ("69", "76", "17", "11", "506")

_DETAIL = frozenset({"LIN", "UNS", "UNT"})
_SUMMARY = frozenset({"UNS", "UNT"})


class OrdrspMap:
    """The ORDRSP map; stateless, so one instance serves every message and thread."""

    message_type = "ORDRSP"
    kind = Kind.PO_ACKNOWLEDGEMENT
    body_type = PoAcknowledgement

    def read(self, rows: Sequence[Row], context: ReadContext) -> Body:
        mark = context.chars.decimal
        bgm = rows[1] if len(rows) > 1 and rows[1][0][0] == "BGM" else None
        if bgm is None:
            raise MappingError("ORDRSP without BGM")
        header = until(rows[1:], _DETAIL)
        top = leading(header, HEADER_OWN)
        references = header_references(header, top)
        order = next((g for g in references if value(g[0], 1) == ORDER_NUMBER), None)
        po_number = (value(order[0], 1, 2) if order else None) or value(bgm, 2)
        if po_number is None:
            raise MappingError("ORDRSP without the order's number (RFF ON, or BGM 1004)")
        verdict = ACK_TYPE_OF_CODE.get(value(bgm, 3) or "") or RESPONSE_TYPES.get(
            value(bgm, 4) or ""
        )
        default = LineStatus.REJECTED if verdict is AckType.REJECTED else LineStatus.ACCEPTED
        scheduled = date_of(top, SCHEDULED)
        lines = [_line(group, mark, default, scheduled) for group in groups(rows, "LIN", _SUMMARY)]
        return PoAcknowledgement(
            po_number=po_number,
            po_date=date_of(order or [], (REFERENCE_DATE,)) or date_of(top, (ORDER_DATE,)),
            ack_type=verdict or _ack_type(lines),
            ack_date=date_of(top, (DOCUMENT_DATE,)),
            parties=header_parties(header),
            lines=lines,
        )

    def write(self, body: Body, context: WriteContext) -> list[Row]:
        if not isinstance(body, PoAcknowledgement):
            raise MappingError(f"ORDRSP writes a po_acknowledgement, not {type(body).__name__}")
        check_directory(context.version)
        if body.ack_date is None and body.po_date is None:
            raise MappingError("an ORDRSP needs a date (the header DTM is mandatory)")
        rows: list[Row] = [[["BGM"], [RESPONSE], [body.po_number],
                            [ACK_TYPE_CODES[body.ack_type][0]]]]  # fmt: skip
        if body.ack_date is not None:
            rows.append(write_dtm(DOCUMENT_DATE, body.ack_date))
        elif body.po_date is not None:  # the header's only date
            rows.append(write_dtm(ORDER_DATE, body.po_date))
        rows.append([["RFF"], [ORDER_NUMBER, body.po_number]])
        if body.ack_date is not None and body.po_date is not None:
            rows.append(write_dtm(REFERENCE_DATE, body.po_date))
        rows.extend(write_nad(member) for member in body.parties)
        for line in body.lines:
            rows.extend(_line_rows(line, context.version))
        rows.append([["UNS"], ["S"]])
        rows.append([["CNT"], ["2", str(len(body.lines))]])  # number of line items
        return rows


# -- reading -----------------------------------------------------------------------


def _line(group: Sequence[Row], mark: str, default: LineStatus, scheduled: date | None) -> AckLine:
    """One LIN group: its own segments, and the price of its price group."""
    own = leading(group, LINE_OWN)
    status = _status(group[0], own, default)
    qualifiers = (BACKORDER, *CONFIRMED) if status is LineStatus.BACKORDERED else CONFIRMED
    quantity, uom = quantity_of(own, qualifiers, mark)
    return AckLine(
        line_number=value(group[0], 1),
        item=item_ids(product_pairs(own), description(own)),
        status=status,
        quantity=quantity,
        uom=uom,
        unit_price=price_of(group, PRICES, mark),
        scheduled_date=date_of(own, SCHEDULED) or scheduled,
    )


def _status(lin: Row, own: Sequence[Row], default: LineStatus) -> LineStatus:
    """LIN 1229 when it accepts or rejects; else what the line says changed; else
    quantity_changed for a changed line, the header's verdict for any other."""
    action = value(lin, 2) or ""
    if action in REJECTED_ACTIONS:
        return LineStatus.REJECTED
    if action in ACCEPTED_ACTIONS:
        return LineStatus.ACCEPTED
    said = _changes(own)
    if said:
        return next(status for status in CHANGES if status in said)
    return LineStatus.QUANTITY_CHANGED if action in CHANGED_ACTIONS else default


def _changes(own: Sequence[Row]) -> set[LineStatus]:
    """Every change the line's PIA, QTY and QVR segments tell."""
    said: set[LineStatus] = set()
    for row in own:
        tag = row[0][0]
        if tag == "PIA" and value(row, 1) in SUBSTITUTES:
            said.add(LineStatus.SUBSTITUTED)
        elif tag == "QTY" and value(row, 1) == BACKORDER:
            said.add(LineStatus.BACKORDERED)
        elif tag == "QVR":
            discrepancy, reason = value(row, 2), value(row, 3)
            kinds = [status for status, codes in DISCREPANCY_CODES.items() if discrepancy in codes]
            kinds += [status for status, codes in REASON_CODES.items() if reason in codes]
            said.update(kinds or [LineStatus.QUANTITY_CHANGED])
    return said


def _ack_type(lines: Sequence[AckLine]) -> AckType:
    """The verdict the lines give when BGM gives none."""
    statuses = {line.status for line in lines}
    if statuses <= {LineStatus.ACCEPTED}:
        return AckType.ACCEPTED
    if statuses == {LineStatus.REJECTED}:
        return AckType.REJECTED
    return AckType.ACCEPTED_WITH_CHANGES


# -- writing -----------------------------------------------------------------------


def _line_rows(line: AckLine, version: str) -> list[Row]:
    """LIN with 1229, PIA, IMD, QTY (83 for a backorder, else 21), DTM 69, the QVR
    that says what changed, PRI AAA. A unit without a quantity cannot be written."""
    status = line.status
    action = ACTION_CODES.get(status, CHANGED_ACTIONS[0])
    rows = write_lin_pia(line.line_number, action, line.item, version)
    if line.item.description:
        rows.extend(write_imd(line.item.description))
    qualifier = BACKORDER if status is LineStatus.BACKORDERED else CONFIRMED[1]
    rows.extend(write_quantity(qualifier, line.quantity, line.uom))
    if line.scheduled_date is not None:
        rows.append(write_dtm(SCHEDULED[0], line.scheduled_date))
    if status in DISCREPANCY_CODES:
        rows.append([["QVR"], [""], [DISCREPANCY_CODES[status][0]]])
    elif status in REASON_CODES:
        rows.append([["QVR"], [""], [""], [REASON_CODES[status][0]]])
    if line.unit_price is not None:
        rows.append([["PRI"], [PRICES[0], write_decimal(line.unit_price)]])
    return rows


ORDRSP_MAP = OrdrspMap()
