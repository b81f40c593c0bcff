"""Faults the sandbox injects into document intake, switched at runtime.

The switch lives in the database rather than in the process: benchmarks run the
sandbox under several uvicorn workers, and "fail the next 3 calls" must mean three
calls in total, not three per worker. Taking one of those calls is a single
conditional UPDATE, so concurrent requests never fail more calls than were asked for.

Reading the switch through SQLAlchemy cost about a millisecond per intake call on the
benchmark machine, a quarter of the call. So a process trusts a *quiet* switch (no
latency, no failures) that it read less than ``quiet_for`` seconds ago; a switch that
is set is read on every call. The process that takes a ``PUT /_faults`` sees it at
once; other workers within ``quiet_for`` (0.1 s by default).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Engine, or_, select, update

from erp_connector.sandbox.database import FAULTS_ROW, faults, writes

RETRY_AFTER_STATUSES = frozenset({429, 503})  # the statuses RFC 9110 pairs with Retry-After


@dataclass(frozen=True, slots=True, kw_only=True)
class Faults:
    """What intake calls suffer until the faults are cleared.

    Attributes:
        latency_ms: Added to every intake call.
        status: The status failed calls answer with; None: calls do not fail.
        count: How many calls still fail; None: every call, until cleared.
        retry_after: Seconds, sent as ``Retry-After`` with a 429 or 503.
        timeout: Failed calls hang for longer than any client waits, then answer 504.
        injected: Failures served since the faults were last set (for tests and demos).
    """

    latency_ms: int = 0
    status: int | None = None
    count: int | None = None
    retry_after: int | None = None
    timeout: bool = False
    injected: int = 0

    @property
    def fails(self) -> bool:
        """Whether a call may fail at all (as opposed to being only slowed down)."""
        return (self.status is not None or self.timeout) and self.count != 0

    @property
    def active(self) -> bool:
        return self.latency_ms > 0 or self.fails


_QUIET = Faults()


@dataclass(frozen=True, slots=True)
class Failure:
    """How one call fails."""

    status: int
    retry_after: int | None
    hang: bool


_READ = select(faults).where(faults.c.id == FAULTS_ROW)


class FaultSwitch:
    """The fault state in the sandbox database; safe to share between threads.

    Args:
        engine: The sandbox database.
        quiet_for: Seconds a quiet switch read by ``for_call`` is trusted.
    """

    def __init__(self, engine: Engine, *, quiet_for: float = 0.1) -> None:
        self._engine = engine
        self._writes = writes(engine)
        self._quiet_for = quiet_for
        self._quiet_since: float | None = None  # when a read last found the switch quiet

    def for_call(self) -> Faults:
        """The faults an intake call must suffer (see the module docstring)."""
        seen = self._quiet_since
        if seen is not None and time.monotonic() - seen < self._quiet_for:
            return _QUIET
        return self.current()

    def current(self) -> Faults:
        """The switch as the database holds it now."""
        started = time.monotonic()
        with self._engine.connect() as conn:
            row = conn.execute(_READ).mappings().one()
        found = Faults(
            latency_ms=row["latency_ms"],
            status=row["status"],
            count=row["remaining"],
            retry_after=row["retry_after"],
            timeout=row["timeout"],
            injected=row["injected"],
        )
        self._quiet_since = None if found.active else started
        return found

    def set(self, wanted: Faults) -> Faults:
        """Replace the faults with ``wanted`` (its ``injected`` is ignored and reset)."""
        with self._writes.begin() as conn:
            conn.execute(
                update(faults)
                .where(faults.c.id == FAULTS_ROW)
                .values(
                    latency_ms=wanted.latency_ms,
                    status=wanted.status,
                    remaining=wanted.count,
                    retry_after=wanted.retry_after,
                    timeout=wanted.timeout,
                    injected=0,
                )
            )
        return self.current()

    def clear(self) -> Faults:
        return self.set(Faults())

    def take(self, seen: Faults) -> Failure | None:
        """Whether this call fails, given the faults it read (``seen``).

        With a ``count``, the call fails only if it wins one of the remaining
        failures: ``remaining > 0`` is checked and decremented in one statement.
        """
        if not seen.fails:
            return None
        row = faults.c
        # Re-checked in the statement: the faults may have been cleared since ``seen``.
        still_failing = or_(row.status.is_not(None), row.timeout.is_(True))
        statement = update(faults).where(row.id == FAULTS_ROW, still_failing)
        if seen.count is not None:
            statement = statement.where(row.remaining > 0)
            statement = statement.values(remaining=row.remaining - 1)
        statement = statement.values(injected=row.injected + 1)
        statement = statement.returning(row.status, row.retry_after, row.timeout)
        with self._writes.begin() as conn:
            won = conn.execute(statement).first()
        if won is None:
            return None  # another call took the last failure, or they were cleared
        status, retry_after, hang = won
        if hang:
            return Failure(504, None, hang=True)
        return Failure(status, retry_after if status in RETRY_AFTER_STATUSES else None, False)
