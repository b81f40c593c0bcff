"""How far a partner's figures may stray from ours before a person must look (SPEC §5).

Every bound is inclusive: a value exactly at the tolerance is within it. The partner
profile's ``tolerances`` section fills these in; the defaults are what a distributor's
buyers and accounts payable accept without asking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Tolerances:
    quantity_percent: Decimal = Decimal(0)
    """Confirmed, shipped, received or invoiced quantity against what it is checked
    against, either way (0: the figures must agree)."""
    price_percent: Decimal = Decimal(1)
    """A unit price may differ from the PO's by this share of it …"""
    price_absolute: Decimal = Decimal("0.01")
    """… or by this amount per unit (rounding), whichever is larger."""
    days_early: int = 3
    """A confirmed date this many days before the requested one is still on time."""
    days_late: int = 0
    """A confirmed date this many days after the requested one is still on time."""
    substitution_allowed: bool = False
    """The supplier may confirm another item on a PO line (a substitute)."""
    confirm_within_hours: int = 48
    """An 855 within this many hours of our 850 counts as on time (the KPI)."""

    def quantity_above(self, actual: Decimal, expected: Decimal) -> bool:
        return actual > expected + expected * self.quantity_percent / _HUNDRED

    def quantity_below(self, actual: Decimal, expected: Decimal) -> bool:
        return actual < expected - expected * self.quantity_percent / _HUNDRED

    def quantity_differs(self, actual: Decimal, expected: Decimal) -> bool:
        return self.quantity_above(actual, expected) or self.quantity_below(actual, expected)

    def price_differs(self, actual: Decimal, expected: Decimal) -> bool:
        allowed = max(self.price_absolute, abs(expected) * self.price_percent / _HUNDRED)
        return abs(actual - expected) > allowed

    def date_offset(self, actual: date, expected: date) -> int | None:
        """Days early (negative) or late (positive) beyond the tolerance, None within it."""
        days = (actual - expected).days
        if days > self.days_late or -days > self.days_early:
            return days
        return None

    def describe_quantity(self) -> str:
        return f"{_plain(self.quantity_percent)}%"

    def describe_price(self) -> str:
        return f"{_plain(self.price_percent)}% or {_plain(self.price_absolute)} a unit"


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
