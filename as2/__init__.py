"""AS2 (RFC 4130): MIME, CMS and MDN handling on pyca cryptography and asn1crypto.

A protocol library: no web framework, no task queue, no storage. The HTTP route lives
in ``gateway.api``; this package turns request bytes into a payload and an MDN, and a
payload into request bytes. Partners and our keys come in as :class:`PartnerPolicy`
and :class:`LocalIdentity` values (or lookups returning them).

Receiving (the ``POST /as2`` route, after storing the raw request, SPEC invariant 1)::

    info = read_request(headers)        # cheap: Message-ID, AS2-From/To, MDN options
    if is_mdn(headers, body): ...       # an asynchronous MDN for a message we sent
    result = receive(headers, body, local=our_identities, find_partner=lookup)
    mdn = build_mdn(result, duplicate=seen_before)  # result.error → processed/error: …
    # sync: answer 200 with mdn.headers + mdn.body; async (mdn.async_url): answer 200,
    # then send_mdn(mdn, client=client). result.payload.content.open() streams the
    # payload into intake; result.close() deletes its temporary file.

Sending (the outbound transport)::

    message = build_message(payload, local=me, partner=policy, message_id=stable_id)
    sent = send(message, policy, client=client)     # DELIVERED / AWAITING_MDN / SENT
    # later, an async MDN on POST /as2:
    receipt = read_mdn(headers, body, partner=policy)
    check_mdn(receipt, message_id=..., expected_mic=stored_mic, require_signed=...)

Errors: :mod:`as2.errors` — every one an :class:`As2Error` (a ``GatewayError``), either
permanent or retryable, carrying the MDN disposition modifier it implies.
"""

from as2.algorithms import Cipher, Digest, KeyTransport, SignatureScheme
from as2.content import Content, SpoolOptions
from as2.errors import As2Error
from as2.headers import Headers, new_message_id
from as2.identities import (
    Certificate,
    CertificateState,
    CertificateStatus,
    Compression,
    KeyPair,
    LocalIdentity,
    MdnMode,
    PartnerPolicy,
)
from as2.inbound import InboundResult, MdnRequest, Payload, RequestInfo, read_request, receive
from as2.mdn import (
    Disposition,
    Mdn,
    MdnReceipt,
    build_mdn,
    check_mdn,
    is_mdn,
    read_mdn,
)
from as2.mic import Mic
from as2.outbound import OutboundMessage, build_message
from as2.sender import SendResult, SendStatus, make_client, send, send_mdn

__all__ = [
    "As2Error",
    "Certificate",
    "CertificateState",
    "CertificateStatus",
    "Cipher",
    "Compression",
    "Content",
    "Digest",
    "Disposition",
    "Headers",
    "InboundResult",
    "KeyPair",
    "KeyTransport",
    "LocalIdentity",
    "Mdn",
    "MdnMode",
    "MdnReceipt",
    "MdnRequest",
    "Mic",
    "OutboundMessage",
    "PartnerPolicy",
    "Payload",
    "RequestInfo",
    "SendResult",
    "SendStatus",
    "SignatureScheme",
    "SpoolOptions",
    "build_mdn",
    "build_message",
    "check_mdn",
    "is_mdn",
    "make_client",
    "new_message_id",
    "read_mdn",
    "read_request",
    "receive",
    "send",
    "send_mdn",
]
