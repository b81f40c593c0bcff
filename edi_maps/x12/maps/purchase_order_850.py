"""850 purchase order ↔ canonical ``purchase_order`` (written as 004010 or 005010).

The same tag means different things at different places: a REF right after BEG
is a document reference, one inside an N1 or PO1 loop is not; a DTM inside a
line's N9 or SLN loop is not the line's requested date. So reading cuts the
set into header, party loops, line loops and summary by the order of the 850
table (``loops.until``, ``loops.loops``) and reads each part on its own. What the
contract v1 cannot hold is dropped: contacts (PER), pack details (PO4),
allowances (SAC), store quantities (SDQ), notes (N9/MSG), sub-lines (SLN),
dates other than the requested ones, line references.

Writing emits the segments reading reads, each code being the first one of its
vocabulary table, so reading what was written gives back the same body.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from edi_maps.x12.maps.base import MappingError, ReadContext, Row, WriteContext
from edi_maps.x12.maps.common import (
    FREE_FORM,
    ITEM_FIELD_OF_CODE,
    decimal,
    description,
    element,
    item_ids,
    new_item_ids,
    pairs,
    parties,
    to_date,
    write_date,
    write_decimal,
    write_item_pairs,
    write_party,
)
from edi_maps.x12.maps.loops import loops, until
from edi_maps.x12.maps.terms import terms_row, terms_text
from gateway.canonical import (
    Body,
    Kind,
    OrderLine,
    OrderTotals,
    PurchaseOrder,
    Purpose,
)
from gateway.canonical.builders import builder

# BEG01 transaction set purpose (353) ↔ purpose; any other code reads as original.
PURPOSE_CODES: dict[Purpose, tuple[str, ...]] = {
    Purpose.ORIGINAL: ("00",),
    Purpose.CHANGE: ("04",),
    Purpose.CANCEL: ("01", "03"),  # 03: Delete
    Purpose.REPLACE: ("05",),
}
PURPOSE_OF_CODE = {code: purpose for purpose, codes in PURPOSE_CODES.items() for code in codes}
DEFAULT_ORDER_TYPE = "SA"  # BEG02 is mandatory: a body without order_type is a stand-alone order

# DTM01 (374): header dates, and the line's requested date.
DELIVERY_REQUESTED = "002"
SHIP_REQUESTED = "010"
# AMT01 (522) codes that carry the order's total amount; the first is written.
TOTAL_AMOUNT = ("TT", "1")
UNIT_COST = "UCP"  # CTP02: the unit cost price, read when PO104 is empty
CURRENCY_ENTITY = "BY"  # CUR01: the currency is the buyer's

_END = frozenset({"SE"})
_AFTER_LINES = frozenset({"CTT", "SE"})
_LINES = frozenset({"PO1", "CTT", "SE"})
# Header loops of the 850 table that follow the header's CUR/REF/ITD/DTM: a REF
# or DTM after one of them belongs to that loop, not to the order.
_HEADER_LOOPS = frozenset({"AMT", "N9", "LDT", "N1", "LM", "SPI", "ADV"})
# Loops after N1 in the header (SPI holds N1 loops of its own).
_AFTER_PARTIES = frozenset({"LM", "SPI", "ADV"})
# Loops of the PO1 loop that follow its PID and DTM positions: a PID or DTM after
# one of them describes a sub-line, a note or a line-level party, not the line.
_LINE_LOOPS = frozenset({"QTY", "SCH", "PKG", "LS", "LDT", "N9", "N1", "SLN", "AMT", "LM"})
# Loops of the PO1 loop after its SCH loop (the line-level N1 loop holds SCHs too).
_AFTER_SCHEDULES = frozenset({"PKG", "LS", "LDT", "N9", "N1", "SLN", "AMT", "LM"})


class PurchaseOrderMap:
    """The 850 map; stateless, so one instance serves every set and thread."""

    set_id = "850"
    functional_id = "PO"
    kind = Kind.PURCHASE_ORDER
    body_type = PurchaseOrder

    def read(self, rows: Sequence[Row], context: ReadContext) -> Body:
        beg = rows[1] if len(rows) > 1 and rows[1][0] == "BEG" else None
        po_number = element(beg, 3) if beg else None
        if beg is None or po_number is None:
            raise MappingError("850 without BEG or without a purchase order number (BEG03)")
        before_lines = until(rows[1:], _LINES)
        header = until(before_lines, _HEADER_LOOPS)
        lines = loops(rows, "PO1", _AFTER_LINES)
        dates = _dates(header)
        return _new_order(
            po_number=po_number,
            purpose=PURPOSE_OF_CODE.get(element(beg, 1) or "", Purpose.ORIGINAL),
            order_type=element(beg, 2),
            order_date=to_date(element(beg, 5)),
            currency=_currency(rows, lines),
            parties=parties(loops(before_lines, "N1", _AFTER_PARTIES)),
            requested_delivery_date=dates.get(DELIVERY_REQUESTED),
            requested_ship_date=dates.get(SHIP_REQUESTED),
            payment_terms=terms_text(header),
            references=_references(rows),
            lines=[_line(loop) for loop in lines],
            totals=_totals(next(iter(loops(rows, "CTT", _END)), []), before_lines),
        )

    def write(self, body: Body, context: WriteContext) -> list[Row]:
        if not isinstance(body, PurchaseOrder):
            raise MappingError(f"850 writes a purchase_order, not {type(body).__name__}")
        if body.order_date is None:
            raise MappingError("an 850 needs the order date (BEG05 is mandatory)")
        if not body.lines:
            raise MappingError("an 850 needs a line (the PO1 loop is mandatory)")
        version = context.version
        rows: list[Row] = [["BEG", PURPOSE_CODES[body.purpose][0],
                            body.order_type or DEFAULT_ORDER_TYPE, body.po_number, "",
                            write_date(body.order_date, version)]]  # fmt: skip
        if body.currency:
            rows.append(["CUR", CURRENCY_ENTITY, body.currency])
        rows.extend(["REF", code, value] for code, value in body.references.items() if value)
        if body.payment_terms:
            rows.append(terms_row(body.payment_terms))
        for qualifier, day in ((DELIVERY_REQUESTED, body.requested_delivery_date),
                               (SHIP_REQUESTED, body.requested_ship_date)):  # fmt: skip
            if day is not None:
                rows.append(["DTM", qualifier, write_date(day, version)])
        for member in body.parties:
            rows.extend(write_party(member, version))
        for line in body.lines:
            rows.extend(_line_rows(line, version))
        rows.extend(_summary_rows(body))
        return rows


# -- reading -----------------------------------------------------------------------


def _currency(rows: Sequence[Row], lines: Sequence[Sequence[Row]]) -> str | None:
    """CUR02 of the header CUR, which can only stand right after BEG; else the one
    currency the lines' own CURs state (one right after PO1, LIN and SI)."""
    if len(rows) > 2 and rows[2][0] == "CUR":
        return element(rows[2], 2)
    stated = set()
    for loop in lines:
        first = next((row for row in loop[1:] if row[0] not in ("LIN", "SI")), None)
        if first is not None and first[0] == "CUR":
            stated.add(element(first, 2))
    return stated.pop() if len(stated) == 1 else None


def _references(rows: Sequence[Row]) -> dict[str, str]:
    """{REF01: REF02 or REF03} of the header REFs: the run right after BEG (and CUR)."""
    found: dict[str, str] = {}
    start = 3 if len(rows) > 2 and rows[2][0] == "CUR" else 2
    for row in rows[start:]:
        if row[0] != "REF":
            break
        qualifier, value = element(row, 1), element(row, 2) or element(row, 3)
        if qualifier and value and qualifier not in found:
            found[qualifier] = value
    return found


def _dates(rows: Sequence[Row]) -> dict[str, date]:
    """DTM02 by DTM01 qualifier, the first of each; a DTM without a date is skipped."""
    found: dict[str, date] = {}
    for row in rows:
        if row[0] == "DTM":
            qualifier, day = element(row, 1) or "", to_date(element(row, 2))
            if day is not None:
                found.setdefault(qualifier, day)
    return found


def _line(loop: Sequence[Row]) -> OrderLine:
    """One PO1 loop: PO1, and the PID, CTP, DTM and SCH that describe the line itself.

    Most lines are a PO1 with PIDs (and segments the contract drops): those are read
    here in one pass; a line with a date, a price or a nested loop goes the general
    way. The line is the 850's hot spot (ten per order): with the builders, this
    path reads the 8,377 lines of the 1 MB bench file in 44% fewer instructions
    (callgrind: 557M → 311M; bench/x12_reader.py translate), and a property test
    in tests/unit/edi_maps/x12/maps/test_purchase_order_850.py checks it against
    :func:`_line_general`.
    """
    po1 = loop[0]
    pids: list[Row] = []
    for row in loop[1:]:
        tag = row[0]
        if tag == "PID":
            pids.append(row)
        elif tag in _LINE_GENERAL:
            return _line_general(loop)
    price = decimal(element(po1, 4))  # before the quantity, as the general way: same error
    ids: list[str | None] = [None, None, None, None]  # the first of each kind wins
    for position in range(6, min(25, len(po1) - 1), 2):  # pairs(po1, 6, 25)
        index = _ITEM_INDEX.get(element(po1, position) or "")
        if index is not None and ids[index] is None:
            ids[index] = element(po1, position + 1)
    return _new_line(
        line_number=element(po1, 1),
        item=new_item_ids(
            buyer_item=ids[0],
            vendor_item=ids[1],
            gtin=ids[2],
            upc=ids[3],
            # one PID (the usual line) is its own description, whatever its PID01
            description=element(pids[0], 5) if len(pids) == 1 else description(pids),
        ),
        quantity=decimal(element(po1, 2)),
        uom=element(po1, 3),
        unit_price=price,
        requested_date=None,
    )


_ITEM_INDEX = {code: ("buyer_item", "vendor_item", "gtin", "upc").index(name)
               for code, name in ITEM_FIELD_OF_CODE.items()}  # fmt: skip
_new_line = builder(OrderLine)
_new_order = builder(PurchaseOrder)
_new_totals = builder(OrderTotals)

# Tags that make a line go the general way: its dates, the unit cost price and the
# loops that end the line's own segments.
_LINE_GENERAL = frozenset({"DTM", "CTP", "SCH"}) | _LINE_LOOPS


def _line_general(loop: Sequence[Row]) -> OrderLine:
    """Any PO1 loop (the reference for :func:`_line`)."""
    po1 = loop[0]
    own = until(loop, _LINE_LOOPS)
    price = decimal(element(po1, 4))
    if price is None:  # a price given only as the catalog's unit cost (CTP02 UCP)
        ctp = next((r for r in own if r[0] == "CTP" and element(r, 2) == UNIT_COST), None)
        price = decimal(element(ctp, 3)) if ctp else None
    requested = _dates(own).get(DELIVERY_REQUESTED)
    if requested is None:  # or in the line's first delivery schedule
        schedules = [r for r in until(loop, _AFTER_SCHEDULES) if r[0] == "SCH"]
        requested = next((to_date(element(r, 6)) for r in schedules
                          if element(r, 5) == DELIVERY_REQUESTED), None)  # fmt: skip
    return OrderLine(
        line_number=element(po1, 1),
        item=item_ids(pairs(po1, 6, 25), description(own)),
        quantity=decimal(element(po1, 2)),
        uom=element(po1, 3),
        unit_price=price,
        requested_date=requested,
    )


def _totals(summary: Sequence[Row], header: Sequence[Row]) -> OrderTotals | None:
    """CTT01/CTT02 and the total amount (the summary AMT, else the header's AMT loop)."""
    ctt = summary[0] if summary else None
    amounts = (r for r in (*summary, *header) if r[0] == "AMT" and element(r, 1) in TOTAL_AMOUNT)
    amount = next((decimal(element(row, 2)) for row in amounts), None)
    if ctt is None and amount is None:
        return None
    count = element(ctt, 1) if ctt else None
    return _new_totals(
        line_count=int(count) if count and count.isascii() and count.isdigit() else None,
        quantity_total=decimal(element(ctt, 2)) if ctt else None,
        amount_total=amount,
    )


# -- writing -----------------------------------------------------------------------


def _line_rows(line: OrderLine, version: str) -> list[Row]:
    """PO1 (a unit without a quantity cannot be written: PO103 needs PO102), PID, DTM."""
    quantity = write_decimal(line.quantity)
    rows: list[Row] = [["PO1", line.line_number or "", quantity,
                        (line.uom or "") if quantity else "", write_decimal(line.unit_price),
                        "", *write_item_pairs(line.item)]]  # fmt: skip
    if line.item.description:
        rows.append(["PID", FREE_FORM[0], "", "", "", line.item.description])
    if line.requested_date is not None:
        rows.append(["DTM", DELIVERY_REQUESTED, write_date(line.requested_date, version)])
    return rows


def _summary_rows(body: PurchaseOrder) -> list[Row]:
    """CTT (the line count defaults to the number of lines), and AMT for the total."""
    totals = body.totals or OrderTotals()
    count = totals.line_count if totals.line_count is not None else len(body.lines)
    rows: list[Row] = [["CTT", str(count), write_decimal(totals.quantity_total)]]
    if totals.amount_total is not None:
        rows.append(["AMT", TOTAL_AMOUNT[0], write_decimal(totals.amount_total)])
    return rows


PURCHASE_ORDER_850 = PurchaseOrderMap()
