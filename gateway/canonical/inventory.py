"""receipt and inventory_adjustment: what the WMS reports (SPEC §3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from gateway.canonical.common import ItemIds


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptLine:
    line_number: str | None = None
    item: ItemIds = field(default_factory=ItemIds)
    quantity_received: Decimal | None = None
    uom: str | None = None
    lot: str | None = None
    condition: str | None = None  # good, damaged, …


@dataclass(frozen=True, slots=True, kw_only=True)
class Receipt:
    receipt_id: str
    asn_number: str | None = None
    po_number: str | None = None
    received_at: datetime | None = None
    lines: list[ReceiptLine] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class InventoryAdjustment:
    adjustment_id: str
    location: str | None = None
    item: ItemIds = field(default_factory=ItemIds)
    quantity_delta: Decimal | None = None
    uom: str | None = None
    reason: str | None = None
    occurred_at: datetime | None = None
