"""State moves noted on the connection and reported when their transaction commits.

One place for "documents by partner, kind and state": every move goes through
``MessageRepository``, which notes it here; a move rolled back is never reported.
The notes ride on the connection's ``info`` (the pooled DBAPI connection's dict),
and SQLAlchemy's ``commit``/``rollback`` events hand them to the observer the
composition root registered for the engine. ``commit`` fires just before the
database commits: a commit that then fails is counted (rare, and a counter that
over-counts a failed commit beats a hook on every unit of work).

The store also binds the message's id, partner and interchange number into the log
context as it learns them, so every later log line of the request or task has them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, event

from gateway.domain.tracking import Direction, MessageRecord, State, TransactionRecord
from gateway.observability import context
from gateway.ports import StateMove, StateObserver

log = logging.getLogger(__name__)

_NOTES = "crossdock.state_moves"
_observers: WeakKeyDictionary[Engine, StateObserver] = WeakKeyDictionary()


def observe_commits(engine: Engine, observer: StateObserver) -> None:
    """Report the committed moves made over ``engine`` to ``observer`` (the last one
    registered for the engine: wiring a gateway twice on one engine counts once)."""
    _observers[engine] = observer
    for name, listener in (("commit", _committed), ("rollback", _rolled_back)):
        if not event.contains(engine, name, listener):
            event.listen(engine, name, listener)


def note_message(connection: Connection, record: MessageRecord, state: State | None) -> None:
    """``record`` was saved (and entered ``state``, unless None)."""
    # An inbound message is the document the work is about; an outbound one only when
    # nothing else is (an ack recorded on the way must not take over the correlation
    # id of the document it answers).
    if record.direction is Direction.INBOUND or "message_id" not in context.current():
        context.bind(
            message_id=record.id,
            partner=record.partner_id,
            interchange=record.interchange_control_number,
        )
    if state is not None:
        move = StateMove("message", state, record.direction, record.partner_id, record.transport)
        _note(connection, (move,))


def note_transactions(
    connection: Connection, records: Iterable[TransactionRecord], state: State | None = None
) -> None:
    """Each of ``records`` entered ``state`` (None: its own current state)."""
    records = list(records)
    subject = context.current().get("transaction_id")
    for record in records:
        if record.id == subject:  # the task's own set: its control numbers on its lines
            context.bind(group=record.group_control_number, set=record.set_control_number)
    _note(
        connection,
        (
            StateMove(
                "document",
                state or record.state,
                record.direction,
                record.partner_id,
                record.kind or record.transaction_set,
            )
            for record in records
        ),
    )


def note_steps(
    connection: Connection,
    entries: Iterable[tuple[TransactionRecord, Iterable[tuple[State | None, State, str | None]]]],
) -> None:
    """New transactions recorded with every step that led to their state: each step counts."""
    _note(
        connection,
        (
            StateMove(
                "document",
                target,
                record.direction,
                record.partner_id,
                record.kind or record.transaction_set,
            )
            for record, steps in entries
            for _, target, _ in steps
        ),
    )


def _note(connection: Connection, moves: Iterable[StateMove]) -> None:
    if _observers.get(connection.engine) is not None:
        connection.info.setdefault(_NOTES, []).extend(moves)


def _committed(connection: Connection) -> None:
    moves: list[StateMove] | None = connection.info.pop(_NOTES, None)
    observer = _observers.get(connection.engine)
    if moves and observer is not None:
        try:
            observer.moved(moves)
        except Exception:
            # SQLAlchemy calls this before the database commits: a metric that fails must
            # not fail the transaction it counts (nor leave its connection mid-commit).
            log.exception("state moves not counted")


def _rolled_back(connection: Connection, *_: Any) -> None:
    if connection.invalidated:
        # The database dropped the connection: its notes went with it (the pool clears
        # ``info`` when it reconnects), and reading ``info`` now would raise
        # PendingRollbackError from the rollback that ends the failed unit of work.
        return
    connection.info.pop(_NOTES, None)
