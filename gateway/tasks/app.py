"""How the Celery app is configured: every option that is not Celery's default, with
why (STYLE.md habit 10). ``celery_app.py`` at the top of the project builds the
worker's app with it; the API and the command line build one to send tasks.
"""

from __future__ import annotations

from celery import Celery
from kombu import Exchange, Queue

from gateway.observability.celery_signals import WorkerConfig, install
from gateway.observability.metrics import QueueDepthCollector
from gateway.settings import Settings
from gateway.tasks.broker_fix import keep_consuming_after_broker_loss

QUEUES = ("inbound", "outbound", "delivery", "polling")


def make_celery(settings: Settings) -> Celery:
    app = Celery("crossdock")
    broker = settings.effective_broker_url
    redis = broker.startswith(("redis://", "rediss://"))
    transport_options: dict[str, object] = {}
    if redis:
        # A task taken by a worker that dies unacknowledged comes back after this long;
        # it must exceed the longest retry countdown or ETA, else such tasks run twice
        # (Celery's Redis broker docs). Our retries are bounded below it.
        transport_options["visibility_timeout"] = settings.visibility_timeout_seconds
        # A Redis that vanishes without closing the socket (failover, a dropped route)
        # would otherwise hold a publish or a connect for ever: the API's request with it
        # (kombu waits without limit by default). A command's answer takes milliseconds;
        # the worker's BRPOP runs in the event loop and is not bounded by these. The
        # worker's own idle BRPOP is checked by kombu's health_check_interval (default).
        transport_options["socket_timeout"] = 10.0
        transport_options["socket_connect_timeout"] = 5.0
        # Left at their defaults on purpose: retry_on_timeout (a publish retried after a
        # timeout may have been stored the first time), socket_keepalive (the kernel's
        # 2 h idle default detects nothing in time; the timeouts above and the health
        # check do), broker_heartbeat (AMQP only; Redis has none).
        # kombu's Redis channel can stop a worker for good when Redis restarts while
        # tasks run; see gateway/tasks/broker_fix.py for the bug and the fix.
        keep_consuming_after_broker_loss()
    else:
        folder = settings.broker_dir
        for sub in ("queue", "processed", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        transport_options |= {
            "control_folder": str(folder / "control"),  # else "./control" in the cwd
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
        }
    app.conf.update(
        broker_url=broker,
        broker_transport_options=transport_options,
        # The message store holds every outcome; task results would be a second truth, so
        # none are kept (the backend is there for `celery inspect` and ad-hoc tasks).
        task_ignore_result=True,
        result_backend=broker if redis else None,
        # JSON only: payloads are ids, and pickle from a broker is code execution.
        task_serializer="json",
        accept_content=["json"],
        # Fail fast when the broker is down: the API has stored the bytes already and
        # a sweeper re-queues what was not queued, so the caller must not hang.
        task_publish_retry=True,
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0.1, "interval_step": 0.2},
        broker_connection_retry_on_startup=True,
        # A worker waits for its broker as long as it takes (default: gives up after 100
        # tries, some 45 minutes, and exits): the broker coming back is the only way out,
        # and a worker that exited needs someone to start it again.
        broker_connection_max_retries=None,
        # Tasks running when the broker connection drops finish their work (default,
        # made explicit: Celery 6 turns it round). Their ack cannot reach the broker; with
        # acks_late the broker hands them out again after the visibility timeout, which
        # our idempotent tasks make harmless. Cancelling them instead would throw away
        # finished work that, when Redis lost its data, only the sweeper would redo.
        worker_cancel_long_running_tasks_on_connection_loss=False,
        # A worker killed mid-task (SIGKILL, OOM) must not lose it: with acks_late the
        # broker gives it to another worker; our tasks are idempotent.
        task_reject_on_worker_lost=True,
        # One task at a time per process: deliveries are slow I/O and long prefetches
        # would pin tasks to a busy worker while others idle.
        worker_prefetch_multiplier=1,
        # The soft limit raises inside the task (it can record why); the hard one kills.
        task_soft_time_limit=120,
        task_time_limit=180,
        # A direct exchange per queue, keyed by its own name: with Queue(name) alone they
        # would all bind to the default exchange and key, and get every message.
        task_queues=[
            Queue(name, Exchange(name, type="direct"), routing_key=name) for name in QUEUES
        ],
        task_default_queue="inbound",
        task_routes={
            "crossdock.process_inbound": {"queue": "inbound"},
            "crossdock.deliver": {"queue": "delivery"},
            "crossdock.deliver_message": {"queue": "delivery"},
            "crossdock.poll_due": {"queue": "polling"},
            "crossdock.poll_partner": {"queue": "polling"},
            "crossdock.send": {"queue": "outbound"},
            "crossdock.sweep": {"queue": "polling"},
            "crossdock.sync_items": {"queue": "polling"},
        },
        # Task name and id in every log line, so one document's steps can be followed.
        worker_task_log_format=(
            "[%(asctime)s: %(levelname)s/%(processName)s] %(task_name)s[%(task_id)s]: %(message)s"
        ),
        worker_hijack_root_logger=False,
        timezone="UTC",
        # Overdue acks and stalled work are found in the store, not the broker.
        beat_schedule={
            "sweep": {"task": "crossdock.sweep", "schedule": settings.sweep_interval_seconds},
            # Finds the partners' SFTP servers due a poll (each at its profile's interval).
            "poll-due": {
                "task": "crossdock.poll_due",
                "schedule": settings.sftp_poll_check_seconds,
            },
            # The ERP's item master, for the 856 rule's item cross-references.
            "sync-items": {"task": "crossdock.sync_items", "schedule": settings.item_sync_seconds},
        },
    )
    app.autodiscover_tasks(["gateway.tasks"], related_name="pipeline", force=True)
    # Metrics, trace context in task headers, the log fields and JSON logs (Celery's
    # signals are process-wide; the publisher needs them as much as the worker).
    install(
        WorkerConfig(
            log_format=settings.log_format,
            otel_endpoint=settings.otel_endpoint,
            metrics_port=settings.worker_metrics_port,
            queue_depth=QueueDepthCollector(broker, QUEUES, settings.broker_dir),
        )
    )
    return app
