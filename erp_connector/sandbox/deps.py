"""What the sandbox's routes ask FastAPI for: the wired sandbox, the system a request
addresses and its idempotency key; and how an intake call suffers the faults set.

The small dependencies are ``async def`` on purpose: FastAPI runs a plain ``def``
dependency in the threadpool, and a thread hop per request for reading ``app.state``
is throughput the benchmarks would measure instead of the gateway's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, cast

import anyio
from fastapi import Depends, Header, HTTPException, Request
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from erp_connector.sandbox.database import SYSTEMS
from erp_connector.sandbox.events import EventEmitter, EventStore
from erp_connector.sandbox.faults import Faults, FaultSwitch
from erp_connector.sandbox.records import RecordStore

_KEY_LIMIT = 255  # the column's width


@dataclass(frozen=True, slots=True)
class Sandbox:
    """Everything the routes share, built once by ``create_sandbox_app``.

    Attributes:
        default_system: The face also served without a prefix (``/documents/…``).
        hang_seconds: How long a ``timeout`` fault hangs before its 504.
    """

    engine: Engine
    records: RecordStore
    events: EventStore
    faults: FaultSwitch
    emitter: EventEmitter
    default_system: str
    hang_seconds: float


async def get_sandbox(request: Request) -> Sandbox:
    return cast(Sandbox, request.app.state.sandbox)


SandboxDep = Annotated[Sandbox, Depends(get_sandbox)]


async def system_in_path(system: str) -> None:
    """Declares (for OpenAPI) and checks the ``/{system}`` prefix of a face's routes."""
    if system not in SYSTEMS:
        raise HTTPException(404, f"no system {system!r}; the sandbox has {', '.join(SYSTEMS)}")


async def get_system(request: Request, sandbox: SandboxDep) -> str:
    """The system in the path, or the default one for the unprefixed routes."""
    return str(request.path_params.get("system", sandbox.default_system))


SystemDep = Annotated[str, Depends(get_system)]


async def required_key(
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> str:
    """The ``Idempotency-Key`` header; 400 when missing, as Stripe-style APIs answer."""
    if idempotency_key is None or not idempotency_key.strip():
        raise HTTPException(400, "the Idempotency-Key header is required")
    if len(idempotency_key) > _KEY_LIMIT:
        raise HTTPException(400, f"Idempotency-Key is longer than {_KEY_LIMIT} characters")
    return idempotency_key.strip()


async def optional_key(
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> str | None:
    """The ``Idempotency-Key`` header where an ERP user may leave it out."""
    if idempotency_key is None or not idempotency_key.strip():
        return None
    return await required_key(idempotency_key)


KeyDep = Annotated[str, Depends(required_key)]
OptionalKeyDep = Annotated[str | None, Depends(optional_key)]


async def suffer_faults(sandbox: Sandbox, seen: Faults) -> None:
    """Delay or fail this intake call as the faults ``seen`` say.

    Sleeps are awaited, not slept in a thread: a benchmark that sets 200 ms of latency
    keeps hundreds of calls in flight instead of queueing on the threadpool.

    Raises:
        HTTPException: the injected status, with ``Retry-After`` for 429 and 503; 504
            after hanging ``hang_seconds`` for a timeout.
    """
    if seen.latency_ms:
        await anyio.sleep(seen.latency_ms / 1000)
    failure = await run_in_threadpool(sandbox.faults.take, seen)
    if failure is None:
        return
    if failure.hang:
        await anyio.sleep(sandbox.hang_seconds)
    headers = None if failure.retry_after is None else {"Retry-After": str(failure.retry_after)}
    raise HTTPException(failure.status, f"injected fault: HTTP {failure.status}", headers=headers)
