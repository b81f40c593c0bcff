"""What the store commands share: the wired gateway for this process's settings."""

from __future__ import annotations

import json
from typing import Any

from gateway.bootstrap import Gateway, gateway
from gateway.settings import get_settings


def wired() -> Gateway:
    """The gateway on the configured store (SQLite in ./data by default), migrated."""
    return gateway(get_settings())


def serving() -> Gateway:
    """The gateway for a long-running entrypoint (API, SFTP server): with
    ``CROSSDOCK_DISPATCH=celery`` it queues each step for the workers, else it runs them."""
    settings = get_settings()
    if settings.dispatch == "celery":
        from gateway.tasks.app import make_celery
        from gateway.tasks.dispatch import CeleryDispatcher

        return gateway(settings, dispatcher=CeleryDispatcher(make_celery(settings)))
    return wired()


def print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str, ensure_ascii=False))
