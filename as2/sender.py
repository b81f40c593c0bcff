"""Posting AS2 messages and asynchronous MDNs over HTTP(S) with httpx.

The caller (the composition root) owns the ``httpx.Client``: :func:`make_client` makes
one with explicit timeouts, TLS verification on and redirects off. httpx exceptions
are translated here (:func:`translated_httpx`): timeouts, connection failures, 5xx
and 429 are :class:`~as2.errors.TransportError` (retry with the same Message-ID); 4xx,
redirects, bad URLs and TLS verification failures are
:class:`~as2.errors.HttpRejected`; a synchronous MDN that reports a failure or whose
MIC differs raises the :class:`~as2.errors.MdnError` that says so, with the parsed
receipt and the raw MDN attached for storage.
"""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

import httpx

from as2.content import Content
from as2.errors import (
    ConfigurationError,
    HttpRejected,
    MdnError,
    MdnMissing,
    TransportError,
    TransportTimeout,
)
from as2.identities import MdnMode, PartnerPolicy
from as2.mdn import Mdn, MdnReceipt, check_mdn, read_mdn
from as2.mic import Mic
from as2.outbound import OutboundMessage

USER_AGENT = "Crossdock-AS2/1.0"
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=120.0, write=120.0, pool=10.0)
IN_MEMORY_LIMIT = 1 << 20  # bodies up to this size are sent as bytes, larger ones streamed


def make_client(
    *,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    verify: bool | ssl.SSLContext = True,
) -> httpx.Client:
    """An httpx client for AS2: explicit timeouts, TLS verification, no redirects.

    ``verify``: an ``ssl.SSLContext`` for a partner's private CA (e.g.
    ``ssl.create_default_context(cafile=...)``); False only for tests.
    """
    return httpx.Client(
        timeout=timeout,
        verify=verify,
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
    )


class SendStatus(StrEnum):
    DELIVERED = "delivered"  # a synchronous MDN confirmed it, MIC matching
    AWAITING_MDN = "awaiting-mdn"  # accepted; the asynchronous MDN is still to come
    SENT = "sent"  # accepted; no MDN was asked for


@dataclass(frozen=True, slots=True)
class SendResult:
    """What a successful POST gave. Keep ``mic`` to check an asynchronous MDN later;
    store ``mdn_headers`` / ``mdn_body`` (the raw synchronous MDN)."""

    message_id: str
    status: SendStatus
    http_status: int
    mic: Mic | None
    receipt: MdnReceipt | None
    mdn_headers: tuple[tuple[str, str], ...]
    mdn_body: bytes


def _tls_verification_failed(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(exc)


@contextmanager
def translated_httpx(url: str) -> Iterator[None]:
    """Translate every httpx exception into an As2Error (retryable or permanent)."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise TransportTimeout(f"{url}: timed out ({type(exc).__name__})") from exc
    except httpx.ConnectError as exc:
        if _tls_verification_failed(exc):
            raise HttpRejected(f"{url}: TLS certificate verification failed: {exc}") from exc
        raise TransportError(f"{url}: cannot connect: {exc}") from exc
    except (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.TooManyRedirects) as exc:
        raise HttpRejected(f"{url}: {type(exc).__name__}: {exc}") from exc
    except (httpx.InvalidURL, httpx.CookieConflict, httpx.StreamError) as exc:
        raise HttpRejected(f"{url}: {type(exc).__name__}: {exc}") from exc
    except httpx.HTTPError as exc:  # network, remote protocol, proxy, decoding, status
        raise TransportError(f"{url}: {type(exc).__name__}: {exc}") from exc


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None


def _check_status(url: str, response: httpx.Response) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    reason = f"{url}: HTTP {status} {response.reason_phrase}"
    if status == 429 or status >= 500 or status == 408:
        raise TransportError(reason, status_code=status, retry_after=_retry_after(response))
    raise HttpRejected(reason, status_code=status)


def _body(content: Content) -> bytes | Iterator[bytes]:
    if content.size <= IN_MEMORY_LIMIT:
        return content.tobytes()
    return (bytes(chunk) for chunk in content.chunks())


def send(
    message: OutboundMessage,
    partner: PartnerPolicy,
    *,
    client: httpx.Client,
    url: str | None = None,
    now: dt.datetime | None = None,
) -> SendResult:
    """POST ``message`` to ``url`` (default: the partner's) and handle a synchronous MDN.

    Raises:
        TransportError: retry later (same message, same Message-ID).
        HttpRejected: the partner's server refused it; retrying will not help.
        MdnError: the synchronous MDN is missing, unverifiable, for another message,
            negative, or its MIC differs; ``error.receipt`` and ``error.raw_mdn`` hold
            what came back.
    """
    target = url or partner.url
    if not target:
        raise ConfigurationError(f"partner {partner.as2_id!r} has no AS2 URL")
    headers = [*message.headers, ("Content-Length", str(message.body.size))]
    with translated_httpx(target):
        response = client.post(target, content=_body(message.body), headers=headers)
        response.read()
    _check_status(target, response)
    raw_headers = tuple(response.headers.multi_items())
    raw_body = response.content
    if message.mdn_mode is MdnMode.NONE:
        return SendResult(
            message.message_id,
            SendStatus.SENT,
            response.status_code,
            None,
            None,
            raw_headers,
            raw_body,
        )
    if message.mdn_mode is MdnMode.ASYNC:
        return SendResult(
            message.message_id,
            SendStatus.AWAITING_MDN,
            response.status_code,
            message.mic,
            None,
            raw_headers,
            raw_body,
        )
    try:
        if not raw_body.strip():
            raise MdnMissing(f"HTTP {response.status_code} without the synchronous MDN")
        receipt = read_mdn(raw_headers, raw_body, partner=partner, now=now)
        check_mdn(
            receipt,
            message_id=message.message_id,
            expected_mic=message.mic,
            require_signed=message.signed_mdn,
        )
    except MdnError as exc:
        exc.raw_mdn = (raw_headers, raw_body)
        raise
    return SendResult(
        message.message_id,
        SendStatus.DELIVERED,
        response.status_code,
        message.mic,
        receipt,
        raw_headers,
        raw_body,
    )


def send_mdn(mdn: Mdn, *, client: httpx.Client, url: str | None = None) -> int:
    """POST an asynchronous MDN to ``url`` (default: the Receipt-Delivery-Option it was
    built for); returns the HTTP status.

    The URL came from the sender's request: the caller should check it against the
    partner's profile before posting (an attacker could name an internal address).

    Raises:
        TransportError / HttpRejected: as for :func:`send`.
    """
    target = url or mdn.async_url
    if not target:
        raise ConfigurationError("the MDN has no Receipt-Delivery-Option URL")
    headers = [*mdn.headers, ("Content-Length", str(len(mdn.body)))]
    with translated_httpx(target):
        response = client.post(target, content=mdn.body, headers=headers)
        response.read()
    _check_status(target, response)
    return response.status_code
