"""Real databases for tests: a SQLite file per test, and a throwaway PostgreSQL schema
per test run on the machine's server (127.0.0.1:5432, database ``test``)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from gateway.bootstrap import Gateway, gateway
from gateway.domain.tracking import Direction, MessageRecord, State, Transport
from gateway.persistence.database import make_engine
from gateway.persistence.migrate import upgrade
from gateway.persistence.tables import metadata
from gateway.persistence.unit_of_work import SqlUnitOfWork
from gateway.settings import Settings
from tests.fakes import FixedClock

POSTGRES_URL = os.environ.get(
    "CROSSDOCK_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def postgres_schema_engine() -> Iterator[Engine]:
    """A fresh schema, migrated to head, dropped afterwards."""
    admin = make_engine(POSTGRES_URL)
    schema = f"crossdock_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(POSTGRES_URL, schema=schema)
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def empty_tables(engine: Engine) -> None:
    """Between tests sharing one migrated schema (the history triggers forbid DELETE,
    so TRUNCATE, which they do not cover)."""
    names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} CASCADE"))


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    yield from postgres_schema_engine()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """Each test that takes it runs twice: on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
        upgrade(engine)
        yield engine
        engine.dispose()
    else:
        engine = request.getfixturevalue("postgres_engine")
        empty_tables(engine)
        yield engine


def add_received_message(engine: Engine, message_id: str) -> MessageRecord:
    """A one-byte inbound API message, recorded ``received`` (tests of the store itself)."""
    record = MessageRecord(
        id=message_id,
        direction=Direction.INBOUND,
        transport=Transport.API,
        raw_sha256="0" * 64,
        size=1,
        received_at=datetime(2026, 11, 28, tzinfo=UTC),
        state=State.RECEIVED,
    )
    with SqlUnitOfWork(engine) as uow:
        uow.messages.add(record, record.received_at)
        uow.commit()
    return record


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def wired(store_engine: Engine, tmp_path: Path, clock: FixedClock) -> Gateway:
    """The gateway wired on the test's database, with payloads under tmp_path."""
    settings = Settings(data_dir=tmp_path / "data")
    return gateway(settings, clock=clock, engine=store_engine, migrate=False)
