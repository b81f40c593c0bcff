"""INVOIC ↔ invoice: header (BGM, DTM, RFF, NAD, CUX, PAT, ALC), LIN groups, summary.

The INVOIC repeats tags at several levels with different meanings: an RFF of the
header's first group is the invoice's reference, one after a NAD the party's; a
TAX/MOA is the header's, a line's, an allowance's or the summary's; an ALC is
the invoice's, a line's or the summary's total of them. So reading cuts the
message by the INVOIC table (header up to the first LIN, each LIN group, the
summary from UNS) and each part into its groups, by tag, before reading values.
Group numbers differ between directories (lines are SG25 in D96A, SG26 in
D01B); tags do not, so every directory reads the same way.

=================  ==============================================================
canonical          INVOIC
=================  ==============================================================
invoice_number     BGM 1004 (C106 from D01B on); BGM 1001 a credit note: MappingError
invoice_date       header DTM 137, else DTM 3 (invoice date)
po_number          header RFF ON, else CO (the first reference group)
parties            header NAD groups (``common.party``)
currency           CUX C504 with 6343 4 (invoicing currency), else the first C504
terms              PAT groups ("2% 10 net 30", ``common.payment_terms``), FTX AAB
lines[]            LIN groups: 1082; ids of LIN C212 and the PIAs naming the item
                   (4347 blank, 1, 5); IMD; QTY 47 (else 46, 12) and its
                   unit; MOA 203 (else 66, 38), else quantity × price; PRI AAA
                   (else INV, CAL, AAB) divided by its unit price basis (5284)
charges[]          ALC groups (5463 A allowance, made negative; C charge) of the
                   header, else of the summary, else of the lines, never two of
                   them (a summary repeats the others' totals; line allowances are
                   in the line amounts): type C214 7161 (else C552 5189, 1230),
                   description C214 7160; MOA 8 (else 23, 204, 131)
tax_total          summary MOA 176, else the summary's MOA 124, else the sum of
                   the summary's TAX groups' MOA 124, else of the lines' ones
total_amount       summary MOA 77 (invoice amount: lines, charges and taxes), else
                   86 (message total), 39 (invoice total), 388 (total including
                   VAT), 128 (total amount), 9 (amount due)
=================  ==============================================================

Untyped charges (no 7161, 5189, 1230) are named by their 7160 text, else
"allowance" / "charge". What contract v1 cannot hold is read past: the document
type (a credit note is refused, as its amounts would post as an invoice's), dates
other than the invoice's, references other than the order, taxes by rate, line
references, parties and terms, alternative currencies.

Writing (directories D96A to D01B, ``orders.check_directory``) needs the invoice
date (the header DTM is mandatory) and total (the summary MOA is, from D99B on),
and emits BGM 380, DTM 137, FTX AAB, RFF ON, NAD, CUX 2:…:4, PAT/PCD, ALC + MOA 8
(the charges, at the header), then per line LIN and PIA (``orders.write_lin_pia``:
a GTIN is 7143 EN before D01B, SRV in it), IMD, QTY 47, MOA 203, PRI AAA, and
UNS, MOA 77, MOA 176. A charge type that fits 7161 (an..3) is written there with
its description in 7160; another is the 7160 text itself and can have none.
Amounts are R-type values with an explicit decimal mark (read with the UNA's),
never implied decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

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
)
from gateway.canonical import Body, Charge, Invoice, InvoiceLine, Kind

COMMERCIAL_INVOICE, ORIGINAL = "380", "9"  # BGM 1001 and 1225 written
# BGM 1001 codes of credit notes: goods or services, financial adjustments,
# self-billed, consolidated, price variation, delcredere, credit note, factored,
# forwarder's.
CREDIT_NOTES = frozenset({"81", "83", "261", "262", "296", "308", "381", "396", "532"})
INVOICE_DATE = ("137", "3")  # DTM 2005: document date, invoice date
ORDER = ("ON", "CO")  # RFF 1153: order number (purchase), customer order number
REFERENCE_CURRENCY, INVOICING_CURRENCY = "2", "4"  # CUX 6347, 6343
INVOICED = ("47", "46", "12")  # QTY 6063: invoiced, delivered, despatched quantity
LINE_AMOUNT = ("203", "66", "38")  # MOA 5025: line item amount, goods item total, item amount
PRICES = ("AAA", "INV", "CAL", "AAB")  # PRI 5125: net, invoice, calculation, gross price
SIGN = {"A": Decimal(-1), "C": Decimal(1)}  # ALC 5463: allowance, charge (others: no money)
UNTYPED = {"A": "allowance", "C": "charge"}  # Charge.type of an ALC without any type
CHARGE_AMOUNT = ("8", "23", "204", "131")  # MOA 5025: allowance or charge, charge,
# allowance amount, total charges/allowances
TAX_AMOUNT, TAX_TOTAL = "124", "176"  # MOA 5025: tax amount, message total duty/tax/fee
TOTAL_AMOUNT = ("77", "86", "39", "388", "128", "9")  # MOA 5025, see the table above
DETAIL = "S"  # UNS 0081: the summary follows
CODE_SIZE, TEXT_PART = 3, 35  # C214: 7161 an..3, two 7160 an..35

# The message's parts, by tag (INVOIC D93A to D10A).
_HEADER_OWN = frozenset({"BGM", "DTM", "PAI", "ALI", "IMD", "FTX", "GIR", "LOC", "GIS", "DGS"})
_REFERENCE_GROUP = frozenset({"RFF", "DTM"})
_TERMS_GROUP = frozenset({"DTM", "PCD", "MOA", "PAI", "FII"})
_ALLOWANCE_GROUP = frozenset(
    {"ALI", "FTX", "RFF", "DTM", "QTY", "RNG", "PCD", "MOA", "RTE", "TAX", "CUX"}
)
_TAX_GROUP = frozenset({"MOA", "LOC"})
_LINE_OWN = frozenset(
    {"LIN", "PIA", "IMD", "MEA", "QTY", "PCD", "ALI", "DTM", "GIN", "GIR", "QVR", "EDT",
     "FTX", "DOC"}
)  # fmt: skip
_SUMMARY_OWN = frozenset({"UNS", "CNT", "MOA", "RFF", "DTM"})
_DETAIL = frozenset({"LIN", "UNS", "UNT"})
_SUMMARY = frozenset({"UNS", "UNT"})


class InvoicMap:
    message_type = "INVOIC"
    kind = Kind.INVOICE
    body_type = Invoice

    def read(self, rows: Sequence[Row], context: ReadContext) -> Body:
        mark = context.chars.decimal
        header = until(rows[1:], _DETAIL)
        bgm = first(header, "BGM")
        number = value(bgm, 2)
        if number is None:
            raise MappingError("INVOIC without an invoice number (BGM 1004)")
        if value(bgm, 1) in CREDIT_NOTES:
            raise MappingError(
                f"INVOIC {number} is a credit note (BGM {value(bgm, 1)}): contract v1 has no "
                "field to tell it from an invoice"
            )
        own = leading(header, _HEADER_OWN)
        references = [r for r in leading(header[len(own) :], _REFERENCE_GROUP) if r[0][0] == "RFF"]
        lines = groups(rows, "LIN", _SUMMARY)
        start = next((i for i, row in enumerate(rows) if row[0][0] == "UNS"), len(rows))
        summary = [row for row in rows[start:] if row[0][0] != "UNT"]
        summary_own = leading(summary, _SUMMARY_OWN)
        return Invoice(
            invoice_number=number,
            invoice_date=date_of(own, INVOICE_DATE),
            po_number=value(_first_of(references, "RFF", ORDER), 1, 2),
            currency=_currency(header),
            parties=[p for row in header if row[0][0] == "NAD" if (p := party(row))],
            terms=payment_terms(_trailing_groups(header, "PAT", _TERMS_GROUP), own, mark),
            lines=[_line(line, mark) for line in lines],
            charges=_charges(header, mark)
            or _charges(summary, mark)
            or [charge for line in lines for charge in _charges(line[1:], mark)],
            tax_total=_tax_total(summary_own, summary, lines, mark),
            total_amount=_amount(summary_own, TOTAL_AMOUNT, mark),
        )

    def write(self, body: Body, context: WriteContext) -> list[Row]:
        if not isinstance(body, Invoice):
            raise MappingError(f"INVOIC writes an invoice, not {type(body).__name__}")
        check_directory(context.version)
        if body.invoice_date is None or body.total_amount is None:
            raise MappingError(
                "INVOIC needs invoice_date (the header DTM is mandatory) and total_amount "
                "(the summary MOA is, from D.99B on)"
            )
        free_text, structured = write_payment_terms(body.terms)
        rows: list[Row] = [[["BGM"], [COMMERCIAL_INVOICE], [body.invoice_number], [ORIGINAL]]]
        rows.append(write_dtm(INVOICE_DATE[0], body.invoice_date))
        rows.extend(free_text)
        if body.po_number:
            rows.append([["RFF"], [ORDER[0], body.po_number]])
        rows.extend(write_nad(member) for member in body.parties)
        if body.currency:
            rows.append([["CUX"], [REFERENCE_CURRENCY, body.currency, INVOICING_CURRENCY]])
        rows.extend(structured)
        for charge in body.charges:
            rows.extend(_charge_rows(charge))
        for line in body.lines:
            rows.extend(_line_rows(line, context.version))
        rows.append([["UNS"], [DETAIL]])
        rows.append([["MOA"], [TOTAL_AMOUNT[0], write_decimal(body.total_amount)]])
        if body.tax_total is not None:
            rows.append([["MOA"], [TAX_TOTAL, write_decimal(body.tax_total)]])
        return rows


# -- reading: the message's parts ---------------------------------------------------


def _trailing_groups(rows: Sequence[Row], trigger: str, members: frozenset[str]) -> list[list[Row]]:
    """Each ``trigger`` row of ``rows`` with the ``members`` rows right after it."""
    return [
        [row, *leading(rows[index + 1 :], members)]
        for index, row in enumerate(rows)
        if row[0][0] == trigger
    ]


def _first_of(rows: Sequence[Row], tag: str, qualifiers: Sequence[str]) -> Row | None:
    """The first ``tag`` row of the first of ``qualifiers`` that occurs (preference order)."""
    return next((row for q in qualifiers if (row := first(rows, tag, q)) is not None), None)


def _amount(rows: Sequence[Row], qualifiers: Sequence[str], mark: str) -> Decimal | None:
    """The amount of the first MOA among ``rows`` of the first of ``qualifiers`` given."""
    for qualifier in qualifiers:
        for row in rows:
            if row[0][0] == "MOA" and value(row, 1) == qualifier and value(row, 1, 2):
                return decimal(value(row, 1, 2), mark)
    return None


def _currency(header: Sequence[Row]) -> str | None:
    """The invoicing currency (C504 6343 4) of the header's CUX, else its first one."""
    cuxes = [row for row in header if row[0][0] == "CUX"]
    details = [(value(row, e, 2), value(row, e, 3)) for row in cuxes for e in (1, 2)]
    invoicing = [code for code, kind in details if code and kind == INVOICING_CURRENCY]
    return next(iter(invoicing), None) or next((code for code, _ in details if code), None)


# -- reading: values -----------------------------------------------------------------


def _line(line: Sequence[Row], mark: str) -> InvoiceLine:
    """A LIN group; money before its allowance groups is the line's own."""
    own = leading(line, _LINE_OWN)
    before_allowances = until(line, frozenset({"ALC"}))
    quantity, uom = quantity_of(own, INVOICED, mark)
    price = price_of(before_allowances, PRICES, mark)
    amount = _amount(before_allowances, LINE_AMOUNT, mark)
    if amount is None and quantity is not None and price is not None:
        amount = quantity * price
    return InvoiceLine(
        line_number=value(line[0], 1),
        item=item_ids(product_pairs(own), description(own)),
        quantity_invoiced=quantity,
        uom=uom,
        unit_price=price,
        amount=amount,
    )


def _charges(rows: Sequence[Row], mark: str) -> list[Charge]:
    """The allowances (negative) and charges of the ALC groups among ``rows``."""
    found = (_charge(group, mark) for group in _trailing_groups(rows, "ALC", _ALLOWANCE_GROUP))
    return [charge for charge in found if charge is not None]


def _charge(group: Sequence[Row], mark: str) -> Charge | None:
    alc = group[0]
    indicator = value(alc, 1) or ""
    sign = SIGN.get(indicator)
    if sign is None:
        return None
    text = "".join(alc[5][3:5]).rstrip() or None if len(alc) > 5 else None  # C214 7160s
    code = value(alc, 5) or value(alc, 2, 2) or value(alc, 2)  # 7161, 5189, 1230
    amount = _amount(group[1:], CHARGE_AMOUNT, mark)
    if amount is not None and sign < 0:
        amount = -abs(amount)
    if code is not None:
        return Charge(type=code, amount=amount, description=text)
    return Charge(type=text or UNTYPED[indicator], amount=amount)


def _tax_total(
    summary_own: Sequence[Row], summary: Sequence[Row], lines: Sequence[Sequence[Row]], mark: str
) -> Decimal | None:
    """MOA 176 (else 124) of the summary, else its TAX groups', else the lines' ones.

    Never two of them added: a sender that gives the tax per line and in total
    would be counted twice.
    """
    total = _amount(summary_own, (TAX_TOTAL, TAX_AMOUNT), mark)
    if total is not None:
        return total
    in_summary = _tax(summary, mark)
    if in_summary is not None:
        return in_summary
    amounts = [
        a for line in lines if (a := _tax(until(line, frozenset({"ALC"})), mark)) is not None
    ]
    return sum(amounts, Decimal(0)) if amounts else None


def _tax(rows: Sequence[Row], mark: str) -> Decimal | None:
    """The sum of the MOA 124 of the TAX groups among ``rows`` (None: there is none)."""
    amounts = [
        decimal(value(row, 1, 2), mark)
        for group in _trailing_groups(rows, "TAX", _TAX_GROUP)
        for row in group[1:]
        if row[0][0] == "MOA" and value(row, 1) == TAX_AMOUNT and value(row, 1, 2)
    ]
    return sum((a for a in amounts if a is not None), Decimal(0)) if amounts else None


# -- writing --------------------------------------------------------------------------


def _line_rows(line: InvoiceLine, version: str) -> list[Row]:
    """LIN (and PIA), IMD, QTY 47, MOA 203, PRI AAA."""
    rows = write_lin_pia(line.line_number, None, line.item, version)
    if line.item.description:
        rows.extend(write_imd(line.item.description))
    if line.quantity_invoiced is not None:
        quantity = write_decimal(line.quantity_invoiced)
        rows.append(trim([["QTY"], [INVOICED[0], quantity, line.uom or ""]]))
    elif line.uom:
        raise MappingError(f"INVOIC line {line.line_number}: a uom needs quantity_invoiced")
    if line.amount is not None:
        rows.append([["MOA"], [LINE_AMOUNT[0], write_decimal(line.amount)]])
    if line.unit_price is not None:
        rows.append([["PRI"], [PRICES[0], write_decimal(line.unit_price)]])
    return rows


def _charge_rows(charge: Charge) -> list[Row]:
    """ALC (A for a negative amount, else C) with its type in C214, and MOA 8.

    A type that fits 7161 (an..3 code) goes there with the description in the two
    7160s; any other type is the 7160 text itself, which leaves no room for a
    description.
    """
    amount = charge.amount
    indicator = "A" if amount is not None and amount < 0 else "C"
    kind, text = charge.type, charge.description
    coded = (
        0 < len(kind) <= CODE_SIZE and kind.isalnum() and kind.isascii() and kind.upper() == kind
    )
    if coded:
        special = [kind, "", "", *_parts(text or "")]
    elif kind == UNTYPED[indicator] and text is None:
        special = [""]
    elif text is not None:
        raise MappingError(
            f"INVOIC charge {kind!r}: a type that is no 7161 code leaves no room for a description"
        )
    else:
        special = ["", "", "", *_parts(kind)]
    rows: list[Row] = [trim([["ALC"], [indicator], [""], [""], [""], special])]
    if amount is not None:
        rows.append([["MOA"], [CHARGE_AMOUNT[0], write_decimal(abs(amount))]])
    return rows


def _parts(text: str) -> list[str]:
    """``text`` as C214's two 7160 parts (reading runs them on)."""
    if len(text) > 2 * TEXT_PART:
        raise MappingError(
            f"an allowance or charge text of {len(text)} characters does not fit C214"
        )
    return [text[:TEXT_PART], text[TEXT_PART:]]


INVOIC_MAP = InvoicMap()
