"""Engines for the two databases we support: SQLite (embedded) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


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
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite opens transactions lazily and not for SELECT; take the write lock at
        # BEGIN instead, so read-then-write sequences cannot deadlock each other.
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    engine = create_engine(url, pool_pre_ping=True)
    if schema is not None:
        event.listen(engine, "connect", _search_path(schema))
    return engine


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
