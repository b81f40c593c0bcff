"""Which system of record owns which data (SPEC §5 and the issue's authority rules).

The ERP owns orders, prices and finance; the WMS physical inventory and receipts; the
supplier its confirmations and shipments. A document whose source owns the data it
differs on is an *update*: it goes on to the systems, and a difference beyond tolerance
still becomes an exception so the other side can act (a supplier confirming 20 of 24).
A document that differs on data its source does *not* own is a *conflict*: it is held,
so that it never overwrites the owner's value, and the exception says who owns it.

The map is configurable per partner (profile ``authority``): a supplier that sets its
own prices (consignment) owns ``prices``, and its price changes then go on as updates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class Source(StrEnum):
    ERP = "erp"
    WMS = "wms"
    SUPPLIER = "supplier"


class DataDomain(StrEnum):
    ORDERS = "orders"  # what was ordered: items, quantities, requested dates
    PRICES = "prices"
    FINANCE = "finance"  # amounts, totals, payment
    INVENTORY = "inventory"  # stock on hand
    RECEIPTS = "receipts"  # what physically arrived
    CONFIRMATIONS = "confirmations"  # what the supplier promises: quantities, dates, statuses
    SHIPMENTS = "shipments"  # what the supplier sent


DEFAULT_OWNERS: Mapping[DataDomain, Source] = MappingProxyType(
    {
        DataDomain.ORDERS: Source.ERP,
        DataDomain.PRICES: Source.ERP,
        DataDomain.FINANCE: Source.ERP,
        DataDomain.INVENTORY: Source.WMS,
        DataDomain.RECEIPTS: Source.WMS,
        DataDomain.CONFIRMATIONS: Source.SUPPLIER,
        DataDomain.SHIPMENTS: Source.SUPPLIER,
    }
)

# Who speaks through each canonical kind.
SOURCE_OF_KIND: Mapping[str, Source] = MappingProxyType(
    {
        "purchase_order": Source.ERP,
        "po_acknowledgement": Source.SUPPLIER,
        "ship_notice": Source.SUPPLIER,
        "invoice": Source.SUPPLIER,
        "receipt": Source.WMS,
        "inventory_adjustment": Source.WMS,
    }
)

# The data each checked field of a document speaks about (documentation and the rules'
# single reference: a rule asks ``Authority.owns(kind, FIELD_DOMAINS[(kind, field)])``).
FIELD_DOMAINS: Mapping[tuple[str, str], DataDomain] = MappingProxyType(
    {
        ("po_acknowledgement", "quantity"): DataDomain.CONFIRMATIONS,
        ("po_acknowledgement", "scheduled_date"): DataDomain.CONFIRMATIONS,
        ("po_acknowledgement", "status"): DataDomain.CONFIRMATIONS,
        ("po_acknowledgement", "unit_price"): DataDomain.PRICES,
        ("po_acknowledgement", "item"): DataDomain.ORDERS,
        ("po_acknowledgement", "uom"): DataDomain.ORDERS,
        ("ship_notice", "quantity_shipped"): DataDomain.SHIPMENTS,
        ("ship_notice", "quantity_ordered"): DataDomain.ORDERS,  # shipping past the order
        ("ship_notice", "quantity_confirmed"): DataDomain.CONFIRMATIONS,  # past the 855
        ("ship_notice", "item"): DataDomain.ORDERS,
        ("ship_notice", "uom"): DataDomain.ORDERS,
        ("receipt", "quantity_received"): DataDomain.RECEIPTS,
        ("receipt", "condition"): DataDomain.RECEIPTS,
        ("receipt", "item"): DataDomain.RECEIPTS,
        ("invoice", "unit_price"): DataDomain.PRICES,
        ("invoice", "quantity_invoiced"): DataDomain.RECEIPTS,  # billed against what arrived
        ("invoice", "item"): DataDomain.ORDERS,
        ("invoice", "uom"): DataDomain.ORDERS,
        ("invoice", "total_amount"): DataDomain.FINANCE,
        ("inventory_adjustment", "quantity_delta"): DataDomain.INVENTORY,
    }
)


@dataclass(frozen=True, slots=True)
class Authority:
    owners: Mapping[DataDomain, Source] = field(default_factory=lambda: DEFAULT_OWNERS)

    def owner(self, domain: DataDomain) -> Source:
        return self.owners.get(domain, DEFAULT_OWNERS[domain])

    def owns(self, kind: str, field_name: str) -> bool:
        """Whether the source of ``kind`` owns the data ``field_name`` speaks about."""
        return SOURCE_OF_KIND[kind] is self.owner(FIELD_DOMAINS[(kind, field_name)])

    def domain(self, kind: str, field_name: str) -> DataDomain:
        return FIELD_DOMAINS[(kind, field_name)]

    def owner_name(self, kind: str, field_name: str) -> str:
        """``"the ERP"``: for explanations."""
        return _NAMES[self.owner(FIELD_DOMAINS[(kind, field_name)])]


_NAMES = {Source.ERP: "the ERP", Source.WMS: "the warehouse (WMS)", Source.SUPPLIER: "the supplier"}
