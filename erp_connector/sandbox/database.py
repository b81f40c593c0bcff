"""The sandbox's own tables and engine: SQLite by default, PostgreSQL by URL.

The sandbox keeps its state in its database, not in the process, so that several
uvicorn workers (and the tests' threads) see one ERP: records, the events it emitted
and the faults it is told to inject. Tables are SQLAlchemy Core; no ORM, because every
operation is one or two statements and the benchmarks push 500+ documents a second.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    insert,
    select,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import IntegrityError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

SYSTEMS = ("erp", "wms")
FAULTS_ROW = 1  # one fault switch for the whole sandbox, shared by both faces

metadata = MetaData()

records = Table(
    "records",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("system", String(8), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("idempotency_key", String(255), nullable=False),
    Column("business_number", String(120), nullable=False),
    Column("partner_id", String(120)),
    Column("body", JSON, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("sequence", BigInteger, nullable=False),
    # The constraint, not a read before the write, decides what is a duplicate: two
    # concurrent posts of one key both try to insert and exactly one succeeds.
    UniqueConstraint("system", "idempotency_key", name="uq_records_system_key"),
    UniqueConstraint("system", "sequence", name="uq_records_system_sequence"),
    Index("ix_records_lookup", "system", "kind", "business_number"),
    Index("ix_records_partner", "system", "partner_id"),
)

# One counter row per system: ``UPDATE … SET value = value + 1`` takes the row lock
# (PostgreSQL) or the write lock (SQLite), so sequences never repeat under
# concurrency, and a rolled-back duplicate gives its number back (no gaps).
sequences = Table(
    "sequences",
    metadata,
    Column("system", String(8), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("system", String(8), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("record_id", String(36), nullable=False),
    Column("url", Text),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False),  # pending | delivered | failed | skipped
    Column("attempts", Integer, nullable=False, default=0),
    Column("response_status", Integer),
    Column("response", Text),  # the gateway's answer (or the transport error), truncated
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_events_system_created", "system", "created_at"),
)

faults = Table(
    "faults",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("latency_ms", Integer, nullable=False, default=0),
    Column("status", Integer),
    Column("remaining", Integer),  # calls still to fail; NULL: until cleared
    Column("retry_after", Integer),
    Column("timeout", Boolean, nullable=False, default=False),
    Column("injected", BigInteger, nullable=False, default=0),  # failures served so far
)


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the settings concurrent writers need.

    SQLite gets WAL (readers never wait for the writer), a busy timeout (writers queue
    instead of failing with "database is locked") and ``synchronous=NORMAL``: a
    sandbox may lose its last commits to a power cut, and a fsync per document would
    cap the benchmarks at the disk's sync rate.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # As many connections as the request threadpool has threads (40, anyio's default).
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=30)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"timeout": 30},
        pool_size=20,
        max_overflow=20,
        # Hand out the connection used last: its page cache is the warm one.
        pool_use_lifo=True,
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


class Writes:
    """Write transactions on one engine: ``with writes.begin() as conn: ...``.

    On SQLite, writers queue *before* asking SQLite for its lock: one thread per
    process (a mutex), one process per database (``flock`` on a file beside it), then
    BEGIN IMMEDIATE. SQLite's own busy handler polls with sleeps of 1 to 100 ms, where a
    mutex or a blocked ``flock`` wakes the next writer as soon as the lock is free:
    two workers under 16 concurrent clients measured about 30% more documents a second
    with the ``flock`` than without. (BEGIN IMMEDIATE, not a deferred BEGIN: a deferred
    transaction that reads and then writes fails at once with SQLITE_BUSY when another
    writer got in between.)
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine.execution_options(sqlite_immediate=True)
        self._lock = threading.Lock() if engine.dialect.name == "sqlite" else None
        database = engine.url.database
        file_backed = self._lock is not None and database and database != ":memory:"
        self._file = _FileLock(f"{database}.writer-lock") if file_backed else None

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self._lock or nullcontext(), self._file or nullcontext(), self._engine.begin() as conn:
            yield conn


class _FileLock:
    """An exclusive ``flock`` on ``path``, held by at most one thread of the process
    at a time (``Writes`` takes its mutex first). Where ``fcntl`` is missing (Windows)
    it does nothing and SQLite's busy timeout is the only queue."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._fd: int | None = None

    def __enter__(self) -> None:
        if fcntl is None:
            return
        if self._fd is None:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *_exc: object) -> None:
        if fcntl is not None and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)


_WRITES: weakref.WeakKeyDictionary[Engine, Writes] = weakref.WeakKeyDictionary()
_WRITES_LOCK = threading.Lock()


def writes(engine: Engine) -> Writes:
    """The one ``Writes`` of ``engine``, shared by every store on it (one mutex each)."""
    with _WRITES_LOCK:
        found = _WRITES.get(engine)
        if found is None:
            found = _WRITES[engine] = Writes(engine)
        return found


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Autocommit at the driver; SQLAlchemy's "begin" event issues BEGIN itself
    # (SQLAlchemy docs, "Serializable isolation / Savepoints / Transactional DDL").
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # Writes take the lock at BEGIN. Reads send no BEGIN at all: each of their
    # statements is its own snapshot in autocommit, which saves two round trips
    # (BEGIN, ROLLBACK) on the fault switch that every intake call reads.
    if conn.get_execution_options().get("sqlite_immediate", False):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_schema(engine: Engine) -> None:
    """Create what is missing and the rows every later statement updates in place.

    Safe to call from several processes at once: a lost race to insert a seed row is
    an ``IntegrityError`` that means the row is there.
    """
    metadata.create_all(engine, checkfirst=True)
    seeds: list[tuple[Table, dict[str, Any]]] = [
        (sequences, {"system": system, "value": 0}) for system in SYSTEMS
    ]
    seeds.append((faults, {"id": FAULTS_ROW, "latency_ms": 0, "timeout": False, "injected": 0}))
    for table, row in seeds:
        key = next(iter(table.primary_key.columns))
        try:
            with writes(engine).begin() as conn:
                if conn.scalar(select(key).where(key == row[key.name])) is None:
                    conn.execute(insert(table).values(**row))
        except IntegrityError:
            pass  # another worker seeded it first
