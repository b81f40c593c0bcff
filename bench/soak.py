"""Load and soak benchmark: mixed inbound traffic at a steady rate for a long time, then
a reconciliation of every document sent.

What it does:

1. Starts the live stack as ``pipeline.py`` does (API, Celery workers and the sandbox
   ERP/WMS as processes, on a throwaway PostgreSQL schema and Redis db 13), plus our
   SFTP server (``crossdock sftp-server``); the partner (Acme's profile with an AS2
   station and an SFTP account added, and inbound 850s allowed) is this process.
2. Offers single-document interchanges at a fixed rate (an open loop: the schedule
   does not wait for answers), the transports interleaved by ``--mix``: HTTP API
   (``POST /api/v1/inbound``), AS2 (signed SHA-256 / RSA 2048, AES-256-CBC encrypted,
   signed synchronous MDN checked) and SFTP (paramiko, upload to a temporary name then
   rename, sessions kept open). Kinds cycle 850, 855, 856, 810, each on its own PO so
   no document waits for another of its order.
3. ``--peak-first`` (the default without ``--rate``): a ramp of short steps, each
   ``--ramp-factor`` faster, until the ERP deliveries in the second half of a step fall
   below 90 % of what it offers; the peak is the best delivered rate of a step. The
   soak then runs at ``--fraction`` (80 %) of it for ``--minutes``.
4. Every ``--sample-seconds`` it samples the resident memory and CPU time of every
   process of the API, the workers, the sandbox and the SFTP server (RSS from psutil
   when installed, else ``/proc``; ``--samples-csv`` keeps every sample), and prints
   progress to stderr.
5. At the end: throughput offered / answered / delivered, latency from receipt
   (``messages.received_at``) to ERP delivery (``deliveries.delivered_at``) as
   ``pipeline.py`` measures it, RSS at the end of warm-up against the end, and a
   reconciliation: every document sent is looked up in the store (its raw bytes, by
   sha256) and in the sandbox ERP's own database (by business number and idempotency
   key): lost, stored twice, undelivered, delivered twice.

The exit status is 1 when the reconciliation finds a document lost, doubled or never
delivered. Everything (the clients too) shares the machine's cores.

Run: ``.venv/bin/python bench/soak.py [--minutes 30] [--rate R | --peak-first]
[--mix api:5,as2:3,sftp:2] [--concurrency 4]``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import queue
import shutil
import socket
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# Run as a script, bench/ comes first on sys.path, where as2.py and sftp.py would hide
# the packages of the same names.
sys.path[:] = [str(REPO)] + [p for p in sys.path if p and Path(p).resolve() != HERE]

import httpx  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bench._stack import Clock, latencies, throwaway_stack  # noqa: E402
from bench.as2 import make_keys  # noqa: E402
from bench.sftp import _free_port, _keygen  # noqa: E402
from demo.live import LiveStack  # noqa: E402
from demo.supplier import _answers  # noqa: E402
from edi_maps.x12.delimiters import Delimiters  # noqa: E402
from edi_maps.x12.render import RenderOptions, render_x12  # noqa: E402
from gateway.canonical import (  # noqa: E402
    KIND_OF,
    Body,
    CanonicalDocument,
    Direction,
    ItemIds,
    Meta,
    OrderLine,
    PurchaseOrder,
)
from gateway.domain.control_numbers import InMemoryControlNumbers  # noqa: E402
from gateway.profiles import load_profiles  # noqa: E402
from gateway.profiles.model import PartnerProfile  # noqa: E402
from gateway.services.partners import import_profiles  # noqa: E402

MB = 1 << 20
KINDS = ("850", "855", "856", "810")
OPTIONS = RenderOptions(
    sender=("ZZ", "ACMESUPPLY"),
    receiver=("ZZ", "CROSSDOCK"),
    delimiters=Delimiters(element="*", component=">", segment="~", repetition="^"),
)
PARTNER_AS2_ID, OUR_AS2_ID, SFTP_ACCOUNT = "ACMESUPPLY", "CROSSDOCK", "acme"


# --------------------------------------------------------------------------------------
# Documents and senders
# --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Sent:
    """One document offered: what it is, how it went, and what the sender was told."""

    seq: int
    transport: str
    kind: str
    business_number: str
    sha256: str
    phase: str
    due: float  # monotonic time it was scheduled for
    answered_after: float | None = None  # seconds from ``due`` to the sender's answer
    error: str | None = None


class Documents:
    """Single-set interchanges from Acme, one PO each; kinds in turn."""

    def __init__(self) -> None:
        self._numbers = InMemoryControlNumbers(start=1)
        self._clock = Clock()
        self.count = 0

    def make(self, transport: str, phase: str, due: float) -> tuple[Sent, bytes]:
        self.count += 1
        seq, kind = self.count, KINDS[self.count % len(KINDS)]
        line = OrderLine(line_number="1", item=ItemIds(buyer_item="100-200", vendor_item="W-1"),
                         quantity=Decimal(24), uom="EA", unit_price=Decimal("12.50"))  # fmt: skip
        order = PurchaseOrder(po_number=f"PO-S{seq:08d}", order_date=date.today(),
                              currency="USD", lines=[line])  # fmt: skip
        body: Body = order if kind == "850" else _answers(order, {})[KINDS.index(kind) - 1]
        number = {"850": order.po_number, "855": order.po_number,
                  "856": f"ASN-S{seq:08d}", "810": f"INV-S{seq:08d}"}[kind]  # fmt: skip
        meta = Meta(document_id="soak", kind=KIND_OF[type(body)], direction=Direction.OUTBOUND)
        edi = render_x12([CanonicalDocument(meta=meta, body=body)], OPTIONS, self._numbers,
                         self._clock).encode("latin-1")  # fmt: skip
        sha = hashlib.sha256(edi).hexdigest()
        return Sent(seq, transport, kind, number, sha, phase, due), edi


class Session(Protocol):
    def send(self, sent: Sent, edi: bytes) -> None: ...
    def close(self) -> None: ...


class ApiSession:
    def __init__(self, api_url: str, key: str) -> None:
        self._url = f"{api_url}/api/v1/inbound"
        self._client = httpx.Client(timeout=120, headers={"X-API-Key": key})

    def send(self, sent: Sent, edi: bytes) -> None:
        self._client.post(self._url, content=edi).raise_for_status()

    def close(self) -> None:
        self._client.close()


class As2Session:
    """Acme's AS2 station: signed and encrypted to us, a signed synchronous MDN checked."""

    def __init__(self, api_url: str, keys: Path) -> None:
        from as2 import KeyPair, LocalIdentity, PartnerPolicy

        pair = KeyPair.load((keys / "sender.key").read_bytes(), (keys / "sender.crt").read_bytes())
        ours = KeyPair.load((keys / "receiver.key").read_bytes(),
                            (keys / "receiver.crt").read_bytes())  # fmt: skip
        self._local = LocalIdentity(PARTNER_AS2_ID, (pair,))
        self._partner = PartnerPolicy(OUR_AS2_ID, (ours.certificate,), url=f"{api_url}/as2")
        self._client = httpx.Client(timeout=120)

    def send(self, sent: Sent, edi: bytes) -> None:
        from as2 import build_message, check_mdn, read_mdn

        message = build_message(edi, local=self._local, partner=self._partner)
        answer = self._client.post(
            str(self._partner.url), content=message.body.tobytes(), headers=message.headers
        )
        answer.raise_for_status()
        receipt = read_mdn(answer.headers.multi_items(), answer.content, partner=self._partner)
        check_mdn(receipt, message_id=message.message_id, expected_mic=message.mic,
                  require_signed=True)  # fmt: skip

    def close(self) -> None:
        self._client.close()


class SftpSession:
    """One SSH connection kept open (renewed before the server's per-session file limit,
    or after an error), each file uploaded under a temporary name and renamed."""

    FILES_PER_CONNECTION = 900  # the server allows 1000 files per session

    def __init__(self, remote: Any) -> None:
        self._remote = remote
        self._stack: contextlib.ExitStack | None = None
        self._sftp: Any = None
        self._files = 0

    def send(self, sent: Sent, edi: bytes) -> None:
        from sftp.client import connect
        from sftp.pusher import upload

        if self._stack is None or self._files >= self.FILES_PER_CONNECTION:
            self.close()
            self._stack = contextlib.ExitStack()
            self._sftp = self._stack.enter_context(connect(self._remote))
        self._files += 1
        try:
            upload(self._sftp, self._remote, f"{sent.business_number}.x12", edi)
        except Exception:
            self.close()  # a fresh connection for the next file
            raise

    def close(self) -> None:
        if self._stack is not None:
            with contextlib.suppress(Exception):
                self._stack.close()
        self._stack, self._sftp, self._files = None, None, 0


class Lane:
    """``threads`` senders for one transport, fed from one queue (its length is the
    client-side backlog when the stack answers slower than the schedule offers)."""

    def __init__(self, threads: int, session: Callable[[], Session]) -> None:
        self._queue: queue.Queue[tuple[Sent, bytes] | None] = queue.Queue()
        self._threads = [
            threading.Thread(target=self._run, args=(session,), daemon=True) for _ in range(threads)
        ]
        for thread in self._threads:
            thread.start()

    @property
    def backlog(self) -> int:
        return self._queue.qsize()

    def submit(self, sent: Sent, edi: bytes) -> None:
        self._queue.put((sent, edi))

    def close(self) -> None:
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()

    def _run(self, make_session: Callable[[], Session]) -> None:
        session = make_session()
        try:
            while (item := self._queue.get()) is not None:
                sent, edi = item
                try:
                    session.send(sent, edi)
                except Exception as error:  # recorded per document, reported at the end
                    sent.error = " ".join(f"{type(error).__name__}: {error}".split())[:120]
                sent.answered_after = time.monotonic() - sent.due
        finally:
            session.close()


def _mix_cycle(mix: dict[str, int]) -> list[str]:
    """Smooth weighted round robin: api:5,as2:3,sftp:2 → a cycle of 10, interleaved."""
    current = dict.fromkeys(mix, 0)
    cycle = []
    for _ in range(sum(mix.values())):
        for name, weight in mix.items():
            current[name] += weight
        chosen = max(current, key=lambda name: current[name])
        current[chosen] -= sum(mix.values())
        cycle.append(chosen)
    return cycle


@dataclass
class Traffic:
    lanes: dict[str, Lane]
    cycle: list[str]
    documents: Documents = field(default_factory=Documents)
    sent: list[Sent] = field(default_factory=list)

    def offer(self, rate: float, seconds: float, phase: str, tick: Callable[[], None]) -> None:
        """Offer ``rate`` documents a second for ``seconds``, on schedule whatever the
        answers take; ``tick`` is called about every second."""
        start = last_tick = time.monotonic()
        for n in range(int(rate * seconds)):
            due = start + n / rate
            time.sleep(max(0.0, due - time.monotonic()))
            transport = self.cycle[len(self.sent) % len(self.cycle)]
            sent, edi = self.documents.make(transport, phase, due)
            self.sent.append(sent)
            self.lanes[transport].submit(sent, edi)
            if time.monotonic() - last_tick >= 1.0:
                last_tick = time.monotonic()
                tick()
        time.sleep(max(0.0, start + seconds - time.monotonic()))

    @property
    def backlog(self) -> int:
        return sum(lane.backlog for lane in self.lanes.values())

    def close(self) -> None:
        for lane in self.lanes.values():
            lane.close()


# --------------------------------------------------------------------------------------
# The stack: AS2 keys, the SFTP server, the partner's profile
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    keys: Path
    sftp_port: int
    env: dict[str, str]


def prepare(work: Path) -> Setup:
    keys = work / "keys"
    make_keys(keys)  # sender.* is Acme's station, receiver.* ours
    _keygen(keys / "sftp_client")
    port = _free_port()
    env = {
        "CROSSDOCK_AS2_ID": OUR_AS2_ID,
        "CROSSDOCK_AS2_KEY": str(keys / "receiver.key"),
        "CROSSDOCK_AS2_CERTIFICATE": str(keys / "receiver.crt"),
        "CROSSDOCK_SFTP_HOST": "127.0.0.1",
        "CROSSDOCK_SFTP_PORT": str(port),
    }
    return Setup(keys, port, env)


def acme_profile(setup: Setup) -> PartnerProfile:
    """Acme as the demo has it, plus inbound 850s, an AS2 station and an SFTP account."""
    acme = next(p for p in load_profiles(REPO / "demo" / "partners") if p.id == "acme-supply")
    data = acme.model_dump(mode="json", exclude_none=True)
    data["documents"].append({"direction": "inbound", "transaction_set": "850"})
    data["transports"] = {
        "api": {"enabled": True},
        "as2": {
            "as2_id": PARTNER_AS2_ID,
            "url": "http://127.0.0.1:9/as2",  # never used: nothing goes out to Acme
            "partner_certificate": (setup.keys / "sender.crt").read_text(),
        },
        "sftp": {
            "inbound": {
                "account": SFTP_ACCOUNT,
                "public_keys": [(setup.keys / "sftp_client.pub").read_text().strip()],
            }
        },
    }
    return PartnerProfile.model_validate(data)


def start_sftp(stack: LiveStack, setup: Setup) -> Any:
    """Our SFTP server as a process of the stack; returns the client's view of it."""
    from sftp import ensure_host_key
    from sftp.remote import RemoteServer

    public = ensure_host_key(stack.settings.effective_sftp_host_key)
    stack._spawn("sftp", "-m", "gateway.cli.main", "sftp-server")
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", setup.sftp_port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError("the SFTP server did not start") from None
            time.sleep(0.2)
    return RemoteServer(host="127.0.0.1", port=setup.sftp_port, username=SFTP_ACCOUNT,
                        host_key=public, private_key_path=setup.keys / "sftp_client",
                        push_dir="inbound", timeout=120)  # fmt: skip


# --------------------------------------------------------------------------------------
# Memory
# --------------------------------------------------------------------------------------


def _rss_kb(pid: int) -> int | None:
    try:
        import psutil  # type: ignore[import-untyped, unused-ignore]

        return int(psutil.Process(pid).memory_info().rss // 1024)
    except ImportError:
        pass
    except Exception:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _children() -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        found[ppid].append(int(entry.name))
    return found


def _role(pid: int) -> str:
    command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    for needle, role in (("sftp-server", "sftp server"), ("sandbox", "sandbox"),
                         ("celery", "worker"), (" serve", "api")):  # fmt: skip
        if needle in command:
            return role
    return "other"


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return float(sum(values) - idle), float(sum(values))


Key = tuple[str, int]  # (role, pid)


class Memory:
    """RSS and CPU time of every process of the stack's process trees, sampled in a
    thread; and how busy the whole machine was meanwhile."""

    def __init__(self, stack: LiveStack, every: float) -> None:
        self.roots = {p.pid: _role(p.pid) for p in stack.processes}
        self.every = every
        self.samples: list[tuple[float, dict[Key, int]]] = []  # (t, key → RSS kB)
        self.cpu: dict[Key, tuple[float, float]] = {}  # key → (first, last) CPU seconds
        self.machine = (0.0, 0.0)  # busy fraction of all cores, and the core count
        self._busy = (0.0, 0.0)
        self.driver = (0.0, 0.0)  # this process's CPU seconds at start, and used
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.started = 0.0

    def start(self) -> None:
        self.started = time.monotonic()
        self._busy = _machine_busy()
        self.driver = (_cpu_seconds(os.getpid()) or 0.0, 0.0)
        self.sample()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
        self.driver = (self.driver[0], (_cpu_seconds(os.getpid()) or 0.0) - self.driver[0])
        busy, total = _machine_busy()
        self.machine = ((busy - self._busy[0]) / (total - self._busy[1]), os.cpu_count() or 1)

    def sample(self) -> None:
        children, now = _children(), time.monotonic() - self.started
        snapshot = {}
        for root, role in self.roots.items():
            pending = [root]
            while pending:
                pid = pending.pop()
                pending += children.get(pid, [])
                rss, cpu = _rss_kb(pid), _cpu_seconds(pid)
                key = (role if pid == root else f"{role} child", pid)
                if rss is not None:
                    snapshot[key] = rss
                if cpu is not None:
                    self.cpu[key] = (self.cpu.get(key, (cpu, cpu))[0], cpu)
        self.samples.append((now, snapshot))

    def cpu_used(self, key: Key) -> float:
        first, last = self.cpu.get(key, (0.0, 0.0))
        return last - first

    def write_csv(self, path: Path) -> None:
        """One row per process and sample: seconds into the soak, role, pid, RSS kB."""
        rows = ["seconds,process,pid,rss_kb"] + [
            f"{t:.1f},{role},{pid},{rss}" for t, snapshot in self.samples
            for (role, pid), rss in sorted(snapshot.items())
        ]  # fmt: skip
        path.write_text("\n".join(rows) + "\n")

    def total_mb(self) -> float:
        return sum(self.samples[-1][1].values()) / 1024 if self.samples else 0.0

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.sample()


# --------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------


def delivered_between(stack: LiveStack, since: datetime, until: datetime) -> int:
    query = text(
        "SELECT count(*) FROM deliveries WHERE system = 'erp' AND delivered_at >= :since "
        "AND delivered_at < :until"
    )
    with stack.gw.engine.connect() as connection:
        return int(connection.execute(query, {"since": since, "until": until}).scalar_one())


def delivered_total(stack: LiveStack) -> int:
    query = text(
        "SELECT count(DISTINCT transaction_id) FROM deliveries "
        "WHERE system = 'erp' AND delivered_at IS NOT NULL"
    )
    with stack.gw.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def drain(stack: LiveStack, traffic: Traffic, patience: float, limit: float) -> float:
    """Wait until every document sent without error is delivered, or nothing moved for
    ``patience`` seconds, or ``limit`` seconds passed; returns the seconds waited."""
    start = last_move = time.monotonic()
    last = -1
    while time.monotonic() - start < limit:
        answered = [s for s in traffic.sent if s.answered_after is not None]
        done = delivered_total(stack)
        ok = sum(1 for s in answered if s.error is None)
        if len(answered) == len(traffic.sent) and done >= ok:
            break
        if done != last:
            last, last_move = done, time.monotonic()
        elif time.monotonic() - last_move > patience:
            break
        time.sleep(0.5)
    return time.monotonic() - start


def measure_peak(
    stack: LiveStack, traffic: Traffic, args: argparse.Namespace
) -> tuple[float, list[tuple[float, float]]]:
    """The ramp: (peak delivered/s, [(offered/s, delivered/s) per step])."""
    steps: list[tuple[float, float]] = []
    rate = args.ramp_start
    while rate <= args.ramp_max:
        traffic.offer(rate, args.ramp_seconds / 2, "ramp", lambda: None)
        # The second half only: by then deliveries follow the rate, or lag it for good.
        since = datetime.now(UTC)
        traffic.offer(rate, args.ramp_seconds / 2, "ramp", lambda: None)
        until = datetime.now(UTC)
        achieved = delivered_between(stack, since, until) / (until - since).total_seconds()
        steps.append((rate, achieved))
        print(f"[ramp] offered {rate:7.1f}/s  delivered {achieved:7.1f}/s  "
              f"client backlog {traffic.backlog}", file=sys.stderr, flush=True)  # fmt: skip
        if achieved < 0.9 * rate:
            break
        rate *= args.ramp_factor
    return max(achieved for _, achieved in steps), steps


# --------------------------------------------------------------------------------------
# Reconciliation
# --------------------------------------------------------------------------------------


@dataclass
class Reconciliation:
    sent: int = 0
    refused_at_send: int = 0
    stored: int = 0
    raw_bytes_match: int = 0
    stored_twice: int = 0
    lost: int = 0  # answered OK, yet not in the store
    delivered_once: int = 0
    undelivered: int = 0
    delivered_twice: int = 0
    key_mismatch: int = 0
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def note(self, what: str, sent: Sent, detail: str = "") -> None:
        if len(self.examples[what]) < 5:
            self.examples[what].append(f"{sent.transport} {sent.kind} {sent.business_number} "
                                       f"{detail}".strip())  # fmt: skip

    @property
    def failed(self) -> bool:
        return bool(self.lost or self.stored_twice or self.undelivered or self.delivered_twice)


def _store_rows(stack: LiveStack) -> tuple[dict[str, list[tuple[Any, ...]]], Counter[str]]:
    query = text(
        "SELECT m.raw_sha256, m.id, m.state, t.id, t.business_number, t.idempotency_key "
        "FROM messages m LEFT JOIN transactions t ON t.message_id = m.id "
        "WHERE m.direction = 'inbound'"
    )
    delivered_query = text(
        "SELECT transaction_id FROM deliveries WHERE system = 'erp' AND delivered_at IS NOT NULL"
    )
    by_sha: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    with stack.gw.engine.connect() as connection:
        for row in connection.execute(query):
            by_sha[row[0]].append(tuple(row))
        confirmed = Counter(row[0] for row in connection.execute(delivered_query))
    return by_sha, confirmed


def reconcile(stack: LiveStack, sent: list[Sent]) -> Reconciliation:
    by_sha, confirmed = _store_rows(stack)
    erp: dict[str, list[str]] = defaultdict(list)  # business number → idempotency keys
    with contextlib.closing(sqlite3.connect(stack.data_dir / "sandbox.db")) as sandbox:
        for key, number in sandbox.execute(
            "SELECT idempotency_key, business_number FROM records WHERE system = 'erp'"
        ):
            erp[number].append(key)
    result = Reconciliation(sent=len(sent))
    for item in sent:
        if item.error is not None:
            result.refused_at_send += 1
            result.note("refused at send", item, item.error)
        rows = by_sha.get(item.sha256, [])
        messages = {row[1] for row in rows}
        if not messages:
            if item.error is None:
                result.lost += 1
                result.note("lost", item)
            continue
        result.stored += 1
        if len(messages) > 1:
            result.stored_twice += 1
            result.note("stored twice", item, f"{len(messages)} messages")
        if stack.gw.payloads.exists(item.sha256):
            stored = hashlib.sha256(stack.gw.payloads.get(item.sha256)).hexdigest()
            result.raw_bytes_match += stored == item.sha256
        keys = erp.get(item.business_number, [])
        expected = {row[5] for row in rows if row[4] == item.business_number}
        if not keys:
            result.undelivered += 1
            states = ",".join(sorted({str(row[2]) for row in rows}))
            result.note("undelivered", item, f"message state {states}")
        elif len(keys) > 1 or any(confirmed[row[3]] > 1 for row in rows):
            result.delivered_twice += 1
            result.note("delivered twice", item, f"keys {keys}")
        else:
            result.delivered_once += 1
            if keys[0] not in expected:
                result.key_mismatch += 1
                result.note("key mismatch", item, f"{keys[0]} not in {expected}")
    return result


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------


def _quantile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(len(values) * q))] if values else float("nan")


def _table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for number, row in enumerate([header, *rows]):
        cells = [c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)]
        print("  ".join(cells).rstrip())
        if number == 0:
            print("  ".join("-" * w for w in widths))


def _slope_mb_per_hour(points: list[tuple[float, int]]) -> float:
    if len(points) < 3:
        return float("nan")
    mean_t = sum(t for t, _ in points) / len(points)
    mean_v = sum(v for _, v in points) / len(points)
    var = sum((t - mean_t) ** 2 for t, _ in points)
    cov = sum((t - mean_t) * (v - mean_v) for t, v in points)
    return cov / var * 3600 / 1024 if var else float("nan")


def print_memory(memory: Memory, warmup: float, documents: int) -> None:
    after = [s for s in memory.samples if s[0] >= warmup]
    if not after:
        print("no memory sample after the warm-up")
        return
    first, last = after[0][1], memory.samples[-1][1]
    rows = []
    for key in sorted(set(first) | set(last)):
        start, end = first.get(key), last.get(key)
        cpu = f"{memory.cpu_used(key):.0f}"
        name = f"{key[0]} {key[1]}"
        if start is None or end is None:
            rows.append([name, f"{(start or 0) / 1024:.1f}", f"{(end or 0) / 1024:.1f}",
                         "", "", "", cpu, "gone" if end is None else "new"])  # fmt: skip
            continue
        points = [(t, s[key]) for t, s in after if key in s]
        growth = (end - start) / 1024
        rows.append([name, f"{start / 1024:.1f}", f"{end / 1024:.1f}", f"{growth:+.1f}",
                     f"{growth * 1024 / start * 100:+.1f}%",
                     f"{_slope_mb_per_hour(points):+.1f}", cpu, ""])  # fmt: skip
    total_start, total_end = sum(first.values()) / 1024, sum(last.values()) / 1024
    cpu_total = sum(memory.cpu_used(key) for key in memory.cpu)
    rows.append(["all", f"{total_start:.1f}", f"{total_end:.1f}", f"{total_end - total_start:+.1f}",
                 f"{(total_end - total_start) / total_start * 100:+.1f}%", "",
                 f"{cpu_total:.0f}", ""])  # fmt: skip
    print(f"Memory (RSS MB; warm-up ends at {after[0][0] / 60:.1f} min, end at "
          f"{memory.samples[-1][0] / 60:.1f} min; {len(memory.samples)} samples; "
          f"CPU s over the whole soak)")  # fmt: skip
    header = ["process", "warm-up end", "end", "growth MB", "growth %", "slope MB/h", "CPU s"]
    _table([*header, "note"], rows)
    busy, cores = memory.machine
    capacity = memory.samples[-1][0] * cores
    print(f"stack CPU per document delivered: {cpu_total / max(documents, 1) * 1000:.1f} ms; "
          f"machine busy {busy:.0%} of {cores:.0f} cores: the stack {cpu_total / capacity:.0%}, "
          f"this driver (the partners' clients) {memory.driver[1] / capacity:.0%}, "
          "other work the rest")  # fmt: skip


def latency_breakdown(stack: LiveStack, since: datetime, until: datetime) -> list[list[str]]:
    """Receipt → ERP by transport and kind, for the soak window."""
    query = text(
        "SELECT m.transport, t.kind, "
        "EXTRACT(EPOCH FROM d.delivered_at - m.received_at) FROM deliveries d "
        "JOIN transactions t ON t.id = d.transaction_id JOIN messages m ON m.id = t.message_id "
        "WHERE d.system = 'erp' AND m.received_at >= :since AND m.received_at < :until"
    )
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    with stack.gw.engine.connect() as connection:
        for transport, kind, seconds in connection.execute(query, {"since": since, "until": until}):
            groups[(transport, kind)].append(float(seconds))
    rows = []
    for (transport, kind), values in sorted(groups.items()):
        values.sort()
        rows.append([f"{transport} {kind}", str(len(values)), f"{_quantile(values, 0.5):.3f}",
                     f"{_quantile(values, 0.99):.3f}", f"{values[-1]:.3f}"])  # fmt: skip
    return rows


def log_errors(folder: Path) -> list[str]:
    """The stack's logged errors, counted by process and the exception's last line."""
    found: Counter[tuple[str, str]] = Counter()
    for log in sorted(folder.glob("*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if record.get("level") not in ("ERROR", "CRITICAL"):
                    continue
                text_ = str(record.get("exception") or record.get("message") or "")
                lines = [x for x in text_.splitlines() if not x.startswith("(Background")]
                found[(log.stem, (lines[-1] if lines else "?")[:140])] += 1
            elif "ERROR" in line or "CRITICAL" in line:
                found[(log.stem, line.strip()[-140:])] += 1
    return [f"{count:6d}  {name}: {what}" for (name, what), count in found.most_common(12)]


def print_report(report: dict[str, Any], memory: Memory, rec: Reconciliation) -> None:
    print()
    if report["steps"]:
        print("Peak ramp (offered → delivered to the ERP, documents/s):")
        print("  " + ", ".join(f"{o:.0f} → {d:.1f}" for o, d in report["steps"]))
        print(f"  peak {report['peak']:.1f}/s; soak at {report['fraction']:.0%}: "
              f"{report['rate']:.1f}/s")  # fmt: skip
        print()
    lat = report["latencies"]
    print(f"Soak: {report['minutes']:.1f} min, mix {report['mix']}, "
          f"{report['concurrency']} worker processes")  # fmt: skip
    _table(["measure", "value"], [
        ["offered (documents/s)", f"{report['offered']:.1f}"],
        ["answered OK by the gateway (/s)", f"{report['answered']:.1f}"],
        ["delivered to the ERP in the window (/s)", f"{report['achieved']:.1f}"],
        ["client backlog at the end (documents)", str(report["backlog"])],
        ["drain after the end (s)", f"{report['drain']:.1f}"],
        ["receipt → ERP p50 (s)", f"{_quantile(lat, 0.5):.3f}"],
        ["receipt → ERP p99 (s)", f"{_quantile(lat, 0.99):.3f}"],
        ["receipt → ERP p999 (s)", f"{_quantile(lat, 0.999):.3f}"],
        ["receipt → ERP max (s)", f"{lat[-1] if lat else float('nan'):.3f}"],
        ["latency samples", str(len(lat))],
    ])  # fmt: skip
    print()
    answers = report["answers"]
    _table(["transport", "sent", "send p50 s", "send p99 s"], [
        [name, str(len(values)), f"{_quantile(values, 0.5):.3f}", f"{_quantile(values, 0.99):.3f}"]
        for name, values in sorted(answers.items())
    ])  # fmt: skip
    print()
    _table(["receipt → ERP", "documents", "p50 s", "p99 s", "max s"], report["breakdown"])
    print()
    print_memory(memory, report["warmup"], report["delivered"])
    print()
    print("Reconciliation (every document sent, all phases):")
    _table(["check", "documents"], [
        ["sent", str(rec.sent)],
        ["refused at send (sender told)", str(rec.refused_at_send)],
        ["in the store", str(rec.stored)],
        ["  raw bytes match (sha256)", str(rec.raw_bytes_match)],
        ["  stored twice", str(rec.stored_twice)],
        ["lost (answered OK, not stored)", str(rec.lost)],
        ["in the ERP exactly once", str(rec.delivered_once)],
        ["  idempotency key not the gateway's", str(rec.key_mismatch)],
        ["undelivered", str(rec.undelivered)], ["delivered twice", str(rec.delivered_twice)],
    ])  # fmt: skip
    for what, examples in rec.examples.items():
        print(f"  {what}: " + "; ".join(examples))
    print("result:", "FAILED (lost, doubled or undelivered documents)" if rec.failed else "OK")
    print()
    errors = report["log_errors"]
    print(f"Errors in the stack's logs (all phases): {'none' if not errors else ''}")
    for line in errors:
        print(line)


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--rate", type=float, help="documents/s (skips the peak ramp)")
    parser.add_argument("--peak-first", action="store_true", help="ramp first (the default)")
    parser.add_argument("--fraction", type=float, default=0.8, help="of the peak")
    parser.add_argument("--ramp-start", type=float, default=4.0, help="documents/s")
    parser.add_argument("--ramp-factor", type=float, default=1.3)
    parser.add_argument("--ramp-seconds", type=float, default=30.0, help="per step")
    parser.add_argument("--ramp-max", type=float, default=2000.0)
    parser.add_argument("--warmup-minutes", type=float, help="default: 20%% of --minutes, <= 5")
    parser.add_argument("--sample-seconds", type=float, default=10.0)
    parser.add_argument("--samples-csv", type=Path, help="write every RSS sample here")
    parser.add_argument("--mix", default="api:5,as2:3,sftp:2")
    parser.add_argument("--concurrency", type=int, default=4, help="worker processes")
    parser.add_argument("--threads", default="api:8,as2:4,sftp:2", help="sender threads")
    args = parser.parse_args(argv)
    if args.rate is not None and args.peak_first:
        parser.error("--rate and --peak-first exclude each other")
    return args


def _pairs(spec: str) -> dict[str, int]:
    pairs = (part.split(":") for part in spec.split(",") if part.strip())
    return {name.strip(): int(value) for name, value in pairs if int(value) > 0}


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    work = Path(tempfile.mkdtemp(prefix="crossdock-soak-keys-"))
    try:
        return _soak(args, prepare(work))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _soak(args: argparse.Namespace, setup: Setup) -> int:
    mix, threads = _pairs(args.mix), _pairs(args.threads)
    with throwaway_stack(redis_db=13, concurrency=args.concurrency, schema_prefix="soak",
                         env=setup.env) as stack:  # fmt: skip
        _, key = stack.start()
        import_profiles(stack.gw.unit_of_work, stack.gw.clock, [acme_profile(setup)])
        remote = start_sftp(stack, setup) if "sftp" in mix else None
        sessions: dict[str, Callable[[], Session]] = {
            "api": lambda: ApiSession(stack.api_url, key),
            "as2": lambda: As2Session(stack.api_url, setup.keys),
            "sftp": lambda: SftpSession(remote),
        }
        lanes = {name: Lane(threads.get(name, 2), sessions[name]) for name in mix}
        traffic = Traffic(lanes, _mix_cycle(mix))
        report = run(stack, traffic, args, mix)
        traffic.close()
        report["drain"] += drain(stack, traffic, patience=120, limit=900)
        memory = report.pop("memory")
        if args.samples_csv is not None:
            memory.write_csv(args.samples_csv)
        rec = reconcile(stack, traffic.sent)
        report["log_errors"] = log_errors(stack.data_dir)
        report["answers"] = _answers_by_transport(traffic.sent, report["phase"])
    print_report(report, memory, rec)
    print(f"({os.cpu_count()} cores shared by the stack, this driver and any other work; "
          f"logs: {stack.data_dir})")  # fmt: skip
    return 1 if rec.failed or not rec.sent else 0


def _answers_by_transport(sent: list[Sent], phase: str) -> dict[str, list[float]]:
    answers: dict[str, list[float]] = defaultdict(list)
    for item in sent:
        if item.phase == phase and item.answered_after is not None and item.error is None:
            answers[item.transport].append(item.answered_after)
    return {name: sorted(values) for name, values in answers.items()}


def run(
    stack: LiveStack, traffic: Traffic, args: argparse.Namespace, mix: dict[str, int]
) -> dict[str, Any]:
    """Warm every process, ramp to the peak unless a rate is given, then soak."""
    traffic.offer(5, 4, "warm", lambda: None)
    drain(stack, traffic, patience=60, limit=120)
    steps: list[tuple[float, float]] = []
    peak = None
    if args.rate is None:
        peak, steps = measure_peak(stack, traffic, args)
        rate = peak * args.fraction
        print(f"[ramp] peak {peak:.1f}/s; draining, then soak at {rate:.1f}/s",
              file=sys.stderr, flush=True)  # fmt: skip
        drain(stack, traffic, patience=120, limit=900)
    else:
        rate = args.rate
    seconds = args.minutes * 60
    warmup = (args.warmup_minutes if args.warmup_minutes is not None
              else min(5.0, args.minutes * 0.2)) * 60  # fmt: skip
    memory = Memory(stack, args.sample_seconds)
    before_sent = len(traffic.sent)
    since = datetime.now(UTC)
    memory.start()
    last = [time.monotonic()]

    def progress() -> None:
        if time.monotonic() - last[0] < 30:
            return
        last[0] = time.monotonic()
        elapsed = last[0] - memory.started
        print(f"[soak {elapsed / 60:5.1f} min] offered {len(traffic.sent) - before_sent}, "
              f"delivered {delivered_total(stack)}, client backlog {traffic.backlog}, "
              f"RSS {memory.total_mb():.0f} MB", file=sys.stderr, flush=True)  # fmt: skip

    traffic.offer(rate, seconds, "soak", progress)
    until = datetime.now(UTC)
    memory.stop()
    window = (until - since).total_seconds()
    soak = traffic.sent[before_sent:]
    answered = sum(1 for s in soak if s.answered_after is not None and s.error is None)
    pending = sum(1 for s in soak if s.answered_after is None)
    drained = drain(stack, traffic, patience=120, limit=900)
    return {
        "steps": steps, "peak": peak or 0.0, "fraction": args.fraction, "rate": rate,
        "minutes": window / 60, "mix": ",".join(f"{k}:{v}" for k, v in mix.items()),
        "concurrency": args.concurrency, "offered": len(soak) / window,
        "answered": answered / window,
        "achieved": delivered_between(stack, since, until) / window,
        "delivered": delivered_between(stack, since, until),
        "breakdown": latency_breakdown(stack, since, until),
        "backlog": pending, "drain": drained, "phase": "soak",
        "latencies": latencies(stack, since, until), "warmup": warmup, "memory": memory,
    }  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
