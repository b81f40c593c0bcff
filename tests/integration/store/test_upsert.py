"""The one-statement inserts of gateway/persistence/upsert.py on SQLite and PostgreSQL:
``insert_new`` must say whether it inserted (the exception store opens an audit trail
only for a row it wrote; psycopg's rowcount said -1 either way)."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, select

from gateway.persistence.tables import exceptions
from gateway.persistence.upsert import insert_new, upsert


def _exception(exception_id: str, fingerprint: str, explanation: str = "x") -> dict[str, object]:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 28, tzinfo=UTC)
    return {
        "id": exception_id, "fingerprint": fingerprint, "rule": "po_ack", "kind": "price",
        "subject": "PO-1",
        "owner": "procurement", "state": "open", "explanation": explanation, "details": {},
        "links": [], "opened_at": now, "updated_at": now, "hold": False,
    }  # fmt: skip


def test_insert_new_tells_an_insert_from_a_row_already_there(store_engine: Engine) -> None:
    with store_engine.begin() as connection:
        assert insert_new(connection, exceptions, _exception("e-1", "f-1"), ["fingerprint"])
        assert not insert_new(connection, exceptions, _exception("e-2", "f-1"), ["fingerprint"])
        assert insert_new(connection, exceptions, _exception("e-3", "f-2"), ["fingerprint"])
        ids = connection.execute(select(exceptions.c.id).order_by(exceptions.c.id)).scalars()
        assert list(ids) == ["e-1", "e-3"]


def test_insert_new_loses_a_race_for_the_same_key_with_false(
    postgres_engine: Engine,
) -> None:
    from tests.stores import empty_tables

    empty_tables(postgres_engine)
    first = postgres_engine.connect()
    first.begin()
    assert insert_new(first, exceptions, _exception("e-1", "f-1"), ["fingerprint"])
    answers: list[bool] = []

    def second() -> None:  # waits on the first one's uncommitted row
        with postgres_engine.begin() as connection:
            answers.append(
                insert_new(connection, exceptions, _exception("e-2", "f-1"), ["fingerprint"])
            )

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(0.3)
    first.commit()
    first.close()
    thread.join()
    assert answers == [False]


def test_upsert_updates_the_row_with_the_same_key(store_engine: Engine) -> None:
    with store_engine.begin() as connection:
        upsert(connection, exceptions, _exception("e-1", "f-1", "first"), ["fingerprint"])
        upsert(connection, exceptions, _exception("e-1", "f-1", "second"), ["fingerprint"])
        rows = connection.execute(select(exceptions.c.id, exceptions.c.explanation)).all()
    assert [tuple(row) for row in rows] == [("e-1", "second")]
