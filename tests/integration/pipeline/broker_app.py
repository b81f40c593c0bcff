"""The smallest Celery app that shows kombu's Redis restart bug, for
``test_broker_fix.py`` (``celery -A tests.integration.pipeline.broker_app worker``):
acks_late tasks that hold a worker process, and one that leaves a file when it runs.
Configured from the environment because Celery imports it in a worker of its own."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from celery import Celery

from gateway.tasks.broker_fix import keep_consuming_after_broker_loss

app = Celery("broker-fix", broker=os.environ.get("BROKER_FIX_URL", "redis://127.0.0.1:1/0"))
app.conf.update(
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    broker_connection_max_retries=None,
    worker_hijack_root_logger=False,
)
if os.environ.get("BROKER_FIX") == "1":
    keep_consuming_after_broker_loss()


@app.task(name="broker_fix.hold")
def hold(folder: str, seconds: float) -> None:
    """Say it started, then keep its worker process (and its unacknowledged message)."""
    (Path(folder) / f"started-{uuid.uuid4().hex}").touch()
    time.sleep(seconds)


@app.task(name="broker_fix.probe")
def probe(path: str) -> None:
    Path(path).touch()
