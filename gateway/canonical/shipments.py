"""ship_notice (X12 856 / EDIFACT DESADV): shipment → orders → packs → items.

An order carries ``packs`` when the sender has a pack level, ``items`` when it
does not (SPEC §3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from gateway.canonical.common import ItemIds, Party


@dataclass(frozen=True, slots=True, kw_only=True)
class Carrier:
    scac: str | None = None
    mode: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ShippedItem:
    line_number: str | None = None
    item: ItemIds = field(default_factory=ItemIds)
    quantity_shipped: Decimal | None = None
    uom: str | None = None
    lot: str | None = None
    expiry: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Pack:
    sscc: str | None = None
    items: list[ShippedItem] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class ShippedOrder:
    po_number: str | None = None
    packs: list[Pack] = field(default_factory=list)
    items: list[ShippedItem] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class ShipNotice:
    asn_number: str
    shipped_at: datetime | None = None
    estimated_delivery: date | None = None
    carrier: Carrier | None = None
    tracking_number: str | None = None
    bill_of_lading: str | None = None
    parties: list[Party] = field(default_factory=list)
    orders: list[ShippedOrder] = field(default_factory=list)
