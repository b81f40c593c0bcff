"""Liveness for load balancers and compose healthchecks: no key, no database."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gateway.api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(request: Request) -> Health:
    """The process answers; says nothing about the database (a liveness probe that
    failed with it would restart healthy API processes during a database outage)."""
    return Health(version=request.app.version)
