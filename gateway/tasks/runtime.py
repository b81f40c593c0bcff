"""The worker's wired gateway: built once per process, as it starts (never at import)."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from celery.signals import worker_process_init

from gateway.bootstrap import Gateway, gateway
from gateway.services.delivery import RetryPolicy
from gateway.settings import get_settings
from gateway.tasks.dispatch import CeleryDispatcher

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def services() -> Gateway:
    return gateway(get_settings(), dispatcher=CeleryDispatcher())


@worker_process_init.connect(weak=False, dispatch_uid="crossdock.wire_services")
def _wire_at_start(**_: Any) -> None:
    """Each pool process wires its gateway (engine, schema check, connectors) as it
    starts, not in its first task: that took the first tasks of a fresh worker a few
    hundred milliseconds each (seen in a profile of the pipeline benchmark). A store
    that is down now is no reason to stop the process: the first task wires it then."""
    try:
        services()
    except Exception as error:  # logged; the first task tries again
        log.warning("the gateway was not wired at process start: %s", error)


def retry_policy() -> RetryPolicy:
    settings = get_settings()
    return RetryPolicy(
        max_retries=settings.delivery_max_retries,
        base_seconds=settings.delivery_backoff_seconds,
        max_seconds=settings.delivery_backoff_max_seconds,
    )
