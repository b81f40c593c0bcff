"""In-memory stand-ins for the ports (gateway/ports.py) used by unit tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FixedClock:
    """A Clock that always says 2026-11-28 09:30 UTC."""

    def __init__(self, moment: datetime | None = None) -> None:
        self.moment = moment or datetime(2026, 11, 28, 9, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        """Move on (duplicate windows, ack latencies): ``advance(days=31)``."""
        self.moment += timedelta(**delta)
