"""The sandbox ERP/WMS application: one FastAPI app with an ERP face and a WMS face.

It stands in for the customer's systems of record in the demo, the tests and the
benchmarks, and is the reference for what an ERP integration needs: idempotent intake,
IDoc XML, lookups by business number, events towards the gateway, and faults on demand.

Routes (each face under ``/erp`` and ``/wms``; the default face also without a prefix)::

    POST   /{system}/documents/{kind}          JSON document, Idempotency-Key required
    POST   /{system}/documents                 up to 1000 JSON documents, one commit
    POST   /{system}/idoc                      IDoc XML, Idempotency-Key required
    GET    /{system}/documents/{kind}/{id}     one record
    GET    /{system}/records                   ?kind=&business_number=&partner_id=&limit=
    GET    /{system}/stats                     records per kind
    GET    /{system}/events                    events emitted, with delivery status
    POST   /erp/purchase-orders                ERP creates a PO → gateway /api/v1/outbound
    POST   /wms/receipts                       WMS books a receipt → gateway /api/v1/wms/receipts
    GET | PUT | DELETE  /_faults               fault switch for the two intake routes
    GET    /healthz
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from erp_connector.sandbox.database import SYSTEMS, create_schema, make_engine
from erp_connector.sandbox.deps import Sandbox, system_in_path
from erp_connector.sandbox.events import EventEmitter, EventStore
from erp_connector.sandbox.faults import FaultSwitch
from erp_connector.sandbox.records import RecordStore
from erp_connector.sandbox.routes import events, faults, health, intake, items

DEFAULT_DATABASE_URL = "sqlite:///data/sandbox.db"


def create_sandbox_app(
    database_url: str = DEFAULT_DATABASE_URL,
    *,
    gateway_url: str | None = None,
    gateway_api_key: str | None = None,
    system: str = "erp",
    http_client: httpx.AsyncClient | None = None,
    hang_seconds: float = 30.0,
    retry_delays: Sequence[float] = (0.5, 2.0, 5.0),
) -> FastAPI:
    """The sandbox over its own database at ``database_url`` (created if missing).

    Args:
        database_url: SQLAlchemy URL: a SQLite file, or PostgreSQL.
        gateway_url: The gateway's base URL events go to; None: events are kept, not sent.
        gateway_api_key: Sent to the gateway as ``X-API-Key``.
        system: The face (``erp`` or ``wms``) also served without a prefix, for a
            connector configured with the sandbox's bare base URL.
        http_client: The client events are sent with (tests inject a mock transport);
            None: one is opened when the app starts and closed when it stops.
        hang_seconds: How long a ``timeout`` fault hangs (tests make it short).
        retry_delays: Seconds between event delivery attempts.

    Raises:
        ValueError: an unknown ``system``.
    """
    if system not in SYSTEMS:
        raise ValueError(f"system must be one of {', '.join(SYSTEMS)}, not {system!r}")
    engine = make_engine(database_url)
    create_schema(engine)
    event_store = EventStore(engine)
    emitter = EventEmitter(
        event_store,
        gateway_url=gateway_url,
        api_key=gateway_api_key,
        client=http_client,
        retry_delays=retry_delays,
    )
    sandbox = Sandbox(
        engine=engine,
        records=RecordStore(engine),
        events=event_store,
        faults=FaultSwitch(engine),
        emitter=emitter,
        default_system=system,
        hang_seconds=hang_seconds,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        emitter.start()
        try:
            yield
        finally:
            await emitter.aclose()
            engine.dispose()

    app = FastAPI(
        title="Crossdock sandbox ERP/WMS",
        summary="A system of record to deliver to: idempotent intake, events, faults",
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
    )
    app.state.sandbox = sandbox
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    _mount(app, system)
    return app


def _mount(app: FastAPI, default_system: str) -> None:
    app.include_router(health.router)
    app.include_router(faults.router)
    faces = (intake.router, events.router)
    for router in faces:
        app.include_router(router, prefix="/{system}", dependencies=[Depends(system_in_path)])
    # The default face's bare routes come last and stay out of the schema: their
    # operation ids repeat the prefixed ones'.
    app.include_router(events.erp_router, prefix="/erp")
    app.include_router(events.wms_router, prefix="/wms")
    app.include_router(items.router, prefix="/erp")  # the ERP keeps the item master
    own = events.erp_router if default_system == "erp" else events.wms_router
    bare = (*faces, own, items.router) if default_system == "erp" else (*faces, own)
    for router in bare:
        app.include_router(router, include_in_schema=False)


def _operation_id(route: APIRoute) -> str:
    """``<tag>-<function name>``: stable across releases, whatever the path."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    """Every refusal reads ``{"error": "..."}``, whoever raised it."""
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": exc.detail}, exc.status_code, headers=exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors()
    )
    return JSONResponse({"error": problems or "invalid request"}, 422)
