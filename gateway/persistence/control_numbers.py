"""Outbound control numbers from the database (SPEC §1 invariant 6).

Each allocation is its own short transaction, committed before the number is
used: a number is never handed out twice, even if the caller's own transaction
rolls back later (the unused number is then a visible gap, never a reuse).
The UPDATE takes the counter row's lock, so concurrent processes queue on it
and get consecutive numbers.

On PostgreSQL the allocation commits without waiting for its WAL flush
(``synchronous_commit`` off for that transaction only; measured: the three
allocations of an acknowledgement were a third of an interchange's processing
time, mostly flush waits). A number still cannot be used twice: a number is only
ever used in a message recorded by a later, synchronous commit, which flushes the
WAL up to and including the allocation; a crash before that loses the allocation
and the message that would have carried it, never a message that went out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    bindparam,
    case,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from gateway.domain.control_numbers import MAXIMUM, Level, following
from gateway.domain.tracking import Direction
from gateway.persistence.tables import control_counters as counters


class DatabaseControlNumbers:
    """A ``ControlNumberAllocator`` whose counters live in ``control_counters``."""

    def __init__(self, engine: Engine, *, start: int = 1) -> None:
        self._engine = engine
        self._start = start
        self._postgres = engine.dialect.name == "postgresql"

    def next(self, partner: str, level: Level) -> int:
        return self.next_for(partner, level, Direction.OUTBOUND)

    def next_for(self, partner: str, level: Level, direction: Direction) -> int:
        with self._engine.begin() as connection:
            if self._postgres:
                connection.execute(_ASYNC_COMMIT)
            value = _advance(connection, partner, level, direction)
            if value is not None:
                return value
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    insert(counters).values(
                        partner_id=partner,
                        direction=direction.value,
                        level=level.value,
                        last_value=self._start,
                    )
                )
                return self._start
        except IntegrityError:
            # Another process created the counter first: take the next one after its.
            with self._engine.begin() as connection:
                value = _advance(connection, partner, level, direction)
                assert value is not None
                return value

    def reserve(self, partner: str, levels: Sequence[Level]) -> list[int]:
        """``next`` for each of ``levels`` in one transaction: the partner's counters are
        locked, advanced and written back together (an acknowledgement's three numbers
        were three transactions, a fifth of a single-set message's round trips). A
        counter not created yet takes the one-by-one path once."""
        wanted = Counter(levels)
        with self._engine.begin() as connection:
            if self._postgres:
                connection.execute(_ASYNC_COMMIT)
            found = connection.execute(
                select(counters.c.level, counters.c.last_value)
                .where(
                    counters.c.partner_id == partner,
                    counters.c.direction == Direction.OUTBOUND.value,
                    counters.c.level.in_([level.value for level in wanted]),
                )
                .with_for_update()
            ).all()
            last = {Level(level): int(value) for level, value in found}
            if len(last) == len(wanted):
                handed: dict[Level, list[int]] = {}
                for level, count in wanted.items():
                    value, values = last[level], []
                    for _ in range(count):
                        value = following(value, level)
                        values.append(value)
                    handed[level] = values
                connection.execute(
                    _SET_LAST,
                    [
                        {"b_partner": partner, "b_level": level.value, "b_value": values[-1]}
                        for level, values in handed.items()
                    ],
                )
                return [handed[level].pop(0) for level in levels]
        return [self.next(partner, level) for level in levels]

    def last(self, partner: str, level: Level, direction: Direction = Direction.OUTBOUND) -> int:
        """The last number handed out (0 when none was)."""
        with self._engine.connect() as connection:
            value = connection.execute(
                select(counters.c.last_value).where(*_key(partner, level, direction))
            ).scalar()
        return int(value or 0)


_ASYNC_COMMIT = text("SET LOCAL synchronous_commit TO OFF")
_SET_LAST = (
    update(counters)
    .where(
        counters.c.partner_id == bindparam("b_partner"),
        counters.c.direction == Direction.OUTBOUND.value,
        counters.c.level == bindparam("b_level"),
    )
    .values(last_value=bindparam("b_value"))
)


def _key(partner: str, level: Level, direction: Direction) -> tuple[ColumnElement[bool], ...]:
    return (
        counters.c.partner_id == partner,
        counters.c.direction == direction.value,
        counters.c.level == level.value,
    )


def _advance(
    connection: Connection, partner: str, level: Level, direction: Direction
) -> int | None:
    following = case((counters.c.last_value >= MAXIMUM[level], 1), else_=counters.c.last_value + 1)
    row = connection.execute(
        update(counters)
        .where(*_key(partner, level, direction))
        .values(last_value=following)
        .returning(counters.c.last_value)
    ).first()
    return None if row is None else int(row[0])
