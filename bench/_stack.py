"""What the stack benchmarks share (``pipeline.py``, ``soak.py``): the live demo's stack
(API, Celery workers, sandbox ERP/WMS) on a throwaway PostgreSQL schema and a Redis
database of the caller's choosing, and the store queries that measure it.

Each benchmark picks its own Redis database and schema prefix, so that two of them, or
one and the test suite (Redis db 0), never share a queue or a table.
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import redis
from sqlalchemy import text

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from demo.live import LiveStack  # noqa: E402 - needs the repository on sys.path
from gateway.persistence.database import make_engine  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@contextmanager
def throwaway_stack(
    *,
    redis_db: int,
    concurrency: int,
    schema_prefix: str = "bench",
    env: dict[str, str] | None = None,
) -> Iterator[LiveStack]:
    """A ``LiveStack`` (not started) on a fresh schema and an emptied Redis database;
    stopped, the schema dropped and the database emptied again on the way out."""
    schema = f"{schema_prefix}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    full_env = {
        "DATABASE_URL": f"{POSTGRES}?options=-csearch_path%3D{schema}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "CROSSDOCK_ERP_RATE_PER_SECOND": "5000",
        "CROSSDOCK_WMS_RATE_PER_SECOND": "5000",
        **(env or {}),
    }
    redis.Redis.from_url(full_env["REDIS_URL"]).flushdb()
    stack = LiveStack(
        Path(tempfile.mkdtemp(prefix="crossdock-bench-")), concurrency=concurrency, env=full_env
    )
    try:
        yield stack
    finally:
        stack.stop()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
        redis.Redis.from_url(full_env["REDIS_URL"]).flushdb()


def delivered(stack: LiveStack) -> int:
    """Documents the ERP confirmed, all time."""
    query = text(
        "SELECT count(*) FROM deliveries WHERE system = 'erp' AND delivered_at IS NOT NULL"
    )
    with stack.gw.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def latencies(stack: LiveStack, since: datetime, until: datetime | None = None) -> list[float]:
    """Seconds from each message's receipt (``received_at``, stamped before the sender is
    answered) to its documents' ERP delivery, for messages received in [since, until);
    sorted."""
    query = (
        "SELECT m.received_at, d.delivered_at FROM deliveries d "
        "JOIN transactions t ON t.id = d.transaction_id JOIN messages m ON m.id = t.message_id "
        "WHERE d.system = 'erp' AND m.received_at >= :since"
    )
    if until is not None:
        query += " AND m.received_at < :until"
    with stack.gw.engine.connect() as connection:
        rows = connection.execute(text(query), {"since": since, "until": until}).all()
    return sorted((done - received).total_seconds() for received, done in rows)
