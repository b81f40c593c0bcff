"""Building an AS2 message for a partner: payload + policy → HTTP headers, body, MIC.

Layers are applied in the RFC order: the payload as a MIME entity, compression (RFC
5402) before signing if the policy says so, a multipart/signed, compression after
signing, then encryption. The Received-Content-MIC we expect back is computed with the
rule the receiver uses (:mod:`as2.mic`) in the digest we ask for in
Disposition-Notification-Options.

Nothing is copied needlessly: the payload entity and the multipart/signed are
:class:`~as2.content.Content` joins over the payload, and the compressed and encrypted
forms are spooled (to a temporary file when large), so the body can be streamed to
the partner.

The Message-ID is the caller's to keep: pass the one of the first attempt on every
retry so that the partner's duplicate detection works.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass

from as2.algorithms import Digest
from as2.cms_compress import compress
from as2.cms_encrypt import encrypt
from as2.cms_sign import sign_detached
from as2.content import Content, SpoolOptions
from as2.errors import ConfigurationError
from as2.headers import (
    AS2_VERSION,
    clean,
    format_as2_id,
    new_message_id,
    quote,
    render,
)
from as2.identities import Compression, LocalIdentity, MdnMode, PartnerPolicy, utcnow
from as2.inbound import DEFAULT_MIC_DIGEST
from as2.mic import Mic
from as2.mime import multipart_signed


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """A message ready to post: ``headers`` (no Content-Length; the sender adds it) and
    ``body``; ``mic`` is what the partner's MDN must return."""

    message_id: str
    headers: tuple[tuple[str, str], ...]
    body: Content
    mic: Mic | None
    signed: bool
    encrypted: bool
    compressed: bool
    mdn_mode: MdnMode
    signed_mdn: bool


@dataclass(frozen=True, slots=True)
class _Entity:
    """A MIME entity we build: header fields and body, rendered on demand."""

    fields: tuple[tuple[str, str], ...]
    body: Content

    def raw(self) -> Content:
        return Content.concat([render(self.fields) + b"\r\n", self.body])


def _payload_entity(payload: Content, content_type: str, filename: str | None) -> _Entity:
    fields: list[tuple[str, str]] = [
        ("Content-Type", content_type),
        ("Content-Transfer-Encoding", "binary"),
    ]
    if filename:
        fields.append(("Content-Disposition", f"attachment; filename={quote(clean(filename))}"))
    return _Entity(tuple(fields), payload)


def _compressed(entity: _Entity, spool: SpoolOptions) -> _Entity:
    return _Entity(
        (
            (
                "Content-Type",
                'application/pkcs7-mime; smime-type=compressed-data; name="smime.p7z"',
            ),
            ("Content-Transfer-Encoding", "binary"),
            ("Content-Disposition", 'attachment; filename="smime.p7z"'),
        ),
        compress(entity.raw(), spool=spool),
    )


def build_message(
    payload: bytes | Content,
    *,
    local: LocalIdentity,
    partner: PartnerPolicy,
    message_id: str | None = None,
    content_type: str | None = None,
    filename: str | None = None,
    subject: str | None = None,
    now: dt.datetime | None = None,
    spool: SpoolOptions | None = None,
    domain: str = "crossdock",
) -> OutboundMessage:
    """The AS2 request for ``payload`` as ``partner``'s policy says.

    Args:
        message_id: reuse the first attempt's id on retries (without angle brackets);
            a new one is made when None.
        content_type: the payload's media type (default: the policy's).

    Raises:
        ConfigurationError: no valid key of ours to sign, no valid partner certificate
            to encrypt to, or a header value with line breaks.
    """
    now = now or utcnow()
    spool = spool or SpoolOptions()
    message_id = message_id or new_message_id(domain)
    if clean(message_id) != message_id or "<" in message_id or ">" in message_id:
        raise ConfigurationError(f"bad Message-ID {message_id!r}")
    media_type = content_type or partner.content_type
    if clean(media_type) != media_type:
        raise ConfigurationError("the content type must be a single line")
    body = Content.of(payload)
    # The receiver hashes with the first micalg we ask for (signed MDN), else with the
    # signature's digest, else with its default (ours: sha-256).
    if partner.signed_mdn:
        mic_digest = partner.receipt_digest
    else:
        mic_digest = partner.digest if partner.sign else DEFAULT_MIC_DIGEST
    entity = _payload_entity(body, media_type, filename)
    innermost = entity
    compressed = partner.compression is not Compression.NONE
    if partner.compression is Compression.BEFORE_SIGNING or (compressed and not partner.sign):
        entity = _compressed(entity, spool)
    mic: Mic | None = None
    if partner.sign:
        signed_raw = entity.raw()
        key = local.signing_key(now)
        wanted = [partner.digest] + ([mic_digest] if mic_digest is not partner.digest else [])
        digests = dict(
            zip(wanted, signed_raw.digests([d.hash_algorithm() for d in wanted]), strict=True)
        )
        signature = sign_detached(
            signed_raw,
            key,
            partner.digest,
            partner.signature_scheme,
            content_digest=digests[partner.digest],
            now=now,
        )
        mic = Mic(mic_digest, digests[mic_digest])
        content_type, signed_body = multipart_signed(signed_raw, signature, partner.digest.value)
        entity = _Entity((("Content-Type", content_type),), signed_body)
        if partner.compression is Compression.AFTER_SIGNING:
            entity = _compressed(entity, spool)
    if partner.encrypt:
        certificate = partner.encryption_certificate(now)
        smime_type = "authEnveloped-data" if partner.cipher.is_aead else "enveloped-data"
        entity = _Entity(
            (
                (
                    "Content-Type",
                    f'application/pkcs7-mime; smime-type={smime_type}; name="smime.p7m"',
                ),
                ("Content-Transfer-Encoding", "binary"),
                ("Content-Disposition", 'attachment; filename="smime.p7m"'),
            ),
            encrypt(entity.raw(), certificate, partner.cipher, partner.key_transport, spool=spool),
        )
    if mic is None:
        covered = innermost.raw() if (partner.encrypt or compressed) else body
        mic = Mic.of(covered, mic_digest)
    headers = _http_headers(
        entity, local, partner, message_id, subject or partner.subject, now, mic_digest
    )
    return OutboundMessage(
        message_id=message_id,
        headers=headers,
        body=entity.body,
        mic=mic if partner.mdn_mode is not MdnMode.NONE else None,
        signed=partner.sign,
        encrypted=partner.encrypt,
        compressed=compressed,
        mdn_mode=partner.mdn_mode,
        signed_mdn=partner.signed_mdn,
    )


def _http_headers(
    entity: _Entity,
    local: LocalIdentity,
    partner: PartnerPolicy,
    message_id: str,
    subject: str,
    now: dt.datetime,
    mic_digest: Digest,
) -> tuple[tuple[str, str], ...]:
    headers: list[tuple[str, str]] = [
        ("AS2-Version", AS2_VERSION),
        ("AS2-From", format_as2_id(local.as2_id)),
        ("AS2-To", format_as2_id(partner.as2_id)),
        ("Message-ID", f"<{message_id}>"),
        ("Date", email.utils.format_datetime(now.astimezone(dt.UTC), usegmt=True)),
        ("Subject", clean(subject)),
        ("MIME-Version", "1.0"),
    ]
    headers.extend(entity.fields)
    if partner.mdn_mode is not MdnMode.NONE:
        headers.append(("Disposition-Notification-To", format_as2_id(local.as2_id)))
        if partner.signed_mdn:
            headers.append(
                (
                    "Disposition-Notification-Options",
                    "signed-receipt-protocol=optional, pkcs7-signature; "
                    f"signed-receipt-micalg=optional, {mic_digest.value}",
                )
            )
        if partner.mdn_mode is MdnMode.ASYNC:
            assert partner.async_mdn_url is not None
            headers.append(("Receipt-Delivery-Option", clean(partner.async_mdn_url)))
    render(headers)  # refuses CR/LF
    return tuple(headers)
