"""The dashboard: today's documents by kind and state, acks to watch, open alerts, and
ack and sync latency (received at the gateway → taken by the ERP)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from statistics import median

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from gateway.console.deps import GatewayDep, ReadsDep, ViewerDep
from gateway.console.web import page
from gateway.domain.workflow.exceptions import ExceptionQuery, ExceptionState, Owner

router = APIRouter()

UNRESOLVED = (ExceptionState.OPEN, ExceptionState.ACKNOWLEDGED)

# Buckets of the ack latency chart: upper bound in seconds, label.
LATENCY_BUCKETS = [
    (60.0, "under 1 min"),
    (300.0, "1–5 min"),
    (1800.0, "5–30 min"),
    (7200.0, "30 min–2 h"),
    (float("inf"), "over 2 h"),
]


@router.get("", response_class=HTMLResponse)
def dashboard(request: Request, viewer: ViewerDep, gw: GatewayDep, reads: ReadsDep) -> Response:
    since = datetime.combine(gw.clock.now().astimezone(UTC).date(), time(0), tzinfo=UTC)
    data = reads.dashboard(since, viewer.partner_scope)
    with gw.unit_of_work() as uow:
        synced = uow.activity.sync_samples(since, since + timedelta(days=1), viewer.partner_scope)
        exceptions = {
            owner.value: uow.exceptions.count(
                ExceptionQuery(owner=owner, states=UNRESOLVED, partner_id=viewer.partner_scope)
            )
            for owner in Owner
        }
    kinds = sorted({kind for kind, _ in data.by_state_and_kind})
    states = sorted({state for _, state in data.by_state_and_kind})
    totals = {state: 0 for state in states}
    for (_, state), count in data.by_state_and_kind.items():
        totals[state] += count
    return page(
        request,
        "dashboard.html",
        viewer,
        since=since,
        data=data,
        kinds=kinds,
        states=states,
        totals=totals,
        total=sum(totals.values()),
        latency=_latency(data.ack_latencies),
        sync=_latency([(s.acknowledged_at - s.received_at).total_seconds() for s in synced]),
        exceptions=exceptions,
    )


def _latency(values: list[float]) -> dict[str, object]:
    if not values:
        return {"count": 0, "buckets": []}
    ordered = sorted(values)
    counts = [0] * len(LATENCY_BUCKETS)
    for value in ordered:
        counts[next(i for i, (bound, _) in enumerate(LATENCY_BUCKETS) if value < bound)] += 1
    top = max(counts) or 1
    return {
        "count": len(ordered),
        "median": _duration(median(ordered)),
        "p90": _duration(ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]),
        "max": _duration(ordered[-1]),
        "buckets": [
            {"label": label, "count": n, "percent": round(100 * n / top)}
            for (_, label), n in zip(LATENCY_BUCKETS, counts, strict=True)
        ],
    }


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
