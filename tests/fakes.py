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


class FakeConnector:
    """A system of record in memory: one record per idempotency key, and failures on
    demand (``fail_next(3)`` makes the next three deliveries retryable errors)."""

    def __init__(self, system: str = "erp") -> None:
        from gateway.domain.delivery import DeliveryReceipt

        self._receipt = DeliveryReceipt
        self.system = system
        self.records: dict[str, dict[str, object]] = {}
        self.calls: list[str] = []
        self.master: list[object] = []
        self._failures: list[Exception] = []

    def fail_next(self, count: int, error: Exception | None = None) -> None:
        from gateway.domain.delivery import DeliveryUnavailable

        for _ in range(count):
            self._failures.append(error or DeliveryUnavailable("503 from the fake", retry_after=0))

    def deliver(self, document: object, idempotency_key: str) -> object:
        self.calls.append(idempotency_key)
        if self._failures:
            raise self._failures.pop(0)
        duplicate = idempotency_key in self.records
        self.records.setdefault(idempotency_key, dict(document))  # type: ignore[call-overload]
        return self._receipt(self.system, f"{self.system}-{idempotency_key[:8]}", duplicate)

    def deliver_many(self, items: list[tuple[object, str]]) -> list[object]:
        """One answer per item as ``deliver`` would give it (the queued failures included);
        ``batches`` counts the calls."""
        from gateway.domain.errors import GatewayError

        self.batches = getattr(self, "batches", 0) + 1
        answers: list[object] = []
        for document, key in items:
            try:
                answers.append(self.deliver(document, key))
            except GatewayError as error:
                answers.append(error)
        return answers

    def fetch(self, kind: str, external_id: str) -> object:
        return next(
            (r for k, r in self.records.items() if f"{self.system}-{k[:8]}" == external_id), None
        )

    def items(self) -> list[object]:
        """The item master (``MasterItem``s) a test puts in ``master``."""
        return list(self.master)

    def close(self) -> None:
        return None
