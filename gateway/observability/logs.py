"""Log lines as JSON objects (or plain text for a person at a terminal).

Every line carries the fields of ``gateway.observability.context`` (null when not
known there) and the current trace id, so one document's lines can be found across
the API and the workers:

    {"time": "2026-11-28T06:41:09.120Z", "level": "INFO", "logger": "gateway.tasks.pipeline",
     "message": "delivery of 6f1c… retries in 2.0s: …", "message_id": "6f1c…",
     "transaction_id": null, "partner": "acme-supply", "interchange": "000000905",
     "group": null, "set": null, "task_id": "c0a4…", "task_name": "crossdock.deliver",
     "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"}

Payload contents are never logged: our own code logs ids and error codes only, and
``configure`` pins the libraries that would echo data (SQLAlchemy's statement
parameters, which hold canonical documents) to WARNING whatever the root level.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Literal

from opentelemetry import trace

from gateway.observability import context

LogFormat = Literal["json", "text"]

# Loggers that print data, not events, below WARNING: SQLAlchemy logs statements with
# their parameters at INFO; asyncssh a line per packet.
_QUIET = ("sqlalchemy", "asyncssh", "paramiko")

_TEXT = "%(asctime)s %(levelname)s %(name)s [%(crossdock_context)s] %(message)s"


class ContextFilter(logging.Filter):
    """Puts the context's fields and the trace id on each record (as attributes), so
    any formatter can use them."""

    def filter(self, record: logging.LogRecord) -> bool:
        fields = context.current()
        record.crossdock_fields = dict(fields)
        span = trace.get_current_span().get_span_context()
        record.trace_id = format(span.trace_id, "032x") if span.is_valid else None
        record.crossdock_context = " ".join(f"{k}={v}" for k, v in fields.items())
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; the context fields always present (null when unknown)."""

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "crossdock_fields", None)
        if fields is None:  # a handler without our filter
            fields = dict(context.current())
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in context.FIELDS:
            line[name] = fields.get(name)
        line["trace_id"] = getattr(record, "trace_id", None)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def handler(log_format: LogFormat, stream: object = None) -> logging.Handler:
    """A stream handler (stderr by default) with our filter and the chosen format."""
    out = logging.StreamHandler(stream if stream is not None else sys.stderr)  # type: ignore[arg-type]
    out.addFilter(ContextFilter())
    out.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(_TEXT))
    return out


def configure(log_format: LogFormat = "json", level: int | str = logging.INFO) -> None:
    """The process's logging: one handler on the root logger, replacing any others.

    Called by the entrypoints (``crossdock serve``, the worker's ``setup_logging``
    signal), never at import.
    """
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler(log_format))
    root.setLevel(level)
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
