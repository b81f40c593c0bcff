"""ORDERS purchase order ↔ canonical ``purchase_order`` (read: any directory; written
as D96A, or any directory up to D01B).

The same tag means different things at different places: a DTM right after BGM
dates the order, one in a reference, party or price group dates that; an RFF of
the header's first group is a document reference, one in a party group is the
party's; a NAD inside a line group is a line-level party. So reading cuts the
message by the ORDERS table before reading values: the header's own segments
(BGM to FTX), its reference groups (RFF-DTM), party groups (NAD-LOC-FII-RFF-DOC-
CTA-COM), currency and payment-terms groups, then each LIN group's own segments
(LIN to FTX, before its nested price, reference, party… groups) and its price
group, and the summary after UNS. Tags are listed positively, so a group a later
directory adds ends the part it follows rather than joining it. Group numbers
differ between directories (lines are SG25 in D96A, SG28 in D01B); tags do not.

=====================  =========================================================
canonical              ORDERS
=====================  =========================================================
po_number              BGM C106/1004 (a simple 1004 before D01B's composite)
purpose                BGM 1225, table ``PURPOSE_CODES`` (other codes: original)
order_type             BGM C002/1001 as sent (220 order, 221 blanket, 226 call-off…);
                       none is written as 220, which reads back as "220"
order_date             header DTM 137 (document date), else DTM 4 (order date)
requested_delivery     header DTM 2 (delivery date/time, requested)
requested_ship         header DTM 10 (shipment date/time, requested)
references             SG1 RFF C506 {1153: 1154}, the first of each qualifier
parties                SG2 NAD (``common.party``); roles the contract lacks dropped
currency               SG7 CUX C504/6345 of the first currency group
payment_terms          SG8 PAT groups ("2% 10" from PAT 22 + PCD 12, "net 30" from
                       PAT 1, C112 in days; C110 text when given) and the header's FTX
                       AAB text (``common.payment_terms``; written as PAT when it reads
                       back the same, else as FTX AAB)
lines[]                SG25 LIN groups: 1082; item ids from LIN C212 and the PIAs
                       that identify it (4347 1 or 5); IMD text; QTY 21 (else 1) and
                       its 6411; PRI AAA (else AAB, CAL, AAF, AAE, INF) / 5284 basis;
                       the line's own DTM 2
totals                 CNT 2 line count, CNT 1 quantity total, MOA 86 (else 79, 128)
=====================  =========================================================

A date the contract takes in a DTM format that is no day (616 a week, 106 MMDD…)
cannot be mapped (MappingError); other DTMs are not looked at.

Dropped, because contract v1 has no field for them: contacts (CTA/COM), locations,
taxes, allowances and charges, transport and packaging, free texts other than
payment terms, line-level references, parties, schedules (LOC-QTY-DTM), MOA and
other dates.

Writing emits BGM, DTM, FTX AAB, RFF, NAD, CUX, PAT/PCD, then per line LIN, PIA,
IMD, QTY, DTM, PRI, and UNS, MOA, CNT; every code is the first of its table, so
reading what was written gives back the same body. It refuses (MappingError) a
body without any date (the header DTM is mandatory), an order type longer than
1001's three characters, a line number LIN 1082 cannot hold (n..6 in D96A and
D96B, an..6 from D97A), terms longer than FTX C108's 350 characters, a directory
other than D96A to D01B; a unit without a quantity is dropped (QTY 6060 is
mandatory), as the 850 map drops it.
"""

from __future__ import annotations

from collections.abc import Sequence

from edi_maps.edifact.maps.base import MappingError, ReadContext, Row, WriteContext
from edi_maps.edifact.maps.common import (
    decimal,
    description,
    first,
    groups,
    item_ids,
    party,
    payment_terms,
    trim,
    until,
    value,
    write_decimal,
    write_dtm,
    write_imd,
    write_nad,
    write_payment_terms,
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
from gateway.canonical import (
    Body,
    Kind,
    OrderLine,
    OrderTotals,
    Party,
    PurchaseOrder,
    Purpose,
)
from gateway.canonical.builders import builder

# BGM 1225 message function ↔ purpose; the first code per purpose is written. 20 and
# 21 replace only the heading or only the detail: the rest of the order stands, a change.
PURPOSE_CODES: dict[Purpose, tuple[str, ...]] = {
    Purpose.ORIGINAL: ("9",),
    Purpose.CHANGE: ("4", "33", "36", "20", "21"),  # change (in heading / detail section)
    Purpose.CANCEL: ("1", "3", "17"),  # cancellation, deletion, cancel to be reissued
    Purpose.REPLACE: ("5",),
}
PURPOSE_OF_CODE = {code: purpose for purpose, codes in PURPOSE_CODES.items() for code in codes}
ORDER = "220"  # BGM 1001 written when the body has no order_type

# DTM 2005 qualifiers.
ORDER_DATE = ("137", "4")  # document/message date, order date
DELIVERY_REQUESTED = "2"
SHIP_REQUESTED = "10"
ORDERED = ("21", "1")  # QTY 6063: ordered quantity, else discrete quantity
# PRI 5125: calculation net, gross, calculation price, information prices.
PRICES = ("AAA", "AAB", "CAL", "AAF", "AAE", "INF")
TOTAL_AMOUNT = ("86", "79", "128")  # MOA 5025: message total, line items total, total
LINE_COUNT, QUANTITY_TOTAL = "2", "1"  # CNT 6069
REFERENCE_CURRENCY, ORDER_CURRENCY = "2", "9"  # CUX 6347, 6343

# The message's parts, by tag (ORDERS D96A to D01B; later directories read the same).
HEADER_OWN = frozenset({"BGM", "DTM", "PAI", "ALI", "IMD", "FTX", "GIR"})
REFERENCE_GROUP = frozenset({"RFF", "DTM"})
PARTY_GROUP = frozenset({"NAD", "LOC", "FII", "RFF", "DTM", "DOC", "CTA", "COM"})
TERMS_GROUP = frozenset({"PAT", "DTM", "PCD", "MOA"})
LINE_OWN = frozenset(
    {"LIN", "PIA", "IMD", "MEA", "QTY", "PCD", "ALI", "DTM", "MOA", "GIN", "GIR", "QVR",
     "DOC", "PAI", "MTD", "FTX", "GIS"}
)  # fmt: skip
SUMMARY_OWN = frozenset({"UNS", "MOA", "CNT"})
_new_order = builder(PurchaseOrder)  # faster equivalents of the constructors (builders.py)
_new_line = builder(OrderLine)
_new_totals = builder(OrderTotals)
_DETAIL = frozenset({"LIN", "UNS", "UNT"})
_SUMMARY = frozenset({"UNS", "UNT"})


class OrdersMap:
    """The ORDERS map; stateless, so one instance serves every message and thread."""

    message_type = "ORDERS"
    kind = Kind.PURCHASE_ORDER
    body_type = PurchaseOrder

    def read(self, rows: Sequence[Row], context: ReadContext) -> Body:
        mark = context.chars.decimal
        bgm = rows[1] if len(rows) > 1 and rows[1][0][0] == "BGM" else None
        po_number = value(bgm, 2)
        if bgm is None or po_number is None:
            raise MappingError("ORDERS without BGM or without an order number (BGM 1004)")
        header = until(rows[1:], _DETAIL)
        top = leading(header, HEADER_OWN)
        lines = groups(rows, "LIN", _SUMMARY)
        return _new_order(
            po_number=po_number,
            purpose=PURPOSE_OF_CODE.get(value(bgm, 3) or "", Purpose.ORIGINAL),
            order_type=value(bgm, 1),
            order_date=date_of(top, ORDER_DATE),
            currency=value(first(header, "CUX"), 1, 2),
            parties=header_parties(header),
            requested_delivery_date=date_of(top, (DELIVERY_REQUESTED,)),
            requested_ship_date=date_of(top, (SHIP_REQUESTED,)),
            payment_terms=_terms(top, header, mark),
            references=_references(header_references(header, top)),
            lines=[_line(group, mark) for group in lines],
            totals=_totals(summary(rows), mark),
        )

    def write(self, body: Body, context: WriteContext) -> list[Row]:
        if not isinstance(body, PurchaseOrder):
            raise MappingError(f"ORDERS writes a purchase_order, not {type(body).__name__}")
        check_directory(context.version)
        dates = [(q, d) for q, d in ((ORDER_DATE[0], body.order_date),
                                     (DELIVERY_REQUESTED, body.requested_delivery_date),
                                     (SHIP_REQUESTED, body.requested_ship_date)) if d]  # fmt: skip
        if not dates:
            raise MappingError("an ORDERS needs a date (the header DTM is mandatory)")
        order_type = body.order_type or ORDER
        if len(order_type) > 3:
            raise MappingError(f"order type {order_type!r} is no BGM 1001 code (an..3)")
        free_text, structured = write_payment_terms(body.payment_terms)
        rows: list[Row] = [[["BGM"], [order_type], [body.po_number],
                            [PURPOSE_CODES[body.purpose][0]]]]  # fmt: skip
        rows.extend(write_dtm(qualifier, day) for qualifier, day in dates)
        rows.extend(free_text)
        rows.extend([["RFF"], [q, v]] for q, v in body.references.items() if v)
        rows.extend(write_nad(member) for member in body.parties)
        if body.currency:
            rows.append([["CUX"], [REFERENCE_CURRENCY, body.currency, ORDER_CURRENCY]])
        rows.extend(structured)
        for line in body.lines:
            rows.extend(_line_rows(line, context.version))
        rows.append([["UNS"], ["S"]])
        rows.extend(_summary_rows(body.totals))
        return rows


# -- reading: the message's parts ----------------------------------------------------


def header_references(header: Sequence[Row], top: Sequence[Row]) -> list[list[Row]]:
    """The reference groups (RFF-DTM) right after the header's own segments: an RFF
    further on belongs to a party, package or other group."""
    return groups(leading(header[len(top) :], REFERENCE_GROUP), "RFF", frozenset())


def header_parties(header: Sequence[Row]) -> list[Party]:
    """The header's NAD groups (the run of party-group segments from the first NAD)."""
    start = next((i for i, row in enumerate(header) if row[0][0] == "NAD"), len(header))
    found = (party(group[0]) for group in groups(leading(header[start:], PARTY_GROUP), "NAD",
                                                  frozenset()))  # fmt: skip
    return [member for member in found if member is not None]


def summary(rows: Sequence[Row]) -> list[Row]:
    """UNS and the summary's own MOA and CNT (not those of its allowance groups)."""
    start = next((i for i, row in enumerate(rows) if row[0][0] == "UNS"), len(rows))
    return leading(rows[start:], SUMMARY_OWN)


# -- reading: values -------------------------------------------------------------------


def _references(found: Sequence[Sequence[Row]]) -> dict[str, str]:
    """{RFF 1153: 1154}, the first value of each qualifier."""
    references: dict[str, str] = {}
    for group in found:
        qualifier, number = value(group[0], 1), value(group[0], 1, 2)
        if qualifier and number:
            references.setdefault(qualifier, number)
    return references


def _terms(top: Sequence[Row], header: Sequence[Row], mark: str) -> str | None:
    """The terms of the header's PAT groups and of its own FTX AAB (``common.payment_terms``)."""
    start = next((i for i, row in enumerate(header) if row[0][0] == "PAT"), len(header))
    terms = groups(leading(header[start:], TERMS_GROUP), "PAT", frozenset())
    return payment_terms(terms, top, mark)


def _line(group: Sequence[Row], mark: str) -> OrderLine:
    """One LIN group: its own segments, and the price of its price group."""
    own = leading(group, LINE_OWN)
    quantity, uom = quantity_of(own, ORDERED, mark)
    return _new_line(
        line_number=value(group[0], 1),
        item=item_ids(product_pairs(own), description(own)),
        quantity=quantity,
        uom=uom,
        unit_price=price_of(group, PRICES, mark),
        requested_date=date_of(own, (DELIVERY_REQUESTED,)),
    )


def _totals(rows: Sequence[Row], mark: str) -> OrderTotals | None:
    """CNT 2 and 1, and the first total MOA; None when the summary has none of them."""
    count = decimal(value(first(rows, "CNT", LINE_COUNT), 1, 2), mark)
    quantity = decimal(value(first(rows, "CNT", QUANTITY_TOTAL), 1, 2), mark)
    amount = next((decimal(value(row, 1, 2), mark) for qualifier in TOTAL_AMOUNT
                   for row in rows if row[0][0] == "MOA" and value(row, 1) == qualifier
                   and value(row, 1, 2)), None)  # fmt: skip
    if count is None and quantity is None and amount is None:
        return None
    whole = count is not None and count == count.to_integral_value() and count >= 0
    return _new_totals(
        line_count=int(count) if whole and count is not None else None,
        quantity_total=quantity,
        amount_total=amount,
    )


# -- writing ---------------------------------------------------------------------------


def _line_rows(line: OrderLine, version: str) -> list[Row]:
    """LIN (and PIA), IMD, QTY 21, DTM 2, PRI AAA; a unit without a quantity cannot
    be written (QTY 6060 is mandatory) and is dropped, as the 850 map does."""
    rows = write_lin_pia(line.line_number, None, line.item, version)
    if line.item.description:
        rows.extend(write_imd(line.item.description))
    rows.extend(write_quantity(ORDERED[0], line.quantity, line.uom))
    if line.requested_date is not None:
        rows.append(write_dtm(DELIVERY_REQUESTED, line.requested_date))
    if line.unit_price is not None:
        rows.append([["PRI"], [PRICES[0], write_decimal(line.unit_price)]])
    return rows


def _summary_rows(totals: OrderTotals | None) -> list[Row]:
    """MOA 86, CNT 2 and CNT 1, each when the body has it."""
    if totals is None:
        return []
    rows: list[Row] = []
    if totals.amount_total is not None:
        rows.append([["MOA"], [TOTAL_AMOUNT[0], write_decimal(totals.amount_total)]])
    if totals.line_count is not None:
        rows.append([["CNT"], [LINE_COUNT, str(totals.line_count)]])
    if totals.quantity_total is not None:
        rows.append([["CNT"], [QUANTITY_TOTAL, write_decimal(totals.quantity_total)]])
    return [trim(row) for row in rows]


ORDERS_MAP = OrdersMap()
