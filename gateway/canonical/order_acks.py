"""po_acknowledgement (X12 855 / EDIFACT ORDRSP)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from gateway.canonical.common import ItemIds, Party


class AckType(StrEnum):
    ACCEPTED = "accepted"
    ACCEPTED_WITH_CHANGES = "accepted_with_changes"
    REJECTED = "rejected"


class LineStatus(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    BACKORDERED = "backordered"
    QUANTITY_CHANGED = "quantity_changed"
    DATE_CHANGED = "date_changed"
    PRICE_CHANGED = "price_changed"
    SUBSTITUTED = "substituted"


@dataclass(frozen=True, slots=True, kw_only=True)
class AckLine:
    line_number: str | None = None
    item: ItemIds = field(default_factory=ItemIds)
    status: LineStatus = LineStatus.ACCEPTED
    quantity: Decimal | None = None
    uom: str | None = None
    unit_price: Decimal | None = None
    scheduled_date: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PoAcknowledgement:
    po_number: str
    po_date: date | None = None
    ack_type: AckType = AckType.ACCEPTED
    ack_date: date | None = None
    parties: list[Party] = field(default_factory=list)
    lines: list[AckLine] = field(default_factory=list)
