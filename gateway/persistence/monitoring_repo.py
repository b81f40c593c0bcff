"""Read-only queries for business activity monitoring: a PO's documents and history, and
the samples the KPIs are computed from (SPEC §6)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select

from gateway.domain.tracking import Direction, TransactionRecord, Transition
from gateway.domain.workflow.kpis import AckSample, ConfirmationSample, SyncSample
from gateway.domain.workflow.timeline import Delivered
from gateway.persistence import rows
from gateway.persistence.tables import (
    deliveries,
    document_orders,
    messages,
    state_transitions,
    transactions,
)


class MonitoringRepository:
    def __init__(self, connection: Connection, before_read: Callable[[], None]) -> None:
        self._connection = connection
        self._before_read = before_read

    @property
    def _db(self) -> Connection:
        """The connection, once the history lines this transaction kept back are written
        (``MessageRepository.flush``): every query here may read the history."""
        self._before_read()
        return self._connection

    def order_documents(self, po_number: str, partner_id: str | None) -> list[TransactionRecord]:
        """Every document of a PO, both ways, whatever its state: the PO itself, and what
        refers to it (an ASN of several POs, a receipt that named only its ASN)."""
        linked = select(document_orders.c.transaction_id).where(
            document_orders.c.po_number == po_number
        )
        query = select(transactions).where(
            or_(transactions.c.po_number == po_number, transactions.c.id.in_(linked))
        )
        if partner_id is not None:
            query = query.where(transactions.c.partner_id == partner_id)
        query = query.order_by(transactions.c.created_at, transactions.c.position)
        return [rows.transaction_record(row._mapping) for row in self._db.execute(query)]

    def transitions(self, transaction_ids: Sequence[str]) -> dict[str, list[Transition]]:
        found: dict[str, list[Transition]] = {}
        if not transaction_ids:
            return found
        query = (
            select(state_transitions)
            .where(state_transitions.c.transaction_id.in_(set(transaction_ids)))
            .order_by(state_transitions.c.id)
        )
        for row in self._db.execute(query):
            found.setdefault(row.transaction_id, []).append(rows.transition(row._mapping))
        return found

    def deliveries(self, transaction_ids: Sequence[str]) -> list[Delivered]:
        if not transaction_ids:
            return []
        query = select(deliveries).where(
            deliveries.c.transaction_id.in_(set(transaction_ids)),
            deliveries.c.delivered_at.is_not(None),
        )
        return [
            Delivered(row.transaction_id, row.system, row.external_id, row.delivered_at)
            for row in self._db.execute(query)
        ]

    def sync_samples(
        self, since: datetime, until: datetime, partner_id: str | None
    ) -> list[SyncSample]:
        """Inbound documents the ERP took within the window: kind, when the gateway
        received the bytes, when the ERP acknowledged."""
        query = (
            select(transactions.c.kind, messages.c.received_at, deliveries.c.delivered_at)
            .join(deliveries, deliveries.c.transaction_id == transactions.c.id)
            .join(messages, messages.c.id == transactions.c.message_id)
            .where(
                transactions.c.direction == Direction.INBOUND.value,
                deliveries.c.system == "erp",
                deliveries.c.delivered_at >= since,
                deliveries.c.delivered_at < until,
                *_partner(partner_id),
            )
        )
        return [
            SyncSample(kind or "", received, taken)
            for kind, received, taken in self._db.execute(query)
        ]

    def ack_samples(
        self, since: datetime, until: datetime, partner_id: str | None
    ) -> list[AckSample]:
        """Our outbound sets created within the window, with when they were sent and
        when the partner's functional ack settled them."""
        query = select(
            transactions.c.state,
            _first(transactions.c.id, "sent"),
            _first(transactions.c.id, "acknowledged"),
        ).where(
            transactions.c.direction == Direction.OUTBOUND.value,
            *_window(since, until),
            *_partner(partner_id),
        )
        return [AckSample(state, sent, acked) for state, sent, acked in self._db.execute(query)]

    def state_counts(
        self, since: datetime, until: datetime, partner_id: str | None
    ) -> dict[str, int]:
        query = (
            select(transactions.c.state, func.count())
            .where(*_window(since, until), *_partner(partner_id))
            .group_by(transactions.c.state)
        )
        return {state: int(count) for state, count in self._db.execute(query)}

    def daily_counts(
        self, since: datetime, until: datetime, partner_id: str | None
    ) -> list[tuple[str | None, date, str, int]]:
        """``(partner, UTC day, direction, documents)`` for the window."""
        day = self._utc_day(transactions.c.created_at)
        query = (
            select(transactions.c.partner_id, day, transactions.c.direction, func.count())
            .where(*_window(since, until), *_partner(partner_id))
            .group_by(transactions.c.partner_id, day, transactions.c.direction)
        )
        return [
            (partner, _as_date(value), direction, int(count))
            for partner, value, direction, count in self._db.execute(query)
        ]

    def confirmation_samples(
        self, since: datetime, until: datetime, partner_id: str | None
    ) -> list[ConfirmationSample]:
        """POs we sent within the window, each with the supplier's first 855 for it."""
        ack = transactions.alias("ack")
        first_ack = (
            select(func.min(ack.c.created_at))
            .where(
                ack.c.kind == "po_acknowledgement",
                ack.c.direction == Direction.INBOUND.value,
                ack.c.partner_id == transactions.c.partner_id,
                ack.c.po_number == transactions.c.po_number,
            )
            .scalar_subquery()
        )
        sent = _first(transactions.c.id, "sent")
        query = select(transactions.c.partner_id, transactions.c.created_at, sent, first_ack).where(
            transactions.c.direction == Direction.OUTBOUND.value,
            transactions.c.kind == "purchase_order",
            transactions.c.partner_id.is_not(None),
            *_window(since, until),
            *_partner(partner_id),
        )
        return [
            ConfirmationSample(partner, sent_at or created, confirmed)
            for partner, created, sent_at, confirmed in self._db.execute(query)
        ]

    def _utc_day(self, column: Any) -> Any:
        if self._db.dialect.name == "postgresql":
            return func.date(func.timezone("UTC", column))
        return func.date(column)  # SQLite keeps UTC text: its first ten characters


def _first(transaction_id: Any, state: str) -> Any:
    """When a transaction first entered ``state`` (None: never)."""
    return (
        select(func.min(state_transitions.c.at))
        .where(
            state_transitions.c.transaction_id == transaction_id,
            state_transitions.c.to_state == state,
        )
        .scalar_subquery()
    )


def _window(since: datetime, until: datetime) -> list[ColumnElement[bool]]:
    return [and_(transactions.c.created_at >= since, transactions.c.created_at < until)]


def _partner(partner_id: str | None) -> list[ColumnElement[bool]]:
    return [] if partner_id is None else [transactions.c.partner_id == partner_id]


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
