"""``GET /metrics``: Prometheus' text format, no key (scrapers sit on the inside
network, and no metric carries a payload or a secret; partner ids are labels)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from gateway.api.deps import GatewayDep
from gateway.observability.metrics import (
    CONTENT_TYPE,
    QueueDepthCollector,
    render,
    scrape_registry,
)

router = APIRouter(tags=["health"])


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE: {}}}})
def get_metrics(gw: GatewayDep) -> Response:
    """Every process's metrics when they share ``PROMETHEUS_MULTIPROC_DIR`` (the API and
    the workers on one machine), else this process's; plus the broker's queue depths
    when tasks go to a broker (read now, from the queues the Celery app declares)."""
    extra = []
    app = getattr(gw.pipeline.dispatcher, "app", None)  # the Celery dispatcher's app
    if app is not None:
        queues = [queue.name for queue in app.conf.task_queues or ()]
        settings = gw.settings
        extra.append(
            QueueDepthCollector(settings.effective_broker_url, queues, settings.broker_dir)
        )
    return Response(render(scrape_registry(extra)), media_type=CONTENT_TYPE)
