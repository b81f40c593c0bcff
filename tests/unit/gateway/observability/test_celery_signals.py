"""Celery's signals: a retry is counted, a task's run time observed with its state,
and the publisher's trace and log fields reach the task through its headers."""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from prometheus_client import REGISTRY

from gateway.observability import context
from gateway.observability.celery_signals import (
    LOG_HEADER,
    WorkerConfig,
    _published,
    _started,
    install,
)
from gateway.observability.metrics import metrics
from tests.observability import span_exporter


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _app() -> Celery:
    app = Celery("observability-test", set_as_current=False)
    app.conf.update(task_always_eager=True, broker_url="memory://")
    install(WorkerConfig(log_format="json"))
    metrics()
    return app


def test_a_retry_is_counted_and_each_run_timed() -> None:
    app = _app()
    calls: list[int] = []

    @app.task(name="tests.flaky", bind=True, max_retries=3)
    def flaky(self: Task[Any, str]) -> str:
        calls.append(self.request.retries)
        if len(calls) < 3:
            raise self.retry(countdown=0)
        return "done"

    retries = _value("crossdock_task_retries_total", task="tests.flaky")
    runs = _value("crossdock_task_duration_seconds_count", task="tests.flaky", state="SUCCESS")
    assert flaky.apply().get() == "done"
    assert calls == [0, 1, 2]
    assert _value("crossdock_task_retries_total", task="tests.flaky") == retries + 2
    assert (
        _value("crossdock_task_duration_seconds_count", task="tests.flaky", state="SUCCESS")
        == runs + 1
    )
    assert context.current() == {}  # each task's fields end with it


def test_the_publishers_trace_and_fields_become_the_tasks() -> None:
    exporter = span_exporter()
    exporter.clear()
    app = _app()
    seen: dict[str, Any] = {}

    # shared=False: Celery would otherwise register it on every app finalized later in
    # the session, where it shadows gateway.tasks' own crossdock.deliver.
    @app.task(name="crossdock.deliver", bind=True, shared=False)
    def deliver(self: Task[Any, None], transaction_id: str) -> None:
        seen.update(context.current())

    headers: dict[str, Any] = {}
    from gateway.observability import tracing

    with tracing.receipt("api", "acme-supply") as root, context.scope(message_id="m-7"):
        _published(headers=headers)
    assert headers[LOG_HEADER] == {"partner": "acme-supply", "message_id": "m-7"}
    assert headers["traceparent"].split("-")[1] == format(root.get_span_context().trace_id, "032x")
    deliver.apply(args=("t-1",), headers=headers, task_id="task-1").get()
    assert seen == {
        "partner": "acme-supply",
        "message_id": "m-7",
        "transaction_id": "t-1",
        "task_id": "task-1",
        "task_name": "crossdock.deliver",
    }
    spans = {span.name: span for span in exporter.get_finished_spans()}
    task_span = spans["task crossdock.deliver"]
    assert task_span.context.trace_id == root.get_span_context().trace_id
    assert task_span.parent is not None
    assert task_span.parent.span_id == root.get_span_context().span_id
    assert _started is not None
