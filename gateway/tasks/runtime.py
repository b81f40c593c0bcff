"""The worker's wired gateway: built once per process, on first use (never at import)."""

from __future__ import annotations

from functools import lru_cache

from gateway.bootstrap import Gateway, gateway
from gateway.services.delivery import RetryPolicy
from gateway.settings import get_settings
from gateway.tasks.dispatch import CeleryDispatcher


@lru_cache(maxsize=1)
def services() -> Gateway:
    return gateway(get_settings(), dispatcher=CeleryDispatcher())


def retry_policy() -> RetryPolicy:
    settings = get_settings()
    return RetryPolicy(
        max_retries=settings.delivery_max_retries,
        base_seconds=settings.delivery_backoff_seconds,
        max_seconds=settings.delivery_backoff_max_seconds,
    )
