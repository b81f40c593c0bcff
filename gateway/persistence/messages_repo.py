"""Messages, their transaction sets and the append-only history of both."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from gateway.domain.tracking import (
    AlreadyReceived,
    Direction,
    IllegalTransition,
    MessageQuery,
    MessageRecord,
    State,
    TransactionRecord,
    Transition,
    Transport,
    can_move,
)
from gateway.persistence import rows
from gateway.persistence.observed import note_message, note_steps, note_transactions
from gateway.persistence.tables import messages, state_transitions, transactions


class MessageRepository:
    """History lines are written together, in the order they were made, by ``flush``
    (the unit of work flushes before it commits): a single-set message made seven
    INSERTs into ``state_transitions`` otherwise, each a round trip (pipeline
    benchmark)."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection
        self._pending: list[dict[str, object]] = []

    def flush(self) -> None:
        """Write the history lines kept back; before anything reads the history."""
        if self._pending:
            self._db.execute(insert(state_transitions), self._pending)
            self._pending = []

    def discard(self) -> None:
        """Forget what ``flush`` would write (the transaction rolled back)."""
        self._pending = []

    def add(self, record: MessageRecord, at: datetime, reason: str | None = None) -> None:
        """A new message, with the first line of its history.

        Raises:
            AlreadyReceived: an inbound message with the same transport id from the same
                partner is stored already (the transaction is then unusable: roll back).
        """
        try:
            self._db.execute(insert(messages).values(rows.message_values(record)))
        except IntegrityError as error:
            if record.transport_message_id is None or record.direction is not Direction.INBOUND:
                raise
            if record.transport not in (Transport.SFTP, Transport.AS2):
                raise
            raise AlreadyReceived(record.transport_message_id) from error
        self._history(record.id, None, None, record.state, at, reason)
        note_message(self._db, record, record.state)

    def by_transport_id(
        self, transport: str, partner_id: str | None, transport_message_id: str
    ) -> MessageRecord | None:
        """The inbound message a transport id names (for that partner)."""
        query = select(messages).where(
            messages.c.direction == Direction.INBOUND.value,
            messages.c.transport == transport,
            messages.c.transport_message_id == transport_message_id,
            messages.c.partner_id.is_(None)
            if partner_id is None
            else messages.c.partner_id == partner_id,
        )
        row = self._db.execute(query).first()
        return None if row is None else rows.message_record(row._mapping)

    def get(self, message_id: str) -> MessageRecord | None:
        row = self._db.execute(select(messages).where(messages.c.id == message_id)).first()
        return None if row is None else rows.message_record(row._mapping)

    def claim_one(
        self, message_id: str, now: datetime, lease_start: datetime
    ) -> MessageRecord | None:
        """Stamp an inbound message ``received`` or ``parsed`` (a crash's leftover)
        ``claimed_at``, unless another worker claimed it since ``lease_start``. Waits for
        a transaction that holds the row (one taking it into a batch, or giving it
        back) and judges the row as that one left it; call it before holding other
        rows. The row stays locked until the caller's transaction ends."""
        statement = (
            update(messages)
            .where(
                messages.c.id == message_id,
                messages.c.direction == Direction.INBOUND.value,
                messages.c.state.in_([State.RECEIVED.value, State.PARSED.value]),
                _unclaimed(lease_start),
            )
            .values(claimed_at=now)
            .returning(*messages.c)
        )
        row = self._db.execute(statement).first()
        return None if row is None else rows.message_record(row._mapping)

    def claim_waiting(
        self, now: datetime, lease_start: datetime, *, limit: int, max_size: int
    ) -> list[MessageRecord]:
        """``claim_one`` for up to ``limit`` other inbound messages still ``received``,
        oldest first, each at most ``max_size`` bytes (a worker's batch)."""
        candidates = (
            select(messages.c.id)
            .where(
                messages.c.state == State.RECEIVED.value,
                messages.c.direction == Direction.INBOUND.value,
                messages.c.size <= max_size,
                _unclaimed(lease_start),
            )
            .order_by(messages.c.received_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return self._claim(candidates, now)

    def _claim(self, candidates: Select[tuple[str]], now: datetime) -> list[MessageRecord]:
        statement = (
            update(messages)
            .where(messages.c.id.in_(candidates))
            .values(claimed_at=now)
            .returning(*messages.c)
        )
        claimed = [rows.message_record(row._mapping) for row in self._db.execute(statement)]
        return sorted(claimed, key=lambda m: (m.received_at, m.id))  # RETURNING has no order

    def release(self, message_ids: Sequence[str]) -> None:
        """Give back claims taken in this transaction (a worker that took too much)."""
        if message_ids:
            statement = update(messages).where(messages.c.id.in_(list(message_ids)))
            self._db.execute(statement.values(claimed_at=None))

    def update(
        self,
        record: MessageRecord,
        *,
        moving_to: tuple[State, datetime, str | None] | None = None,
    ) -> None:
        """Save what was learned (envelope, partner, errors); the state moves only by
        ``move``, or here by ``moving_to`` (target, when, why) in the same statement."""
        values = rows.message_values(record)
        del values["state"], values["id"]
        if moving_to is not None:
            target, at, reason = moving_to
            if not can_move(record.state, target):
                raise IllegalTransition(f"message {record.id}: {record.state} → {target}")
            values["state"] = target.value
            self._history(record.id, None, record.state, target, at, reason)
            record.state = target
        self._db.execute(update(messages).where(messages.c.id == record.id).values(values))
        note_message(self._db, record, moving_to[0] if moving_to else None)

    def move(
        self, record: MessageRecord, target: State, at: datetime, reason: str | None = None
    ) -> None:
        if not can_move(record.state, target):
            raise IllegalTransition(f"message {record.id}: {record.state} → {target}")
        self._db.execute(
            update(messages).where(messages.c.id == record.id).values(state=target.value)
        )
        self._history(record.id, None, record.state, target, at, reason)
        record.state = target
        note_message(self._db, record, target)

    def move_through(
        self, record: MessageRecord, steps: Sequence[tuple[State, str | None]], at: datetime
    ) -> None:
        """``move`` for each step in turn, the row written once (intake's validated →
        acknowledged → mapped were three UPDATEs of one row)."""
        if not steps:
            return
        for target, reason in steps:
            if not can_move(record.state, target):
                raise IllegalTransition(f"message {record.id}: {record.state} → {target}")
            self._history(record.id, None, record.state, target, at, reason)
            record.state = target
            note_message(self._db, record, target)
        self._db.execute(
            update(messages).where(messages.c.id == record.id).values(state=record.state.value)
        )

    def get_many(self, message_ids: Sequence[str], *, lock: bool = False) -> list[MessageRecord]:
        """The messages of ``message_ids`` that exist, by id. ``lock``: hold the rows
        until the transaction ends (PostgreSQL; SQLite holds the whole database once it
        writes), so two workers recording one message's results take turns and the
        second sees what the first did; taken in id order, so two callers never wait
        for each other in turn."""
        statement = (
            select(messages).where(messages.c.id.in_(list(message_ids))).order_by(messages.c.id)
        )
        if lock:
            statement = statement.with_for_update()
        return [rows.message_record(row._mapping) for row in self._db.execute(statement)]

    def add_transaction(
        self, record: TransactionRecord, at: datetime, reason: str | None = None
    ) -> None:
        self._db.execute(insert(transactions).values(rows.transaction_values(record)))
        self._history(record.message_id, record.id, None, record.state, at, reason)
        note_transactions(self._db, (record,))

    def add_transactions(
        self, entries: Sequence[tuple[TransactionRecord, Sequence[Step]]], at: datetime
    ) -> None:
        """New transactions in their final state with every step that led there, in two
        statements whatever their number (a 50-set interchange measured 300 otherwise)."""
        if not entries:
            return
        history = []
        for record, steps in entries:
            current: State | None = None
            for source, target, reason in steps:
                if source != current or (source is not None and not can_move(source, target)):
                    raise IllegalTransition(f"transaction {record.id}: {source} → {target}")
                history.append(_step(record.message_id, record.id, source, target, at, reason))
                current = target
            if current is not record.state:
                raise IllegalTransition(f"transaction {record.id}: history ends in {current}")
        self._db.execute(insert(transactions), [rows.transaction_values(r) for r, _ in entries])
        self._pending += history
        note_steps(self._db, entries)

    def move_transactions(
        self,
        records: Sequence[TransactionRecord],
        target: State,
        at: datetime,
        reasons: Sequence[str],
    ) -> None:
        """``move_transaction`` for many (a reason each), in two statements."""
        if not records:
            return
        for record in records:
            if not can_move(record.state, target):
                raise IllegalTransition(f"transaction {record.id}: {record.state} → {target}")
        self._db.execute(
            update(transactions)
            .where(transactions.c.id == bindparam("record_id"))
            .values(state=target.value),
            [{"record_id": record.id} for record in records],
        )
        self._pending += [
            _step(r.message_id, r.id, r.state, target, at, reason)
            for r, reason in zip(records, reasons, strict=True)
        ]
        for record in records:
            record.state = target
        note_transactions(self._db, records, target)

    def set_erp_document_ids(self, records: Sequence[TransactionRecord]) -> None:
        """Save each record's ``erp_document_id`` (what a delivery learns), in one statement."""
        if records:
            self._db.execute(
                update(transactions)
                .where(transactions.c.id == bindparam("record_id"))
                .values(erp_document_id=bindparam("erp_id")),
                [{"record_id": r.id, "erp_id": r.erp_document_id} for r in records],
            )

    def known_keys(self, idempotency_keys: Sequence[str]) -> dict[str, str]:
        """Idempotency key → id of the transaction that already carries it."""
        if not idempotency_keys:
            return {}
        query = select(transactions.c.idempotency_key, transactions.c.id).where(
            transactions.c.idempotency_key.in_(set(idempotency_keys))
        )
        return {key: id_ for key, id_ in self._db.execute(query)}

    def mapped_of_messages(self, message_ids: Sequence[str]) -> list[TransactionRecord]:
        """``mapped_of`` for several messages in one query, in the order of
        ``message_ids``."""
        order = {message_id: index for index, message_id in enumerate(message_ids)}
        query = select(transactions).where(
            transactions.c.message_id.in_(list(message_ids)),
            transactions.c.state == State.MAPPED.value,
        )
        found = [rows.transaction_record(row._mapping) for row in self._db.execute(query)]
        return sorted(found, key=lambda r: (order[r.message_id], r.position))

    def mapped_of(self, message_id: str) -> list[TransactionRecord]:
        """A message's transactions still to be delivered, in their order."""
        query = (
            select(transactions)
            .where(
                transactions.c.message_id == message_id,
                transactions.c.state == State.MAPPED.value,
            )
            .order_by(transactions.c.position)
        )
        return [rows.transaction_record(row._mapping) for row in self._db.execute(query)]

    def undelivered_of_orders(
        self, partner_id: str, direction: Direction, po_numbers: Sequence[str]
    ) -> list[TransactionRecord]:
        """Every document of these POs not delivered yet (mapped or dead-lettered), oldest
        first: what ``pending_before``/``pending_after`` ask of one record, for many."""
        if not po_numbers:
            return []
        query = (
            select(transactions)
            .where(
                transactions.c.partner_id == partner_id,
                transactions.c.direction == direction.value,
                transactions.c.po_number.in_(set(po_numbers)),
                transactions.c.state.in_([State.MAPPED.value, State.DEAD_LETTERED.value]),
            )
            .order_by(transactions.c.created_at, transactions.c.position)
        )
        return [rows.transaction_record(row._mapping) for row in self._db.execute(query)]

    def move_transaction(
        self, record: TransactionRecord, target: State, at: datetime, reason: str | None = None
    ) -> None:
        if not can_move(record.state, target):
            raise IllegalTransition(f"transaction {record.id}: {record.state} → {target}")
        self._db.execute(
            update(transactions).where(transactions.c.id == record.id).values(state=target.value)
        )
        self._history(record.message_id, record.id, record.state, target, at, reason)
        record.state = target
        note_transactions(self._db, (record,), target)

    def update_transaction(self, record: TransactionRecord) -> None:
        """Save what was learned (document, keys, ERP id); the state moves only by ``move``."""
        values = rows.transaction_values(record)
        del values["state"], values["id"]
        self._db.execute(update(transactions).where(transactions.c.id == record.id).values(values))

    def unfinished_counts(self, message_ids: Sequence[str], states: list[State]) -> dict[str, int]:
        """How many transactions of each message are in ``states`` (absent: none)."""
        statement = (
            select(transactions.c.message_id, func.count())
            .where(
                transactions.c.message_id.in_(list(message_ids)),
                transactions.c.state.in_([state.value for state in states]),
            )
            .group_by(transactions.c.message_id)
        )
        return {message_id: int(count) for message_id, count in self._db.execute(statement)}

    def transactions_of(self, message_id: str) -> list[TransactionRecord]:
        query = (
            select(transactions)
            .where(transactions.c.message_id == message_id)
            .order_by(transactions.c.position)
        )
        return [rows.transaction_record(row._mapping) for row in self._db.execute(query)]

    def transaction(self, transaction_id: str) -> TransactionRecord | None:
        row = self._db.execute(
            select(transactions).where(transactions.c.id == transaction_id)
        ).first()
        return None if row is None else rows.transaction_record(row._mapping)

    def pending_before(self, record: TransactionRecord) -> list[TransactionRecord]:
        """Earlier documents of the same partner and PO not delivered yet (on their way,
        or dead-lettered until a replay): delivering ``record`` first would break the
        PO's order."""
        return self._same_po(record, earlier=True)

    def pending_after(self, record: TransactionRecord) -> list[TransactionRecord]:
        """Later documents of the same partner and PO still waiting to be delivered."""
        return self._same_po(record, earlier=False)

    def _same_po(self, record: TransactionRecord, *, earlier: bool) -> list[TransactionRecord]:
        if record.po_number is None:
            return []
        created, position = transactions.c.created_at, transactions.c.position
        if earlier:
            order = (created < record.created_at) | (
                (created == record.created_at)
                & (transactions.c.message_id == record.message_id)
                & (position < record.position)
            )
        else:
            order = (created > record.created_at) | (
                (created == record.created_at)
                & (transactions.c.message_id == record.message_id)
                & (position > record.position)
            )
        query = select(transactions).where(
            transactions.c.partner_id == record.partner_id,
            transactions.c.po_number == record.po_number,
            transactions.c.direction == record.direction.value,
            transactions.c.state.in_(
                [State.MAPPED.value, State.DEAD_LETTERED.value] if earlier else [State.MAPPED.value]
            ),
            transactions.c.id != record.id,
            order,
        )
        query = query.order_by(created, position)
        return [rows.transaction_record(row._mapping) for row in self._db.execute(query)]

    def outbound_sets(
        self, partner_id: str, group_control_number: str, set_control_numbers: list[str] | None
    ) -> list[TransactionRecord]:
        """Our outbound sets a partner's 997/999/CONTRL speaks of (its AK1/AK2, UCI/UCM);
        ``None``: every set of the group."""
        query = select(transactions).where(
            transactions.c.partner_id == partner_id,
            transactions.c.direction == Direction.OUTBOUND.value,
            transactions.c.group_control_number == group_control_number,
        )
        if set_control_numbers is not None:
            query = query.where(transactions.c.set_control_number.in_(set_control_numbers))
        return [rows.transaction_record(row._mapping) for row in self._db.execute(query)]

    def transactions_in_state(
        self,
        state: State,
        *,
        direction: Direction,
        before: datetime | None = None,
        limit: int = 500,
    ) -> list[TransactionRecord]:
        query = select(transactions).where(
            transactions.c.state == state.value, transactions.c.direction == direction.value
        )
        if before is not None:
            query = query.where(transactions.c.created_at < before)
        query = query.order_by(transactions.c.created_at).limit(limit)
        return [rows.transaction_record(row._mapping) for row in self._db.execute(query)]

    def transaction_by_key(self, idempotency_key: str) -> TransactionRecord | None:
        query = select(transactions).where(transactions.c.idempotency_key == idempotency_key)
        row = self._db.execute(query).first()
        return None if row is None else rows.transaction_record(row._mapping)

    def history(self, message_id: str) -> list[Transition]:
        self.flush()
        query = (
            select(state_transitions)
            .where(state_transitions.c.message_id == message_id)
            .order_by(state_transitions.c.id)
        )
        return [rows.transition(row._mapping) for row in self._db.execute(query)]

    def find(self, query: MessageQuery) -> list[MessageRecord]:
        statement = select(messages)
        conditions = []
        if query.partner_id is not None:
            conditions.append(messages.c.partner_id == query.partner_id)
        if query.direction is not None:
            conditions.append(messages.c.direction == query.direction.value)
        if query.state is not None:
            conditions.append(messages.c.state == query.state.value)
        if query.interchange_control_number is not None:
            conditions.append(
                messages.c.interchange_control_number == query.interchange_control_number
            )
        if query.received_from is not None:
            conditions.append(messages.c.received_at >= query.received_from)
        if query.received_until is not None:
            conditions.append(messages.c.received_at < query.received_until)
        if query.in_reply_to is not None:
            conditions.append(messages.c.in_reply_to == query.in_reply_to)
        if query.business_number is not None:
            having_number = select(transactions.c.message_id).where(
                transactions.c.business_number == query.business_number
            )
            conditions.append(messages.c.id.in_(having_number))
        statement = (
            statement.where(*conditions)
            .order_by(messages.c.received_at.desc(), messages.c.id)
            .limit(query.limit)
            .offset(query.offset)
        )
        return [rows.message_record(row._mapping) for row in self._db.execute(statement)]

    def find_stalled(self, state: State, before: datetime, limit: int = 500) -> list[MessageRecord]:
        """Messages in ``state`` since before ``before`` (what a sweeper queues again)."""
        statement = (
            select(messages)
            .where(messages.c.state == state.value, messages.c.received_at < before)
            .order_by(messages.c.received_at)
            .limit(limit)
        )
        return [rows.message_record(row._mapping) for row in self._db.execute(statement)]

    def outbound_interchange_numbers(self, partner_id: str) -> set[int]:
        """The interchange control numbers of what we have recorded as sent or queued."""
        statement = select(messages.c.interchange_control_number).where(
            messages.c.partner_id == partner_id,
            messages.c.direction == Direction.OUTBOUND.value,
        )
        return {
            int(value)
            for (value,) in self._db.execute(statement)
            if value and value.isascii() and value.isdigit()
        }

    def count_by_state(self, partner_id: str | None = None) -> dict[str, int]:
        statement = select(messages.c.state, func.count()).group_by(messages.c.state)
        if partner_id is not None:
            statement = statement.where(messages.c.partner_id == partner_id)
        return {state: count for state, count in self._db.execute(statement)}

    def _history(
        self,
        message_id: str,
        transaction_id: str | None,
        source: State | None,
        target: State,
        at: datetime,
        reason: str | None,
    ) -> None:
        self._pending.append(_step(message_id, transaction_id, source, target, at, reason))


Step = tuple[State | None, State, str | None]
"""One line of a record's history: from, to, why."""


def _unclaimed(lease_start: datetime) -> ColumnElement[bool]:
    return or_(messages.c.claimed_at.is_(None), messages.c.claimed_at < lease_start)


def _step(
    message_id: str,
    transaction_id: str | None,
    source: State | None,
    target: State,
    at: datetime,
    reason: str | None,
) -> dict[str, object]:
    return {
        "message_id": message_id,
        "transaction_id": transaction_id,
        "from_state": source.value if source else None,
        "to_state": target.value,
        "at": at,
        "reason": reason,
    }
