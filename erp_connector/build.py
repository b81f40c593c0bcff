"""The one place that turns a system's settings into a connector (called by
``gateway.bootstrap``, the composition root; nothing here runs at import time)."""

from __future__ import annotations

import httpx
from opentelemetry import propagate

from erp_connector.auth import auth_from_settings
from erp_connector.limits import CircuitBreaker, RateLimiter
from erp_connector.rest import USER_AGENT, HttpConnector, IdocConnector, RestConnector
from gateway.ports import Connector
from gateway.settings import SystemSettings

# Connections kept per system: a worker runs a handful of threads, and a pool
# larger than the rate allows would only hold sockets open.
_MAX_CONNECTIONS = 10


def build_connector(
    system: str, settings: SystemSettings, *, transport: httpx.BaseTransport | None = None
) -> Connector:
    """A connector for ``system``: IDoc XML when ``settings.format`` is "idoc", canonical
    JSON otherwise; OAuth2 when a token URL is set, else the API key.

    Args:
        system: the name routing uses ("erp", "wms").
        settings: the system's URL, format, credentials, rate and timeout.
        transport: the HTTP transport; the network when None (tests pass a mock).

    Raises:
        ValueError: OAuth settings without a client id or secret.
    """
    client = httpx.Client(
        transport=transport,
        headers={"User-Agent": USER_AGENT},
        timeout=settings.timeout_seconds,
        limits=httpx.Limits(max_connections=_MAX_CONNECTIONS),
        # W3C traceparent on every call: a system of record that traces joins the
        # document's trace (a no-op header-less call when tracing is off).
        event_hooks={"request": [_trace_context]},
    )
    try:
        auth = auth_from_settings(settings, client)
    except ValueError:
        client.close()
        raise
    kind: type[HttpConnector] = IdocConnector if settings.format == "idoc" else RestConnector
    return kind(
        system,
        settings,
        client=client,
        auth=auth,
        limiter=RateLimiter(settings.rate_per_second),
        breaker=CircuitBreaker(
            failure_threshold=settings.circuit_threshold,
            cool_down=settings.circuit_cool_down_seconds,
            name=system,
        ),
    )


def _trace_context(request: httpx.Request) -> None:
    propagate.inject(request.headers)
