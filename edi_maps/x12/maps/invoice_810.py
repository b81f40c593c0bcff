"""810 Invoice ↔ invoice: header (BIG, CUR, N1, ITD), IT1 lines, summary (TDS, TXI, SAC).

The 810 repeats tags at several levels with different meanings (a PID or SAC of
a line, of a sub-line SLN, of the summary; a TXI of a line or of a charge), so
the set is first cut into header, lines and summary, and each of those into its
own segments and nested loops, before any value is read.

Amounts follow the standard's types: TDS01 and SAC05 are N2 (two implied
decimals), TXI02, PAM05 and IT104 are R (an explicit point).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from edi_maps.x12.maps.base import MappingError, ReadContext, Row, WriteContext
from edi_maps.x12.maps.common import (
    decimal,
    description,
    element,
    implied,
    item_ids,
    pairs,
    parties,
    to_date,
    write_date,
    write_decimal,
    write_implied,
    write_item_pairs,
    write_party,
)
from edi_maps.x12.maps.loops import first, split
from edi_maps.x12.maps.terms import terms_row, terms_text
from gateway.canonical import Body, Charge, Invoice, InvoiceLine, Kind

_N1 = frozenset({"N2", "N3", "N4", "REF", "PER", "DMG"})
# Nested loops (trigger → its other segments) of the header, an IT1 line and the
# summary, 004010 and 005010 (whose SAC loops nest a TXI loop with DTM).
_HEADER_LOOPS: Mapping[str, frozenset[str]] = {
    "N1": _N1, "LM": frozenset({"LQ"}), "N9": frozenset({"MSG"}),
    "V1": frozenset({"R4", "DTM"}), "FA1": frozenset({"FA2"}),
}  # fmt: skip
_LINE_LOOPS: Mapping[str, frozenset[str]] = {
    **_HEADER_LOOPS,
    "PID": frozenset({"MEA"}),
    "SAC": frozenset({"TXI", "DTM"}),
    "SLN": frozenset({"DTM", "REF", "PID", "SAC", "TC2", "TXI"}),
}
_SUMMARY_LOOPS: Mapping[str, frozenset[str]] = {
    "SAC": frozenset({"TXI", "DTM"}),
    "ISS": frozenset({"PID"}),
}
SIGN = {"A": Decimal(-1), "C": Decimal(1)}  # SAC01: allowance, charge (others are not money)
LINE_TOTAL = "1"  # PAM04 amount qualifier: line item total
CURRENCY_ENTITY = "SE"  # CUR01 written: the selling party's currency
TAX_TYPE = "TX"  # TXI01 written: all taxes
MUTUALLY_DEFINED = "ZZ"  # SAC03 agency written when the charge type is no SAC02 code


class InvoiceMap:
    set_id = "810"
    functional_id = "IN"
    kind = Kind.INVOICE
    body_type = Invoice

    def read(self, rows: Sequence[Row], context: ReadContext) -> Body:
        header, lines, summary = _areas(rows)
        big = first(header, "BIG")
        number = element(big, 2)
        if number is None:
            raise MappingError("810 without an invoice number (BIG02)")
        own, nested = split(header, _HEADER_LOOPS)
        parts = [split(line[1:], _LINE_LOOPS) for line in lines]
        line_loops = [loop for _, loops in parts for loop in loops]
        total_own, total_loops = split(summary, _SUMMARY_LOOPS)
        return Invoice(
            invoice_number=number,
            invoice_date=to_date(element(big, 1)),
            po_number=element(big, 4),
            currency=element(first(own, "CUR"), 2),
            parties=parties(nested),
            terms=terms_text(own),
            lines=[_line(line[0], *part) for line, part in zip(lines, parts, strict=True)],
            charges=_charges(total_loops) or _charges(line_loops),
            tax_total=_tax_total(total_own, total_loops, parts),
            total_amount=implied(element(first(total_own, "TDS"), 1), 2),
        )

    def write(self, body: Body, context: WriteContext) -> list[Row]:
        if not isinstance(body, Invoice):
            raise MappingError(f"810 writes an invoice, not {type(body).__name__}")
        if body.invoice_date is None or body.total_amount is None:
            raise MappingError("810 needs invoice_date (BIG01) and total_amount (TDS01)")
        date = write_date(body.invoice_date, context.version)
        rows: list[Row] = [["BIG", date, body.invoice_number, "", body.po_number or ""]]
        if body.currency:
            rows.append(["CUR", CURRENCY_ENTITY, body.currency])
        for value in body.parties:
            rows.extend(write_party(value, context.version))
        if body.terms:
            rows.append(terms_row(body.terms))
        for line in body.lines:
            rows.extend(_line_rows(line))
        rows.append(["TDS", write_implied(body.total_amount, 2)])
        if body.tax_total is not None:
            rows.append(["TXI", TAX_TYPE, write_decimal(body.tax_total)])
        rows.extend(_sac(charge) for charge in body.charges)
        rows.append(["CTT", str(len(body.lines))])
        return rows


# -- reading ----------------------------------------------------------------------


def _areas(rows: Sequence[Row]) -> tuple[list[Row], list[list[Row]], list[Row]]:
    """Header (BIG up to the first IT1), each IT1 line, and the summary (from TDS)."""
    header: list[Row] = []
    lines: list[list[Row]] = []
    summary: list[Row] = []
    for row in rows[1:]:
        tag = row[0]
        if tag == "SE":
            break
        if summary or tag == "TDS":
            summary.append(row)
        elif tag == "IT1":
            lines.append([row])
        else:
            (lines[-1] if lines else header).append(row)
    return header, lines, summary


def _line(it1: Row, own: list[Row], nested: list[list[Row]]) -> InvoiceLine:
    """An IT1 line; its amount is a PAM line total if given, else quantity × price."""
    quantity, price = decimal(element(it1, 2)), decimal(element(it1, 4))
    amount = decimal(element(first(own, "PAM", LINE_TOTAL, position=4), 5))
    if amount is None and quantity is not None and price is not None:
        amount = quantity * price
    pids = [loop[0] for loop in nested if loop[0][0] == "PID"]
    return InvoiceLine(
        line_number=element(it1, 1),
        item=item_ids(pairs(it1, 6, 25), description(pids)),
        quantity_invoiced=quantity,
        uom=element(it1, 3),
        unit_price=price,
        amount=amount,
    )


def _charges(loops: Sequence[list[Row]]) -> list[Charge]:
    """Allowances and charges of the SAC loops among ``loops``.

    Read from the summary, else from the lines, never both: some senders repeat
    the lines' charges as summary totals, and adding both would count them twice.
    """
    sacs = [loop[0] for loop in loops if loop[0][0] == "SAC"]
    return [charge for sac in sacs if (charge := _charge(sac)) is not None]


def _charge(sac: Row) -> Charge | None:
    """An allowance (negative) or charge; SAC02 names it, else the agency's SAC04 code."""
    sign, kind = SIGN.get(element(sac, 1) or ""), element(sac, 2) or element(sac, 4)
    if sign is None or kind is None:
        return None
    amount = implied(element(sac, 5), 2)
    if amount is not None:
        amount = -abs(amount) if sign < 0 else amount
    return Charge(type=kind, amount=amount, description=element(sac, 15))


def _tax_total(
    total_own: list[Row],
    total_loops: list[list[Row]],
    lines: list[tuple[list[Row], list[list[Row]]]],
) -> Decimal | None:
    """The summary's TXI amounts (its own and its charges'), else the lines' ones.

    Why not both: a sender that itemizes tax per line and also totals it in the
    summary would be counted twice.
    """
    summary = _tax([*total_own, *(row for loop in total_loops for row in loop)])
    if summary is not None:
        return summary
    charges = [row for _, loops in lines for loop in loops if loop[0][0] == "SAC" for row in loop]
    return _tax([*(row for own, _ in lines for row in own), *charges])


def _tax(rows: Sequence[Row]) -> Decimal | None:
    amounts = [decimal(value) for row in rows if row[0] == "TXI" if (value := element(row, 2))]
    return sum((a for a in amounts if a is not None), Decimal(0)) if amounts else None


# -- writing ----------------------------------------------------------------------


def _line_rows(line: InvoiceLine) -> list[Row]:
    """IT1 (IT102-IT104 all or none), PAM when the amount is not quantity × price, PID."""
    values = (line.quantity_invoiced, line.uom, line.unit_price)
    if any(v is None for v in values) and any(v is not None for v in values):
        raise MappingError(f"810 line {line.line_number}: quantity, uom and price go together")
    quantity, uom, price = values
    ids = write_item_pairs(line.item)
    rows: list[Row] = [
        ["IT1", line.line_number or "", write_decimal(quantity), uom or "",
         write_decimal(price), "", *ids]
    ]  # fmt: skip
    computed = quantity * price if quantity is not None and price is not None else None
    if line.amount is not None and line.amount != computed:
        rows.append(["PAM", "", "", "", LINE_TOTAL, write_decimal(line.amount)])
    if line.item.description:
        rows.append(["PID", "F", "", "", "", line.item.description])
    return rows


def _sac(charge: Charge) -> Row:
    """SAC01 A for a negative amount, else C; SAC05 the absolute amount, 2 implied decimals."""
    amount = charge.amount
    indicator = "A" if amount is not None and amount < 0 else "C"
    absolute = write_implied(abs(amount), 2) if amount is not None else ""
    code = charge.type
    coded = len(code) == 4 and code.isalnum() and code.upper() == code
    row = ["SAC", indicator, code if coded else "", "" if coded else MUTUALLY_DEFINED,
           "" if coded else code, absolute]  # fmt: skip
    if charge.description:
        row.extend([*[""] * 9, charge.description])
    return row


INVOICE_810 = InvoiceMap()
