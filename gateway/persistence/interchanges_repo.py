"""Inbound interchange control numbers: duplicates and gaps (SPEC §1 invariant 3).

One row per (sender, receiver, control number); the unique constraint decides
which of two concurrent arrivals is the duplicate. A number seen again after
the partner's window is a new interchange: the row then points at the new one.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update

from gateway.domain.tracking import InterchangeSighting
from gateway.persistence.tables import inbound_interchanges as seen
from gateway.persistence.upsert import insert_new

_KEY = (
    "standard", "sender_qualifier", "sender_id", "receiver_qualifier", "receiver_id",
    "control_number",
)  # fmt: skip  # uq_inbound_interchanges_key


class InboundInterchangeRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def register(self, sighting: InterchangeSighting, window: timedelta) -> str | None:
        """Record an arrival; returns the message id of the earlier one when this is a
        duplicate within ``window``, else None."""
        values = {
            "partner_id": sighting.partner_id,
            "standard": sighting.standard,
            "sender_qualifier": sighting.sender.qualifier,
            "sender_id": sighting.sender.id,
            "receiver_qualifier": sighting.receiver.qualifier,
            "receiver_id": sighting.receiver.id,
            "control_number": sighting.control_number,
            "message_id": sighting.message_id,
            "received_at": sighting.received_at,
        }
        # One statement, not SAVEPOINT + INSERT + RELEASE (a round trip each per message).
        if insert_new(self._db, seen, values, _KEY):
            return None
        key = (
            seen.c.standard == sighting.standard,
            seen.c.sender_qualifier == sighting.sender.qualifier,
            seen.c.sender_id == sighting.sender.id,
            seen.c.receiver_qualifier == sighting.receiver.qualifier,
            seen.c.receiver_id == sighting.receiver.id,
            seen.c.control_number == sighting.control_number,
        )
        earlier = self._db.execute(
            select(seen.c.message_id, seen.c.received_at).where(*key).with_for_update()
        ).one()
        if earlier.message_id == sighting.message_id:
            return None  # the same message again: a replay, not a duplicate
        if sighting.received_at - earlier.received_at <= window:
            return str(earlier.message_id)
        self._db.execute(
            update(seen)
            .where(*key)
            .values(message_id=sighting.message_id, received_at=sighting.received_at)
        )
        return None

    def gaps(self, partner_id: str, since: datetime | None = None) -> list[tuple[int, int]]:
        """Missing numbers between the lowest and highest numeric control number
        received from the partner (since ``since``), as inclusive ranges."""
        query = select(seen.c.control_number).where(seen.c.partner_id == partner_id)
        if since is not None:
            query = query.where(seen.c.received_at >= since)
        numbers = sorted(
            {
                int(value)
                for (value,) in self._db.execute(query)
                if value.isascii() and value.isdigit()
            }
        )
        return [(low + 1, high - 1) for low, high in itertools.pairwise(numbers) if high - low > 1]
