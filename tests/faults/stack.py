"""The whole gateway as separate processes on private servers, for the fault suite.

Processes: the API (``crossdock serve``, also the AS2 endpoint), our SFTP server
(``crossdock sftp-server``), a Celery worker and beat (the sweeper), the sandbox
ERP/WMS; servers: a private PostgreSQL cluster and Redis (``services.py``), and the
payload store on a size-limited tmpfs when this machine lets us mount one. This
process holds a wired ``Gateway`` on the same store only to set up partners and keys
and to read what became of each document.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

import httpx
from cryptography.hazmat.primitives import serialization
from sqlalchemy import text

from gateway.api import create_key
from gateway.bootstrap import Gateway, gateway
from gateway.settings import Settings
from sftp import ensure_host_key
from tests.faults.services import (
    PayloadDisk,
    PrivatePostgres,
    PrivateRedis,
    free_port,
    wait_for_port,
)
from tests.partner_profiles import acme
from tests.unit.as2.pki import Pki, make_pki, write_pem

ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition: Callable[[], Any], timeout: float, every: float = 0.25) -> bool:
    """Poll ``condition`` until it is truthy (True) or ``timeout`` passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(every)
    return False


@dataclass
class Stack:
    tmp: Path
    env: dict[str, str]
    gw: Gateway
    postgres: PrivatePostgres
    redis: PrivateRedis
    disk: PayloadDisk | None
    disk_problem: str | None
    pki: Pki
    api_url: str
    sandbox_url: str
    sftp_port: int
    partner_key: str
    ssh_key: Path
    known_hosts: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _logs: list[IO[bytes]] = field(default_factory=list)

    # -- processes -------------------------------------------------------------------

    def spawn(self, name: str, *arguments: str) -> subprocess.Popen[bytes]:
        log = (self.tmp / f"{name}.log").open("ab")
        self._logs.append(log)
        process = subprocess.Popen(
            [sys.executable, *arguments], cwd=ROOT, env=self.env, stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group: a SIGKILL takes a worker's pool too
        )  # fmt: skip
        self.processes[name] = process
        return process

    def start_worker(self) -> None:
        self.spawn("worker", "-m", "celery", "-A", "celery_app", "worker",
                   "-Q", "inbound,outbound,delivery,polling", "-c", "3", "-l", "INFO",
                   "--without-heartbeat", "--without-gossip", "--without-mingle",
                   "-n", f"faults-{time.monotonic_ns()}@%h")  # fmt: skip

    def kill(self, name: str) -> None:
        """SIGKILL the process and its group: nothing gets to clean up or acknowledge."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        for log in self._logs:
            log.close()

    def log_tail(self, lines: int = 40) -> str:
        parts = []
        for path in sorted(self.tmp.glob("*.log")):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path.name}\n" + "\n".join(tail))
        return "\n".join(parts)

    # -- the sandbox ERP -------------------------------------------------------------

    def faults(self, **faults: Any) -> None:
        if faults:
            httpx.put(f"{self.sandbox_url}/_faults", json=faults).raise_for_status()
        else:
            httpx.delete(f"{self.sandbox_url}/_faults").raise_for_status()

    def erp_records(self) -> Counter[str]:
        """ERP records per business number (the PO), read from the sandbox's own database
        (read-only): the count of what the system of record really holds."""
        uri = f"file:{self.tmp / 'sandbox.db'}?mode=ro"
        with sqlite3.connect(uri, uri=True, timeout=10) as connection:
            rows = connection.execute(
                "SELECT business_number FROM records WHERE system = 'erp'"
            ).fetchall()
        return Counter(str(row[0]) for row in rows)

    # -- the store -------------------------------------------------------------------

    def stored(self, prefix: str) -> dict[str, list[str]]:
        """Inbound transactions whose PO starts with ``prefix``: PO → the raw payloads'
        sha256 that are really on disk (an empty list: recorded, but the bytes missing)."""
        query = text(
            "SELECT t.business_number, m.raw_sha256 FROM transactions t "
            "JOIN messages m ON m.id = t.message_id "
            "WHERE m.direction = 'inbound' AND t.business_number LIKE :prefix"
        )
        with self.gw.engine.connect() as connection:
            rows = connection.execute(query, {"prefix": f"{prefix}%"}).all()
        found: dict[str, list[str]] = {}
        for po_number, sha256 in rows:
            present = [sha256] if self.gw.payloads.exists(sha256) else []
            found.setdefault(str(po_number), []).extend(present)
        return found

    def states(self, po_numbers: list[str]) -> dict[str, list[str]]:
        """Where each document stands, found by the transport id its sender gave (for the
        failure message when one is lost): each message's state and its sets' states."""
        query = text(
            "SELECT m.id, m.state, m.transport_message_id, "
            "(SELECT string_agg(t.state, ',') FROM transactions t WHERE t.message_id = m.id) "
            "FROM messages m WHERE m.direction = 'inbound' AND m.transport_message_id LIKE :po"
        )
        found: dict[str, list[str]] = {}
        with self.gw.engine.connect() as connection:
            for po in po_numbers:
                rows = connection.execute(query, {"po": f"%{po}%"}).all()
                found[po] = [f"{m[:8]} {state} sets={sets} ({tid})" for m, state, tid, sets in rows]
        return found


def _healthy(url: str) -> bool:
    return httpx.get(url, timeout=2).status_code == 200


def _profile(pki: Pki, ssh_public: str) -> Any:
    certificate = pki.partner.certificate.x509.public_bytes(serialization.Encoding.PEM).decode()
    return acme(
        transports={
            "as2": {"as2_id": "ACMEAS2", "url": "https://as2.acme.example/as2",
                    "partner_certificate": certificate},
            "sftp": {"inbound": {"account": "acme", "public_keys": [ssh_public]}},
            # 997s go to the partner's outbound/ on our server: no network peer needed.
            "outbound": "sftp",
        }
    )  # fmt: skip


def _ssh_key(folder: Path) -> tuple[Path, str]:
    path = folder / "partner_ed25519"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "acme", "-f", str(path)], check=True
    )
    return path, path.with_suffix(".pub").read_text().strip()


def _environment(tmp: Path, postgres: PrivatePostgres, redis: PrivateRedis) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": postgres.url,
        "REDIS_URL": redis.url,
        "CROSSDOCK_DISPATCH": "celery",
        "CROSSDOCK_DATA_DIR": str(tmp / "data"),
        "CROSSDOCK_PAYLOAD_DIR": str(tmp / "payloads"),
        "CROSSDOCK_SFTP_ROOT": str(tmp / "homes"),
        "CROSSDOCK_SFTP_HOST_KEY": str(tmp / "keys" / "sftp_host_key"),
        "CROSSDOCK_LOG_FORMAT": "text",
        "CROSSDOCK_ERP_BATCH_PATH": "/documents",
        "CROSSDOCK_WMS_BATCH_PATH": "/documents",
        "CROSSDOCK_ERP_TIMEOUT_SECONDS": "5",
        "CROSSDOCK_WMS_TIMEOUT_SECONDS": "5",
        "CROSSDOCK_ERP_CIRCUIT_COOL_DOWN_SECONDS": "1",
        "CROSSDOCK_WMS_CIRCUIT_COOL_DOWN_SECONDS": "1",
        # A retry window (~20 s) longer than the ERP outage the suite injects: riding it
        # out is the guarantee under test; dead letters are the e2e suite's subject.
        "CROSSDOCK_DELIVERY_MAX_RETRIES": "12",
        "CROSSDOCK_DELIVERY_BACKOFF_SECONDS": "0.3",
        "CROSSDOCK_DELIVERY_BACKOFF_MAX_SECONDS": "2",
        # Short, so that recovery happens within the test's time: a killed worker's task
        # comes back after 10 s; the sweeper looks every 2 s for work still for 8 s.
        "CROSSDOCK_VISIBILITY_TIMEOUT_SECONDS": "10",
        "CROSSDOCK_SWEEP_INTERVAL_SECONDS": "2",
        "CROSSDOCK_STALL_SECONDS": "8",
    }


def start_stack(tmp: Path) -> Iterator[Stack]:
    """Everything up and healthy; torn down (servers, mount, cluster) afterwards."""
    postgres = PrivatePostgres()
    redis = PrivateRedis(tmp)
    disk: PayloadDisk | None = None
    disk_problem: str | None = None
    stack: Stack | None = None
    try:
        try:
            disk = PayloadDisk(tmp / "payloads")
        except OSError as error:
            disk_problem = str(error)
        postgres.start()
        redis.start()
        env = _environment(tmp, postgres, redis)
        keys = tmp / "keys"
        keys.mkdir()
        pki = make_pki()
        our_key, our_certificate = write_pem(pki.ours, keys, "ours")
        env |= {
            "CROSSDOCK_AS2_KEY": str(our_key),
            "CROSSDOCK_AS2_CERTIFICATE": str(our_certificate),
        }
        ssh_key, ssh_public = _ssh_key(keys)
        host_public = ensure_host_key(Path(env["CROSSDOCK_SFTP_HOST_KEY"]))
        sftp_port, api_port, sandbox_port = free_port(), free_port(), free_port()
        known_hosts = keys / "known_hosts"
        known_hosts.write_text(f"[127.0.0.1]:{sftp_port} {host_public}\n")
        sandbox_url = f"http://127.0.0.1:{sandbox_port}"
        env |= {
            "CROSSDOCK_ERP_URL": f"{sandbox_url}/erp",
            "CROSSDOCK_WMS_URL": f"{sandbox_url}/wms",
        }
        gw = gateway(Settings.from_env(env), connectors={})  # migrates the private cluster
        with gw.unit_of_work() as uow:
            uow.partners.save(_profile(pki, ssh_public), gw.clock.now())
            uow.commit()
        partner_key = create_key(gw, "acme faults", "partner", "acme-supply").secret
        stack = Stack(
            tmp, env, gw, postgres, redis, disk, disk_problem, pki,
            f"http://127.0.0.1:{api_port}", sandbox_url, sftp_port, partner_key, ssh_key,
            known_hosts,
        )  # fmt: skip
        stack.spawn("sandbox", "-m", "erp_connector.sandbox", "--port", str(sandbox_port),
                    "--db", f"sqlite:///{tmp / 'sandbox.db'}")  # fmt: skip
        stack.spawn("api", "-m", "gateway.cli.main", "serve", "--port", str(api_port))
        stack.spawn("sftp", "-m", "gateway.cli.main", "sftp-server", "--host", "127.0.0.1",
                    "--port", str(sftp_port))  # fmt: skip
        stack.start_worker()
        stack.spawn("beat", "-m", "celery", "-A", "celery_app", "beat", "-l", "INFO",
                    "-s", str(tmp / "beat-schedule"))  # fmt: skip
        for url in (f"{sandbox_url}/healthz", f"{stack.api_url}/healthz"):
            if not wait_until(partial(_healthy, url), 60):
                raise RuntimeError(f"{url} did not come up:\n{stack.log_tail()}")
        wait_for_port(sftp_port, 30)
        yield stack
    finally:
        if stack is not None:
            stack.stop()
            stack.gw.engine.dispose()
        redis.kill()
        postgres.destroy()
        if disk is not None:
            disk.unmount()
