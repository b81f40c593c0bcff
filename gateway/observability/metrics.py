"""Prometheus metrics for the API and the Celery workers.

Metric names and labels (every label has a bounded set of values):

- ``crossdock_documents_total{partner,kind,direction,state}``: transaction sets
  entering a state (counted by the store when the move commits).
- ``crossdock_messages_total{partner,transport,direction,state}``: the same for
  messages (what a transport carried).
- ``crossdock_ack_outcomes_total{partner,status}``: our outbound sets settled by a
  partner's 997/999/CONTRL (accepted, accepted_with_errors, rejected…).
- ``crossdock_task_duration_seconds{task,state}``, ``crossdock_task_retries_total{task}``:
  Celery tasks, from its signals (state: SUCCESS, RETRY, FAILURE…).
- ``crossdock_queue_depth{queue}``, ``crossdock_broker_up``: read from the broker when
  scraped (Redis list lengths, or files in the folder broker).
- ``crossdock_connector_errors_total{system,kind,code}`` and
  ``crossdock_connector_seconds{system,operation}``: calls to the ERP/WMS.
- ``crossdock_transfers_total{transport,direction,outcome}`` and
  ``crossdock_transfer_bytes_total{transport,direction}``: AS2, SFTP and HTTP.

Several processes: the worker's prefork pool runs tasks in child processes, each with
its own memory, so an in-process registry would show one child's counts at random.
We use prometheus_client's multiprocess mode: each process writes its values to
memory-mapped files in ``PROMETHEUS_MULTIPROC_DIR`` and a scrape sums them. The
worker entrypoint defaults that folder to ``<data dir>/metrics``; the API reads the
same folder when it shares the machine (one scrape target for everything), and
``CROSSDOCK_WORKER_METRICS_PORT`` makes the worker's main process serve the sum itself
where it does not. The alternative, an HTTP exporter per pool process, needs a port
per child and a scrape config that follows restarts. Measured here (2 shared cores,
200,000 ``labels(…).inc()`` calls, two runs): 8–13 µs each in memory, 13–14 µs in
multiprocess mode; a three-set message makes about 15 state moves, so ~0.2 ms against
the ~1.5 CPU-ms Celery itself spends per task (README, "Choices already measured").
A scrape summing four processes' files takes ~1.8 ms.

The folder must be emptied when the processes are (re)deployed, not while they run
(prometheus_client's documentation): counters then restart at 0, which Prometheus'
``rate()`` handles.

Metric objects are built on first use, never at import, and prometheus_client is
imported only then: its multiprocess switch is read when it is first imported.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from gateway.ports import StateMove

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry, Counter, Histogram
    from prometheus_client.metrics_core import Metric

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_QUEUE_PRIORITY_SEP = "\x06\x16"  # kombu's Redis transport: "<queue>\x06\x16<priority>"


@dataclass(frozen=True, slots=True)
class Metrics:
    documents: Counter
    messages: Counter
    ack_outcomes: Counter
    task_seconds: Histogram
    task_retries: Counter
    connector_errors: Counter
    connector_seconds: Histogram
    transfers: Counter
    transfer_bytes: Counter


def prepare_multiprocess(folder: Path) -> Path:
    """Switch this process to multiprocess mode with ``folder`` unless the operator set
    ``PROMETHEUS_MULTIPROC_DIR`` already; call before the first metric is used (the
    worker's entrypoint does, before forking its pool). Returns the folder in use."""
    chosen = Path(os.environ.setdefault(MULTIPROC_ENV, str(folder)))
    chosen.mkdir(parents=True, exist_ok=True)
    return chosen


def multiprocess_dir() -> Path | None:
    value = os.environ.get(MULTIPROC_ENV)
    return Path(value) if value else None


_CREATING = threading.Lock()


def metrics() -> Metrics:
    """The process's metric objects (on the default registry), made on first use. The
    lock: the API's first requests arrive in several threads at once, and lru_cache lets
    each of them build the objects; the second to register them raised
    ``DuplicateTimeseries`` inside a commit hook, a 500 for its sender (the fault suite's
    first seconds)."""
    with _CREATING:
        return _metrics()


@lru_cache(maxsize=1)
def _metrics() -> Metrics:
    from prometheus_client import Counter, Histogram

    return Metrics(
        documents=Counter(
            "crossdock_documents",
            "Transaction sets entering a state",
            ["partner", "kind", "direction", "state"],
        ),
        messages=Counter(
            "crossdock_messages",
            "Messages (what a transport carried) entering a state",
            ["partner", "transport", "direction", "state"],
        ),
        ack_outcomes=Counter(
            "crossdock_ack_outcomes",
            "Outbound sets settled by a partner's 997/999/CONTRL",
            ["partner", "status"],
        ),
        task_seconds=Histogram(
            "crossdock_task_duration_seconds",
            "Celery task run time",
            ["task", "state"],
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 180),
        ),
        task_retries=Counter("crossdock_task_retries", "Celery task retries", ["task"]),
        connector_errors=Counter(
            "crossdock_connector_errors",
            "ERP/WMS calls that failed, by error code",
            ["system", "kind", "code"],
        ),
        connector_seconds=Histogram(
            "crossdock_connector_seconds",
            "ERP/WMS call time",
            ["system", "operation"],
        ),
        transfers=Counter(
            "crossdock_transfers",
            "Transfers over AS2, SFTP and HTTP",
            ["transport", "direction", "outcome"],
        ),
        transfer_bytes=Counter(
            "crossdock_transfer_bytes",
            "Bytes transferred over AS2, SFTP and HTTP",
            ["transport", "direction"],
        ),
    )


class PrometheusTelemetry:
    """The ``StateObserver`` and ``Telemetry`` ports as Prometheus counters."""

    def moved(self, moves: Sequence[StateMove]) -> None:
        m = metrics()
        for move in moves:
            partner = move.partner_id or "unknown"
            if move.record == "document":
                counter = m.documents.labels(partner, move.kind, move.direction, move.state)
            else:
                counter = m.messages.labels(partner, move.kind, move.direction, move.state)
            counter.inc()

    def ack_outcome(self, partner_id: str | None, status: str) -> None:
        metrics().ack_outcomes.labels(partner_id or "unknown", status).inc()


def transfer(transport: str, direction: str, outcome: str, size: int | None = None) -> None:
    m = metrics()
    m.transfers.labels(transport, direction, outcome).inc()
    if size:
        m.transfer_bytes.labels(transport, direction).inc(size)


class QueueDepthCollector:
    """Reads the broker's queue lengths at each scrape (nothing is kept in between).

    Args:
        broker_url: ``redis://…`` or ``filesystem://``.
        queues: the queue names (``gateway.tasks.app.QUEUES``).
        broker_dir: the folder broker's root (its ``queue/`` holds one file per message).
    """

    def __init__(self, broker_url: str, queues: Sequence[str], broker_dir: Path) -> None:
        self._url = broker_url
        self._queues = tuple(queues)
        self._dir = broker_dir

    def collect(self) -> Iterator[Metric]:
        from prometheus_client.core import GaugeMetricFamily

        depth = GaugeMetricFamily(
            "crossdock_queue_depth", "Tasks waiting in each broker queue", labels=["queue"]
        )
        up = GaugeMetricFamily("crossdock_broker_up", "Whether the broker answered the scrape")
        try:
            lengths = self._lengths()
        except Exception:
            up.add_metric([], 0)
        else:
            up.add_metric([], 1)
            for queue, length in lengths.items():
                depth.add_metric([queue], length)
        yield depth
        yield up

    def _lengths(self) -> dict[str, int]:
        if self._url.startswith(("redis://", "rediss://")):
            import redis

            client = redis.Redis.from_url(self._url, socket_timeout=1, socket_connect_timeout=1)
            try:
                pipe = client.pipeline(transaction=False)
                names = {
                    q: [q, *(f"{q}{_QUEUE_PRIORITY_SEP}{p}" for p in (3, 6, 9))]
                    for q in self._queues
                }
                for keys in names.values():
                    for key in keys:
                        pipe.llen(key)
                counts = iter(pipe.execute())
                return {q: sum(int(next(counts)) for _ in keys) for q, keys in names.items()}
            finally:
                client.close()
        folder = self._dir / "queue"
        files = [p.name for p in folder.iterdir()] if folder.is_dir() else []
        return {q: sum(name.endswith(f".{q}.msg") for name in files) for q in self._queues}


def scrape_registry(extra: Iterable[object] = ()) -> CollectorRegistry:
    """A registry for one scrape: every process's values in multiprocess mode, else this
    process's; plus ``extra`` collectors (the queue depths)."""
    from prometheus_client import REGISTRY, CollectorRegistry
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry(auto_describe=False)
    folder = multiprocess_dir()
    if folder is not None:
        MultiProcessCollector(registry, path=str(folder))  # type: ignore[no-untyped-call]
    else:
        registry.register(_Delegate(REGISTRY))
    for collector in extra:
        registry.register(collector)  # type: ignore[arg-type]
    return registry


def render(registry: CollectorRegistry) -> bytes:
    from prometheus_client import generate_latest

    metrics()  # the families exist (at 0) from the first scrape on
    return generate_latest(registry)


def serve_worker_metrics(port: int, extra: Iterable[object] = ()) -> None:
    """The worker's own scrape endpoint (its main process, summing the pool's files)."""
    from prometheus_client import start_http_server

    start_http_server(port, registry=scrape_registry(extra))


class _Delegate:
    """Collects another registry (the default one) into a scrape registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._registry = registry

    def collect(self) -> Iterable[Metric]:
        return self._registry.collect()
