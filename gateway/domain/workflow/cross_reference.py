"""The ERP's item master as the matching rules see it: each item's identifiers (our part,
the vendor's part, GTIN, UPC) under the ERP's item number (SPEC §5, 856 against item
masters).

The gateway keeps a copy (synchronised from the ERP, ``services.item_master``) so a
rule reads it in one query inside its own transaction rather than calling the ERP per
line: matching must not stop when the ERP is slow or away.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TypeVar

from gateway.canonical import (
    AckLine,
    Invoice,
    InvoiceLine,
    ItemIds,
    OrderLine,
    PoAcknowledgement,
    PurchaseOrder,
    Receipt,
    ReceiptLine,
    ShipNotice,
    ShippedItem,
    ShippedOrder,
)
from gateway.domain.workflow.items import codes


@dataclass(frozen=True, slots=True)
class MasterItem:
    """One item of the ERP's item master: ``key`` is the ERP's own item number."""

    key: str
    ids: ItemIds = field(default_factory=ItemIds)


class CrossReference:
    """The master items relevant to one document (or none: the gateway holds no master
    yet, and rules compare the documents' own identifiers only)."""

    def __init__(self, items: Iterable[MasterItem] = ()) -> None:
        self._by_code: dict[str, MasterItem] = {}
        for item in items:
            for code in codes(item.ids) | {f"k:{item.key}"}:
                self._by_code.setdefault(code, item)

    @property
    def empty(self) -> bool:
        return not self._by_code

    def find(self, item: ItemIds) -> MasterItem | None:
        """The master item any of ``item``'s identifiers names (the first in the order
        buyer part, trade codes, the vendor's part)."""
        for code in sorted(codes(item)):
            found = self._by_code.get(code)
            if found is not None:
                return found
        return None

    def expand(self, item: ItemIds) -> ItemIds:
        """``item`` with the identifiers it lacks taken from its master item; its own
        values are kept (the document says what it says)."""
        known = self.find(item) if self._by_code else None
        if known is None:
            return item
        master = known.ids
        return ItemIds(
            buyer_item=item.buyer_item or master.buyer_item,
            vendor_item=item.vendor_item or master.vendor_item,
            gtin=item.gtin or master.gtin,
            upc=item.upc or master.upc,
            description=item.description or master.description,
        )


Lined = PurchaseOrder | PoAcknowledgement | Receipt | Invoice
B = TypeVar("B", PurchaseOrder, PoAcknowledgement, Receipt, Invoice, ShipNotice)


def items_of(body: Lined | ShipNotice) -> Iterator[ItemIds]:
    """Every item a document names (what to look up in the master)."""
    if isinstance(body, ShipNotice):
        for order in body.orders:
            yield from (item.item for item in shipped_items(order))
        return
    yield from (line.item for line in body.lines)


def widen(body: B, xref: CrossReference) -> B:
    """``body`` with each item's identifiers widened through the master (the rules then
    compare documents that name one item differently — our part on the PO, the GTIN on
    the receipt, the vendor's part on the invoice — as the same item)."""
    if xref.empty:
        return body
    if isinstance(body, ShipNotice):
        orders = [
            replace(
                order,
                packs=[replace(p, items=_widened(p.items, xref)) for p in order.packs],
                items=_widened(order.items, xref),
            )
            for order in body.orders
        ]
        return replace(body, orders=orders)
    return replace(body, lines=_widened(body.lines, xref))


L = TypeVar("L", OrderLine, AckLine, ReceiptLine, InvoiceLine, ShippedItem)


def _widened(lines: list[L], xref: CrossReference) -> list[L]:
    return [replace(line, item=xref.expand(line.item)) for line in lines]


def shipped_items(order: ShippedOrder) -> list[ShippedItem]:
    """An order's items, from its packs and the flat list alike."""
    return [item for pack in order.packs for item in pack.items] + list(order.items)
