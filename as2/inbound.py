"""Receiving: HTTP headers + body → payload, and everything the MDN needs.

:func:`receive` unwraps the layers in whatever order the sender applied them
(encryption, RFC 5402 compression before or after signing, multipart/signed),
enforces the partner's policy, and computes the Received-Content-MIC (see
:mod:`as2.mic`). It does not raise for a message it refuses: the result carries the
:class:`~as2.errors.As2Error` (``result.error``), whose disposition modifier the MDN
reports, so the caller can always answer. :func:`read_request` reads the headers alone,
for a duplicate check before any cryptography.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from as2 import der
from as2.algorithms import Cipher, Digest, KeyTransport
from as2.cms_compress import COMPRESSED_DATA, DEFAULT_MAX_SIZE, decompress
from as2.cms_encrypt import AUTH_ENVELOPED_DATA, ENVELOPED_DATA, decrypt
from as2.cms_sign import verify_detached
from as2.content import Content, SpoolOptions
from as2.errors import (
    As2Error,
    InsufficientMessageSecurity,
    MalformedMessage,
    UnknownPartner,
    UnknownRecipient,
    translated,
)
from as2.headers import HeaderInput, Headers, clean, message_id_value, split_list, unquote
from as2.identities import Certificate, LocalIdentity, PartnerPolicy, utcnow
from as2.mic import Mic
from as2.mime import (
    MimeEntity,
    decode_base64,
    entity_from_http,
    looks_like_base64,
    parse_entity,
    split_signed,
)

SIGNED_DATA = "1.2.840.113549.1.7.2"
PKCS7_MIME = frozenset({"application/pkcs7-mime", "application/x-pkcs7-mime"})
MAX_LAYERS = 4
#: The MIC digest when the sender named none and did not sign (RFC 4130 leaves it open).
DEFAULT_MIC_DIGEST = Digest.SHA256

LocalLookup = LocalIdentity | Iterable[LocalIdentity] | Callable[[str], LocalIdentity | None]
PartnerLookup = Callable[[str], PartnerPolicy | None]


@dataclass(frozen=True, slots=True)
class MdnRequest:
    """What the sender asked for: Disposition-Notification-To / -Options and
    Receipt-Delivery-Option (RFC 4130 §7.3)."""

    notification_to: str
    signed: bool
    """signed-receipt-protocol names pkcs7-signature."""
    signed_required: bool
    """...with importance ``required``."""
    micalgs: tuple[str, ...]
    """signed-receipt-micalg, as sent, in the sender's order of preference."""
    digest: Digest | None
    """The first of ``micalgs`` we support (None: none named, or none supported)."""
    async_url: str | None
    """Receipt-Delivery-Option: post the MDN there instead of answering synchronously."""

    @property
    def is_async(self) -> bool:
        return self.async_url is not None


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """The AS2 header fields, cleaned (no control characters) and with angle brackets
    and quotes removed. Missing fields are empty strings."""

    message_id: str
    as2_from: str
    as2_to: str
    subject: str
    as2_version: str
    mdn: MdnRequest | None


def _mdn_request(headers: Headers) -> MdnRequest | None:
    notification_to = headers.get("Disposition-Notification-To")
    if not notification_to:
        return None
    signed = required = False
    micalgs: tuple[str, ...] = ()
    options = headers.get("Disposition-Notification-Options") or ""
    for option in options.split(";"):
        name, _, value = option.partition("=")
        importance, *values = split_list(value) or [""]
        name = name.strip().lower()
        if name == "signed-receipt-protocol":
            signed = any(v.lower() == "pkcs7-signature" for v in values)
            required = signed and importance.lower() == "required"
        elif name == "signed-receipt-micalg":
            micalgs = tuple(clean(v, 40) for v in values)
    digest = next((d for d in map(Digest.lookup, micalgs) if d is not None), None)
    receipt_option = headers.get("Receipt-Delivery-Option")
    async_url = clean(split_list(receipt_option)[0]) if receipt_option else None
    if async_url is not None and not async_url.lower().startswith(("http://", "https://")):
        async_url = None  # mailto: etc. cannot be honoured over HTTP
    return MdnRequest(clean(notification_to), signed, required, micalgs, digest, async_url)


def read_request(headers: HeaderInput | Headers) -> RequestInfo:
    """The AS2 fields of a request, from its headers only (never raises)."""
    fields = Headers(headers)
    return RequestInfo(
        message_id=message_id_value(fields.get("Message-ID")),
        as2_from=unquote(clean(fields.get("AS2-From") or "", 130)),
        as2_to=unquote(clean(fields.get("AS2-To") or "", 130)),
        subject=clean(fields.get("Subject") or ""),
        as2_version=clean(fields.get("AS2-Version") or "", 20),
        mdn=_mdn_request(fields),
    )


@dataclass(frozen=True, slots=True)
class Payload:
    """The business document: bytes with the Content-Transfer-Encoding undone."""

    content: Content
    media_type: str
    filename: str | None
    headers: Headers

    def tobytes(self) -> bytes:
        return self.content.tobytes()


@dataclass(eq=False)
class InboundResult:
    """What :func:`receive` found. ``error`` is None when the message was accepted;
    otherwise ``payload`` is None and ``error.disposition_modifier`` goes into the MDN.
    ``mic`` is the Received-Content-MIC to return (None when processing stopped before
    it could be computed). ``warnings``: e.g. a partner certificate close to expiry."""

    request: RequestInfo
    received_at: dt.datetime
    local: LocalIdentity | None = None
    partner: PartnerPolicy | None = None
    payload: Payload | None = None
    error: As2Error | None = None
    signed: bool = False
    encrypted: bool = False
    compressed: bool = False
    digest: Digest | None = None
    cipher: Cipher | None = None
    key_transport: KeyTransport | None = None
    signer: Certificate | None = None
    mic: Mic | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    def raise_for_error(self) -> None:
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        """Delete the temporary files behind a large payload now rather than at GC."""
        if self.payload is not None:
            self.payload.content.release()


def _find_local(local: LocalLookup, as2_to: str) -> LocalIdentity | None:
    if isinstance(local, LocalIdentity):
        return local if local.as2_id == as2_to else None
    if callable(local):
        return local(as2_to)
    return next((identity for identity in local if identity.as2_id == as2_to), None)


def receive(
    headers: HeaderInput | Headers,
    body: bytes | bytearray | memoryview | Content,
    *,
    local: LocalLookup,
    find_partner: PartnerLookup,
    now: dt.datetime | None = None,
    spool: SpoolOptions | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
) -> InboundResult:
    """Unwrap and check one received AS2 message.

    Args:
        headers: the HTTP request headers (a mapping or (name, value) pairs, str or
            bytes); folded values are unfolded.
        body: the request body as received (bytes, or a :class:`Content` over the file
            the raw request was stored in).
        local: our identities (one, several, or a lookup by AS2-To).
        find_partner: the partner's policy by AS2-From, None if unknown.
        now: the time certificates are checked against.
        spool: where large intermediate results go (memory threshold, directory).
        max_size: the largest decompressed content accepted.

    Returns:
        An :class:`InboundResult`; protocol failures are in ``result.error``, never
        raised. Only programming errors propagate.
    """
    received_at = now or utcnow()
    fields = Headers(headers)
    result = InboundResult(read_request(fields), received_at)
    try:
        with translated(MalformedMessage, "unreadable message"):
            _process(
                result,
                fields,
                Content.of(body),
                local,
                find_partner,
                spool or SpoolOptions(),
                max_size,
            )
    except As2Error as exc:
        result.error = exc
        result.payload = None
    return result


def _process(
    result: InboundResult,
    fields: Headers,
    body: Content,
    local: LocalLookup,
    find_partner: PartnerLookup,
    spool: SpoolOptions,
    max_size: int,
) -> None:
    request = result.request
    if not request.as2_from or not request.as2_to:
        raise MalformedMessage("AS2-From and AS2-To are required")
    if not request.message_id:
        raise MalformedMessage("Message-ID is required")
    result.local = _find_local(local, request.as2_to)
    if result.local is None:
        raise UnknownRecipient(f"AS2-To {request.as2_to!r} is not one of our AS2 ids")
    partner = find_partner(request.as2_from)
    if partner is None:
        raise UnknownPartner(f"AS2-From {request.as2_from!r} is not a known partner")
    result.partner = partner
    result.warnings.extend(partner.certificate_warnings(result.received_at))
    mic_digest = request.mdn.digest if request.mdn is not None else None

    entity = entity_from_http(fields, body)
    for _ in range(MAX_LAYERS + 1):
        if entity.media_type in PKCS7_MIME:
            data = entity.decoded_body(spool)
            if looks_like_base64(data):  # base64 without saying so
                data = decode_base64(data, spool)
            kind = der.sniff_content_type(data)
            if kind in (ENVELOPED_DATA, AUTH_ENVELOPED_DATA):
                if result.encrypted:
                    raise MalformedMessage("more than one encryption layer")
                decrypted = decrypt(
                    data, result.local.keys, accepted_ciphers=partner.accepted_ciphers, spool=spool
                )
                result.encrypted = True
                result.cipher = decrypted.cipher
                result.key_transport = decrypted.key_transport
                entity = parse_entity(decrypted.content)
            elif kind == COMPRESSED_DATA:
                if result.compressed:
                    raise MalformedMessage("more than one compression layer")
                result.compressed = True
                entity = parse_entity(decompress(data, spool=spool, max_size=max_size))
            elif kind == SIGNED_DATA:
                raise MalformedMessage(
                    "opaque signed-data (smime-type=signed-data) is not supported; "
                    "AS2 signs with multipart/signed"
                )
            else:
                raise MalformedMessage(f"unexpected CMS content type {kind}")
        elif entity.media_type == "multipart/signed":
            if result.signed:
                raise MalformedMessage("more than one signature layer")
            parts = split_signed(entity)
            verified = verify_detached(
                parts.signature,
                parts.signed.raw,
                partner.certificates,
                accepted_digests=partner.accepted_digests,
                extra_digests=[mic_digest] if mic_digest else [],
                now=result.received_at,
            )
            result.signed = True
            result.digest = verified.digest
            result.signer = verified.certificate
            chosen = mic_digest or verified.digest
            result.mic = Mic(chosen, verified.digests[chosen])
            entity = parts.signed
        else:
            break
    else:
        raise MalformedMessage(f"more than {MAX_LAYERS} security layers")

    if partner.require_encryption and not result.encrypted:
        raise InsufficientMessageSecurity(f"partner {partner.as2_id!r} must encrypt its messages")
    if partner.require_signature and not result.signed:
        raise InsufficientMessageSecurity(f"partner {partner.as2_id!r} must sign its messages")
    if result.mic is None:
        covered = entity.raw if (result.encrypted or result.compressed) else body
        result.mic = Mic.of(covered, mic_digest or DEFAULT_MIC_DIGEST)
    result.payload = _payload(entity, spool)


def _payload(entity: MimeEntity, spool: SpoolOptions) -> Payload:
    filename = entity.filename
    return Payload(
        content=entity.decoded_body(spool),
        media_type=entity.media_type,
        filename=clean(filename, 255) if filename else None,
        headers=entity.headers,
    )
