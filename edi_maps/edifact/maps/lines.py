"""Line-item segments every EDIFACT map shares: LIN/PIA item ids, QTY, PRI, DTM by
qualifier, and the directories the writers write.

ORDERS, ORDRSP, DESADV and INVOIC describe a line with the same segments, read in
the same order of preference, so reading and writing them lives here once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from edi_maps.edifact.maps.common import (
    ITEM_CODES,
    decimal,
    dtm,
    item_pairs,
    to_date,
    trim,
    value,
    write_decimal,
)
from edi_maps.edifact.segments import Row
from edi_maps.errors import MappingError
from gateway.canonical import ItemIds


def leading(rows: Sequence[Row], tags: frozenset[str]) -> list[Row]:
    """The rows before the first one whose tag is not in ``tags``: a section's or a
    group's own segments, before its first nested group. The tags are the ones the
    table places there, so a group they do not know ends the run rather than joining it."""
    kept: list[Row] = []
    for row in rows:
        if row[0][0] not in tags:
            break
        kept.append(row)
    return kept


# PIA 4347 product id function codes that identify the product itself (blank, 1
# additional identification, 5 product identification); 2-4 are substitutes, 6-8
# successors, predecessors and expired numbers: other products.
IDENTIFYING = frozenset({"", "1", "5"})
ADDITIONAL = "1"  # PIA 4347 written


def product_pairs(rows: Sequence[Row]) -> list[tuple[str | None, str | None]]:
    """(number, type) of the LIN's C212 and of the C212s of the PIAs among ``rows`` that
    identify the product itself (4347 in ``IDENTIFYING``)."""
    return item_pairs([row for row in rows
                       if row[0][0] != "PIA" or (value(row, 1) or "") in IDENTIFYING])  # fmt: skip


def quantity_of(
    rows: Sequence[Row], qualifiers: Sequence[str], mark: str = "."
) -> tuple[Decimal | None, str | None]:
    """The quantity and unit (QTY C186 6060, 6411) of the first of ``qualifiers``, in
    their order, that a QTY among ``rows`` holds."""
    for qualifier in qualifiers:
        for row in rows:
            if row[0][0] == "QTY" and value(row, 1) == qualifier and value(row, 1, 2):
                return decimal(value(row, 1, 2), mark), value(row, 1, 3)
    return None, None


def price_of(rows: Sequence[Row], qualifiers: Sequence[str], mark: str = ".") -> Decimal | None:
    """The unit price of the first PRI whose C509 5125 is one of ``qualifiers`` (in their
    order): 5118, divided by the unit price basis 5284 when one other than 1 is given."""
    for qualifier in qualifiers:
        for row in rows:
            if row[0][0] == "PRI" and value(row, 1) == qualifier and value(row, 1, 2):
                price = decimal(value(row, 1, 2), mark)
                basis = decimal(value(row, 1, 5), mark)
                if price is not None and basis is not None and basis not in (0, 1):
                    return price / basis
                return price
    return None


def date_of(rows: Sequence[Row], qualifiers: Sequence[str]) -> date | None:
    """The day of the first DTM among ``rows`` whose 2005 is one of ``qualifiers`` (in
    their order); a DTM without a value is passed over."""
    for qualifier in qualifiers:
        for row in rows:
            if row[0][0] == "DTM" and value(row, 1) == qualifier and value(row, 1, 2):
                return to_date(dtm(row))
    return None


# The directories whose LIN, PIA, IMD, QTY, PRI, DTM, NAD, RFF… the write helpers
# write; before D97A, LIN 1082 is numeric (n..6), from it alphanumeric (an..6).
WRITTEN_DIRECTORIES = ("D96A", "D96B", "D97A", "D97B", "D98A", "D98B", "D99A", "D99B",
                       "D00A", "D00B", "D01A", "D01B")  # fmt: skip
_NUMERIC_LINE_NUMBERS = ("D96A", "D96B")
_LINE_NUMBER = re.compile(r"[0-9]{1,6}")
# The item's ids in the order LIN takes them (PIA 1 holds the rest), and their 7143
# codes: the first of ``ITEM_CODES``, but the GTIN's before D01B, whose 7143 lists
# EN (EAN) and not EANCOM 2002's SRV.
_LIN_ORDER = ("gtin", "upc", "vendor_item", "buyer_item")
_GTIN_BEFORE_D01B = "EN"


def check_directory(version: str) -> None:
    """Refuse a directory the write helpers do not write."""
    if version not in WRITTEN_DIRECTORIES:
        raise MappingError(f"directory {version!r} is not written (one of {WRITTEN_DIRECTORIES})")


def write_lin_pia(
    line_number: str | None, action: str | None, item: ItemIds, version: str
) -> list[Row]:
    """LIN (1082 line number, 1229 action, C212 the first of the item's GTIN, UPC,
    vendor's and buyer's numbers) and a PIA 1 (additional identification) with the rest.
    A GTIN is 7143 EN before D01B, SRV in it (both read as a GTIN)."""
    check_directory(version)
    if line_number is not None:
        if version in _NUMERIC_LINE_NUMBERS and not _LINE_NUMBER.fullmatch(line_number):
            raise MappingError(f"line number {line_number!r} is not LIN 1082 n..6 of {version}")
        if len(line_number) > 6:
            raise MappingError(f"line number {line_number!r} is longer than LIN 1082 an..6")
    codes = {name: ITEM_CODES[name][0] for name in _LIN_ORDER}
    if version != "D01B":
        codes["gtin"] = _GTIN_BEFORE_D01B
    pairs = [(number, codes[name]) for name in _LIN_ORDER if (number := getattr(item, name))]
    lin: Row = [["LIN"], [line_number or ""], [action or ""], list(pairs[0]) if pairs else [""]]
    rows = [trim(lin)]
    if len(pairs) > 1:
        rows.append([["PIA"], [ADDITIONAL], *(list(pair) for pair in pairs[1:])])
    return rows


def write_quantity(qualifier: str, quantity: Decimal | None, uom: str | None) -> list[Row]:
    """QTY C186 (6063, 6060, 6411) when there is a quantity; a unit alone cannot be
    written (6060 is mandatory)."""
    if quantity is None:
        return []
    return [trim([["QTY"], [qualifier, write_decimal(quantity), uom or ""]])]
