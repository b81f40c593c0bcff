"""The Celery dispatcher translates every broker failure into ``BrokerUnavailable``
(STYLE.md habit 8), and the app it sends with is configured to survive broker loss."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from kombu.exceptions import OperationalError
from kombu.transport import redis as kombu_redis

from gateway.domain.errors import BrokerUnavailable
from gateway.settings import Settings
from gateway.tasks.app import make_celery
from gateway.tasks.dispatch import CeleryDispatcher, broker_errors


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def app(tmp_path: Path) -> Celery:
    settings = Settings(data_dir=tmp_path, broker_url=f"redis://127.0.0.1:{_closed_port()}/0")
    return make_celery(settings)


def _instance(kind: type[BaseException]) -> BaseException:
    try:
        return kind("broker gone")
    except TypeError:  # amqp's errors take their own arguments
        return kind.__new__(kind)


def test_every_error_the_transport_declares_is_mapped(
    app: Celery, monkeypatch: pytest.MonkeyPatch
) -> None:
    kinds = broker_errors(app)
    assert OperationalError in kinds
    import redis.exceptions

    assert {redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError} <= set(kinds)
    dispatcher = CeleryDispatcher(app)
    for kind in kinds:

        def send_task(*args: Any, kind: type[BaseException] = kind, **kwargs: Any) -> None:
            raise _instance(kind)

        monkeypatch.setattr(app, "send_task", send_task)
        for step in (
            lambda: dispatcher.process_inbound("m-1"),
            lambda: dispatcher.deliver("t-1"),
            lambda: dispatcher.deliver_message("m-1"),
            lambda: dispatcher.deliver_later("t-1", 1.0),
            lambda: dispatcher.send("m-1"),
        ):
            with pytest.raises(BrokerUnavailable) as raised:
                step()
            assert isinstance(raised.value.__cause__, kind), kind


def test_a_bug_of_ours_is_not_called_an_unavailable_broker(
    app: Celery, monkeypatch: pytest.MonkeyPatch
) -> None:
    def send_task(*args: Any, **kwargs: Any) -> None:
        raise KeyError("queue")  # kombu counts KeyError among Redis' connection errors

    monkeypatch.setattr(app, "send_task", send_task)
    with pytest.raises(KeyError):
        CeleryDispatcher(app).process_inbound("m-1")


def test_a_broker_that_is_down_is_unavailable_after_the_publish_retries(app: Celery) -> None:
    with pytest.raises(BrokerUnavailable) as raised:
        CeleryDispatcher(app).process_inbound("m-1")
    assert raised.value.code == "broker.unavailable" and raised.value.retryable


def test_the_app_bounds_broker_sockets_and_never_gives_up_reconnecting(app: Celery) -> None:
    options = app.conf.broker_transport_options
    assert options["socket_timeout"] > 0 and options["socket_connect_timeout"] > 0
    assert app.conf.broker_connection_max_retries is None
    assert app.conf.worker_cancel_long_running_tasks_on_connection_loss is False
    # kombu's Redis channel closes despite a dead BRPOP (gateway/tasks/broker_fix.py).
    assert getattr(kombu_redis.Channel, "_crossdock_closes_despite_a_dead_brpop", False)
