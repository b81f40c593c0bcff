"""The ERP's item master as the matching rules see it: each item's identifiers (our part,
the vendor's part, GTIN, UPC) under the ERP's item number (SPEC §5, 856 against item
masters).

The gateway keeps a copy (synchronised from the ERP, ``services.item_master``) so a
rule reads it in one query inside its own transaction rather than calling the ERP per
line: matching must not stop when the ERP is slow or away.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from gateway.canonical import ItemIds
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
