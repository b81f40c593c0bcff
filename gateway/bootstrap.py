"""Composition root: the only place that picks concrete adapters for the ports.

Nothing is built at import time; entrypoints call these functions with a
``Settings`` (their own, or ``get_settings()``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from gateway.domain.control_numbers import InMemoryControlNumbers
from gateway.observability.adapters import ObservedConnector, ObservedTransport
from gateway.observability.metrics import PrometheusTelemetry
from gateway.persistence.control_numbers import DatabaseControlNumbers
from gateway.persistence.database import make_engine
from gateway.persistence.migrate import upgrade
from gateway.persistence.observed import observe_commits
from gateway.persistence.payload_files import FilesystemPayloadStore
from gateway.persistence.unit_of_work import SqlUnitOfWork
from gateway.ports import Clock, Connector, ControlNumberAllocator, Dispatcher, OutboundTransport
from gateway.services.delivery import Delivery
from gateway.services.intake import Intake
from gateway.services.item_master import ItemMaster
from gateway.services.outbound import Outbound
from gateway.services.pipeline import InlineDispatcher, Pipeline
from gateway.services.replay import Remapper
from gateway.settings import Settings

if TYPE_CHECKING:
    from gateway.transports.as2 import As2Inbound
from gateway.transports.http import HttpOutbound


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
    delivery: Delivery
    pipeline: Pipeline
    outbound: Outbound
    connectors: Mapping[str, Connector]
    as2: As2Inbound
    items: ItemMaster

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)


def gateway(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine: Engine | None = None,
    migrate: bool = True,
    connectors: Mapping[str, Connector] | None = None,
    dispatcher: Dispatcher | None = None,
) -> Gateway:
    """Wire the store for ``settings``; ``migrate`` brings the schema up to date first
    (the embedded default needs no separate set-up step).

    ``connectors`` default to the systems of record the settings name; ``dispatcher``
    to running each step in the caller's thread (a worker passes the Celery one).
    """
    engine = engine or make_engine(settings.effective_database_url)
    if migrate:
        upgrade(engine)
    clock = clock or SystemClock()
    telemetry = PrometheusTelemetry()
    observe_commits(engine, telemetry)  # documents by partner, kind and state
    payloads = FilesystemPayloadStore(settings.effective_payload_dir)
    numbers = DatabaseControlNumbers(engine)
    intake = Intake(
        lambda: SqlUnitOfWork(engine),
        payloads,
        numbers,
        clock,
        max_bytes=settings.max_upload_bytes,
        batch=settings.inbound_batch,
        batch_bytes=settings.inbound_batch_bytes,
    )
    if connectors is None:
        connectors = build_connectors(settings)
    observed = {name: ObservedConnector(connector) for name, connector in connectors.items()}
    delivery = Delivery(lambda: SqlUnitOfWork(engine), observed, clock)
    inline = InlineDispatcher()
    remapper = Remapper(lambda: SqlUnitOfWork(engine), payloads, numbers, clock)
    pipeline = Pipeline(
        intake, delivery, remapper, dispatcher or inline, lambda: SqlUnitOfWork(engine), clock,
        telemetry=telemetry,
    )  # fmt: skip
    # The transports' libraries (paramiko, asyncssh, cryptography) load only when wired.
    from gateway.transports.as2 import As2Inbound, As2Outbound, Station
    from gateway.transports.sftp import SftpOutbound

    station = Station(settings, lambda: SqlUnitOfWork(engine))
    transports: dict[str, OutboundTransport] = {
        name: ObservedTransport(name, transport)
        for name, transport in (
            ("http", HttpOutbound()),
            ("sftp", SftpOutbound(settings.effective_sftp_root)),
            ("as2", As2Outbound(station)),
        )
    }
    outbound = Outbound(lambda: SqlUnitOfWork(engine), payloads, numbers, clock, transports)
    inline.pipeline = pipeline
    inline.outbound = outbound
    as2 = As2Inbound(
        station, intake, outbound, payloads, pipeline.dispatcher, lambda: SqlUnitOfWork(engine),
        clock,
    )  # fmt: skip
    # The ERP's item master feeds the 856 rule's item cross-references (SPEC §5).
    items = ItemMaster(lambda: SqlUnitOfWork(engine), clock, observed.get("erp"))
    return Gateway(
        settings, engine, payloads, numbers, clock, intake, delivery, pipeline, outbound,
        connectors, as2, items,
    )  # fmt: skip


def build_connectors(settings: Settings) -> dict[str, Connector]:
    """A connector per configured system of record (none configured: none)."""
    systems = {name: conf for name, conf in (("erp", settings.erp), ("wms", settings.wms)) if conf}
    if not systems:
        return {}
    from erp_connector import build_connector  # only the composition root knows adapters

    return {name: build_connector(name, conf) for name, conf in systems.items()}
