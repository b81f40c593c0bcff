"""850 purchase order ↔ canonical ``purchase_order`` (written as 004010 or 005010).

The same tag means different things at different places: a REF right after BEG
is a document reference, one inside an N1 or PO1 loop is not; a DTM inside a
line's N9 or SLN loop is not the line's requested date. So reading first cuts
the set into its header, party loops, line loops and summary (:func:`_split`),
using the order of the 850 table, and reads each part on its own. What the
contract v1 cannot hold is dropped: contacts (PER), pack details (PO4),
allowances (SAC), schedules (SCH, SDQ), notes (N9/MSG), line references and
line currencies.

Writing emits the segments reading reads, each code being the first one of its
vocabulary table, so reading what was written gives back the same body.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from edi_maps.x12.maps.base import MappingError, ReadContext, Row, WriteContext
from edi_maps.x12.maps.common import (
    decimal,
    element,
    item_ids,
    pairs,
    party,
    to_date,
    write_date,
    write_decimal,
    write_item_pairs,
    write_party,
)
from gateway.canonical import (
    Body,
    Kind,
    OrderLine,
    OrderTotals,
    Party,
    PurchaseOrder,
    Purpose,
)

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
TOTAL_AMOUNT_CODES = ("TT", "1")
CURRENCY_ENTITY = "BY"  # CUR01: the currency is the buyer's
FREE_FORM = "F"  # PID01: free-form description

# Header loops of the 850 table that follow the header's CUR/REF/ITD/DTM: a REF
# or DTM after one of them belongs to that loop, not to the order.
_HEADER_LOOPS = frozenset({"AMT", "N9", "LDT", "N1", "LM", "SPI", "ADV"})
# Loops after N1 in the header (SPI holds N1 loops of its own).
_AFTER_PARTIES = frozenset({"LM", "SPI", "ADV"})
# Loops of the PO1 loop that follow its PID and DTM positions: a PID or DTM after
# one of them describes a sub-line, a note or a line-level party, not the line.
_LINE_LOOPS = frozenset({"QTY", "SCH", "PKG", "LS", "LDT", "N9", "N1", "SLN", "AMT", "LM"})
_TERMS = re.compile(r"(?:(\d+(?:\.\d+)?)% (\d{1,3}) )?net (\d{1,3})")


@dataclass(slots=True)
class _Parts:
    """The rows of one 850, cut by where they stand in the table."""

    header: list[Row] = field(default_factory=list)  # BEG up to the first header loop
    amounts: list[Row] = field(default_factory=list)  # header AMT loop triggers
    parties: list[list[Row]] = field(default_factory=list)  # one N1 loop each
    lines: list[list[Row]] = field(default_factory=list)  # one PO1 loop each
    summary: list[Row] = field(default_factory=list)  # the CTT loop


class PurchaseOrderMap:
    set_id = "850"
    functional_id = "PO"
    kind = Kind.PURCHASE_ORDER
    body_type = PurchaseOrder

    def read(self, rows: Sequence[Row], context: ReadContext) -> Body:
        parts = _split(rows)
        beg = next((row for row in parts.header if row[0] == "BEG"), None)
        if beg is None:
            raise MappingError("850 without BEG")
        po_number = element(beg, 3)
        if po_number is None:
            raise MappingError("850 without a purchase order number (BEG03)")
        dates = _dates(parts.header)
        return PurchaseOrder(
            po_number=po_number,
            purpose=PURPOSE_OF_CODE.get(element(beg, 1) or "", Purpose.ORIGINAL),
            order_type=element(beg, 2),
            order_date=to_date(element(beg, 5)),
            currency=_currency(rows),
            parties=_parties(parts.parties),
            requested_delivery_date=dates.get(DELIVERY_REQUESTED),
            requested_ship_date=dates.get(SHIP_REQUESTED),
            payment_terms=_payment_terms(parts.header),
            references=_references(rows),
            lines=[_line(loop) for loop in parts.lines],
            totals=_totals(parts.summary, parts.amounts),
        )

    def write(self, body: Body, context: WriteContext) -> list[Row]:
        if not isinstance(body, PurchaseOrder):
            raise MappingError(f"850 writes a purchase_order, not {type(body).__name__}")
        if body.order_date is None:
            raise MappingError("an 850 needs the order date (BEG05 is mandatory)")
        version = context.version
        rows: list[Row] = [["BEG", PURPOSE_CODES[body.purpose][0],
                            body.order_type or DEFAULT_ORDER_TYPE, body.po_number, "",
                            write_date(body.order_date, version)]]  # fmt: skip
        if body.currency:
            rows.append(["CUR", CURRENCY_ENTITY, body.currency])
        rows.extend(["REF", qualifier, value] for qualifier, value in body.references.items())
        if body.payment_terms:
            rows.append(_terms_row(body.payment_terms))
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


def _split(rows: Sequence[Row]) -> _Parts:
    """Cut a set (ST to SE) into header, party loops, line loops and summary."""
    parts = _Parts()
    area = "header"  # header → header loops → parties → after parties → lines → summary
    current: list[Row] = []
    for row in rows[1:]:
        tag = row[0]
        if tag == "SE":
            break
        if tag == "PO1":
            area, current = "lines", [row]
            parts.lines.append(current)
        elif tag == "CTT" or area == "summary":
            area = "summary"
            parts.summary.append(row)
        elif area == "lines":
            current.append(row)
        elif tag == "N1" and area in ("header", "header loops", "parties"):
            area, current = "parties", [row]
            parts.parties.append(current)
        elif tag in _AFTER_PARTIES:
            area = "after parties"
        elif area == "parties":
            current.append(row)
        elif tag in _HEADER_LOOPS and area == "header":
            area = "header loops"
        if tag == "AMT" and area == "header loops":
            parts.amounts.append(row)
        if area == "header":
            parts.header.append(row)
    return parts


def _currency(rows: Sequence[Row]) -> str | None:
    """CUR02 of the header CUR, which can only stand right after BEG (a later CUR
    belongs to an allowance or a line)."""
    if len(rows) > 2 and rows[2][0] == "CUR":
        return element(rows[2], 2)
    return None


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


def _payment_terms(rows: Sequence[Row]) -> str | None:
    """The header ITDs as text: ITD12 when given, else built from percent and days."""
    texts = [t for t in (_terms_text(row) for row in rows if row[0] == "ITD") if t]
    return "; ".join(texts) or None


def _terms_text(itd: Row) -> str | None:
    """"2% 10 net 30" from ITD03/ITD05/ITD07 (ITD04/ITD06 dates stand in for days)."""
    described = element(itd, 12)
    if described:
        return described
    words: list[str] = []
    percent = element(itd, 3)
    discount_days, discount_date = element(itd, 5), to_date(element(itd, 4))
    if percent and (discount_days or discount_date):
        if "." in percent:
            percent = percent.rstrip("0").rstrip(".") or "0"
        until = discount_days or f"by {discount_date.isoformat()}"  # type: ignore[union-attr]
        words.append(f"{percent}% {until}")
    net_days, net_date = element(itd, 7), to_date(element(itd, 6))
    if net_days:
        words.append(f"net {net_days}")
    elif net_date:
        words.append(f"net by {net_date.isoformat()}")
    return " ".join(words) or None


def _parties(loops: Sequence[Sequence[Row]]) -> list[Party]:
    """One party per N1 loop whose entity code the contract has a role for."""
    found: list[Party] = []
    for loop in loops:
        n2 = [row for row in loop if row[0] == "N2"]
        n3 = [row for row in loop if row[0] == "N3"]
        n4 = next((row for row in loop if row[0] == "N4"), None)
        member = party(loop[0], n2, n3, n4)
        if member is not None:
            found.append(member)
    return found


def _line(loop: Sequence[Row]) -> OrderLine:
    """One PO1 loop: its PO1, and the PID and DTM that describe the line itself."""
    po1 = loop[0]
    own = _own_rows(loop)
    return OrderLine(
        line_number=element(po1, 1),
        item=item_ids(pairs(po1, 6, 25), _description(own)),
        quantity=decimal(element(po1, 2)),
        uom=element(po1, 3),
        unit_price=decimal(element(po1, 4)),
        requested_date=_dates(own).get(DELIVERY_REQUESTED),
    )


def _own_rows(loop: Sequence[Row]) -> list[Row]:
    """The rows of a PO1 loop before its first nested loop that can hold a PID or DTM."""
    own: list[Row] = []
    for row in loop:
        if row[0] in _LINE_LOOPS:
            break
        own.append(row)
    return own


def _description(rows: Sequence[Row]) -> str | None:
    """The free-form PID05 texts (PID01 F, or X: both), joined by a space."""
    texts = [element(row, 5) for row in rows if row[0] == "PID" and element(row, 1) in "FX"]
    return " ".join(t for t in texts if t) or None


def _totals(summary: Sequence[Row], amounts: Sequence[Row]) -> OrderTotals | None:
    """CTT01/CTT02 and the total amount (the summary AMT, else the header's)."""
    ctt = next((row for row in summary if row[0] == "CTT"), None)
    amount = next(
        (decimal(element(row, 2)) for row in (*summary, *amounts)
         if row[0] == "AMT" and element(row, 1) in TOTAL_AMOUNT_CODES),
        None,
    )  # fmt: skip
    if ctt is None and amount is None:
        return None
    count = element(ctt, 1) if ctt else None
    return OrderTotals(
        line_count=int(count) if count and count.isdigit() else None,
        quantity_total=decimal(element(ctt, 2)) if ctt else None,
        amount_total=amount,
    )


# -- writing -----------------------------------------------------------------------


def _terms_row(terms: str) -> Row:
    """An ITD carrying ``terms`` in ITD12, plus percent and days when it reads like
    "2% 10 net 30" (the form reading builds), for partners that process terms."""
    row: Row = ["ITD", "", ""]
    shape = _TERMS.fullmatch(terms)
    if shape is not None:
        percent, discount_days, net_days = shape.groups()
        row = ["ITD", "", "", percent or "", "", discount_days or "", "", net_days]
    return [*row, *[""] * (12 - len(row)), terms]


def _line_rows(line: OrderLine, version: str) -> list[Row]:
    """PO1 (a unit without a quantity cannot be written: PO103 needs PO102), PID, DTM."""
    quantity = write_decimal(line.quantity)
    rows: list[Row] = [["PO1", line.line_number or "", quantity,
                        (line.uom or "") if quantity else "", write_decimal(line.unit_price),
                        "", *write_item_pairs(line.item)]]  # fmt: skip
    if line.item.description:
        rows.append(["PID", FREE_FORM, "", "", "", line.item.description])
    if line.requested_date is not None:
        rows.append(["DTM", DELIVERY_REQUESTED, write_date(line.requested_date, version)])
    return rows


def _summary_rows(body: PurchaseOrder) -> list[Row]:
    """CTT (the line count defaults to the number of lines), and AMT for the total."""
    totals = body.totals or OrderTotals()
    count = totals.line_count if totals.line_count is not None else len(body.lines)
    rows: list[Row] = [["CTT", str(count), write_decimal(totals.quantity_total)]]
    if totals.amount_total is not None:
        rows.append(["AMT", TOTAL_AMOUNT_CODES[0], write_decimal(totals.amount_total)])
    return rows


PURCHASE_ORDER_850 = PurchaseOrderMap()
