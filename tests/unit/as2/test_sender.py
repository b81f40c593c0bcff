from __future__ import annotations

import dataclasses
import inspect
import ssl

import httpx
import pytest

from as2 import (
    Content,
    MdnMode,
    SendStatus,
    build_mdn,
    build_message,
    receive,
    send,
    send_mdn,
)
from as2.errors import (
    As2Error,
    HttpRejected,
    MdnMissing,
    MicMismatch,
    NegativeDisposition,
    TransportError,
    TransportTimeout,
)
from as2.sender import translated_httpx
from tests.unit.as2.pki import Pki

URL = "https://partner.example/as2"


def _partner_endpoint(pki: Pki, *, tamper: bool = False, status: int = 200):
    """A MockTransport handler playing the partner's AS2 server (our library on its side)."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = request.read()
        if tamper:
            body = body[:-40] + bytes(40)
        result = receive(
            request.headers.multi_items(),
            body,
            local=pki.partner_local(),
            find_partner=lambda _: pki.our_policy(),
        )
        mdn = build_mdn(result)
        return httpx.Response(status, headers=list(mdn.headers), content=mdn.body)

    return handle, seen


def _client(handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def test_sync_mdn_delivered(pki: Pki) -> None:
    policy = pki.policy(url=URL)
    message = build_message(b"ISA*00~", local=pki.local(), partner=policy)
    handler, seen = _partner_endpoint(pki)
    result = send(message, policy, client=_client(handler))
    assert result.status is SendStatus.DELIVERED
    assert result.receipt is not None and result.receipt.signed
    assert result.mdn_body and dict(result.mdn_headers)["content-type"].startswith(
        "multipart/signed"
    )
    request = seen[0]
    assert request.headers["Content-Length"] == str(message.body.size)
    assert "Transfer-Encoding" not in request.headers
    assert request.headers["Message-ID"] == f"<{message.message_id}>"


def test_negative_mdn_fails_the_message_with_the_receipt(pki: Pki) -> None:
    policy = pki.policy(url=URL)
    message = build_message(b"ISA*00~", local=pki.local(), partner=policy)
    handler, _ = _partner_endpoint(pki, tamper=True)
    with pytest.raises(NegativeDisposition) as caught:
        send(message, policy, client=_client(handler))
    assert caught.value.raw_mdn is not None and caught.value.receipt is not None
    assert not caught.value.retryable


def test_mic_mismatch(pki: Pki) -> None:
    policy = pki.policy(url=URL)
    message = build_message(b"ISA*00~", local=pki.local(), partner=policy)
    other = build_message(
        b"ISA*01~", local=pki.local(), partner=policy, message_id=message.message_id
    )
    handler, _ = _partner_endpoint(pki)
    with pytest.raises(MicMismatch):
        # the partner gets the other body under the same Message-ID
        send(dataclasses.replace(message, body=other.body), policy, client=_client(handler))


def test_async_and_no_mdn(pki: Pki) -> None:
    policy = pki.policy(url=URL, mdn_mode=MdnMode.ASYNC, async_mdn_url="https://us.example/as2")
    message = build_message(b"x", local=pki.local(), partner=policy)
    client = _client(lambda request: httpx.Response(202))
    result = send(message, policy, client=client)
    assert result.status is SendStatus.AWAITING_MDN and result.mic == message.mic
    quiet = pki.policy(url=URL, mdn_mode=MdnMode.NONE)
    message = build_message(b"x", local=pki.local(), partner=quiet)
    assert send(message, quiet, client=client).status is SendStatus.SENT


def test_missing_sync_mdn(pki: Pki) -> None:
    policy = pki.policy(url=URL)
    message = build_message(b"x", local=pki.local(), partner=policy)
    with pytest.raises(MdnMissing):
        send(message, policy, client=_client(lambda request: httpx.Response(200)))


@pytest.mark.parametrize(
    ("status", "error", "retryable"),
    [
        (500, TransportError, True),
        (503, TransportError, True),
        (429, TransportError, True),
        (408, TransportError, True),
        (404, HttpRejected, False),
        (401, HttpRejected, False),
        (302, HttpRejected, False),
    ],
)
def test_http_status_classification(pki: Pki, status: int, error: type, retryable: bool) -> None:
    policy = pki.policy(url=URL)
    message = build_message(b"x", local=pki.local(), partner=policy)
    response = httpx.Response(status, headers={"Retry-After": "120"})
    with pytest.raises(error) as caught:
        send(message, policy, client=_client(lambda request: response))
    assert caught.value.retryable is retryable
    if status in (429, 503):
        assert caught.value.retry_after == 120.0


def test_timeout_is_retryable(pki: Pki) -> None:
    policy = pki.policy(url=URL)
    message = build_message(b"x", local=pki.local(), partner=policy)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    with pytest.raises(TransportTimeout) as caught:
        send(message, policy, client=_client(slow))
    assert caught.value.retryable


def test_large_bodies_are_streamed_with_a_content_length(pki: Pki) -> None:
    policy = pki.policy(
        url=URL, mdn_mode=MdnMode.NONE, encrypt=False, sign=False, require_encryption=False
    )
    payload = Content.of(bytes(3 << 20))
    message = build_message(payload, local=pki.local(), partner=policy)
    received: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["Content-Length"] == str(payload.size)
        assert isinstance(request.stream, httpx.SyncByteStream)
        received.append(len(request.read()))
        return httpx.Response(200)

    send(message, policy, client=_client(handler))
    assert received == [payload.size]


def test_async_mdn_is_posted_where_the_sender_asked(pki: Pki) -> None:
    headers = [
        ("AS2-From", "PARTNER"),
        ("AS2-To", "CROSSDOCK"),
        ("Message-ID", "<a@b>"),
        ("Content-Type", "application/edi-x12"),
        ("Disposition-Notification-To", "x"),
        ("Receipt-Delivery-Option", "https://partner.example/mdn"),
    ]
    result = receive(headers, b"ISA", local=pki.local(), find_partner=lambda _: pki.policy())
    mdn = build_mdn(result)
    assert mdn.async_url == "https://partner.example/mdn"
    posted: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        posted.append(str(request.url))
        assert request.read() == mdn.body
        return httpx.Response(200)

    assert send_mdn(mdn, client=_client(handler)) == 200
    assert posted == ["https://partner.example/mdn"]


def _httpx_exceptions() -> list[type[Exception]]:
    found = []
    for name in dir(httpx):
        value = getattr(httpx, name)
        if inspect.isclass(value) and issubclass(value, Exception):
            found.append(value)
    return found


@pytest.mark.parametrize("exception", _httpx_exceptions(), ids=lambda e: e.__name__)
def test_every_httpx_exception_is_translated(exception: type[Exception]) -> None:
    request = httpx.Request("POST", URL)
    try:
        if issubclass(exception, httpx.HTTPStatusError):
            instance: Exception = exception("x", request=request, response=httpx.Response(500))
        elif issubclass(exception, httpx.RequestError):
            instance = exception("x", request=request)
        elif issubclass(exception, httpx.StreamError):
            instance = exception()  # type: ignore[call-arg]
        else:
            instance = exception("x")
    except TypeError:
        instance = exception.__new__(exception)
    with pytest.raises(As2Error), translated_httpx(URL):
        raise instance


def test_tls_verification_failure_is_permanent() -> None:
    cause = ssl.SSLCertVerificationError("certificate verify failed")
    with pytest.raises(HttpRejected, match="TLS"), translated_httpx(URL):
        try:
            raise cause
        except ssl.SSLError as exc:
            raise httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]") from exc
    with pytest.raises(TransportError), translated_httpx(URL):
        raise httpx.ConnectError("connection refused")
