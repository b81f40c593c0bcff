"""Composition root: the only place that picks concrete adapters for the ports.

Nothing is built at import time; entrypoints call these functions with a
``Settings`` (their own, or ``get_settings()``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from gateway.domain.control_numbers import InMemoryControlNumbers
from gateway.persistence.control_numbers import DatabaseControlNumbers
from gateway.persistence.database import make_engine
from gateway.persistence.migrate import upgrade
from gateway.persistence.payload_files import FilesystemPayloadStore
from gateway.persistence.unit_of_work import SqlUnitOfWork
from gateway.ports import Clock, ControlNumberAllocator
from gateway.services.intake import Intake
from gateway.settings import Settings


class SystemClock:
    """UTC wall-clock time (envelopes carry UTC dates and times)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class EdiServices:
    numbers: ControlNumberAllocator
    clock: Clock


def edi_services() -> EdiServices:
    """Control numbers and clock for translating outside the message store (the
    ``translate``/``render`` commands): numbers restart at 1 per run."""
    return EdiServices(numbers=InMemoryControlNumbers(), clock=SystemClock())


@dataclass(frozen=True, slots=True)
class Gateway:
    """Everything an entrypoint needs, wired for one settings object."""

    settings: Settings
    engine: Engine
    payloads: FilesystemPayloadStore
    numbers: DatabaseControlNumbers
    clock: Clock
    intake: Intake

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)


def gateway(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine: Engine | None = None,
    migrate: bool = True,
) -> Gateway:
    """Wire the store for ``settings``; ``migrate`` brings the schema up to date first
    (the embedded default needs no separate set-up step)."""
    engine = engine or make_engine(settings.effective_database_url)
    if migrate:
        upgrade(engine)
    clock = clock or SystemClock()
    payloads = FilesystemPayloadStore(settings.effective_payload_dir)
    numbers = DatabaseControlNumbers(engine)
    intake = Intake(
        lambda: SqlUnitOfWork(engine),
        payloads,
        numbers,
        clock,
        max_bytes=settings.max_upload_bytes,
    )
    return Gateway(settings, engine, payloads, numbers, clock, intake)
