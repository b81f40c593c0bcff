"""855 purchase order acknowledgment ↔ canonical ``po_acknowledgement`` (004010, 005010).

Reading cuts the set into its header, party loops and line loops, by the order
of the 855 table: inside a PO1 loop, the line's own PID comes before its ACK
loops, and the ACK's DTM after its ACK; a PID, ACK or DTM further on belongs to a
sub-line (SLN), a note or a line-level party. A line has one status in the
contract, so only its first ACK is read (a line split into, say, 5 accepted and
5 backordered cannot be held). References, notes, header dates other than BAK09
and the schedule, and substitute item ids (ACK07–ACK26) are dropped.

Writing emits PO1, PID and one ACK per line, codes taken from the first entry of
each vocabulary table, so reading what was written gives back the same body.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from edi_maps.x12.maps.base import MappingError, ReadContext, Row, WriteContext
from edi_maps.x12.maps.common import (
    FREE_FORM,
    decimal,
    description,
    element,
    item_ids,
    pairs,
    parties,
    to_date,
    write_date,
    write_decimal,
    write_item_pairs,
    write_party,
)
from edi_maps.x12.maps.loops import loops, until
from gateway.canonical import (
    AckLine,
    AckType,
    Body,
    Kind,
    LineStatus,
    PoAcknowledgement,
)

# BAK02 acknowledgment type (587) ↔ ack_type; the first code per type is written.
# AH (hold) and ZZ (mutually defined) read as accepted: the contract has no "pending".
ACK_TYPE_CODES: dict[AckType, tuple[str, ...]] = {
    AckType.ACCEPTED: ("AD", "AK", "AT", "AP", "NA", "AH", "ZZ"),
    AckType.ACCEPTED_WITH_CHANGES: ("AC", "AE"),
    AckType.REJECTED: ("RD", "RJ", "RO", "RF", "RN", "RV"),
}
ACK_TYPE_OF_CODE = {code: kind for kind, codes in ACK_TYPE_CODES.items() for code in codes}

# ACK01 line item status (668) ↔ line status; the first code per status is written.
# Codes listed nowhere (AA, IE, IF, IH, IW, SP: accepted, on hold or pending) read
# as accepted.
LINE_STATUS_CODES: dict[LineStatus, tuple[str, ...]] = {
    LineStatus.ACCEPTED: ("IA", "AC", "AR"),
    LineStatus.REJECTED: ("IR", "ID", "R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8"),
    LineStatus.BACKORDERED: ("IB", "BP"),
    LineStatus.QUANTITY_CHANGED: ("IQ", "IC"),
    LineStatus.DATE_CHANGED: ("DR",),
    LineStatus.PRICE_CHANGED: ("IP",),
    LineStatus.SUBSTITUTED: ("IS",),
}
LINE_STATUS_OF_CODE = {code: s for s, codes in LINE_STATUS_CODES.items() for code in codes}

ORIGINAL = "00"  # BAK01: the purpose written
SCHEDULED_SHIP = "068"  # ACK04 written with the scheduled date (current schedule ship)
# DTM01 / SCH05 codes that say when a line is scheduled, for senders that give the
# date outside the ACK (in the PO1 loop, its SCH loop, or the header for every
# line): current schedule ship / delivery, promised for delivery, estimated delivery.
SCHEDULE_QUALIFIERS = ("068", "067", "069", "017")

_END = frozenset({"SE"})
_AFTER_LINES = frozenset({"CTT", "SE"})
_LINES = frozenset({"PO1", "CTT", "SE"})
_HEADER_LOOPS = frozenset({"N9", "N1", "ADV"})  # a DTM after one of them is theirs
_AFTER_PARTIES = frozenset({"ADV"})  # the header loop after the N1 loops
# PO1-loop loops after the ACK loop: nothing of theirs describes the line itself,
# but for the SCH loop's schedules; and loops that hold SCHs of their own.
_AFTER_ACK = frozenset({"MAN", "AMT", "CTB", "TXI", "QTY", "PKG", "SCH", "N9", "N1", "SLN"})
_AFTER_SCHEDULES = frozenset({"N9", "N1", "SLN"})


@dataclass(slots=True)
class _LineRows:
    """One PO1 loop, sorted by where its rows stand."""

    po1: Row
    own: list[Row] = field(default_factory=list)  # before the first ACK (PID, DTM…)
    ack: Row | None = None  # the first ACK
    ack_rows: list[Row] = field(default_factory=list)  # the rest of the first ACK loop (DTM)
    schedules: list[Row] = field(default_factory=list)  # the line's SCH loops
    done: bool = False  # past the first ACK loop: only SCHs may follow


class OrderAckMap:
    """The 855 map; stateless, so one instance serves every set and thread."""

    set_id = "855"
    functional_id = "PR"
    kind = Kind.PO_ACKNOWLEDGEMENT
    body_type = PoAcknowledgement

    def read(self, rows: Sequence[Row], context: ReadContext) -> Body:
        bak = rows[1] if len(rows) > 1 and rows[1][0] == "BAK" else None
        po_number = element(bak, 3) if bak else None
        if bak is None or po_number is None:
            raise MappingError("855 without BAK or without a purchase order number (BAK03)")
        ack_type = ACK_TYPE_OF_CODE.get(element(bak, 2) or "", AckType.ACCEPTED)
        # A line without an ACK shares the document's verdict.
        default = LineStatus.REJECTED if ack_type is AckType.REJECTED else LineStatus.ACCEPTED
        before_lines = until(rows[1:], _LINES)
        header_dates = [r for r in until(before_lines, _HEADER_LOOPS) if r[0] == "DTM"]
        line_loops = loops(rows, "PO1", _AFTER_LINES)
        return PoAcknowledgement(
            po_number=po_number,
            po_date=to_date(element(bak, 4)),
            ack_type=ack_type,
            ack_date=to_date(element(bak, 9)),
            parties=parties(loops(before_lines, "N1", _AFTER_PARTIES)),
            lines=[_line(loop, default, header_dates) for loop in line_loops],
        )

    def write(self, body: Body, context: WriteContext) -> list[Row]:
        if not isinstance(body, PoAcknowledgement):
            raise MappingError(f"855 writes a po_acknowledgement, not {type(body).__name__}")
        if body.po_date is None:
            raise MappingError("an 855 needs the purchase order date (BAK04 is mandatory)")
        version = context.version
        rows: list[Row] = [["BAK", ORIGINAL, ACK_TYPE_CODES[body.ack_type][0], body.po_number,
                            write_date(body.po_date, version), "", "", "", "",
                            write_date(body.ack_date, version)]]  # fmt: skip
        for member in body.parties:
            rows.extend(write_party(member, version))
        for line in body.lines:
            rows.extend(_line_rows(line, version))
        rows.append(["CTT", str(len(body.lines))])
        return rows


# -- reading -----------------------------------------------------------------------


def _sorted(loop: Sequence[Row]) -> _LineRows:
    """Sort the rows of a PO1 loop: the line's own, its first ACK loop, its schedules."""
    line = _LineRows(loop[0])
    for row in loop[1:]:
        tag = row[0]
        if tag in _AFTER_SCHEDULES:  # a sub-line, note or party loop: none is the line's
            break
        if tag == "SCH":
            line.schedules.append(row)
        if line.done or tag in _AFTER_ACK or (tag == "ACK" and line.ack is not None):
            line.done = True
        elif tag == "ACK":
            line.ack = row
        elif line.ack is not None:
            line.ack_rows.append(row)
        else:
            line.own.append(row)
    return line


def _line(loop: Sequence[Row], default: LineStatus, header_dates: Sequence[Row]) -> AckLine:
    """PO1 ids and price; status, quantity and date from the ACK, else from PO1 and DTM."""
    line = _sorted(loop)
    po1, ack = line.po1, line.ack
    quantity, uom = decimal(element(po1, 2)), element(po1, 3)
    status = default
    if ack is not None:
        status = LINE_STATUS_OF_CODE.get(element(ack, 1) or "", LineStatus.ACCEPTED)
        if element(ack, 2) is not None:
            quantity, uom = decimal(element(ack, 2)), element(ack, 3)
    return AckLine(
        line_number=element(po1, 1),
        item=item_ids(pairs(po1, 6, 25), description(line.own)),
        status=status,
        quantity=quantity,
        uom=uom,
        unit_price=decimal(element(po1, 4)),
        scheduled_date=_scheduled(line, header_dates),
    )


def _scheduled(line: _LineRows, header_dates: Sequence[Row]) -> date | None:
    """ACK05 (whatever ACK04 says), else the ACK loop's DTM, else a schedule date of
    the line (DTM, then SCH), else one of the header for the whole order."""
    if line.ack is not None and element(line.ack, 5):
        return to_date(element(line.ack, 5))
    dated = [r for r in line.ack_rows if r[0] == "DTM" and element(r, 2)]
    if dated:
        return to_date(element(dated[0], 2))
    places = ((line.own, "DTM", 1), (line.schedules, "SCH", 5), (header_dates, "DTM", 1))
    for rows, tag, at in places:
        for qualifier in SCHEDULE_QUALIFIERS:
            for row in rows:
                if row[0] == tag and element(row, at) == qualifier and element(row, at + 1):
                    return to_date(element(row, at + 1))
    return None


# -- writing -----------------------------------------------------------------------


def _line_rows(line: AckLine, version: str) -> list[Row]:
    """PO1, PID and ACK. A unit needs a quantity (PO1 C0302, ACK P0203): without
    one it cannot be written; a quantity without a unit goes in PO102 only."""
    quantity = write_decimal(line.quantity)
    uom = (line.uom or "") if quantity else ""
    price = write_decimal(line.unit_price)
    rows = [["PO1", line.line_number or "", quantity, uom, price, "", *write_item_pairs(line.item)]]
    if line.item.description:
        rows.append(["PID", FREE_FORM[0], "", "", "", line.item.description])
    ack: Row = ["ACK", LINE_STATUS_CODES[line.status][0]]
    ack.extend((quantity, uom) if uom else ("", ""))
    if line.scheduled_date is not None:
        ack.extend((SCHEDULED_SHIP, write_date(line.scheduled_date, version)))
    rows.append(ack)
    return rows


ORDER_ACK_855 = OrderAckMap()
