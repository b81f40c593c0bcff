"""Exceptions and their append-only audit trail (SPEC §5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, bindparam, func, insert, select, update

from gateway.domain.workflow.exceptions import (
    AuditAction,
    AuditEntry,
    DocumentLink,
    ExceptionQuery,
    ExceptionRecord,
    ExceptionState,
    Owner,
    Resolution,
)
from gateway.persistence.tables import exception_events, exceptions
from gateway.persistence.upsert import insert_new

_UNRESOLVED = (ExceptionState.OPEN.value, ExceptionState.ACKNOWLEDGED.value)


class ExceptionRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, record: ExceptionRecord, entry: AuditEntry) -> bool:
        """A new exception with its first audit line; False (and nothing written) when
        its fingerprint is taken: the same discrepancy is an exception already."""
        if not insert_new(self._db, exceptions, _values(record), ["fingerprint"]):
            return False
        self.append([entry])
        return True

    def save(self, record: ExceptionRecord, entries: Sequence[AuditEntry]) -> None:
        """Save what changed (state, owner, explanation, links…) and its audit lines."""
        values = _values(record)
        del values["id"], values["fingerprint"], values["opened_at"]
        self._db.execute(update(exceptions).where(exceptions.c.id == record.id).values(values))
        self.append(entries)

    def append(self, entries: Sequence[AuditEntry]) -> None:
        if entries:
            self._db.execute(insert(exception_events), [_event_values(e) for e in entries])

    def get(self, exception_id: str) -> ExceptionRecord | None:
        row = self._db.execute(select(exceptions).where(exceptions.c.id == exception_id)).first()
        return None if row is None else _record(row._mapping)

    def by_fingerprint(self, fingerprint: str) -> ExceptionRecord | None:
        query = select(exceptions).where(exceptions.c.fingerprint == fingerprint)
        row = self._db.execute(query).first()
        return None if row is None else _record(row._mapping)

    def find(self, query: ExceptionQuery) -> list[ExceptionRecord]:
        """Newest first."""
        statement = (
            select(exceptions)
            .where(*_conditions(query))
            .order_by(exceptions.c.opened_at.desc(), exceptions.c.id)
            .limit(query.limit)
            .offset(query.offset)
        )
        return [_record(row._mapping) for row in self._db.execute(statement)]

    def count(self, query: ExceptionQuery) -> int:
        statement = select(func.count()).select_from(exceptions).where(*_conditions(query))
        return int(self._db.execute(statement).scalar_one())

    def of_subject(self, partner_id: str | None, rule: str, subject: str) -> list[ExceptionRecord]:
        """Everything a rule ever found on a subject, settled or not (one query for a
        re-match: the fingerprints it finds again, and what it no longer finds)."""
        parameters = {"rule": rule, "subject": subject, "partner": partner_id}
        statement = _OF_SUBJECT_NO_PARTNER if partner_id is None else _OF_SUBJECT
        return [_record(row._mapping) for row in self._db.execute(statement, parameters)]

    def history(self, exception_id: str) -> list[AuditEntry]:
        statement = (
            select(exception_events)
            .where(exception_events.c.exception_id == exception_id)
            .order_by(exception_events.c.id)
        )
        return [_entry(row._mapping) for row in self._db.execute(statement)]

    def histories(self, exception_ids: Sequence[str]) -> list[AuditEntry]:
        """The audit lines of many exceptions, in the order they were written."""
        if not exception_ids:
            return []
        statement = (
            select(exception_events)
            .where(exception_events.c.exception_id.in_(set(exception_ids)))
            .order_by(exception_events.c.id)
        )
        return [_entry(row._mapping) for row in self._db.execute(statement)]

    def unresolved_ages(self, partner_id: str | None = None) -> list[tuple[Owner, datetime]]:
        """Owner and opening time of every unsettled exception (the backlog KPI)."""
        statement = select(exceptions.c.owner, exceptions.c.opened_at).where(
            exceptions.c.state.in_(_UNRESOLVED)
        )
        if partner_id is not None:
            statement = statement.where(exceptions.c.partner_id == partner_id)
        return [(Owner(owner), opened) for owner, opened in self._db.execute(statement)]


def _conditions(query: ExceptionQuery) -> list[Any]:
    conditions: list[Any] = []
    if query.owner is not None:
        conditions.append(exceptions.c.owner == query.owner.value)
    if query.states:
        conditions.append(exceptions.c.state.in_([s.value for s in query.states]))
    for column, value in (
        (exceptions.c.partner_id, query.partner_id),
        (exceptions.c.po_number, query.po_number),
        (exceptions.c.kind, query.kind),
        (exceptions.c.assignee, query.assignee),
        (exceptions.c.transaction_id, query.transaction_id),
    ):
        if value is not None:
            conditions.append(column == value)
    if query.opened_before is not None:
        conditions.append(exceptions.c.opened_at < query.opened_before)
    if query.opened_after is not None:
        conditions.append(exceptions.c.opened_at >= query.opened_after)
    return conditions


def _values(record: ExceptionRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "fingerprint": record.fingerprint,
        "rule": record.rule,
        "kind": record.kind,
        "owner": record.owner.value,
        "state": record.state.value,
        "partner_id": record.partner_id,
        "po_number": record.po_number,
        "subject": record.subject[:80],
        "transaction_id": record.transaction_id,
        "hold": record.hold,
        "line": record.line[:200] if record.line else None,
        "explanation": record.explanation,
        "details": dict(record.details),
        "links": [asdict(link) for link in record.links],
        "assignee": record.assignee,
        "opened_at": record.opened_at,
        "updated_at": record.updated_at,
        "acknowledged_at": record.acknowledged_at,
        "acknowledged_by": record.acknowledged_by,
        "resolved_at": record.resolved_at,
        "resolved_by": record.resolved_by,
        "resolution": record.resolution.value if record.resolution else None,
        "resolution_note": record.resolution_note,
    }


# Built once: matching asks for each document's subject, and building the statement cost
# more than running it (profiled on the pipeline benchmark).
_OF_SUBJECT = select(exceptions).where(
    exceptions.c.rule == bindparam("rule"),
    exceptions.c.subject == bindparam("subject"),
    exceptions.c.partner_id == bindparam("partner"),
)
_OF_SUBJECT_NO_PARTNER = select(exceptions).where(
    exceptions.c.rule == bindparam("rule"),
    exceptions.c.subject == bindparam("subject"),
    exceptions.c.partner_id.is_(None),
)


def _record(row: RowMapping) -> ExceptionRecord:
    return ExceptionRecord(
        id=row["id"],
        fingerprint=row["fingerprint"],
        rule=row["rule"],
        kind=row["kind"],
        owner=Owner(row["owner"]),
        state=ExceptionState(row["state"]),
        explanation=row["explanation"],
        opened_at=row["opened_at"],
        updated_at=row["updated_at"],
        partner_id=row["partner_id"],
        po_number=row["po_number"],
        subject=row["subject"],
        transaction_id=row["transaction_id"],
        hold=row["hold"],
        line=row["line"],
        details=dict(row["details"] or {}),
        links=[DocumentLink(**link) for link in row["links"] or []],
        assignee=row["assignee"],
        acknowledged_at=row["acknowledged_at"],
        acknowledged_by=row["acknowledged_by"],
        resolved_at=row["resolved_at"],
        resolved_by=row["resolved_by"],
        resolution=Resolution(row["resolution"]) if row["resolution"] else None,
        resolution_note=row["resolution_note"],
    )


def _event_values(entry: AuditEntry) -> dict[str, Any]:
    return {
        "exception_id": entry.exception_id,
        "at": entry.at,
        "actor": entry.actor[:120],
        "action": entry.action.value,
        "from_state": entry.from_state.value if entry.from_state else None,
        "to_state": entry.to_state.value,
        "note": entry.note,
    }


def _entry(row: RowMapping) -> AuditEntry:
    return AuditEntry(
        exception_id=row["exception_id"],
        at=row["at"],
        actor=row["actor"],
        action=AuditAction(row["action"]),
        from_state=ExceptionState(row["from_state"]) if row["from_state"] else None,
        to_state=ExceptionState(row["to_state"]),
        note=row["note"],
    )
