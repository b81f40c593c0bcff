"""Composition root: the only place that picks concrete adapters for the ports.

Nothing is built at import time; entrypoints call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from gateway.domain.control_numbers import InMemoryControlNumbers
from gateway.ports import Clock, ControlNumberAllocator


class SystemClock:
    """UTC wall-clock time (envelopes carry UTC dates and times)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class EdiServices:
    numbers: ControlNumberAllocator
    clock: Clock


def edi_services() -> EdiServices:
    """Control numbers and clock for translating outside the message store.

    In memory for now: numbers restart at 1 per run. The database allocator
    replaces this once the message store exists.
    """
    return EdiServices(numbers=InMemoryControlNumbers(), clock=SystemClock())
