"""A database that is down or drops its connections raises ``StoreUnavailable`` (our
error, retryable, answered 503 by the API), never SQLAlchemy's or the driver's own
exception; what is a bug or a refusal of the data keeps SQLAlchemy's exception."""

from __future__ import annotations

import socket
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.pool import QueuePool

from gateway.domain.errors import StoreUnavailable
from gateway.persistence.database import make_engine, translate_errors
from gateway.persistence.observed import observe_commits
from gateway.persistence.unit_of_work import SqlUnitOfWork
from gateway.ports import StateMove
from tests.stores import POSTGRES_URL, add_received_message


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the block ends


@pytest.fixture
def nowhere() -> Iterator[Engine]:
    engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/test")
    yield engine
    engine.dispose()


def test_a_database_that_refuses_connections_is_unavailable(nowhere: Engine) -> None:
    with pytest.raises(StoreUnavailable) as raised, SqlUnitOfWork(nowhere):
        pass
    assert raised.value.code == "store.unavailable" and raised.value.retryable
    assert raised.value.__cause__ is not None  # the driver's own error, kept for the logs
    assert str(nowhere.url.port) not in raised.value.message  # no server detail for a caller


class Counting:
    def __init__(self) -> None:
        self.moves = 0

    def moved(self, moves: Sequence[StateMove]) -> None:
        self.moves += len(moves)


def test_a_connection_dropped_mid_transaction_is_unavailable_then_reconnects() -> None:
    # An engine of its own, observed as the composition root wires every engine: the
    # rollback that ends the failed transaction must not fail in the observer's hook.
    engine = make_engine(POSTGRES_URL)
    observe_commits(engine, Counting())
    with pytest.raises(StoreUnavailable), engine.connect() as connection, connection.begin():
        backend = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        connection.execute(text("SELECT 1"))
    with engine.connect() as connection:  # the pool replaced the dead connection
        assert connection.execute(text("SELECT 1")).scalar_one() == 1
    engine.dispose()


def _kill_pooled_connection(engine: Engine) -> int:
    """Terminate the backend of the connection the pool holds (one, checked in)."""
    with engine.connect() as connection:
        backend = int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
    admin = make_engine(POSTGRES_URL)
    with admin.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    admin.dispose()
    return backend


def test_a_connection_that_died_while_idle_is_replaced_before_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gateway.persistence import database

    engine = make_engine(POSTGRES_URL)
    dead = _kill_pooled_connection(engine)
    monkeypatch.setattr(database, "IDLE_BEFORE_PING", 0.0)  # it has been idle long enough
    with engine.connect() as connection:  # probed at checkout, replaced: no error
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar_one() != dead
    engine.dispose()


def test_a_connection_in_use_a_moment_ago_is_not_probed_and_fails_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gateway.persistence import database

    engine = make_engine(POSTGRES_URL)
    _kill_pooled_connection(engine)
    monkeypatch.setattr(database, "IDLE_BEFORE_PING", 3600.0)
    with pytest.raises(StoreUnavailable), engine.connect() as connection:
        connection.execute(text("SELECT 1"))  # no probe: the statement finds it dead
    with engine.connect() as connection:  # and the pool starts afresh
        assert connection.execute(text("SELECT 1")).scalar_one() == 1
    engine.dispose()


def test_a_pool_with_every_connection_busy_is_unavailable(tmp_path: Path) -> None:
    engine = create_engine(
        f"sqlite:///{tmp_path / 'busy.db'}",
        poolclass=QueuePool,
        pool_size=1,
        max_overflow=0,
        pool_timeout=0.1,
    )
    event.listen(engine, "handle_error", translate_errors)
    with engine.connect(), pytest.raises(StoreUnavailable), SqlUnitOfWork(engine):
        pass
    engine.dispose()


def test_errors_of_the_data_or_of_our_sql_are_not_called_unavailable(
    store_engine: Engine,
) -> None:
    record = add_received_message(store_engine, "m-1")
    with pytest.raises(IntegrityError), SqlUnitOfWork(store_engine) as uow:
        uow.messages.add(record, record.received_at)  # the same id again
    # SQL that cannot run is a bug, even where the driver calls it an OperationalError
    # (SQLite does); StoreUnavailable is not a DBAPIError.
    with pytest.raises(DBAPIError), store_engine.connect() as connection:
        connection.execute(text("SELECT no_such_column FROM messages"))
