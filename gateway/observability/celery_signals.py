"""Celery's signals wired to our metrics, traces and log context.

- ``before_task_publish``: the publisher's trace context (``traceparent``) and log
  fields go into the task's message headers.
- ``task_prerun`` / ``task_postrun``: the task's span, a child of the publisher's;
  the log fields restored with the task's id and name; the run time observed.
- ``task_retry``: the retry counted.
- ``setup_logging``: Celery leaves logging to us (JSON or text, as set).
- ``worker_init``: tracing configured, and the worker's own scrape endpoint started
  when a port is set (before the pool forks, so each child inherits both).

Celery's signals are process-wide: ``install`` connects each handler once, whatever
the number of apps built.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from celery import Task
from celery.signals import (
    before_task_publish,
    setup_logging,
    task_postrun,
    task_prerun,
    task_retry,
    worker_init,
)
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode

from gateway.observability import context, logs, tracing
from gateway.observability.metrics import QueueDepthCollector, metrics, serve_worker_metrics

LOG_HEADER = "crossdock_log"
# The task argument that names what a task works on, for its log lines.
_SUBJECT = {
    "crossdock.process_inbound": "message_id",
    "crossdock.deliver_message": "message_id",
    "crossdock.deliver": "transaction_id",
}


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    log_format: logs.LogFormat = "json"
    otel_endpoint: str | None = None
    metrics_port: int | None = None
    queue_depth: QueueDepthCollector | None = None


@dataclass(slots=True)
class _Running:
    span: trace.Span
    context_token: object
    log_token: Any
    started: float


_config = WorkerConfig()
_running: dict[str, _Running] = {}


def install(config: WorkerConfig) -> None:
    """Connect the handlers (once per process) and keep ``config`` for the worker's."""
    global _config
    _config = config
    for signal, handler in (
        (before_task_publish, _published),
        (task_prerun, _started),
        (task_postrun, _finished),
        (task_retry, _retried),
        (setup_logging, _setup_logging),
        (worker_init, _worker_init),
    ):
        signal.connect(handler, weak=False, dispatch_uid=f"crossdock.{handler.__name__}")


def _published(headers: dict[str, Any] | None = None, **_: Any) -> None:
    if headers is None:
        return
    carrier: dict[str, str] = {}
    tracing.inject(carrier)
    headers.update(carrier)
    fields = {k: v for k, v in context.current().items() if k not in ("task_id", "task_name")}
    if fields:
        headers[LOG_HEADER] = fields


def _started(
    task_id: str | None = None,
    task: Task[Any, Any] | None = None,
    args: tuple[Any, ...] | None = None,
    **_: Any,
) -> None:
    if task is None or task_id is None:
        return
    request = task.request
    carrier = {
        name: value
        for name in ("traceparent", "tracestate")
        if isinstance(value := _header(request, name), str)
    }
    fields = _header(request, LOG_HEADER)
    log_token = context.replace(fields if isinstance(fields, dict) else {})
    subject = _SUBJECT.get(task.name)
    if subject and args and subject not in context.current():
        context.bind(**{subject: str(args[0])})
    context.bind(task_id=task_id, task_name=task.name)
    parent = tracing.extract(carrier)
    span = tracing.tracer().start_span(
        f"task {task.name}",
        context=parent,
        kind=trace.SpanKind.CONSUMER,
        attributes={
            "celery.task_id": task_id,
            "celery.task_name": task.name,
            "celery.retries": int(getattr(request, "retries", 0) or 0),
            **{
                f"crossdock.{k}": v
                for k, v in context.current().items()
                if k not in ("task_id", "task_name")
            },
        },
    )
    token = otel_context.attach(trace.set_span_in_context(span, parent))
    _running[task_id] = _Running(span, token, log_token, time.perf_counter())


def _header(request: Any, name: str) -> Any:
    """A message header: a worker puts custom headers on the request itself, an eager
    ``apply(headers=…)`` (tests, inline runs) keeps them in ``request.headers``."""
    value = getattr(request, name, None)
    if value is None:
        value = (getattr(request, "headers", None) or {}).get(name)
    return value


def _finished(
    task_id: str | None = None,
    task: Task[Any, Any] | None = None,
    state: str | None = None,
    **_: Any,
) -> None:
    running = _running.pop(task_id or "", None)
    if running is None or task is None:
        return
    elapsed = time.perf_counter() - running.started
    metrics().task_seconds.labels(task.name, state or "UNKNOWN").observe(elapsed)
    span = running.span
    span.set_attribute("celery.state", state or "UNKNOWN")
    if state == "FAILURE":
        span.set_status(Status(StatusCode.ERROR))
    span.end()
    otel_context.detach(running.context_token)  # type: ignore[arg-type]
    context.reset(running.log_token)


def _retried(sender: Task[Any, Any] | None = None, **_: Any) -> None:
    if sender is not None:
        metrics().task_retries.labels(sender.name).inc()


def _setup_logging(loglevel: int | str | None = None, **_: Any) -> None:
    logs.configure(_config.log_format, loglevel or logging.INFO)


def _worker_init(**_: Any) -> None:
    tracing.configure("crossdock-worker", _config.otel_endpoint)
    if _config.metrics_port:
        extra = [_config.queue_depth] if _config.queue_depth is not None else []
        serve_worker_metrics(_config.metrics_port, extra)
