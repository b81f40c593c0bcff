"""What a long-running entrypoint (``crossdock serve``, ``crossdock sftp-server``) sets
up for itself: log format, tracing, and whether it shares the workers' metrics."""

from __future__ import annotations

from gateway.observability import logs, tracing
from gateway.observability.metrics import prepare_multiprocess
from gateway.settings import Settings


def configure_process(settings: Settings, service: str) -> None:
    """Logging as the settings say, tracing when an OTLP endpoint is set, and, when
    tasks go to workers, the multiprocess metrics folder they write to (so this
    process's ``/metrics`` shows theirs too). Call before anything is counted."""
    if settings.dispatch == "celery":
        prepare_multiprocess(settings.data_dir / "metrics")
    logs.configure(settings.log_format)
    tracing.configure(service, settings.otel_endpoint)
