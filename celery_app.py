"""The Celery app the worker and beat run: ``celery -A celery_app worker`` and
``celery -A celery_app beat``. Its configuration, with the reason for every option,
is ``gateway/tasks/app.py``.

The broker is Redis when ``REDIS_URL`` is set, else a folder under the data directory
(kombu's filesystem transport), so a bare machine runs the whole pipeline with no server.
"""

from __future__ import annotations

from gateway.observability.metrics import prepare_multiprocess
from gateway.settings import get_settings
from gateway.tasks.app import QUEUES, make_celery

__all__ = ["QUEUES", "app"]

# The prefork pool's processes share their metrics through files (multiprocess mode),
# which must be chosen before the first metric exists: here, before the pool forks.
prepare_multiprocess(get_settings().data_dir / "metrics")
app = make_celery(get_settings())
