"""The ``Dispatcher`` port over Celery: each step becomes a task on its queue."""

from __future__ import annotations

from celery import Celery, current_app

# Task names are part of the wire format between API, worker and beat: keep them stable.
PROCESS_INBOUND = "crossdock.process_inbound"
DELIVER = "crossdock.deliver"
DELIVER_MESSAGE = "crossdock.deliver_message"
SEND = "crossdock.send"
SWEEP = "crossdock.sweep"
POLL_DUE = "crossdock.poll_due"
POLL_PARTNER = "crossdock.poll_partner"


class CeleryDispatcher:
    """Sends tasks by name, so the API needs no worker code; ``app`` defaults to the
    current app (the worker's own)."""

    def __init__(self, app: Celery | None = None) -> None:
        self._app = app

    @property
    def app(self) -> Celery:
        return self._app or current_app

    def process_inbound(self, message_id: str) -> None:
        self.app.send_task(PROCESS_INBOUND, args=[message_id], queue="inbound")

    def deliver(self, transaction_id: str) -> None:
        self.app.send_task(DELIVER, args=[transaction_id], queue="delivery")

    def deliver_message(self, message_id: str) -> None:
        self.app.send_task(DELIVER_MESSAGE, args=[message_id], queue="delivery")

    def deliver_later(self, transaction_id: str, countdown: float) -> None:
        """The per-document path with its retries, after ``countdown`` seconds."""
        self.app.send_task(DELIVER, args=[transaction_id], queue="delivery", countdown=countdown)

    def send(self, message_id: str) -> None:
        self.app.send_task(SEND, args=[message_id], queue="outbound")
