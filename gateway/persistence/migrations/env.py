"""Alembic environment: runs on the connection the caller hands over
(gateway.persistence.migrate), or on ``DATABASE_URL`` from the alembic command line."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from gateway.persistence.database import make_engine
from gateway.persistence.tables import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set DATABASE_URL (or use `crossdock db upgrade`)")
    with make_engine(url).connect() as conn:
        _run(conn)
        conn.commit()
