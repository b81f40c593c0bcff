"""Partners sending while faults happen: one client thread per transport (API, AS2,
SFTP), each sending distinct single-set interchanges (an 855 for its own PO number) and
retrying what the gateway did not acknowledge, as a real partner's software does.

Every attempt's outcome is kept in a ``Ledger``: acknowledged (HTTP 202, an MDN
``processed``, an SFTP upload whose close succeeded), refused with an error the sender
can act on (an HTTP 5xx/413/429, a connection refused, an error MDN, a failed SFTP
put), or *unclear* — an answer that neither acknowledges nor refuses, which leaves a
sender unable to know whether to send again. The suite requires none of those.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Protocol

import httpx

from as2 import build_message, check_mdn, read_mdn
from as2.errors import As2Error
from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.render import RenderOptions, render_x12
from gateway.canonical import (
    KIND_OF,
    AckLine,
    CanonicalDocument,
    Direction,
    ItemIds,
    Meta,
    PoAcknowledgement,
)
from gateway.domain.control_numbers import InMemoryControlNumbers
from tests.unit.as2.pki import Pki

OPTIONS = RenderOptions(
    sender=("ZZ", "ACMESUPPLY"),
    receiver=("ZZ", "CROSSDOCK"),
    delimiters=Delimiters(element="*", component=">", segment="~", repetition="^"),
)
RETRYABLE_HTTP = frozenset({408, 413, 425, 429, 500, 502, 503, 504, 507})


class Outcome(Enum):
    ACKNOWLEDGED = "acknowledged"
    REFUSED = "refused"  # an error the sender acts on: it sends again
    UNCLEAR = "unclear"  # neither: the sender cannot tell what became of it


@dataclass(frozen=True, slots=True)
class Attempt:
    outcome: Outcome
    detail: str


@dataclass(slots=True)
class Document:
    transport: str
    po_number: str
    data: bytes
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def acknowledged(self) -> bool:
        return any(a.outcome is Outcome.ACKNOWLEDGED for a in self.attempts)


class _Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class Documents:
    """855s with one PO each and their own interchange control number (no two documents
    share a PO, so the ERP count per PO is the exactly-once check)."""

    def __init__(self) -> None:
        self._numbers = InMemoryControlNumbers(start=1000)
        self._lock = threading.Lock()

    def make(self, po_number: str) -> bytes:
        body = PoAcknowledgement(
            po_number=po_number,
            po_date=date(2026, 11, 28),
            lines=[AckLine(line_number="1", item=ItemIds(vendor_item="WID-100"),
                           quantity=Decimal(24), uom="EA", unit_price=Decimal("12.50"))],
        )  # fmt: skip
        meta = Meta(document_id="f", kind=KIND_OF[PoAcknowledgement], direction=Direction.OUTBOUND)
        with self._lock:
            text = render_x12(
                [CanonicalDocument(meta=meta, body=body)], OPTIONS, self._numbers, _Clock()
            )
        return text.encode("latin-1")


class Sender(Protocol):
    def __call__(self, document: Document) -> Attempt: ...

    def close(self) -> None: ...


class ApiSender:
    """``POST /api/v1/inbound`` with the partner's key; a retry repeats the request id, so
    the gateway sees the same transport message (as an idempotent client would send)."""

    def __init__(self, url: str, key: str) -> None:
        self._client = httpx.Client(base_url=url, timeout=30, headers={"X-API-Key": key})

    def __call__(self, document: Document) -> Attempt:
        try:
            answer = self._client.post(
                "/api/v1/inbound",
                content=document.data,
                headers={"X-Request-ID": f"faults-{document.po_number}"},
            )
        except httpx.TransportError as error:
            return Attempt(Outcome.REFUSED, f"http {type(error).__name__}")
        if answer.status_code == 202:
            return Attempt(Outcome.ACKNOWLEDGED, "202")
        outcome = Outcome.REFUSED if answer.status_code in RETRYABLE_HTTP else Outcome.UNCLEAR
        return Attempt(outcome, f"http {answer.status_code}")

    def close(self) -> None:
        self._client.close()


class As2Sender:
    """Signed, encrypted AS2 asking for a signed sync MDN; a retry resends the same
    Message-ID, as RFC 4130 senders do."""

    def __init__(self, url: str, pki: Pki) -> None:
        self._client = httpx.Client(timeout=30)
        self._url = url
        self._pki = pki

    def __call__(self, document: Document) -> Attempt:
        message = build_message(
            document.data,
            local=self._pki.partner_local("ACMEAS2"),
            partner=self._pki.our_policy("CROSSDOCK"),
            message_id=f"faults-{document.po_number}@acme.example",
        )
        try:
            answer = self._client.post(
                self._url, content=message.body.tobytes(), headers=list(message.headers)
            )
        except httpx.TransportError as error:
            return Attempt(Outcome.REFUSED, f"http {type(error).__name__}")
        if answer.status_code != 200:
            outcome = Outcome.REFUSED if answer.status_code in RETRYABLE_HTTP else Outcome.UNCLEAR
            return Attempt(outcome, f"http {answer.status_code}")
        if not answer.content:
            return Attempt(Outcome.UNCLEAR, "200 without an MDN")
        try:
            receipt = read_mdn(
                list(answer.headers.multi_items()),
                answer.content,
                partner=self._pki.our_policy("CROSSDOCK"),
            )
        except As2Error as error:
            return Attempt(Outcome.UNCLEAR, f"unreadable MDN: {error.code}")
        if receipt.disposition.is_error:
            return Attempt(Outcome.REFUSED, f"MDN {receipt.disposition}")
        try:
            check_mdn(receipt, message_id=message.message_id, expected_mic=message.mic,
                      require_signed=True)  # fmt: skip
        except As2Error as error:
            return Attempt(Outcome.UNCLEAR, f"MDN does not match: {error.code}")
        return Attempt(Outcome.ACKNOWLEDGED, f"MDN {receipt.disposition.type}")

    def close(self) -> None:
        self._client.close()


class SftpSender:
    """OpenSSH's ``sftp`` in batch mode: ``put`` exits non-zero when the server refuses
    the close (the file was not taken in), and the partner uploads it again."""

    def __init__(self, port: int, key: Path, known_hosts: Path, spool: Path) -> None:
        self._port = port
        self._key = key
        self._known_hosts = known_hosts
        self._spool = spool
        spool.mkdir(parents=True, exist_ok=True)

    def __call__(self, document: Document) -> Attempt:
        name = f"{document.po_number}.x12"
        local = self._spool / name
        local.write_bytes(document.data)
        command = [
            "sftp", "-F", "/dev/null", "-i", str(self._key), "-o", "IdentitiesOnly=yes",
            "-o", f"UserKnownHostsFile={self._known_hosts}", "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
            "-P", str(self._port), "-b", "-", "acme@127.0.0.1",
        ]  # fmt: skip
        try:
            done = subprocess.run(
                command, input=f"put {local} inbound/{name}\n", capture_output=True, text=True,
                timeout=60,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return Attempt(Outcome.REFUSED, "sftp timed out")
        if done.returncode == 0:
            return Attempt(Outcome.ACKNOWLEDGED, "closed")
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return Attempt(Outcome.REFUSED, f"sftp exit {done.returncode}: {last[:80]}")

    def close(self) -> None:
        pass


@dataclass
class Ledger:
    """Every document sent during one fault, by transport."""

    fault: str
    tag: str  # in every PO number of this fault (BAK03 allows 22 characters)
    documents: list[Document] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, document: Document) -> None:
        with self.lock:
            self.documents.append(document)

    def acknowledged(self) -> list[Document]:
        return [d for d in self.documents if d.acknowledged]

    def refusals(self) -> Counter[str]:
        """Refused attempts by transport and reason (what the fault did to senders)."""
        return Counter(
            f"{d.transport}: {a.detail}"
            for d in self.documents
            for a in d.attempts
            if a.outcome is Outcome.REFUSED
        )

    def unclear(self) -> list[tuple[str, str]]:
        return [
            (d.po_number, a.detail)
            for d in self.documents
            for a in d.attempts
            if a.outcome is Outcome.UNCLEAR
        ]


class Partner(threading.Thread):
    """One transport's client: a new document every ``every`` seconds until stopped, each
    sent until acknowledged (a pause of ``backoff`` between tries) or ``give_up`` seconds
    after its first try; finishing documents in hand after ``stop`` as a partner would."""

    def __init__(
        self,
        transport: str,
        send: Sender,
        documents: Documents,
        ledger: Ledger,
        *,
        every: float = 0.5,
        backoff: float = 0.5,
        give_up: float = 90.0,
    ) -> None:
        super().__init__(name=f"partner-{transport}", daemon=True)
        self.transport = transport
        self._send = send
        self._documents = documents
        self._ledger = ledger
        self._every = every
        self._backoff = backoff
        self._give_up = give_up
        self._stopping = threading.Event()
        self.failure: BaseException | None = None

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        try:
            serial = 0
            while not self._stopping.is_set():
                serial += 1
                po_number = f"PO-{self._ledger.tag}-{self.transport.upper()}-{serial:05d}"
                document = Document(self.transport, po_number, self._documents.make(po_number))
                self._ledger.add(document)
                self._deliver(document)
                self._stopping.wait(self._every)
        except BaseException as error:  # reported by the test, not lost in the thread
            self.failure = error
        finally:
            self._send.close()

    def _deliver(self, document: Document) -> None:
        deadline = time.monotonic() + self._give_up
        while time.monotonic() < deadline:
            attempt = self._send(document)
            document.attempts.append(attempt)
            if attempt.outcome is Outcome.ACKNOWLEDGED:
                return
            time.sleep(self._backoff)
