"""The ``Dispatcher`` port over Celery: each step becomes a task on its queue.

A task the broker does not take (down, restarting, unreachable after the publish
retries of ``task_publish_retry_policy``) raises ``BrokerUnavailable``, never kombu's
or redis-py's own exceptions (STYLE.md habit 8): the callers have recorded the work in
the store first, so they may answer their sender and leave the task to the sweeper.
"""

from __future__ import annotations

from typing import Any

from celery import Celery, current_app
from kombu.exceptions import OperationalError

from gateway.domain.errors import BrokerUnavailable

# Task names are part of the wire format between API, worker and beat: keep them stable.
PROCESS_INBOUND = "crossdock.process_inbound"
DELIVER = "crossdock.deliver"
DELIVER_MESSAGE = "crossdock.deliver_message"
SEND = "crossdock.send"
SWEEP = "crossdock.sweep"
POLL_DUE = "crossdock.poll_due"
POLL_PARTNER = "crossdock.poll_partner"
SYNC_ITEMS = "crossdock.sync_items"


class CeleryDispatcher:
    """Sends tasks by name, so the API needs no worker code; ``app`` defaults to the
    current app (the worker's own)."""

    def __init__(self, app: Celery | None = None) -> None:
        self._app = app

    @property
    def app(self) -> Celery:
        return self._app or current_app

    def process_inbound(self, message_id: str) -> None:
        self._send_task(PROCESS_INBOUND, [message_id], "inbound")

    def deliver(self, transaction_id: str) -> None:
        self._send_task(DELIVER, [transaction_id], "delivery")

    def deliver_message(self, message_id: str) -> None:
        self._send_task(DELIVER_MESSAGE, [message_id], "delivery")

    def deliver_later(self, transaction_id: str, countdown: float) -> None:
        """The per-document path with its retries, after ``countdown`` seconds."""
        self._send_task(DELIVER, [transaction_id], "delivery", countdown=countdown)

    def send(self, message_id: str) -> None:
        self._send_task(SEND, [message_id], "outbound")

    def _send_task(self, name: str, args: list[Any], queue: str, **options: Any) -> None:
        """Publish one task (``broker_errors`` is only looked at when one was raised).

        Raises:
            BrokerUnavailable: the broker did not take the task.
        """
        app = self.app
        try:
            # ignore_result: send_task, unlike a task's own apply_async, does not read
            # task_ignore_result, and would subscribe to the result's channel on the Redis
            # result backend for every task sent: with Redis down, ~20 s of the backend's
            # reconnect retries, then a RuntimeError ("the Celery application must be
            # restarted"), instead of a prompt BrokerUnavailable. No one reads our results.
            app.send_task(name, args=args, queue=queue, ignore_result=True, **options)
        except broker_errors(app) as error:
            raise BrokerUnavailable(
                f"{name} for {args[0]} was not queued: the broker is unavailable"
            ) from error


def broker_errors(app: Celery) -> tuple[type[BaseException], ...]:
    """What publishing to ``app``'s broker raises when the broker fails: kombu's
    ``OperationalError`` (a connection error after the publish retries), plus whatever
    the transport itself declares as its connection and channel errors (for Redis:
    redis-py's connection, timeout and response errors, ``OSError``). Building the
    connection object does no I/O. kombu counts ``KeyError`` among Redis' connection
    errors (a stale file descriptor in its poller); a ``KeyError`` out of
    ``send_task`` would be a bug of ours, so it is left out."""
    with app.connection_for_write() as connection:
        declared = (*connection.connection_errors, *connection.channel_errors)
    return (OperationalError, *(kind for kind in declared if kind is not KeyError))
