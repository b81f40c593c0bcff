"""The records an ERP or WMS holds: stored once per idempotency key, numbered per system.

A record is whatever the gateway delivered (or the ERP itself created), kept as JSON
with the few columns a lookup needs: kind, business number, partner. Each system (the
ERP face and the WMS face) has its own keys and its own sequence.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, bindparam, func, insert, select, update
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import IntegrityError

from erp_connector.sandbox.database import records, sequences, writes

# Called inside the record's transaction with the new record's id: the event outbox
# row is written there, so a stored purchase order always has its event (and a
# duplicate, rolled back, never gets a second one).
SameTransaction = Callable[[Connection, str], None]


# Built once: building and cache-keying a statement per call was a third of an
# intake's database time (SQLAlchemy 2.1, SQLite).
_NEXT_SEQUENCE = (
    update(sequences)
    .where(sequences.c.system == bindparam("of_system"))
    .values(value=sequences.c.value + 1)
    .returning(sequences.c.value)
)
_LOCK_SEQUENCE = (
    select(sequences.c.value).where(sequences.c.system == bindparam("of_system")).with_for_update()
)
_SET_SEQUENCE = (
    update(sequences)
    .where(sequences.c.system == bindparam("of_system"))
    .values(value=bindparam("to"))
)
_INSERT = insert(records)


@dataclass(frozen=True, slots=True)
class NewRecord:
    """What a route hands over to be stored."""

    system: str
    kind: str
    idempotency_key: str
    business_number: str
    partner_id: str | None
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoredRecord:
    id: str
    system: str
    kind: str
    idempotency_key: str
    business_number: str
    partner_id: str | None
    body: dict[str, Any]
    received_at: datetime
    sequence: int

    @classmethod
    def of(cls, row: RowMapping) -> StoredRecord:
        received = row["received_at"]
        if received.tzinfo is None:  # SQLite keeps no offset; we only ever write UTC
            received = received.replace(tzinfo=UTC)
        values = {**row, "received_at": received}
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Intake:
    """The answer to a delivery: the record's id, and whether it was already there."""

    id: str
    duplicate: bool


def _row(new: NewRecord, sequence: int) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "system": new.system,
        "kind": new.kind,
        "idempotency_key": new.idempotency_key,
        "business_number": new.business_number,
        "partner_id": new.partner_id,
        "body": new.body,
        "received_at": datetime.now(UTC),
        "sequence": sequence,
    }


class RecordStore:
    """Records in the sandbox database; safe to share between threads."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writes = writes(engine)

    def add(self, new: NewRecord, then: SameTransaction | None = None) -> Intake:
        """Store ``new`` unless its system already holds its idempotency key.

        Args:
            new: The record.
            then: Work to commit with the record (and only with it).

        Returns:
            The new record's id, or the id stored under the key first, with
            ``duplicate`` True.
        """
        try:
            with self._writes.begin() as conn:
                sequence = conn.execute(_NEXT_SEQUENCE, {"of_system": new.system}).scalar_one()
                row = _row(new, sequence)
                record_id = row["id"]
                conn.execute(_INSERT, row)
                if then is not None:
                    then(conn, record_id)
        except IntegrityError:
            existing = self._id_for_key(new.system, new.idempotency_key)
            if existing is None:  # some other constraint: not a duplicate, a bug
                raise
            return Intake(existing, duplicate=True)
        return Intake(record_id, duplicate=False)

    def add_many(self, system: str, batch: Sequence[NewRecord]) -> list[Intake]:
        """Store a batch of ``system``'s records in one transaction, each as ``add`` would.

        The batch first locks the system's sequence row, which every ``add`` also
        updates first, so no writer inserts between reading which keys exist and
        inserting the others (PostgreSQL row lock; on SQLite, BEGIN IMMEDIATE). The
        unique constraint still stands behind that: should it fire, the batch falls
        back to one ``add`` per record. One commit for the lot is what makes a batch
        of 100 cost about as much as three single documents.
        """
        if not batch:
            return []
        keys = {new.idempotency_key for new in batch}
        existing = select(records.c.idempotency_key, records.c.id).where(
            records.c.system == system, records.c.idempotency_key.in_(keys)
        )
        try:
            with self._writes.begin() as conn:
                last = conn.execute(_LOCK_SEQUENCE, {"of_system": system}).scalar_one()
                known: dict[str, str] = {key: id_ for key, id_ in conn.execute(existing)}
                answers, rows = [], []
                for new in batch:
                    if new.idempotency_key in known:
                        answers.append(Intake(known[new.idempotency_key], duplicate=True))
                        continue
                    last += 1
                    row = _row(new, last)
                    known[new.idempotency_key] = row["id"]
                    answers.append(Intake(row["id"], duplicate=False))
                    rows.append(row)
                if rows:
                    conn.execute(_SET_SEQUENCE, {"of_system": system, "to": last})
                    conn.execute(_INSERT, rows)
        except IntegrityError:
            return [self.add(new) for new in batch]
        return answers

    def _id_for_key(self, system: str, key: str) -> str | None:
        query = select(records.c.id).where(
            records.c.system == system, records.c.idempotency_key == key
        )
        with self._engine.connect() as conn:
            found: str | None = conn.scalar(query)
        return found

    def get(self, system: str, kind: str, record_id: str) -> StoredRecord | None:
        query = select(records).where(
            records.c.system == system, records.c.kind == kind, records.c.id == record_id
        )
        with self._engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return None if row is None else StoredRecord.of(row)

    def find(
        self,
        system: str,
        *,
        kind: str | None = None,
        business_number: str | None = None,
        partner_id: str | None = None,
        limit: int = 100,
    ) -> list[StoredRecord]:
        """Records of ``system`` matching every filter given, newest first."""
        query = select(records).where(records.c.system == system)
        if kind is not None:
            query = query.where(records.c.kind == kind)
        if business_number is not None:
            query = query.where(records.c.business_number == business_number)
        if partner_id is not None:
            query = query.where(records.c.partner_id == partner_id)
        query = query.order_by(records.c.sequence.desc()).limit(limit)
        with self._engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [StoredRecord.of(row) for row in rows]

    def counts(self, system: str) -> tuple[dict[str, int], int]:
        """How many records of each kind ``system`` holds, and its last sequence number."""
        per_kind = (
            select(records.c.kind, func.count())
            .where(records.c.system == system)
            .group_by(records.c.kind)
        )
        last = select(sequences.c.value).where(sequences.c.system == system)
        with self._engine.connect() as conn:
            kinds = {kind: count for kind, count in conn.execute(per_kind)}
            sequence = conn.scalar(last) or 0
        return kinds, int(sequence)
