"""Business activity monitoring (SPEC §6): a PO's timeline across EDI, ERP and WMS, and
the KPIs of a time window. A partner's key sees its own POs and figures only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from gateway.api.deps import GatewayDep, ReaderDep
from gateway.api.errors import documented
from gateway.api.params import PathText, Text
from gateway.api.workflow_schemas import KpiFilters, KpisOut, TimelineOut
from gateway.domain.access import ApiKey, Role
from gateway.domain.errors import PermanentError
from gateway.services.monitoring import Monitoring

router = APIRouter(tags=["monitoring"])


class OrderNotFound(PermanentError):
    code = "orders.not_found"


def _scope(caller: ApiKey, asked: str | None) -> str | None:
    return caller.partner_id if caller.role is Role.PARTNER else asked


@router.get("/pos/{po_number}/timeline", responses=documented(404))
def po_timeline(
    caller: ReaderDep, gw: GatewayDep, po_number: PathText, partner_id: Text | None = None
) -> TimelineOut:
    """Every document and event of the PO in time order — PO sent → 997 → 855 → 856 →
    receipt → 810 → matched — with states, deliveries and exceptions."""
    timeline = Monitoring(gw.unit_of_work, gw.clock).timeline(
        po_number, partner_id=_scope(caller, partner_id)
    )
    if not timeline.documents:
        raise OrderNotFound(f"no documents for PO {po_number}")
    return TimelineOut.of(timeline, gw.clock.now())


@router.get("/kpis")
def kpis(caller: ReaderDep, gw: GatewayDep, filters: Annotated[KpiFilters, Query()]) -> KpisOut:
    """Sync latency (received → ERP acknowledged), ack latency, event failure rate,
    reconciliation backlog (open exceptions by owner and age), documents per partner per
    day and supplier on-time confirmation, for ``[since, until)`` (default: 7 days)."""
    found = Monitoring(gw.unit_of_work, gw.clock).kpis(
        filters.since, filters.until, partner_id=_scope(caller, filters.partner_id)
    )
    return KpisOut.of(found)
