"""The real stack for end-to-end tests: PostgreSQL (a throwaway schema), Redis (a
database of its own, flushed), the sandbox ERP/WMS and Celery worker processes.

Everything runs as it does in production, in separate processes talking over
sockets; only the API is called in-process (FastAPI's TestClient), because it is a
thin edge over the same services.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import redis
from sqlalchemy import text

from gateway.bootstrap import Gateway, gateway
from gateway.persistence.database import make_engine
from gateway.persistence.migrate import upgrade
from gateway.settings import Settings
from gateway.tasks.app import make_celery
from gateway.tasks.dispatch import CeleryDispatcher
from tests.stores import POSTGRES_URL

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(condition: Callable[[], Any], timeout: float = 30.0, every: float = 0.1) -> Any:
    """Poll until ``condition()`` is truthy; its value, or AssertionError at the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(every)


@dataclass
class Stack:
    tmp: Path
    env: dict[str, str]
    settings: Settings
    gw: Gateway
    sandbox_url: str
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    sandbox: subprocess.Popen[bytes] | None = None
    logs: list[Any] = field(default_factory=list)

    def start_worker(self, concurrency: int = 2) -> subprocess.Popen[bytes]:
        log = (self.tmp / f"worker-{len(self.workers)}.log").open("wb")
        self.logs.append(log)
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "celery_app", "worker",
             "-Q", "inbound,outbound,delivery,polling", "-c", str(concurrency),
             "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "INFO",
             "-n", f"e2e-{uuid.uuid4().hex[:6]}@%h"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group: SIGKILL takes the pool with it
        )  # fmt: skip
        self.workers.append(worker)
        return worker

    def start_beat(self) -> subprocess.Popen[bytes]:
        log = (self.tmp / "beat.log").open("wb")
        self.logs.append(log)
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "celery_app", "beat", "-l", "INFO",
             "-s", str(self.tmp / "beat-schedule")],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.workers.append(beat)
        return beat

    def kill_worker(self, worker: subprocess.Popen[bytes]) -> None:
        """SIGKILL the worker and its pool processes: nothing gets to clean up."""
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)

    def stop(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
        if self.sandbox is not None and self.sandbox.poll() is None:
            self.sandbox.terminate()
            self.sandbox.wait(timeout=10)
        for log in self.logs:
            log.close()

    def faults(self, **faults: Any) -> None:
        if faults:
            httpx.put(f"{self.sandbox_url}/_faults", json=faults).raise_for_status()
        else:
            httpx.delete(f"{self.sandbox_url}/_faults").raise_for_status()

    def sandbox_records(self, system: str = "erp") -> list[dict[str, Any]]:
        answer = httpx.get(f"{self.sandbox_url}/{system}/records", params={"limit": 1000})
        answer.raise_for_status()
        records: list[dict[str, Any]] = answer.json()["records"]
        return records

    def log(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.tmp.glob("*.log")))


def stack(tmp: Path, **extra_env: str) -> Iterator[Stack]:
    """Start PostgreSQL schema, Redis db, sandbox; workers are started by the test."""
    admin = make_engine(POSTGRES_URL)
    schema = f"crossdock_e2e_{uuid.uuid4().hex[:10]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    database_url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    redis_url = f"{REDIS}/{random.randint(1, 15)}"
    redis.Redis.from_url(redis_url).flushdb()
    port = free_port()
    sandbox_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CROSSDOCK_DATA_DIR": str(tmp / "data"),
        "CROSSDOCK_ERP_URL": f"{sandbox_url}/erp",
        "CROSSDOCK_WMS_URL": f"{sandbox_url}/wms",
        "CROSSDOCK_ERP_BATCH_PATH": "/documents",
        "CROSSDOCK_WMS_BATCH_PATH": "/documents",
        "CROSSDOCK_ERP_TIMEOUT_SECONDS": "5",
        "CROSSDOCK_WMS_TIMEOUT_SECONDS": "5",
        "CROSSDOCK_ERP_CIRCUIT_COOL_DOWN_SECONDS": "1",
        "CROSSDOCK_WMS_CIRCUIT_COOL_DOWN_SECONDS": "1",
        "CROSSDOCK_DELIVERY_MAX_RETRIES": "4",
        "CROSSDOCK_DELIVERY_BACKOFF_SECONDS": "0.3",
        "CROSSDOCK_DELIVERY_BACKOFF_MAX_SECONDS": "2",
        "CROSSDOCK_VISIBILITY_TIMEOUT_SECONDS": "4",
        "CROSSDOCK_SWEEP_INTERVAL_SECONDS": "2",
        "CROSSDOCK_STALL_SECONDS": "8",
        **extra_env,
    }
    settings = Settings.from_env(env)
    engine = make_engine(database_url)
    upgrade(engine)
    log = (tmp / "sandbox.log").open("wb")
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "erp_connector.sandbox", "--port", str(port),
         "--db", f"sqlite:///{tmp / 'sandbox.db'}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    app = make_celery(settings)
    harness: Stack | None = None
    try:
        gw = gateway(settings, engine=engine, migrate=False, dispatcher=CeleryDispatcher(app))
        harness = Stack(tmp, env, settings, gw, sandbox_url, sandbox=sandbox, logs=[log])
        wait_for(lambda: _up(f"{sandbox_url}/healthz"), timeout=30)
        yield harness
    finally:
        if harness is not None:
            harness.stop()
            for connector in harness.gw.connectors.values():
                connector.close()
        else:
            sandbox.terminate()
            sandbox.wait(timeout=10)
            log.close()
        engine.dispose()
        app.close()
        redis.Redis.from_url(redis_url).flushdb()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _up(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False
