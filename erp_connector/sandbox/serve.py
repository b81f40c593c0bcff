"""Starting the sandbox under uvicorn: ``run(...)`` for the ``crossdock sandbox``
command and ``python -m erp_connector.sandbox``.

One worker serves the app object directly. Several workers need an import string, so
the settings travel to them in ``CROSSDOCK_SANDBOX_*`` environment variables read by
``app_from_environment``; the schema is created once here first, so the workers do not
race to create it.

Several workers also get a listening socket with TCP_NODELAY, which accepted
connections inherit: uvicorn (0.54) serves a socket handed to its workers with Nagle's
algorithm on, and its responses, written in two parts, then wait for the client's
delayed ACK: 44 ms per request measured here, even for a bare app, where a single
worker answers in 2 ms.
"""

from __future__ import annotations

import os
import socket

import uvicorn
from fastapi import FastAPI
from uvicorn.supervisors import Multiprocess

from erp_connector.sandbox.app import DEFAULT_DATABASE_URL, create_sandbox_app
from erp_connector.sandbox.database import create_schema, make_engine

_ENV = "CROSSDOCK_SANDBOX_"


def run(
    host: str = "127.0.0.1",
    port: int = 8100,
    database_url: str = DEFAULT_DATABASE_URL,
    gateway_url: str | None = None,
    gateway_api_key: str | None = None,
    *,
    system: str = "erp",
    workers: int = 1,
    log_level: str = "info",
) -> None:
    """Serve the sandbox until interrupted.

    Args:
        host: Interface to listen on.
        port: Port to listen on.
        database_url: The sandbox's own database (SQLite file or PostgreSQL URL).
        gateway_url: Where ERP/WMS events go; None: kept, not sent.
        gateway_api_key: Sent to the gateway as ``X-API-Key``.
        system: The face served without a prefix (``erp`` or ``wms``).
        workers: uvicorn worker processes; they share faults and records through the
            database.
        log_level: uvicorn's log level.
    """
    if workers <= 1:
        app = create_sandbox_app(
            database_url, gateway_url=gateway_url, gateway_api_key=gateway_api_key, system=system
        )
        uvicorn.run(app, host=host, port=port, log_level=log_level)
        return
    engine = make_engine(database_url)
    create_schema(engine)
    engine.dispose()
    settings = {
        "DATABASE_URL": database_url,
        "GATEWAY_URL": gateway_url,
        "GATEWAY_API_KEY": gateway_api_key,
        "SYSTEM": system,
    }
    for name, value in settings.items():
        if value is not None:
            os.environ[_ENV + name] = value
    config = uvicorn.Config(
        f"{__name__}:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
    )
    listening = config.bind_socket()
    listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    Multiprocess(config, sockets=[listening]).run()


def app_from_environment() -> FastAPI:
    """The app a worker process builds from the settings ``run`` left it."""
    return create_sandbox_app(
        os.environ.get(_ENV + "DATABASE_URL", DEFAULT_DATABASE_URL),
        gateway_url=os.environ.get(_ENV + "GATEWAY_URL"),
        gateway_api_key=os.environ.get(_ENV + "GATEWAY_API_KEY"),
        system=os.environ.get(_ENV + "SYSTEM", "erp"),
    )
