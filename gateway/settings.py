"""One settings object, read from the environment once (STYLE.md habit 3).

With nothing set, the gateway runs embedded: SQLite and payload files under
``./data`` and an in-process broker, so the demo works on a bare machine.
``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch to PostgreSQL and Redis.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SystemSettings(BaseModel):
    """How to reach one system of record (ERP or WMS) over HTTP."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str
    format: Literal["json", "idoc"] = "json"  # canonical JSON, or IDoc-style XML
    api_key: str | None = None
    api_key_header: str = "X-API-Key"
    oauth_token_url: str | None = None  # OAuth2 client credentials instead of an API key
    oauth_client_id: str | None = None
    oauth_client_secret: str | None = None
    rate_per_second: float = Field(default=50.0, gt=0)  # what the system's owners allow us
    timeout_seconds: float = Field(default=10.0, gt=0)
    # After this many failures in a row, calls fail fast for the cool-down: a system
    # that is down is not hammered by every worker at once.
    circuit_threshold: int = Field(default=5, gt=0)
    circuit_cool_down_seconds: float = Field(default=30.0, gt=0)
    # A batch endpoint (e.g. "/documents" on the sandbox): the documents of one message
    # go in one call, ``{"documents": [{kind, idempotency_key, document}]}`` answered by
    # ``{"results": [{status, id, duplicate, error}]}`` in the same order. Unset: one call
    # per document. Measured on the pipeline benchmark: the 50-set case's main cost.
    batch_path: str | None = None
    batch_size: int = Field(default=200, gt=0, le=1000)


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; SQLite in data_dir when unset"
    )
    payload_dir: Path | None = Field(
        default=None, description="where raw payloads are kept; data_dir/payloads when unset"
    )
    # Redis in production (REDIS_URL); unset: a broker in files under data_dir/broker,
    # which a worker process on the same machine shares with no server at all.
    broker_url: str | None = None
    # "celery": the API and the CLI queue each step for a worker; "inline": they run
    # the steps themselves (no worker: the command line, a quick look, unit tests).
    dispatch: Literal["inline", "celery"] = "inline"
    # Delivery retries: exponential backoff from base to max, then dead letter.
    delivery_max_retries: int = Field(default=8, ge=0)
    delivery_backoff_seconds: float = Field(default=2.0, gt=0)
    delivery_backoff_max_seconds: float = Field(default=600.0, gt=0)
    # Redis redelivers a task a worker took but never acknowledged (killed) after this
    # long; it must exceed the longest retry countdown, or retries run twice.
    visibility_timeout_seconds: int = Field(default=3600, gt=0)
    # The sweeper (beat) looks for work left behind this often, and queues again what
    # has not moved for stall_seconds: a lost broker message, a killed worker's task.
    sweep_interval_seconds: float = Field(default=60.0, gt=0)
    stall_seconds: float = Field(default=300.0, gt=0)
    # A worker takes its message and other waiting ones together, up to inbound_batch
    # messages and inbound_batch_bytes in all (bench/pipeline.py), claimed for half of
    # stall_seconds: a dead worker's claim runs out before the sweeper queues again.
    inbound_batch: int = Field(default=16, ge=1)
    inbound_batch_bytes: int = Field(default=8 * 1024, ge=0)
    # The copy of the ERP's item master (the 856 rule's cross-references) is refreshed
    # this often by beat; `crossdock items sync` refreshes it at once.
    item_sync_seconds: float = Field(default=3600.0, gt=0)
    # Larger uploads are refused before they are read in full (HTTP 413).
    max_upload_bytes: int = Field(default=100 * 1024 * 1024, gt=0)
    # Our SFTP server: each partner's home (inbound/, outbound/, archive/) under sftp_root,
    # our host key at sftp_host_key (created on first start); data_dir when unset.
    sftp_root: Path | None = None
    sftp_host_key: Path | None = None
    sftp_host: str = "0.0.0.0"
    sftp_port: int = Field(default=2222, ge=0, le=65535)
    # How often beat looks for partners' servers due a poll (each has its own interval).
    sftp_poll_check_seconds: float = Field(default=30.0, gt=0)
    # Our AS2 station: our AS2 id, the path partners post to, and our key and certificate
    # (PEM files; never in a profile). ``as2_previous_*``: the pair being retired during a
    # rotation, still tried for decryption. No key: AS2 answers 503 and sends nothing.
    as2_id: str = "CROSSDOCK"
    as2_path: str = "/as2"
    as2_key: Path | None = None
    as2_certificate: Path | None = None
    as2_previous_key: Path | None = None
    as2_previous_certificate: Path | None = None
    # Our URL for partners' asynchronous MDNs, when a profile asks for them and names none.
    as2_mdn_url: str | None = None
    # Observability: log lines as JSON (for collectors) or text (for a person); traces
    # exported by OTLP/HTTP to this endpoint (OTEL_EXPORTER_OTLP_ENDPOINT works too),
    # none when unset; the worker's own /metrics port, for a worker that does not share
    # its PROMETHEUS_MULTIPROC_DIR with the API (gateway/observability/metrics.py).
    log_format: Literal["json", "text"] = "json"
    otel_endpoint: str | None = None
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)
    # Systems of record; None: documents stay "mapped" until one is configured.
    erp: SystemSettings | None = None
    wms: SystemSettings | None = None
    # Signs the web console's session cookies and CSRF tokens (at least 32 characters).
    # Unset: a random one kept in data_dir/console_secret; set it when several machines
    # serve the console, or each would refuse the others' sessions.
    console_secret: str | None = Field(default=None, min_length=32, repr=False)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return _sqlalchemy_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'crossdock.db').resolve()}"

    @property
    def effective_broker_url(self) -> str:
        return self.broker_url or "filesystem://"

    @property
    def broker_dir(self) -> Path:
        return self.data_dir / "broker"

    @property
    def effective_sftp_root(self) -> Path:
        return self.sftp_root if self.sftp_root is not None else self.data_dir / "sftp"

    @property
    def effective_sftp_host_key(self) -> Path:
        if self.sftp_host_key is not None:
            return self.sftp_host_key
        return self.data_dir / "sftp_host_ed25519_key"

    @property
    def effective_payload_dir(self) -> Path:
        return self.payload_dir if self.payload_dir is not None else self.data_dir / "payloads"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        for name, key in _ENVIRONMENT.items():
            if env.get(name):
                values[key] = env[name]
        for system in ("erp", "wms"):
            prefix = f"CROSSDOCK_{system.upper()}_"
            found = {
                name[len(prefix) :].lower(): value
                for name, value in env.items()
                if name.startswith(prefix) and value
            }
            if found:
                values[system] = found
        return cls.model_validate(values)


_ENVIRONMENT = {
    "CROSSDOCK_DATA_DIR": "data_dir",
    "DATABASE_URL": "database_url",
    "CROSSDOCK_PAYLOAD_DIR": "payload_dir",
    "CELERY_BROKER_URL": "broker_url",
    "REDIS_URL": "broker_url",
    "CROSSDOCK_DISPATCH": "dispatch",
    "CROSSDOCK_DELIVERY_MAX_RETRIES": "delivery_max_retries",
    "CROSSDOCK_DELIVERY_BACKOFF_SECONDS": "delivery_backoff_seconds",
    "CROSSDOCK_DELIVERY_BACKOFF_MAX_SECONDS": "delivery_backoff_max_seconds",
    "CROSSDOCK_VISIBILITY_TIMEOUT_SECONDS": "visibility_timeout_seconds",
    "CROSSDOCK_SWEEP_INTERVAL_SECONDS": "sweep_interval_seconds",
    "CROSSDOCK_STALL_SECONDS": "stall_seconds",
    "CROSSDOCK_INBOUND_BATCH": "inbound_batch",
    "CROSSDOCK_INBOUND_BATCH_BYTES": "inbound_batch_bytes",
    "CROSSDOCK_ITEM_SYNC_SECONDS": "item_sync_seconds",
    "CROSSDOCK_MAX_UPLOAD_BYTES": "max_upload_bytes",
    "CROSSDOCK_AS2_ID": "as2_id",
    "CROSSDOCK_AS2_PATH": "as2_path",
    "CROSSDOCK_AS2_KEY": "as2_key",
    "CROSSDOCK_AS2_CERTIFICATE": "as2_certificate",
    "CROSSDOCK_AS2_PREVIOUS_KEY": "as2_previous_key",
    "CROSSDOCK_AS2_PREVIOUS_CERTIFICATE": "as2_previous_certificate",
    "CROSSDOCK_AS2_MDN_URL": "as2_mdn_url",
    "CROSSDOCK_SFTP_ROOT": "sftp_root",
    "CROSSDOCK_SFTP_HOST_KEY": "sftp_host_key",
    "CROSSDOCK_SFTP_HOST": "sftp_host",
    "CROSSDOCK_SFTP_PORT": "sftp_port",
    "CROSSDOCK_SFTP_POLL_CHECK_SECONDS": "sftp_poll_check_seconds",
    "CROSSDOCK_CONSOLE_SECRET": "console_secret",
    "CROSSDOCK_LOG_FORMAT": "log_format",
    "CROSSDOCK_OTEL_ENDPOINT": "otel_endpoint",
    "CROSSDOCK_WORKER_METRICS_PORT": "worker_metrics_port",
}


def _sqlalchemy_url(url: str) -> str:
    """``postgresql://`` (what operators write) means psycopg 3, the driver we ship."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings; tests build their own ``Settings`` instead."""
    return Settings.from_env()
