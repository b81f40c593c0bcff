"""One-statement inserts that tolerate a row already there, on SQLite and PostgreSQL.

A savepoint around a plain INSERT does the same in three statements (SAVEPOINT, INSERT,
RELEASE); the workflow writes a match and often an exception per document, and those
round trips were most of its cost on the pipeline benchmark. The statements are built
once per table and passed their values as parameters: building one with ``.values()``
per call cost more than running it (profiled on the pipeline benchmark).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert


def insert_new(
    connection: Connection, table: Table, values: Mapping[str, Any], keys: Sequence[str]
) -> bool:
    """INSERT unless a row with the same ``keys`` (a unique index) exists; True when it
    was inserted. Told by the row RETURNING gives back: psycopg's rowcount for this
    statement is -1 whether it inserted or not (measured), so it cannot tell."""
    statement = _ignoring(connection.dialect.name, table, tuple(keys))
    return connection.execute(statement, dict(values)).first() is not None


def upsert(
    connection: Connection, table: Table, values: Mapping[str, Any], keys: Sequence[str]
) -> None:
    """INSERT, or UPDATE the other columns of the row with the same ``keys``."""
    columns = tuple(name for name in values if name not in keys)
    statement = _updating(connection.dialect.name, table, tuple(keys), columns)
    connection.execute(statement, dict(values))


@cache
def _ignoring(dialect: str, table: Table, keys: tuple[str, ...]) -> Insert:
    inserted = table.c[keys[0]]
    if dialect == "postgresql":
        ours = postgresql.insert(table).on_conflict_do_nothing(index_elements=list(keys))
        return ours.returning(inserted)
    theirs = sqlite.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    return theirs.returning(inserted)


@cache
def _updating(
    dialect: str, table: Table, keys: tuple[str, ...], columns: tuple[str, ...]
) -> Insert:
    if dialect == "postgresql":
        ours = postgresql.insert(table)
        changed = {name: ours.excluded[name] for name in columns}
        return ours.on_conflict_do_update(index_elements=list(keys), set_=changed)
    theirs = sqlite.insert(table)
    changed = {name: theirs.excluded[name] for name in columns}
    return theirs.on_conflict_do_update(index_elements=list(keys), set_=changed)
