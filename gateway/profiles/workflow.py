"""The profile's workflow settings (SPEC §5): how far a partner's figures may stray from
ours (``tolerances``) and which system owns which data (``authority``).

Both have defaults a distributor accepts without asking, so a profile that says nothing
about them is matched sensibly; ``to_domain`` hands the matching rules their own
framework-free values.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from gateway.domain.workflow.authority import DEFAULT_OWNERS, Authority, DataDomain, Source
from gateway.domain.workflow.tolerances import Tolerances
from gateway.profiles._fields import CONFIG as _CONFIG

Percent = Annotated[Decimal, Field(ge=0, le=100, decimal_places=4)]


class ToleranceRules(BaseModel):
    """Tolerances of the matching rules; every bound is inclusive (exactly at it passes)."""

    model_config = _CONFIG

    quantity_percent: Percent = Decimal(0)
    """Confirmed (855), shipped across all ASNs (856), received (receipt) and invoiced
    (810) quantities may differ from what they are checked against by this share, either
    way. 0: they must agree."""
    price_percent: Percent = Decimal(1)
    """A unit price on an 855 or 810 may differ from the PO's by this share of it …"""
    price_absolute: Annotated[Decimal, Field(ge=0, decimal_places=4)] = Decimal("0.01")
    """… or by this amount per unit (rounding), whichever is larger."""
    days_early: Annotated[int, Field(ge=0)] = 3
    """A date the 855 confirms may be this many days before the requested one."""
    days_late: Annotated[int, Field(ge=0)] = 0
    """A date the 855 confirms may be this many days after the requested one."""
    substitution_allowed: bool = False
    """The supplier may confirm another item on a PO line (a substitute) without an
    exception; its quantity and price are still checked against the line."""
    confirm_within_hours: Annotated[int, Field(gt=0)] = 48
    """An 855 within this many hours of our 850 counts as on time (the supplier on-time
    confirmation KPI)."""

    def to_domain(self) -> Tolerances:
        return Tolerances(
            quantity_percent=self.quantity_percent,
            price_percent=self.price_percent,
            price_absolute=self.price_absolute,
            days_early=self.days_early,
            days_late=self.days_late,
            substitution_allowed=self.substitution_allowed,
            confirm_within_hours=self.confirm_within_hours,
        )


SourceName = Literal["erp", "wms", "supplier"]


class AuthorityRules(BaseModel):
    """Which system owns which data. A document may change the data its source owns (an
    update: it goes on, and a difference past tolerance is still an exception); one that
    differs on data its source does not own is held until the exception is settled."""

    model_config = _CONFIG

    orders: SourceName = "erp"
    """Items, quantities and dates ordered."""
    prices: SourceName = "erp"
    finance: SourceName = "erp"
    """Amounts, totals and payment."""
    inventory: SourceName = "wms"
    receipts: SourceName = "wms"
    """What physically arrived."""
    confirmations: SourceName = "supplier"
    """Quantities, dates and statuses the supplier confirms."""
    shipments: SourceName = "supplier"

    def to_domain(self) -> Authority:
        owners = dict(DEFAULT_OWNERS)
        for domain in DataDomain:
            owners[domain] = Source(getattr(self, domain.value))
        return Authority(owners)
