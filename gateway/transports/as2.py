"""AS2 wired to the store: our station (keys from settings), partners' policies (from
profiles), the inbound endpoint's work, and the outbound transport.

Inbound, raw first (SPEC §1 invariant 1): the HTTP request as it came (headers and
body) is stored before anything is decrypted or verified; an accepted payload becomes
a message like an API upload; a refused request is kept as a ``rejected`` message
holding the request bytes; every MDN we answer is kept as an outbound ``MDN`` message
(``in_reply_to`` the message it answers), which is what a duplicate Message-ID gets back.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from as2 import (
    Certificate,
    CertificateStatus,
    Cipher,
    Compression,
    Digest,
    InboundResult,
    KeyPair,
    KeyTransport,
    LocalIdentity,
    Mdn,
    MdnMode,
    PartnerPolicy,
    SendStatus,
    SignatureScheme,
    build_mdn,
    build_message,
    check_mdn,
    is_mdn,
    read_mdn,
    read_request,
    receive,
    send,
    send_mdn,
)
from as2.errors import As2Error, ConfigurationError, MdnError
from as2.mic import Mic
from gateway.domain.errors import GatewayError, PermanentError
from gateway.domain.tracking import Direction, MessageQuery, MessageRecord, State, Transport
from gateway.ports import Clock, Dispatcher, PayloadStore, StoredPartner, UnitOfWork
from gateway.profiles.model import PartnerProfile
from gateway.profiles.transports import As2Transport
from gateway.services.intake import Intake, Submission
from gateway.services.outbound import Outbound
from gateway.services.transport_intake import queue_or_leave_to_sweeper
from gateway.settings import Settings
from gateway.transports.errors import TransportRefused

log = logging.getLogger(__name__)

Headers = Sequence[tuple[str, str]]


class As2NotConfigured(PermanentError):
    code = "as2.not_configured"


class Station:
    """Our AS2 identity and each partner's policy. Keys are read once; profiles at each
    call, so a certificate rotation in a profile takes effect at once."""

    def __init__(self, settings: Settings, unit_of_work: Callable[[], UnitOfWork]) -> None:
        self._settings = settings
        self._uow = unit_of_work
        self._local: LocalIdentity | None = None

    @property
    def configured(self) -> bool:
        return self._settings.as2_key is not None and self._settings.as2_certificate is not None

    def local(self) -> LocalIdentity:
        """Raises As2NotConfigured: no key and certificate in the settings."""
        if self._local is None:
            s = self._settings
            if s.as2_key is None or s.as2_certificate is None:
                raise As2NotConfigured("AS2 needs CROSSDOCK_AS2_KEY and CROSSDOCK_AS2_CERTIFICATE")
            keys = [_pair(s.as2_key, s.as2_certificate)]
            if s.as2_previous_key is not None and s.as2_previous_certificate is not None:
                keys.append(_pair(s.as2_previous_key, s.as2_previous_certificate))
            self._local = LocalIdentity(s.as2_id, tuple(keys))
        return self._local

    def partner(self, as2_from: str) -> StoredPartner | None:
        """The active partner whose profile carries this AS2 id."""
        with self._uow() as uow:
            partners = uow.partners.list_all(include_inactive=False)
        for stored in partners:
            as2 = stored.profile.transports.as2
            if as2 is not None and as2.as2_id == as2_from and stored.profile.status != "suspended":
                return stored
        return None

    def policy(self, profile: PartnerProfile) -> PartnerPolicy:
        """Raises TransportRefused: the profile has no AS2 station or no certificate yet."""
        as2 = profile.transports.as2
        if as2 is None or as2.partner_certificate is None:
            raise TransportRefused(f"partner {profile.id} has no AS2 station with a certificate")
        return policy_of(as2, self._settings.as2_mdn_url)


def policy_of(as2: As2Transport, our_mdn_url: str | None = None) -> PartnerPolicy:
    certificates = [c for c in (as2.partner_certificate, as2.next_certificate) if c]
    return PartnerPolicy(
        as2_id=as2.as2_id,
        certificates=tuple(_certificate(text) for text in certificates),
        url=str(as2.url),
        require_signature=as2.require_signature,
        require_encryption=as2.require_encryption,
        sign=as2.sign,
        digest=Digest.parse(as2.signing_algorithm),
        signature_scheme=SignatureScheme(as2.signature_scheme),
        encrypt=as2.encrypt,
        cipher=Cipher.parse(as2.encryption_algorithm),
        key_transport=KeyTransport.parse(as2.key_transport),
        compression=Compression(as2.compression),
        mdn_mode=MdnMode(as2.mdn_mode),
        signed_mdn=as2.mdn_signed,
        async_mdn_url=str(as2.mdn_url) if as2.mdn_url else our_mdn_url,
    )


def _certificate(text: str) -> Certificate:
    return Certificate.load(text if "-----BEGIN" in text else Path(text).read_bytes())


def _pair(key: Path, certificate: Path) -> KeyPair:
    return KeyPair.load(key.read_bytes(), certificate.read_bytes())


@dataclass(slots=True)
class Answer:
    """What the endpoint answers: an HTTP status, headers and body (a synchronous MDN,
    or nothing), and an MDN to post afterwards when the sender asked for it async."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    message_id: str | None = None
    later: Mdn | None = None
    mdn_record: str | None = None


class As2Inbound:
    """The work behind ``POST /as2``: a partner's message (or an MDN for one of ours)."""

    def __init__(
        self,
        station: Station,
        intake: Intake,
        outbound: Outbound,
        payloads: PayloadStore,
        dispatcher: Dispatcher,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
    ) -> None:
        self._station = station
        self._intake = intake
        self._outbound = outbound
        self._payloads = payloads
        self._dispatcher = dispatcher
        self._uow = unit_of_work
        self._clock = clock

    def handle(self, headers: Headers, body: bytes) -> Answer:
        """Store the request, then take in the message or the MDN it carries.

        Raises:
            StoreUnavailable, PayloadStoreFull, PayloadStoreUnavailable: the database or
                the payload disk failed before the MDN was kept; the API answers 503 or
                507 and the partner sends the same Message-ID again (answered then as a
                duplicate of what was kept, or afresh).
        """
        request_sha = self._payloads.put(_raw_request(headers, body)).sha256
        if is_mdn(headers, body):
            return self._mdn(headers, body)
        info = read_request(headers)
        stored = self._station.partner(info.as2_from) if info.as2_from else None
        if stored is not None and info.message_id:
            earlier = self._earlier(stored.profile.id, info.message_id)
            if earlier is not None:
                return earlier
        local = self._station.local()
        try:
            policy = self._station.policy(stored.profile) if stored is not None else None
        except TransportRefused:  # a profile still without their certificate
            policy = None
        result = receive(
            headers,
            body,
            local=local,
            find_partner=lambda as2_from: policy if policy and as2_from == policy.as2_id else None,
        )
        try:
            partner_id = stored.profile.id if stored is not None else None
            tmid = info.message_id or f"no-message-id-{uuid.uuid4()}"
            if result.ok and result.payload is not None:
                note = _note(result, request_sha)
                with result.payload.content.open() as source:
                    submission = Submission(Transport.AS2, tmid, partner_id, note)
                    record, new = self._intake.accept(source, submission)
                if new:
                    # Kept and recorded: the MDN says so even if the broker is down (the
                    # sweeper queues it), rather than an error that makes the partner
                    # send it again.
                    queue_or_leave_to_sweeper(self._dispatcher, record.id)
            else:
                error = result.error or As2Error("refused")
                submission = Submission(Transport.AS2, tmid, partner_id, f"request {request_sha}")
                record, new = self._intake.accept(
                    _raw_request(headers, body), submission, refused=error
                )
            mdn = build_mdn(result, duplicate=not new) if info.mdn is not None else None
        finally:
            result.close()
        if mdn is None:
            return Answer(200, [], b"", record.id)
        mdn_id = self._keep_mdn(record, mdn)
        if mdn.async_url is not None:
            return Answer(200, [], b"", record.id, later=mdn, mdn_record=mdn_id)
        return Answer(200, list(mdn.headers), mdn.body, record.id)

    def send_later(self, answer: Answer, client: httpx.Client) -> None:
        """Post an asynchronous MDN, but only to the host of the partner's own AS2 URL
        (the Receipt-Delivery-Option comes from the request: it must not make us post
        to an address of an attacker's choosing)."""
        mdn, record_id = answer.later, answer.mdn_record
        if mdn is None or record_id is None or mdn.async_url is None:
            return
        with self._uow() as uow:
            record = uow.messages.get(record_id)
            stored = uow.partners.get(record.partner_id or "") if record else None
        as2 = stored.profile.transports.as2 if stored else None
        allowed = urlsplit(str(as2.url)).hostname if as2 else None
        target = urlsplit(mdn.async_url)
        if target.scheme not in ("http", "https") or target.hostname != allowed:
            self._outbound.fail(record_id, f"async MDN URL {mdn.async_url} is not the partner's")
            return
        try:
            send_mdn(mdn, client=client)
        except GatewayError as error:
            log.warning("async MDN %s to %s: %s", mdn.message_id, mdn.async_url, error)
            if not error.retryable:
                self._outbound.fail(record_id, error)
            return
        with self._uow() as uow:
            record = uow.messages.get(record_id)
            if record is not None and record.state is State.QUEUED:
                uow.messages.move(record, State.SENT, self._clock.now(), f"MDN to {mdn.async_url}")
                uow.commit()

    def _earlier(self, partner_id: str, message_id: str) -> Answer | None:
        """A Message-ID this partner sent before: the MDN we answered then, nothing new
        (None when no MDN was kept for it: the caller answers this request itself)."""
        with self._uow() as uow:
            earlier = uow.messages.by_transport_id(Transport.AS2.value, partner_id, message_id)
            if earlier is None:
                return None
            replies = uow.messages.find(MessageQuery(in_reply_to=earlier.id))
        mdn = next((m for m in replies if m.document_type == "MDN"), None)
        if mdn is None:
            # Kept, but never answered (the first try failed after storing it: broker or
            # store down): answer this try afresh, as a duplicate, rather than with an
            # empty 200 that tells a sender who asked for an MDN nothing.
            return None
        raw = self._payloads.get(mdn.raw_sha256)
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = [(name, value.strip()) for name, _, value in (x.partition(":") for x in lines)]
        return Answer(200, headers, body, earlier.id)

    def _keep_mdn(self, answered: MessageRecord, mdn: Mdn) -> str:
        stored = self._payloads.put(_raw_request(mdn.headers, mdn.body))
        now = self._clock.now()
        record = MessageRecord(
            id=str(uuid.uuid4()),
            direction=Direction.OUTBOUND,
            transport=Transport.AS2,
            raw_sha256=stored.sha256,
            size=stored.size,
            received_at=now,
            state=State.QUEUED,
            transport_message_id=mdn.message_id,
            partner_id=answered.partner_id,
            in_reply_to=answered.id,
            document_type="MDN",
        )
        with self._uow() as uow:
            uow.messages.add(record, now, f"MDN {mdn.disposition} for {mdn.original_message_id}")
            if mdn.async_url is None:
                uow.messages.move(record, State.SENT, now, "answered in the HTTP response")
            uow.commit()
        return record.id

    def _mdn(self, headers: Headers, body: bytes) -> Answer:
        """An asynchronous MDN for one of our messages (its request is stored already):
        verified; a negative, forged or mismatching one fails the message with the reason,
        a good one leaves it ``sent`` (its 997 is what acknowledges it)."""
        fields = {name.lower(): value for name, value in headers}
        stored = self._station.partner(fields.get("as2-from", "").strip().strip('"'))
        if stored is None:
            return Answer(403, [], b"unknown AS2-From")
        policy = self._station.policy(stored.profile)
        try:
            receipt = read_mdn(headers, body, partner=policy)
        except As2Error as error:
            return Answer(400, [], error.message.encode())
        ours = _our_message_id(receipt.original_message_id)
        with self._uow() as uow:
            message = uow.messages.get(ours) if ours else None
            history = uow.messages.history(message.id) if message else []
        if message is None or message.state is not State.SENT:
            return Answer(200, [], b"")  # not ours, or settled already: nothing to do
        expected = next((_mic_in(t.reason or "") for t in reversed(history) if t.reason), None)
        try:
            check_mdn(
                receipt,
                message_id=receipt.original_message_id,
                expected_mic=expected,
                require_signed=policy.signed_mdn,
            )
        except MdnError as error:
            self._outbound.fail(message.id, error)
            return Answer(200, [], b"", message.id)
        log.info("MDN for %s: %s", message.id, receipt.disposition)
        return Answer(200, [], b"", message.id)


class As2Outbound:
    """``OutboundTransport`` "as2": signed/encrypted per the partner's profile, the same
    Message-ID on every retry (the partner's duplicate check), the MDN verified."""

    def __init__(self, station: Station, client: httpx.Client | None = None) -> None:
        self._station = station
        self._client = client or httpx.Client(timeout=60.0, follow_redirects=False)

    def send(self, profile: PartnerProfile, message: MessageRecord, payload: bytes) -> str:
        """Returns the Message-ID and what came back, with the MIC an async MDN must carry.

        Raises:
            TransportError (retryable): unreachable, 5xx, 429.
            HttpRejected, MdnError (permanent): refused, or an MDN that is negative,
                forged, for another message or with another MIC.
        """
        policy = self._station.policy(profile)
        built = build_message(
            payload,
            local=self._station.local(),
            partner=policy,
            message_id=f"{message.id}@{self._station.local().as2_id.lower()}.crossdock",
            content_type=policy.content_type
            if profile.standard == "x12"
            else "application/edifact",
            filename=f"{message.document_type or 'edi'}-{message.id}.edi",
        )
        result = send(built, policy, client=self._client)
        mic = f"; MIC {result.mic}" if result.mic else ""
        if result.status is SendStatus.DELIVERED:
            return (
                f"<{result.message_id}> MDN {result.receipt.disposition if result.receipt else ''}"
            )
        if result.status is SendStatus.AWAITING_MDN:
            return f"<{result.message_id}> awaiting MDN{mic}"
        return f"<{result.message_id}>"

    def close(self) -> None:
        self._client.close()


def _our_message_id(as2_message_id: str) -> str | None:
    """Our message id inside the Message-ID we gave a message (``<id>@….crossdock``)."""
    match = re.match(r"^<?([0-9a-f-]{36})@", as2_message_id)
    return match.group(1) if match else None


def _mic_in(reason: str) -> Mic | None:
    """The MIC an async MDN must return, as the send step wrote it in the history."""
    match = re.search(r"MIC (\S+, \S+)", reason)
    return Mic.parse(match.group(1)) if match else None


def _note(result: InboundResult, request_sha: str) -> str:
    """What the message's first history line says of its AS2 request."""
    digest, cipher = result.digest, result.cipher
    parts = [f"request {request_sha}"]
    parts.append(
        f"signed {digest.value if digest else ''}".strip() if result.signed else "unsigned"
    )
    parts.append(
        f"encrypted {cipher.value if cipher else ''}".strip() if result.encrypted else "clear"
    )
    if result.compressed:
        parts.append("compressed")
    return ", ".join(parts)


def _raw_request(headers: Headers, body: bytes) -> bytes:
    """Headers and body as one byte string (what was on the wire, framing aside)."""
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    return head.encode("latin-1", "replace") + b"\r\n" + body


__all__ = [
    "Answer",
    "As2Inbound",
    "As2NotConfigured",
    "As2Outbound",
    "ConfigurationError",
    "Station",
    "policy_of",
]


EXPIRY_WARNING = dt.timedelta(days=30)
"""How long before a certificate expires the API and the console start to warn."""


@dataclass(frozen=True, slots=True)
class CertificateReport:
    """One of a partner's AS2 certificates: its validity, or why it cannot be read."""

    role: str  # partner_certificate | next_certificate
    status: CertificateStatus | None
    error: str | None = None


def certificate_reports(profile: PartnerProfile, now: dt.datetime) -> list[CertificateReport]:
    """The partner's AS2 certificates (current and, during a rotation, the next), for the
    API's certificates route and the console's partner page alike."""
    as2 = profile.transports.as2
    found = []
    for role in ("partner_certificate", "next_certificate"):
        text = getattr(as2, role, None) if as2 else None
        if not text:
            continue
        try:
            status = _certificate(text).status(now, EXPIRY_WARNING)
        except (OSError, GatewayError, ValueError) as error:
            found.append(CertificateReport(role, None, str(error)))
            continue
        found.append(CertificateReport(role, status))
    return found
