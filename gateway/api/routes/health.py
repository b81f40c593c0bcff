"""Liveness and readiness for load balancers and compose healthchecks: no key."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from gateway.api.deps import GatewayDep
from gateway.api.schemas import Health
from gateway.observability import readiness

router = APIRouter(tags=["health"])


class Readiness(BaseModel):
    status: str  # "ready" or "unavailable"
    failed: list[str]  # the checks that failed: database, broker, payloads
    checks: dict[str, str]  # each check's "ok", "not used", or why it failed


@router.get("/healthz")
def healthz(request: Request) -> Health:
    """The process answers; says nothing about the database (a liveness probe that
    failed with it would restart healthy API processes during a database outage)."""
    return Health(version=request.app.version)


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
def readyz(gw: GatewayDep) -> JSONResponse:
    """Whether this process can take work: the database, the broker (when tasks go to
    one) and the payload store answer. 503 names the ones that do not."""
    settings = gw.settings
    uses_broker = settings.broker_url is not None or settings.dispatch == "celery"
    results = {
        "database": readiness.database(gw.engine),
        "broker": (
            readiness.broker(settings.effective_broker_url, settings.broker_dir)
            if uses_broker
            else None
        ),
        "payloads": readiness.writable(settings.effective_payload_dir),
    }
    failed = [name for name, reason in results.items() if reason is not None]
    checks = {name: reason or "ok" for name, reason in results.items()}
    if not uses_broker:
        checks["broker"] = "not used"
    body = Readiness(status="unavailable" if failed else "ready", failed=failed, checks=checks)
    return JSONResponse(body.model_dump(), status_code=503 if failed else 200)
