"""The Celery app the worker and beat run: ``celery -A celery_app worker`` and
``celery -A celery_app beat``. Its configuration, with the reason for every option,
is ``gateway/tasks/app.py``.

The broker is Redis when ``REDIS_URL`` is set, else a folder under the data directory
(kombu's filesystem transport), so a bare machine runs the whole pipeline with no server.
"""

from __future__ import annotations

from gateway.settings import get_settings
from gateway.tasks.app import QUEUES, make_celery

__all__ = ["QUEUES", "app"]

app = make_celery(get_settings())
