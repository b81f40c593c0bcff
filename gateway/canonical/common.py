"""Parts shared by the canonical documents: parties, addresses, item identifiers.

Standard library only (STYLE.md habit 1): this package is the contract every
adapter speaks, so it may not depend on any of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    BUYER = "buyer"
    SELLER = "seller"
    SHIP_TO = "ship_to"
    BILL_TO = "bill_to"
    SHIP_FROM = "ship_from"
    REMIT_TO = "remit_to"
    SUPPLIER = "supplier"


@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    lines: list[str] = field(default_factory=list)
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Party:
    """A trading party. ``identifiers`` maps a qualifier name (duns, gln,
    buyer_assigned, seller_assigned, …) to the identifier."""

    role: Role
    name: str | None = None
    identifiers: dict[str, str] = field(default_factory=dict)
    address: Address | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemIds:
    buyer_item: str | None = None
    vendor_item: str | None = None
    gtin: str | None = None
    upc: str | None = None
    description: str | None = None
