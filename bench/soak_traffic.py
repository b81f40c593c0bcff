"""The traffic of the soak benchmark (``soak.py``): Acme's documents and the clients
that send them over HTTP API, AS2 and SFTP at a scheduled rate.

Why a module of its own: it is the partner's side of the benchmark, and knows nothing of
how the stack is measured or reconciled; each document sent is recorded as a ``Sent``
for the reconciliation and the report.
"""

from __future__ import annotations

import contextlib
import hashlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import httpx

from bench._stack import Clock
from bench.soak_setup import OUR_AS2_ID, PARTNER_AS2_ID
from demo.supplier import _answers
from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.render import RenderOptions, render_x12
from gateway.canonical import (
    KIND_OF,
    Body,
    CanonicalDocument,
    Direction,
    ItemIds,
    Meta,
    OrderLine,
    PurchaseOrder,
)
from gateway.domain.control_numbers import InMemoryControlNumbers

KINDS = ("850", "855", "856", "810")
OPTIONS = RenderOptions(
    sender=("ZZ", "ACMESUPPLY"),
    receiver=("ZZ", "CROSSDOCK"),
    delimiters=Delimiters(element="*", component=">", segment="~", repetition="^"),
)


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


def mix_cycle(mix: dict[str, int]) -> list[str]:
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
