"""invoice (X12 810 / EDIFACT INVOIC)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from gateway.canonical.common import ItemIds, Party


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceLine:
    line_number: str | None = None
    item: ItemIds = field(default_factory=ItemIds)
    quantity_invoiced: Decimal | None = None
    uom: str | None = None
    unit_price: Decimal | None = None
    amount: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Charge:
    """An allowance (negative amount) or a charge."""

    type: str
    amount: Decimal | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Invoice:
    invoice_number: str
    invoice_date: date | None = None
    po_number: str | None = None
    currency: str | None = None
    parties: list[Party] = field(default_factory=list)
    terms: str | None = None
    lines: list[InvoiceLine] = field(default_factory=list)
    charges: list[Charge] = field(default_factory=list)
    tax_total: Decimal | None = None
    total_amount: Decimal | None = None
