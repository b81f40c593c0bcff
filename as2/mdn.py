"""Message Disposition Notifications (RFC 3798 as profiled by RFC 4130 §7).

Building (the receiving side): :func:`build_mdn` turns an
:class:`~as2.inbound.InboundResult` into the MDN's HTTP headers and body — a
multipart/report, signed (multipart/signed) when the sender asked for a signed receipt
and we know which of our identities it was sent to. The signature and the
Received-Content-MIC use the first algorithm of the sender's
``signed-receipt-micalg`` list that we support.

Reading (the sending side): :func:`read_mdn` parses and verifies a partner's MDN into an
:class:`MdnReceipt`; :func:`check_mdn` compares it with the message we sent and raises
the :class:`~as2.errors.MdnError` that marks that message failed.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass

from as2.algorithms import Digest, SignatureScheme
from as2.cms_sign import sign_detached, verify_detached
from as2.content import Content
from as2.errors import (
    As2Error,
    AuthenticationFailed,
    InsufficientMessageSecurity,
    IntegrityCheckFailed,
    MdnAuthenticationFailed,
    MdnError,
    MdnMalformed,
    MdnUnsigned,
    MdnWrongMessage,
    MicMismatch,
    NegativeDisposition,
    translated,
)
from as2.headers import (
    AS2_VERSION,
    HeaderInput,
    Headers,
    ascii_text,
    clean,
    format_as2_id,
    format_parameters,
    message_id_value,
    new_boundary,
    new_message_id,
    parse_block,
    render,
)
from as2.identities import Certificate, PartnerPolicy, utcnow
from as2.inbound import DEFAULT_MIC_DIGEST, InboundResult
from as2.mic import Mic
from as2.mime import (
    entity_from_http,
    make_entity,
    multipart_signed,
    parse_entity,
    split_multipart,
    split_signed,
)

AUTOMATIC = "automatic-action/MDN-sent-automatically"
REPORTING_UA = "Crossdock AS2"


@dataclass(frozen=True, slots=True)
class Disposition:
    """``<mode>; <type>[/<kind>: <modifier>]``, e.g.
    ``automatic-action/MDN-sent-automatically; processed/error: decryption-failed``."""

    type: str = "processed"
    kind: str | None = None
    """``error``, ``warning`` or ``failure``; None for a plain disposition."""
    modifier: str | None = None
    mode: str = AUTOMATIC

    @classmethod
    def processed(cls) -> Disposition:
        return cls()

    @classmethod
    def duplicate(cls) -> Disposition:
        return cls("processed", "warning", "duplicate-document")

    @classmethod
    def for_error(cls, error: As2Error) -> Disposition:
        return cls("processed", "error", error.disposition_modifier)

    @property
    def is_error(self) -> bool:
        return self.type != "processed" or self.kind in ("error", "failure")

    @property
    def is_warning(self) -> bool:
        return not self.is_error and self.kind == "warning"

    def __str__(self) -> str:
        text = f"{self.mode}; {self.type}"
        if self.kind:
            text += f"/{self.kind}"
            if self.modifier:
                text += f": {self.modifier}"
        return text

    @classmethod
    def parse(cls, value: str) -> Disposition:
        """Lenient: case-insensitive, spaces anywhere, mode optional."""
        mode, semicolon, rest = value.partition(";")
        if not semicolon:
            mode, rest = AUTOMATIC, value
        kind: str | None = None
        modifier: str | None = None
        type_, slash, modifiers = rest.partition("/")
        if slash:
            kind_text, colon, modifier_text = modifiers.partition(":")
            kind = kind_text.strip().lower() or None
            modifier = modifier_text.strip().lower() if colon and modifier_text.strip() else None
        return cls(type_.strip().lower(), kind, modifier, mode.strip())


@dataclass(frozen=True, slots=True)
class Mdn:
    """An MDN ready to send: HTTP headers (Content-Type included) and body.

    ``async_url`` is where to post it when the sender asked for an asynchronous MDN;
    None means it is the synchronous HTTP response.
    """

    message_id: str
    original_message_id: str
    disposition: Disposition
    mic: Mic | None
    signed: bool
    headers: tuple[tuple[str, str], ...]
    body: bytes
    async_url: str | None


def _explanation(result: InboundResult, disposition: Disposition) -> str:
    request = result.request
    text = (
        f"The AS2 message {request.message_id or '(no Message-ID)'} from "
        f"{request.as2_from or '(unknown)'} to {request.as2_to or '(unknown)'} "
        f"was received at {result.received_at:%Y-%m-%d %H:%M:%S %Z}."
    )
    if disposition.is_error:
        reason = result.error.message if result.error is not None else disposition.modifier
        text += f" It could not be processed: {reason}."
    elif disposition.is_warning:
        text += f" Warning: {disposition.modifier}; it was not processed again."
    else:
        text += " It was processed; this does not mean its content was accepted."
    return ascii_text(text)


def build_mdn(
    result: InboundResult,
    *,
    disposition: Disposition | None = None,
    duplicate: bool = False,
    now: dt.datetime | None = None,
    message_id: str | None = None,
    domain: str = "crossdock",
    reporting_ua: str = REPORTING_UA,
) -> Mdn:
    """The MDN for a received message.

    The disposition is ``disposition`` if given, else ``processed/error: <modifier>`` for
    ``result.error``, else ``processed/warning: duplicate-document`` when ``duplicate``
    (the gateway's duplicate check), else ``processed``. The MDN is signed when the
    sender asked for a signed receipt and ``result.local`` is known.
    """
    now = now or utcnow()
    if disposition is None:
        if result.error is not None:
            disposition = Disposition.for_error(result.error)
        elif duplicate:
            disposition = Disposition.duplicate()
        else:
            disposition = Disposition.processed()
    request = result.request
    mdn_request = request.mdn
    digest = (
        (mdn_request.digest if mdn_request is not None else None)
        or result.digest
        or DEFAULT_MIC_DIGEST
    )
    mic = result.mic if not disposition.is_error else None
    recipient = ascii_text(request.as2_to)
    fields = [
        ("Reporting-UA", ascii_text(reporting_ua)),
        ("Original-Recipient", f"rfc822; {recipient}"),
        ("Final-Recipient", f"rfc822; {recipient}"),
        ("Original-Message-ID", f"<{ascii_text(request.message_id)}>"),
    ]
    if mic is not None:
        fields.append(("Received-Content-MIC", str(mic)))
    fields.append(("Disposition", str(disposition)))
    boundary = new_boundary()
    report = b"".join(
        [
            f"--{boundary}\r\n".encode(),
            render(
                [
                    ("Content-Type", "text/plain; charset=us-ascii"),
                    ("Content-Transfer-Encoding", "7bit"),
                ]
            ),
            b"\r\n",
            _explanation(result, disposition).encode("ascii") + b"\r\n",
            f"--{boundary}\r\n".encode(),
            render(
                [
                    ("Content-Type", "message/disposition-notification"),
                    ("Content-Transfer-Encoding", "7bit"),
                ]
            ),
            b"\r\n",
            render(fields),
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    report_type = format_parameters(
        "multipart/report", [("report-type", "disposition-notification"), ("boundary", boundary)]
    )
    signed = bool(mdn_request is not None and mdn_request.signed and result.local is not None)
    if signed:
        assert result.local is not None
        key = result.local.signing_key(now)
        scheme = (
            result.partner.signature_scheme
            if result.partner is not None
            else SignatureScheme.RSA_PKCS1V15
        )
        entity = make_entity([("Content-Type", report_type)], Content.of(report))
        signature = sign_detached(entity.raw, key, digest, scheme, now=now)
        content_type, signed_body = multipart_signed(entity.raw, signature, digest.value)
        body = signed_body.tobytes()
    else:
        content_type, body = report_type, report
    mdn_id = message_id or new_message_id(domain)
    headers = (
        ("AS2-Version", AS2_VERSION),
        ("AS2-From", format_as2_id(request.as2_to)),
        ("AS2-To", format_as2_id(request.as2_from)),
        ("Message-ID", f"<{mdn_id}>"),
        ("Date", email.utils.format_datetime(now.astimezone(dt.UTC), usegmt=True)),
        ("Subject", "Message Disposition Notification"),
        ("MIME-Version", "1.0"),
        ("Content-Type", content_type),
    )
    render(headers)  # refuses CR/LF, should anything have slipped through
    return Mdn(
        message_id=mdn_id,
        original_message_id=request.message_id,
        disposition=disposition,
        mic=mic,
        signed=signed,
        headers=headers,
        body=body,
        async_url=mdn_request.async_url if mdn_request is not None else None,
    )


# -- reading a partner's MDN -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MdnReceipt:
    """A partner's MDN, parsed and (if signed) verified."""

    message_id: str
    original_message_id: str
    disposition: Disposition
    mic: Mic | None
    mic_text: str | None
    signed: bool
    signer: Certificate | None
    digest: Digest | None
    as2_from: str
    as2_to: str
    reporting_ua: str
    final_recipient: str
    explanation: str


def _first_part_type(body: Content, boundary: str) -> str | None:
    delimiter = b"--" + boundary.encode("latin-1")
    index = 0 if body.startswith(delimiter) else body.find(b"\n" + delimiter)
    if index < 0:
        return None
    start = body.find(b"\n", index + 1)
    if start < 0:
        return None
    return parse_entity(body.view(start + 1)).media_type


def is_mdn(headers: HeaderInput | Headers, body: bytes | Content) -> bool:
    """Whether a request to our AS2 endpoint is an (asynchronous) MDN, not a message."""
    fields = Headers(headers)
    entity = entity_from_http(fields, Content.of(body))
    if entity.media_type == "multipart/report":
        return True
    if entity.media_type != "multipart/signed" or "boundary" not in entity.params:
        return False
    try:
        return _first_part_type(entity.body, entity.params["boundary"]) == "multipart/report"
    except As2Error:
        return False


def read_mdn(
    headers: HeaderInput | Headers,
    body: bytes | Content,
    *,
    partner: PartnerPolicy,
    now: dt.datetime | None = None,
) -> MdnReceipt:
    """Parse a partner's MDN (sync response or async request) and verify its signature.

    Raises:
        MdnMalformed: not a readable MDN.
        MdnAuthenticationFailed: signed, but not verifiable with the partner's certificates.
    """
    fields = Headers(headers)
    entity = entity_from_http(fields, Content.of(body))
    signer: Certificate | None = None
    digest: Digest | None = None
    try:
        with translated(MdnMalformed, "unreadable MDN"):
            if entity.media_type == "multipart/signed":
                parts = split_signed(entity)
                verified = verify_detached(
                    parts.signature,
                    parts.signed.raw,
                    partner.certificates,
                    accepted_digests=partner.accepted_digests,
                    now=now,
                )
                signer, digest = verified.certificate, verified.digest
                entity = parts.signed
            if entity.media_type != "multipart/report":
                raise MdnMalformed(f"an MDN is multipart/report, not {entity.media_type}")
            report = split_multipart(entity)
            notification = next(
                (p for p in report if p.media_type == "message/disposition-notification"), None
            )
            if notification is None:
                raise MdnMalformed("MDN without a message/disposition-notification part")
            values = parse_block(notification.decoded_body().read(0, 64 * 1024))
            explanation = next(
                (p.decoded_body().read(0, 4096) for p in report if p.media_type == "text/plain"),
                b"",
            )
    except (AuthenticationFailed, IntegrityCheckFailed, InsufficientMessageSecurity) as exc:
        raise MdnAuthenticationFailed(f"MDN signature: {exc.message}") from exc
    except MdnError:
        raise
    except As2Error as exc:
        raise MdnMalformed(f"unreadable MDN: {exc.message}") from exc
    disposition_text = values.get("Disposition")
    if not disposition_text:
        raise MdnMalformed("MDN without a Disposition field")
    mic_text = values.get("Received-Content-MIC")
    return MdnReceipt(
        message_id=message_id_value(fields.get("Message-ID")),
        original_message_id=message_id_value(values.get("Original-Message-ID")),
        disposition=Disposition.parse(disposition_text),
        mic=Mic.parse(mic_text) if mic_text else None,
        mic_text=clean(mic_text) if mic_text else None,
        signed=signer is not None,
        signer=signer,
        digest=digest,
        as2_from=clean(fields.get("AS2-From") or "").strip('"'),
        as2_to=clean(fields.get("AS2-To") or "").strip('"'),
        reporting_ua=clean(values.get("Reporting-UA") or ""),
        final_recipient=clean(values.get("Final-Recipient") or ""),
        explanation=clean(explanation.decode("latin-1"), 4096),
    )


def check_mdn(
    receipt: MdnReceipt,
    *,
    message_id: str,
    expected_mic: Mic | None,
    require_signed: bool,
) -> None:
    """Raise the MdnError that marks our message failed, or return if it was delivered.

    A ``processed/warning`` (e.g. duplicate-document: the partner had it already)
    counts as delivered.
    """
    if receipt.original_message_id != message_id_value(message_id):
        raise MdnWrongMessage(
            f"MDN is for {receipt.original_message_id!r}, not {message_id!r}", receipt=receipt
        )
    if require_signed and not receipt.signed:
        raise MdnUnsigned("the partner returned an unsigned MDN", receipt=receipt)
    if receipt.disposition.is_error:
        raise NegativeDisposition(
            f"the partner reports {receipt.disposition.type}"
            + (
                f"/{receipt.disposition.kind}: {receipt.disposition.modifier}"
                if receipt.disposition.kind
                else ""
            ),
            receipt=receipt,
        )
    if expected_mic is not None:
        if receipt.mic is None:
            raise MicMismatch(
                f"the MDN has no readable Received-Content-MIC ({receipt.mic_text!r})",
                receipt=receipt,
            )
        if not receipt.mic.matches(expected_mic):
            raise MicMismatch(
                f"Received-Content-MIC {receipt.mic} differs from ours {expected_mic}",
                receipt=receipt,
            )
