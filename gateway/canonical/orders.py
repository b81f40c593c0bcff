"""purchase_order (X12 850 / EDIFACT ORDERS)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from gateway.canonical.common import ItemIds, Party


class Purpose(StrEnum):
    ORIGINAL = "original"
    CHANGE = "change"
    CANCEL = "cancel"
    REPLACE = "replace"


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderLine:
    line_number: str | None = None
    item: ItemIds = field(default_factory=ItemIds)
    quantity: Decimal | None = None
    uom: str | None = None
    unit_price: Decimal | None = None
    requested_date: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderTotals:
    line_count: int | None = None
    quantity_total: Decimal | None = None
    amount_total: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PurchaseOrder:
    po_number: str
    purpose: Purpose = Purpose.ORIGINAL
    order_type: str | None = None
    order_date: date | None = None
    currency: str | None = None
    parties: list[Party] = field(default_factory=list)
    requested_delivery_date: date | None = None
    requested_ship_date: date | None = None
    payment_terms: str | None = None
    references: dict[str, str] = field(default_factory=dict)
    lines: list[OrderLine] = field(default_factory=list)
    totals: OrderTotals | None = None
