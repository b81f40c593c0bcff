"""Handing canonical documents to the systems of record (ERP, WMS).

The connectors (``erp_connector``) implement the ``Connector`` port; what they
tell the core is a receipt or one of these two errors, so the pipeline knows
whether to retry (SPEC §1 invariants 2 and 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gateway.domain.errors import PermanentError, RetryableError


@dataclass(frozen=True, slots=True)
class DeliveryReceipt:
    """The system took the document: its own id for it, and whether it had it already
    (the idempotency key matched an earlier delivery)."""

    system: str
    external_id: str
    duplicate: bool = False


class DeliveryUnavailable(RetryableError):
    """Timeouts, connection failures, 5xx, 429, an open circuit: try again later.

    ``retry_after`` (seconds) is the system's own wish (429/503 Retry-After), which the
    retry policy honours over its own backoff.
    """

    code = "delivery.unavailable"

    def __init__(
        self, message: str, *, retry_after: float | None = None, code: str | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class DeliveryRejected(PermanentError):
    """The system refused the document itself (4xx other than 408/429): retrying the
    same document gives the same answer; an operator must look."""

    code = "delivery.rejected"


@dataclass(frozen=True, slots=True)
class Alert:
    """Something operations must look at: an overdue or rejected ack, a dead letter."""

    id: int
    kind: str  # ack_overdue | ack_rejected | dead_letter
    partner_id: str | None
    message_id: str | None
    transaction_id: str | None
    raised_at: datetime
    text: str
    state: str  # open | acknowledged | resolved


@dataclass(frozen=True, slots=True)
class Attempt:
    """One delivery attempt: taken (``external_id``) or failed (``error``)."""

    transaction_id: str
    system: str
    external_id: str | None = None
    error: str | None = None
