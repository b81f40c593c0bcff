"""Engines for the two databases we support: SQLite (embedded) and PostgreSQL.

Every engine translates the database's transient failures into ``StoreUnavailable`` at
this edge (STYLE.md habit 8): a refused or dropped connection, a server shutting down,
a lock or statement timeout, SQLite's "database is locked". What is a bug or a refusal
of the data (an integrity, programming or data error) keeps SQLAlchemy's own exception.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

from gateway.domain.errors import StoreUnavailable
from gateway.persistence.json_text import dumps

# SQLite's primary result codes that say "later", not "wrong": busy, locked, I/O error,
# database or disk full, cannot open, lock protocol (https://sqlite.org/rescode.html).
# Its OperationalError also covers SQL errors (no such table, syntax), which are bugs.
_SQLITE_TRANSIENT = frozenset({5, 6, 10, 13, 14, 15})


def make_engine(url: str, *, schema: str | None = None) -> Engine:
    """An engine for ``url``; ``schema`` puts every table in that PostgreSQL schema
    (tests use a throwaway one per run).

    SQLite gets WAL (readers never block the writer), enforced foreign keys and a
    busy timeout, so several worker processes can share the embedded file.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, json_serializer=dumps)
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite opens transactions lazily and not for SELECT; take the write lock at
        # BEGIN instead, so read-then-write sequences cannot deadlock each other.
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        event.listen(engine, "handle_error", translate_errors)
        return engine
    engine = create_engine(url, json_serializer=dumps)
    if schema is not None:
        event.listen(engine, "connect", _search_path(schema))
    event.listen(engine, "handle_error", translate_errors)
    _ping_when_idle(engine)
    return engine


# A pooled connection unused for longer than this is probed before it is handed out.
IDLE_BEFORE_PING = 5.0


def _ping_when_idle(engine: Engine) -> None:
    """``pool_pre_ping``, but only for a connection that sat idle in the pool: one that
    was in use a moment ago is live, or its failure is a database that went away just
    now, which the next statement reports as ``StoreUnavailable`` (and the pool then
    starts afresh). Pinging at every checkout cost a round trip per transaction: two
    per API submission, seven per worker batch (measured on the pipeline benchmark).
    SQLAlchemy's recipe for custom pessimistic pings: a ``DisconnectionError`` raised at
    checkout makes the pool try a fresh connection."""

    def checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_BEFORE_PING:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            dbapi_connection.rollback()
        except Exception as error:  # whatever the driver says: this connection is gone
            raise DisconnectionError(f"a pooled connection did not answer: {error}") from error

    event.listen(engine, "checkin", checkin)
    event.listen(engine, "checkout", checkout)


def translate_errors(context: ExceptionContext) -> None:
    """SQLAlchemy's ``handle_error`` hook: raise ``StoreUnavailable`` for a failure that
    says the database is (for now) unavailable; leave every other error as it is.

    Called for statements, transaction begin/commit/rollback and connecting alike (after
    SQLAlchemy has invalidated a dropped connection, so the pool reconnects next time).

    Raises:
        StoreUnavailable: the database could not be reached or failed transiently.
    """
    if context.is_pre_ping:
        return  # the pool's own liveness probe: it reconnects by itself
    if not _transient(context):
        return
    original = context.original_exception
    raise StoreUnavailable("the message store is unavailable; try again later") from (
        context.sqlalchemy_exception or original
    )


def _transient(context: ExceptionContext) -> bool:
    if context.is_disconnect:
        return True
    wrapped = context.sqlalchemy_exception
    if not isinstance(wrapped, OperationalError | InterfaceError):
        return False
    original = context.original_exception
    if isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in _SQLITE_TRANSIENT
    return True


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Autocommit at the driver: SQLAlchemy's "begin" event issues BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")  # durable commits: raw-first depends on it
    cursor.close()


def _search_path(schema: str) -> Any:
    def listener(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f'SET search_path TO "{schema}"')
        cursor.close()
        dbapi_connection.commit()

    return listener
