"""Events the sandbox ERP and WMS emit to the gateway: an outbox, and its courier.

The event row is written in the same transaction as the record it announces, then
delivered after the commit by a background task, as a real ERP's change feed or
webhook would: the gateway never hears of a purchase order the ERP did not keep, and
a crash between commit and POST leaves a ``pending`` row to see (and resend) rather
than a lost event. Every attempt updates the row with the gateway's answer.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import anyio
import httpx
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.engine import Connection, RowMapping
from starlette.concurrency import run_in_threadpool

from erp_connector.sandbox.database import events, writes
from erp_connector.sandbox.records import SameTransaction

logger = logging.getLogger(__name__)

PENDING, DELIVERED, FAILED, SKIPPED = "pending", "delivered", "failed", "skipped"
_KEEP_RESPONSE = 2000  # characters of the gateway's answer worth keeping for a person
_RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class StoredEvent:
    id: str
    system: str
    kind: str
    record_id: str
    url: str | None
    payload: dict[str, Any]
    status: str
    attempts: int
    response_status: int | None
    response: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: RowMapping) -> StoredEvent:
        values = dict(row)
        for name in ("created_at", "updated_at"):
            if values[name].tzinfo is None:  # SQLite keeps no offset; we write UTC
                values[name] = values[name].replace(tzinfo=UTC)
        return cls(**values)


class EventStore:
    """Event rows in the sandbox database; safe to share between threads."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writes = writes(engine)

    def outbox(
        self, event_id: str, system: str, kind: str, url: str | None, payload: dict[str, Any]
    ) -> SameTransaction:
        """The insert of event ``event_id``, to run in its record's transaction.

        Without a ``url`` (no gateway configured) the event is ``skipped``: kept, so a
        demo shows what would have been sent, but never delivered.
        """

        def write(conn: Connection, record_id: str) -> None:
            now = datetime.now(UTC)
            conn.execute(
                insert(events).values(
                    id=event_id,
                    system=system,
                    kind=kind,
                    record_id=record_id,
                    url=url,
                    payload=payload,
                    status=PENDING if url else SKIPPED,
                    attempts=0,
                    response="no gateway_url configured" if not url else None,
                    created_at=now,
                    updated_at=now,
                )
            )

        return write

    def record_attempt(
        self, event_id: str, status: str, response_status: int | None, response: str
    ) -> None:
        statement = (
            update(events)
            .where(events.c.id == event_id)
            .values(
                status=status,
                attempts=events.c.attempts + 1,
                response_status=response_status,
                response=response[:_KEEP_RESPONSE],
                updated_at=datetime.now(UTC),
            )
        )
        with self._writes.begin() as conn:
            conn.execute(statement)

    def get(self, event_id: str) -> StoredEvent | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(events).where(events.c.id == event_id)).mappings().first()
        return None if row is None else StoredEvent.of(row)

    def for_record(self, record_id: str) -> StoredEvent | None:
        """The event that announced record ``record_id`` (there is at most one)."""
        query = select(events).where(events.c.record_id == record_id).limit(1)
        with self._engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return None if row is None else StoredEvent.of(row)

    def find(
        self, system: str, *, status: str | None = None, limit: int = 100
    ) -> list[StoredEvent]:
        """Events of ``system``, newest first."""
        query = select(events).where(events.c.system == system)
        if status is not None:
            query = query.where(events.c.status == status)
        query = query.order_by(events.c.created_at.desc(), events.c.id).limit(limit)
        with self._engine.connect() as conn:
            return [StoredEvent.of(row) for row in conn.execute(query).mappings()]


def new_event_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True, slots=True)
class _Outcome:
    status: str  # DELIVERED, FAILED, or PENDING (try again)
    response_status: int | None
    response: str
    retry_after: float | None = None


class EventEmitter:
    """POSTs events to the gateway, retrying transient failures with backoff.

    Args:
        store: Where attempts are recorded.
        gateway_url: The gateway's base URL; None: events are kept but not sent.
        api_key: Sent as ``X-API-Key``.
        client: The HTTP client to send with (tests pass one over
            ``httpx.MockTransport``); None: ``start`` opens one and ``aclose`` closes it.
        retry_delays: Seconds to wait before each retry; their number is the number
            of retries. A ``Retry-After`` longer than the delay wins, up to
            ``max_retry_after``.
    """

    def __init__(
        self,
        store: EventStore,
        *,
        gateway_url: str | None,
        api_key: str | None,
        client: httpx.AsyncClient | None = None,
        retry_delays: Sequence[float] = (0.5, 2.0, 5.0),
        max_retry_after: float = 30.0,
    ) -> None:
        self._store = store
        self._base = gateway_url.rstrip("/") if gateway_url else None
        self._api_key = api_key
        self._client = client
        self._owns_client = client is None
        self._delays = tuple(retry_delays)
        self._max_retry_after = max_retry_after

    def url(self, path: str) -> str | None:
        """Where an event for ``path`` goes, or None when no gateway is configured."""
        return f"{self._base}{path}" if self._base else None

    def start(self) -> None:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=3.0))

    async def aclose(self) -> None:
        if self._owns_client and self._client is not None:
            await self._client.aclose()
            self._client = None

    async def deliver(self, event_id: str, url: str, payload: dict[str, Any]) -> None:
        """Send one event until the gateway takes it, refuses it, or retries run out."""
        key = str(payload.get("meta", {}).get("idempotency_key") or event_id)
        headers = {"Idempotency-Key": key}
        if self._api_key:
            headers["X-API-Key"] = self._api_key
        for attempt in range(len(self._delays) + 1):
            outcome = await self._attempt(url, payload, headers)
            last = attempt == len(self._delays)
            status = FAILED if outcome.status == PENDING and last else outcome.status
            await run_in_threadpool(
                self._store.record_attempt,
                event_id,
                status,
                outcome.response_status,
                outcome.response,
            )
            if status != PENDING:
                logger.info("event %s %s after %d attempt(s)", event_id, status, attempt + 1)
                return
            delay = self._delays[attempt]
            if outcome.retry_after is not None:
                delay = max(delay, min(outcome.retry_after, self._max_retry_after))
            await anyio.sleep(delay)

    async def _attempt(
        self, url: str, payload: dict[str, Any], headers: dict[str, str]
    ) -> _Outcome:
        try:
            if self._client is None:  # no lifespan ran (an embedding app): a one-off client
                async with httpx.AsyncClient(timeout=10.0) as client:
                    response = await client.post(url, json=payload, headers=headers)
            else:
                response = await self._client.post(url, json=payload, headers=headers)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            # Every httpx failure ends here, as a retry; nothing of httpx leaves this method.
            return _Outcome(PENDING, None, f"{type(exc).__name__}: {exc}")
        code = response.status_code
        if response.is_success:
            return _Outcome(DELIVERED, code, response.text)
        if code in _RETRYABLE_STATUSES:
            return _Outcome(PENDING, code, response.text, _retry_after(response))
        return _Outcome(FAILED, code, response.text)


def _retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds, either form (RFC 9110 §10.2.3); None if absent or bad."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:  # "-0000": UTC, origin unknown (RFC 5322 §3.3)
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())
