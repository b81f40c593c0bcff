"""Finding a document's line on the PO (or ASN) it refers to, and saying it in words.

A line is the same item when any identifier agrees — our (buyer) part, the vendor's
part, or GTIN/UPC (a UPC-A is the GTIN-14 with leading zeros, so both are compared
without them). The ERP's item master (``cross_reference``) widens an item's
identifiers first, so an ASN naming only the GTIN finds the PO line naming only our
part. The line number only breaks ties, or places a line that carries no identifier.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import TypeVar

from gateway.canonical import ItemIds

T = TypeVar("T")


def codes(item: ItemIds) -> set[str]:
    """Every identifier, trade codes without leading zeros (GTIN-14 = 00 + UPC-A)."""
    codes = {
        f"b:{item.buyer_item}" if item.buyer_item else "",
        f"v:{item.vendor_item}" if item.vendor_item else "",
    }
    for trade in (item.gtin, item.upc):
        if trade and trade.strip().isdigit():
            codes.add(f"g:{trade.strip().lstrip('0')}")
        elif trade:
            codes.add(f"g:{trade.strip()}")
    codes.discard("")
    return codes


def identified(item: ItemIds) -> bool:
    return bool(codes(item))


def same_item(one: ItemIds, other: ItemIds) -> bool:
    return bool(codes(one) & codes(other))


def find_line(
    lines: Sequence[T],
    item: ItemIds,
    line_number: str | None,
    item_of: Callable[[T], ItemIds],
    number_of: Callable[[T], str | None],
) -> T | None:
    """The line of ``lines`` that ``item`` (on line ``line_number``) refers to, or None."""
    candidates = [line for line in lines if same_item(item, item_of(line))]
    if len(candidates) > 1 and line_number is not None:
        numbered = [line for line in candidates if number_of(line) == line_number]
        return numbered[0] if numbered else candidates[0]
    if candidates:
        return candidates[0]
    if not identified(item) and line_number is not None:
        return line_by_number(lines, line_number, number_of)
    return None


def line_by_number(
    lines: Sequence[T], line_number: str | None, number_of: Callable[[T], str | None]
) -> T | None:
    if line_number is None:
        return None
    return next((line for line in lines if number_of(line) == line_number), None)


def describe(item: ItemIds) -> str:
    """``item 100-200 (vendor AC-77)``: what a buyer searches the ERP by."""
    ours = item.buyer_item or item.gtin or item.upc or item.description
    vendor = f"vendor {item.vendor_item}" if item.vendor_item else None
    if ours and vendor:
        return f"item {ours} ({vendor})"
    return f"item {ours or vendor or '(no identifier)'}"


def line_label(number: str | None, item: ItemIds) -> str:
    """The stable name of a line in an exception's identity and text."""
    return f"line {number} {describe(item)}" if number else describe(item)


def amount(value: Decimal | None) -> str:
    """A decimal as a person writes a count: ``24`` not ``24.000``, ``2.5`` kept."""
    if value is None:
        return "?"
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def quantity(value: Decimal | None, uom: str | None) -> str:
    return f"{amount(value)} {uom}" if uom else amount(value)


def money(value: Decimal | None, currency: str | None) -> str:
    """At least two decimals (``12.50``), more when the price has them."""
    if value is None:
        return "?"
    text = amount(value)
    whole, _, fraction = text.partition(".")
    text = f"{whole}.{fraction.ljust(2, '0')}"
    return f"{text} {currency}" if currency else text


def day(value: date | None) -> str:
    return value.isoformat() if value else "?"


def same_uom(one: str | None, other: str | None) -> bool:
    """Units agree, or one side does not say (nothing to compare)."""
    return one is None or other is None or one.strip().upper() == other.strip().upper()
