"""Where a matched document stands, as the store keeps it between runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class MatchStatus(StrEnum):
    MATCHED = "matched"  # agrees with what it was checked against
    APPROVED = "approved"  # an invoice that matched: approved for payment
    EXCEPTIONS = "exceptions"  # went on, with exceptions to settle (updates, unknown PO)
    HELD = "held"  # waits until its exceptions are settled
    WAITING = "waiting"  # its counterpart has not arrived (an invoice is held meanwhile)
    REJECTED = "rejected"  # refused when an exception was resolved as ``reject``


@dataclass(slots=True)
class MatchState:
    transaction_id: str
    rule: str
    subject: str
    status: MatchStatus
    summary: str  # in words: what was found, or what it waits for
    checked_at: datetime
    partner_id: str | None = None
    waiting_on: str | None = None  # the key a counterpart's arrival re-runs it by


@dataclass(frozen=True, slots=True)
class OrderLink:
    """A PO (and ASN) a matched document refers to."""

    po_number: str | None
    asn_number: str | None = None
