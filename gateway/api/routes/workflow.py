"""Workflow sync's routes as one router (SPEC §5, §6): the exception queue, the WMS's
events, a PO's timeline and the KPIs."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.api.routes import exceptions, monitoring, wms

router = APIRouter()
for _part in (exceptions.router, wms.router, monitoring.router):
    router.include_router(_part)
