"""The FastAPI application: routers, the error handler and OpenAPI ids, nothing else.

``create_app(gw)`` serves a gateway the caller wired (tests, embedding); without one
the app wires its own from ``get_settings()`` when it starts, never at import time
(STYLE.md habit 3), so ``uvicorn --factory gateway.api.app:create_app`` works.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from gateway.api.errors import (
    documented,
    gateway_error_response,
    request_validation_response,
    unreadable_body_response,
)
from gateway.api.routes import as2, flow, health, keys, messages, metrics, partners
from gateway.api.routes.workflow import router as workflow_router
from gateway.bootstrap import Gateway
from gateway.bootstrap import gateway as build_gateway
from gateway.console import mount_console
from gateway.domain.errors import GatewayError
from gateway.settings import get_settings

API_PREFIX = "/api/v1"


def operation_id(route: APIRoute) -> str:
    """``<tag>-<function name>`` (``partners-create_partner``): stable across releases
    because it ignores path and method, so generated clients keep their method names."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def create_app(gw: Gateway | None = None) -> FastAPI:
    """The API over ``gw``, or over a gateway built from the settings at startup.

    Args:
        gw: A wired gateway; its owner disposes of it. None: the app builds one
            when it starts and disposes of its engine when it stops.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if gw is not None:
            yield
            return
        # Migrating and connecting block; keep them off the event loop.
        built = await run_in_threadpool(build_gateway, get_settings())
        app.state.gateway = built
        try:
            yield
        finally:
            built.engine.dispose()

    app = FastAPI(
        title="Crossdock",
        version=_version(),
        summary="EDI gateway: X12 and EDIFACT in, canonical documents out",
        docs_url="/docs",
        openapi_url="/openapi.json",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
    )
    if gw is not None:
        app.state.gateway = gw
    app.add_exception_handler(GatewayError, gateway_error_response)
    app.add_exception_handler(RequestValidationError, request_validation_response)
    app.add_exception_handler(StarletteHTTPException, unreadable_body_response)
    app.include_router(health.router)
    app.include_router(metrics.router)
    as2_path = (gw.settings if gw is not None else get_settings()).as2_path
    app.add_api_route(
        as2_path,
        as2.receive_as2,
        methods=["POST"],
        tags=["as2"],
        include_in_schema=True,
        # An MDN (multipart/signed or plain), or nothing when the MDN goes asynchronously.
        response_class=Response,
        responses={
            200: {"description": "Received: the synchronous MDN, or empty (async MDN)"},
            **documented(403, 413, 503),
        },
    )
    # Any route may meet a database that is down (503, Retry-After: gateway.api.errors).
    for router in (partners.router, messages.router, keys.router, flow.router):
        app.include_router(router, prefix=API_PREFIX, responses=documented(401, 422, 503))
    app.include_router(workflow_router, prefix=API_PREFIX, responses=documented(401, 422, 503))
    mount_console(app)  # the web console's pages under /console (SPEC §6)
    return app


def _version() -> str:
    try:
        return version("crossdock")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.1.0"
