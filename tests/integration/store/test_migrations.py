"""The Alembic migrations build exactly the tables the code declares, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, insert, text, update
from sqlalchemy.exc import DBAPIError

from gateway.persistence.migrate import current_revision, head_revision
from gateway.persistence.tables import messages, metadata, state_transitions


def test_migrated_schema_matches_the_tables(store_engine: Engine) -> None:
    with store_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
    assert current_revision(store_engine) == head_revision()


def _one_transition(engine: Engine) -> None:
    now = datetime(2026, 11, 28, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            insert(messages).values(
                id="m1", direction="inbound", transport="api", raw_sha256="0" * 64, size=1,
                received_at=now, state="received",
            )
        )  # fmt: skip
        connection.execute(
            insert(state_transitions).values(message_id="m1", to_state="received", at=now)
        )


def test_history_is_append_only(store_engine: Engine) -> None:
    _one_transition(store_engine)
    with pytest.raises(DBAPIError, match="append-only"), store_engine.begin() as connection:
        connection.execute(update(state_transitions).values(reason="rewritten"))
    with pytest.raises(DBAPIError, match="append-only"), store_engine.begin() as connection:
        connection.execute(text("DELETE FROM state_transitions"))
    with store_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM state_transitions")).scalar() == 1
