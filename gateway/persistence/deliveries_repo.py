"""Which system of record has taken which transaction, and the alerts operations see."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from gateway.domain.delivery import Alert, Attempt
from gateway.persistence.tables import alerts, deliveries


class DeliveryRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def delivered(self, transaction_id: str) -> dict[str, str]:
        """System → its id for the document, for the systems that took it."""
        rows = self._db.execute(
            select(deliveries.c.system, deliveries.c.external_id).where(
                deliveries.c.transaction_id == transaction_id,
                deliveries.c.delivered_at.is_not(None),
            )
        )
        return {system: external_id or "" for system, external_id in rows}

    def delivered_many(self, transaction_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """``delivered`` for many transactions in one query (those with none are absent)."""
        found: dict[str, dict[str, str]] = {}
        if not transaction_ids:
            return found
        query = select(
            deliveries.c.transaction_id, deliveries.c.system, deliveries.c.external_id
        ).where(
            deliveries.c.transaction_id.in_(set(transaction_ids)),
            deliveries.c.delivered_at.is_not(None),
        )
        for transaction_id, system, external_id in self._db.execute(query):
            found.setdefault(transaction_id, {})[system] = external_id or ""
        return found

    def record_many(self, attempts: Sequence[Attempt], at: datetime) -> None:
        """``record`` for many attempts: one query for the rows that exist, then one
        UPDATE and one INSERT statement for the lot."""
        if not attempts:
            return
        keys = {(a.transaction_id, a.system) for a in attempts}
        found = self._db.execute(
            select(deliveries.c.transaction_id, deliveries.c.system).where(
                tuple_(deliveries.c.transaction_id, deliveries.c.system).in_(keys)
            )
        )
        existing = {(transaction_id, system) for transaction_id, system in found}
        updates, inserts = [], []
        for a in attempts:
            values = {
                "external_id": a.external_id,
                "delivered_at": at if a.external_id is not None else None,
                "last_error": a.error,
            }
            if (a.transaction_id, a.system) in existing:
                updates.append({"key_id": a.transaction_id, "key_system": a.system, **values})
            else:
                inserts.append(
                    {"transaction_id": a.transaction_id, "system": a.system, "attempts": 1} | values
                )
        if updates:
            self._db.execute(
                update(deliveries)
                .where(
                    deliveries.c.transaction_id == bindparam("key_id"),
                    deliveries.c.system == bindparam("key_system"),
                )
                .values(attempts=deliveries.c.attempts + 1),
                updates,
            )
        if inserts:
            self._db.execute(insert(deliveries), inserts)

    def attempts(self, transaction_id: str, system: str) -> int:
        value = self._db.execute(
            select(deliveries.c.attempts).where(
                deliveries.c.transaction_id == transaction_id, deliveries.c.system == system
            )
        ).scalar()
        return int(value or 0)

    def record(
        self,
        transaction_id: str,
        system: str,
        *,
        external_id: str | None = None,
        at: datetime | None = None,
        error: str | None = None,
    ) -> None:
        """One attempt: delivered (``external_id`` and ``at``) or failed (``error``)."""
        key = (deliveries.c.transaction_id == transaction_id, deliveries.c.system == system)
        values: dict[str, object] = {"last_error": error}
        if external_id is not None:
            values |= {"external_id": external_id, "delivered_at": at}
        changed = self._db.execute(
            update(deliveries).where(*key).values(attempts=deliveries.c.attempts + 1, **values)
        ).rowcount
        if not changed:
            self._db.execute(
                insert(deliveries).values(
                    transaction_id=transaction_id, system=system, attempts=1, **values
                )
            )

    def raise_alert(
        self,
        kind: str,
        text: str,
        at: datetime,
        *,
        partner_id: str | None = None,
        message_id: str | None = None,
        transaction_id: str | None = None,
    ) -> bool:
        """Open an alert once per kind and transaction; False when it was already raised."""
        try:
            with self._db.begin_nested():
                self._db.execute(
                    insert(alerts).values(
                        kind=kind,
                        text=text,
                        raised_at=at,
                        partner_id=partner_id,
                        message_id=message_id,
                        transaction_id=transaction_id,
                        state="open",
                    )
                )
        except IntegrityError:
            return False
        return True

    def open_alerts(self, partner_id: str | None = None) -> list[Alert]:
        query = select(alerts).where(alerts.c.state == "open").order_by(alerts.c.raised_at)
        if partner_id is not None:
            query = query.where(alerts.c.partner_id == partner_id)
        return [Alert(**row._mapping) for row in self._db.execute(query)]
