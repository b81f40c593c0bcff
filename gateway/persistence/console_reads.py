"""Read-only queries behind the web console: counts, searches and lists that the
ports' record-at-a-time methods would answer with thousands of round trips.

Every query is bounded (a ``LIMIT``, or an aggregate over one day) so a page costs
the same with a hundred messages or a hundred thousand (``bench/console.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, exists, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from gateway.domain.tracking import Direction, MessageRecord, State
from gateway.persistence import rows
from gateway.persistence.tables import (
    alerts,
    deliveries,
    messages,
    partners,
    state_transitions,
    transactions,
)

AWAITING_ACK = (State.QUEUED.value, State.SENT.value)
# A set's columns but its canonical document (kilobytes each, not shown in lists).
_SET_COLUMNS = [column for column in transactions.c if column.name != "document"]
# A number names a few messages (a PO's documents, one interchange); more than this
# and the search is not a lookup any more: the newest of them are shown.
_MAX_NAMED = 5000


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """What the messages page searches by; ``partner_id`` also scopes a partner's login."""

    partner_id: str | None = None
    direction: Direction | None = None
    state: State | None = None
    kind: str | None = None  # a canonical kind, or a set id (850, ORDERS) for what is unmapped
    number: str | None = None  # PO, ASN or invoice number
    control_number: str | None = None  # interchange (ISA13, UNB 0020) or group (GS06) number
    received_from: datetime | None = None
    received_until: datetime | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class SetSummary:
    message_id: str
    transaction_set: str
    set_control_number: str
    kind: str | None
    business_number: str | None
    state: str


@dataclass(frozen=True, slots=True)
class FoundMessage:
    record: MessageRecord
    sets: list[SetSummary] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SearchPage:
    items: list[FoundMessage]
    has_more: bool


@dataclass(frozen=True, slots=True)
class AckRow:
    """An outbound set waiting for, late for, or refused by the partner's functional ack."""

    transaction_id: str
    message_id: str
    partner_id: str | None
    transaction_set: str
    set_control_number: str
    group_control_number: str | None
    kind: str | None
    business_number: str | None
    state: str
    created_at: datetime
    reason: str | None  # the last move's reason (the rejecting ack, the overdue window)
    raw_sha256: str  # the interchange we sent, to show the segment an ack points at


@dataclass(frozen=True, slots=True)
class DeadLetter:
    transaction_id: str | None
    message_id: str
    partner_id: str | None
    what: str  # the set and its number, or the message's document type
    state: str
    at: datetime
    error: str | None


@dataclass(frozen=True, slots=True)
class OpenAlert:
    id: int
    kind: str
    partner_id: str | None
    message_id: str | None
    raised_at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class Dashboard:
    by_state_and_kind: dict[tuple[str, str], int]  # (kind, state) → documents since the day began
    overdue: int
    rejected: int
    awaiting: int
    open_alerts: list[OpenAlert]
    open_alert_count: int
    ack_latencies: list[float]  # seconds from sent to acknowledged, for sets acked today


class ConsoleReads:
    """Queries over the message store for the console's pages (never writes)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def search(self, filters: SearchFilters) -> SearchPage:
        """Messages newest first, one page of them, each with its sets."""
        with self._engine.connect() as db:
            conditions = _message_conditions(filters) + _named_messages(db, filters)
            statement = (
                select(messages)
                .where(*conditions)
                .order_by(messages.c.received_at.desc(), messages.c.id)
                .limit(filters.limit + 1)
                .offset(filters.offset)
            )
            found = [rows.message_record(row._mapping) for row in db.execute(statement)]
            page = found[: filters.limit]
            sets = self._sets_of(db, [record.id for record in page])
        items = [FoundMessage(record, sets.get(record.id, [])) for record in page]
        return SearchPage(items, has_more=len(found) > filters.limit)

    def dashboard(self, since: datetime, partner_id: str | None = None) -> Dashboard:
        """Documents since ``since`` (the day's start) by kind and state, the acks to
        watch, the open alerts and today's ack latencies."""
        kind = func.coalesce(transactions.c.kind, transactions.c.transaction_set)
        scope = [transactions.c.created_at >= since]
        if partner_id is not None:
            scope.append(transactions.c.partner_id == partner_id)
        counts = (
            select(kind, transactions.c.state, func.count())
            .where(*scope)
            .group_by(kind, transactions.c.state)
        )
        outbound = [transactions.c.direction == Direction.OUTBOUND.value]
        if partner_id is not None:
            outbound.append(transactions.c.partner_id == partner_id)
        watched = (
            select(transactions.c.state, func.count())
            .where(
                *outbound,
                transactions.c.state.in_(
                    [State.OVERDUE.value, State.REJECTED.value, *AWAITING_ACK]
                ),
            )
            .group_by(transactions.c.state)
        )
        with self._engine.connect() as db:
            by = {(str(k), str(s)): int(n) for k, s, n in db.execute(counts)}
            states = {str(s): int(n) for s, n in db.execute(watched)}
            opened, total = self._open_alerts(db, partner_id, limit=10)
            latencies = self._ack_latencies(db, since, partner_id)
        return Dashboard(
            by_state_and_kind=by,
            overdue=states.get(State.OVERDUE.value, 0),
            rejected=states.get(State.REJECTED.value, 0),
            awaiting=sum(states.get(s, 0) for s in AWAITING_ACK),
            open_alerts=opened,
            open_alert_count=total,
            ack_latencies=latencies,
        )

    def acks(self, state: str, partner_id: str | None = None, limit: int = 100) -> list[AckRow]:
        """Outbound sets in ``state`` ("awaiting" for queued or sent), oldest first."""
        wanted = list(AWAITING_ACK) if state == "awaiting" else [state]
        conditions = [
            transactions.c.direction == Direction.OUTBOUND.value,
            transactions.c.state.in_(wanted),
        ]
        if partner_id is not None:
            conditions.append(transactions.c.partner_id == partner_id)
        statement = (
            select(*_SET_COLUMNS, messages.c.raw_sha256)
            .join(messages, messages.c.id == transactions.c.message_id)
            .where(*conditions)
            .order_by(transactions.c.created_at)
            .limit(limit)
        )
        with self._engine.connect() as db:
            found = list(db.execute(statement))
            reasons = self._last_reasons(db, found)
        return [
            AckRow(
                transaction_id=row.id,
                message_id=row.message_id,
                partner_id=row.partner_id,
                transaction_set=row.transaction_set,
                set_control_number=row.set_control_number,
                group_control_number=row.group_control_number,
                kind=row.kind,
                business_number=row.business_number,
                state=row.state,
                created_at=row.created_at,
                reason=reasons.get(row.id),
                raw_sha256=row.raw_sha256,
            )
            for row in found
        ]

    def dead_letters(self, partner_id: str | None = None, limit: int = 200) -> list[DeadLetter]:
        """Dead-lettered and failed sets, then failed messages (what ``replay`` restarts)."""
        stuck = [State.DEAD_LETTERED.value, State.FAILED.value]
        sets = select(*_SET_COLUMNS).where(transactions.c.state.in_(stuck))
        failed = select(messages).where(messages.c.state.in_(stuck))
        if partner_id is not None:
            sets = sets.where(transactions.c.partner_id == partner_id)
            failed = failed.where(messages.c.partner_id == partner_id)
        sets = sets.order_by(transactions.c.created_at.desc()).limit(limit)
        failed = failed.order_by(messages.c.received_at.desc()).limit(limit)
        with self._engine.connect() as db:
            found = list(db.execute(sets))
            errors = self._delivery_errors(db, [row.id for row in found])
            reasons = self._last_reasons(db, found)
            letters = [
                DeadLetter(
                    transaction_id=row.id,
                    message_id=row.message_id,
                    partner_id=row.partner_id,
                    what=f"{row.kind or row.transaction_set} #{row.set_control_number}"
                    + (f" ({row.business_number})" if row.business_number else ""),
                    state=row.state,
                    at=row.created_at,
                    error=errors.get(row.id) or reasons.get(row.id),
                )
                for row in found
            ]
            with_sets = {letter.message_id for letter in letters}
            for row in db.execute(failed):
                if row.id in with_sets:
                    continue
                letters.append(
                    DeadLetter(
                        transaction_id=None,
                        message_id=row.id,
                        partner_id=row.partner_id,
                        what=f"{row.direction} {row.document_type or 'message'}",
                        state=row.state,
                        at=row.received_at,
                        error=row.error_message,
                    )
                )
        return letters

    def alerts_of(self, message_id: str) -> list[OpenAlert]:
        statement = (
            select(alerts).where(alerts.c.message_id == message_id).order_by(alerts.c.raised_at)
        )
        with self._engine.connect() as db:
            return [_alert(row._mapping) for row in db.execute(statement)]

    # -- helpers ---------------------------------------------------------------------

    def _sets_of(self, db: Any, message_ids: Sequence[str]) -> dict[str, list[SetSummary]]:
        if not message_ids:
            return {}
        statement = (
            select(
                transactions.c.message_id,
                transactions.c.transaction_set,
                transactions.c.set_control_number,
                transactions.c.kind,
                transactions.c.business_number,
                transactions.c.state,
            )
            .where(transactions.c.message_id.in_(message_ids))
            .order_by(transactions.c.message_id, transactions.c.position)
        )
        found: dict[str, list[SetSummary]] = {}
        for row in db.execute(statement):
            found.setdefault(row.message_id, []).append(SetSummary(*row))
        return found

    def _open_alerts(
        self, db: Any, partner_id: str | None, limit: int
    ) -> tuple[list[OpenAlert], int]:
        conditions = [alerts.c.state == "open"]
        if partner_id is not None:
            conditions.append(alerts.c.partner_id == partner_id)
        total = db.execute(select(func.count()).select_from(alerts).where(*conditions)).scalar()
        statement = select(alerts).where(*conditions).order_by(alerts.c.raised_at.desc())
        found = [_alert(row._mapping) for row in db.execute(statement.limit(limit))]
        return found, int(total or 0)

    def _ack_latencies(self, db: Any, since: datetime, partner_id: str | None) -> list[float]:
        """Sent → acknowledged, for outbound sets acknowledged since ``since`` (at most
        2,000 of them: enough for a median and a 90th percentile)."""
        acked = state_transitions.alias("acked")
        sent = state_transitions.alias("sent")
        conditions: list[ColumnElement[bool]] = [
            acked.c.to_state == State.ACKNOWLEDGED.value,
            acked.c.at >= since,
            acked.c.transaction_id.is_not(None),
            transactions.c.direction == Direction.OUTBOUND.value,
        ]
        if partner_id is not None:
            conditions.append(transactions.c.partner_id == partner_id)
        statement = (
            select(acked.c.at, func.min(sent.c.at))
            .join(transactions, transactions.c.id == acked.c.transaction_id)
            .join(
                sent,
                and_(
                    sent.c.message_id == acked.c.message_id,
                    sent.c.transaction_id == acked.c.transaction_id,
                    sent.c.to_state == State.SENT.value,
                ),
            )
            .where(*conditions)
            .group_by(acked.c.id, acked.c.at)
            .limit(2000)
        )
        return [
            max(0.0, (done - started).total_seconds())
            for done, started in db.execute(statement)
            if done is not None and started is not None
        ]

    def _last_reasons(self, db: Any, found: Sequence[Any]) -> dict[str, str]:
        """The last reason in each set's history. Looked up by message (the history's
        index), then narrowed to the sets: no index by set id is needed for this."""
        if not found:
            return {}
        wanted = {row.id for row in found}
        statement = (
            select(state_transitions.c.transaction_id, state_transitions.c.reason)
            .where(state_transitions.c.message_id.in_({row.message_id for row in found}))
            .order_by(state_transitions.c.id)
        )
        return {tid: reason for tid, reason in db.execute(statement) if reason and tid in wanted}

    def _delivery_errors(self, db: Any, transaction_ids: Sequence[str]) -> dict[str, str]:
        if not transaction_ids:
            return {}
        statement = select(deliveries.c.transaction_id, deliveries.c.last_error).where(
            deliveries.c.transaction_id.in_(transaction_ids), deliveries.c.last_error.is_not(None)
        )
        return {tid: error for tid, error in db.execute(statement)}


def _message_conditions(filters: SearchFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.partner_id is not None:
        conditions.append(messages.c.partner_id == filters.partner_id)
    if filters.direction is not None:
        conditions.append(messages.c.direction == filters.direction.value)
    if filters.state is not None:
        conditions.append(messages.c.state == filters.state.value)
    if filters.received_from is not None:
        conditions.append(messages.c.received_at >= filters.received_from)
    if filters.received_until is not None:
        conditions.append(messages.c.received_at < filters.received_until)
    if filters.kind:
        # Correlated EXISTS, probed through transactions' message_id index for each
        # message walked newest first: an IN (subquery) would first collect every set
        # of the kind (a third of the table for a common one; bench/console.py).
        # A canonical kind (lower case) is a set's; a set id (850, ORDERS, 997, TA1) may
        # also be the document type of a message with no sets (an ack we sent).
        kind = filters.kind
        if kind.islower():
            of_kind = transactions.c.kind == kind
            conditions.append(exists().where(transactions.c.message_id == messages.c.id, of_kind))
        else:
            of_set = transactions.c.transaction_set == kind
            having_set = exists().where(transactions.c.message_id == messages.c.id, of_set)
            conditions.append(or_(messages.c.document_type == kind, having_set))
    return conditions


def _named_messages(db: Any, filters: SearchFilters) -> list[ColumnElement[bool]]:
    """Conditions for the selective filters (a PO, ASN or invoice number, a control
    number), resolved to message ids first through their own indexes: left inside the
    main query, PostgreSQL may walk every message newest first looking for a match."""
    conditions: list[ColumnElement[bool]] = []
    if filters.number:
        # The document's own number, or the order it belongs to (an ASN or invoice of
        # the PO). po_number is indexed behind partner_id: name every partner (a few
        # hundred at most) so the index serves the lookup.
        scope = (
            [filters.partner_id]
            if filters.partner_id is not None
            else [row[0] for row in db.execute(select(partners.c.id))]
        )
        by_number = select(transactions.c.message_id).where(
            transactions.c.business_number == filters.number
        )
        by_order = select(transactions.c.message_id).where(
            transactions.c.partner_id.in_(scope), transactions.c.po_number == filters.number
        )
        ids = {row[0] for row in db.execute(by_number.limit(_MAX_NAMED))}
        ids |= {row[0] for row in db.execute(by_order.limit(_MAX_NAMED))}
        conditions.append(messages.c.id.in_(ids))
    if filters.control_number:
        number = filters.control_number
        in_group = select(transactions.c.message_id).where(
            transactions.c.group_control_number == number
        )
        in_interchange = select(messages.c.id).where(
            messages.c.interchange_control_number == number
        )
        ids = {row[0] for row in db.execute(in_group.limit(_MAX_NAMED))}
        ids |= {row[0] for row in db.execute(in_interchange.limit(_MAX_NAMED))}
        conditions.append(messages.c.id.in_(ids))
    return conditions


def _alert(row: Any) -> OpenAlert:
    return OpenAlert(
        id=row["id"],
        kind=row["kind"],
        partner_id=row["partner_id"],
        message_id=row["message_id"],
        raised_at=row["raised_at"],
        text=row["text"],
    )
