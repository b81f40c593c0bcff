"""Readiness for the demo's compose healthcheck and the benchmarks' start-up wait."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from erp_connector.sandbox.deps import SandboxDep
from erp_connector.sandbox.schemas import HealthOut

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(sandbox: SandboxDep) -> HealthOut:
    """Answers once the sandbox can reach its database: unlike the gateway's liveness
    probe, the sandbox *is* its database, and a caller waiting for it wants to store."""
    with sandbox.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return HealthOut()
