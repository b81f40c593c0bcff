"""httpx exceptions and HTTP statuses become the two delivery errors, nothing else
(STYLE.md habit 8, after httpx's test_httpcore_all_exceptions_mapped)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from erp_connector import classify, map_httpx_errors, parse_retry_after
from erp_connector.errors import HTTPX_ERROR_CODES
from gateway.domain.delivery import DeliveryRejected, DeliveryUnavailable

REQUEST = httpx.Request("POST", "https://erp.example/api/documents/invoice")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def httpx_exception_classes() -> list[type[Exception]]:
    """Every exception class httpx exports, and every subclass of one defined in httpx
    (private ones included), so a class added by a new httpx release is caught here."""
    exported = [getattr(httpx, name) for name in httpx.__all__]
    pending = [c for c in exported if isinstance(c, type) and issubclass(c, Exception)]
    found: dict[str, type[Exception]] = {}
    while pending:
        cls = pending.pop()
        if cls.__module__.split(".")[0] == "httpx" and cls.__qualname__ not in found:
            found[cls.__qualname__] = cls
            pending.extend(cls.__subclasses__())
    return sorted(found.values(), key=lambda cls: cls.__qualname__)


def instance(cls: type[Exception]) -> Exception:
    response = httpx.Response(500, request=REQUEST)
    attempts = (
        lambda: cls("boom", request=REQUEST, response=response),  # type: ignore[call-arg]
        lambda: cls("boom", request=REQUEST),  # type: ignore[call-arg]
        lambda: cls("boom"),
        lambda: cls(),
    )
    for attempt in attempts:
        try:
            return attempt()
        except TypeError:
            continue
    raise AssertionError(f"cannot build {cls}")


def test_the_walk_finds_the_whole_httpx_hierarchy() -> None:
    names = {cls.__name__ for cls in httpx_exception_classes()}
    assert {
        "HTTPError",
        "ConnectTimeout",
        "PoolTimeout",
        "LocalProtocolError",
        "ProxyError",
        "UnsupportedProtocol",
        "DecodingError",
        "TooManyRedirects",
        "HTTPStatusError",
        "InvalidURL",
        "CookieConflict",
        "StreamConsumed",
        "StreamClosed",
        "ResponseNotRead",
        "RequestNotRead",
    } <= names
    assert len(names) >= 27


@pytest.mark.parametrize("cls", httpx_exception_classes(), ids=lambda cls: cls.__name__)
def test_every_httpx_exception_is_mapped(cls: type[Exception]) -> None:
    error = instance(cls)
    with pytest.raises(DeliveryUnavailable) as raised, map_httpx_errors("erp"):
        raise error
    assert raised.value.__cause__ is error
    assert raised.value.retryable
    assert raised.value.code in {code for _, code in HTTPX_ERROR_CODES}
    assert raised.value.message.startswith(f"erp: {cls.__name__}")


@pytest.mark.parametrize(
    ("cls", "code"),
    [
        (httpx.ConnectTimeout, "delivery.timeout"),  # a timeout first, not a connect failure
        (httpx.ReadTimeout, "delivery.timeout"),
        (httpx.PoolTimeout, "delivery.timeout"),
        (httpx.ConnectError, "delivery.connect_failed"),
        (httpx.ReadError, "delivery.network"),
        (httpx.WriteError, "delivery.network"),
        (httpx.RemoteProtocolError, "delivery.protocol"),
        (httpx.ProxyError, "delivery.proxy"),
        (httpx.UnsupportedProtocol, "delivery.bad_url"),
        (httpx.InvalidURL, "delivery.bad_url"),
        (httpx.DecodingError, "delivery.http_client"),
        (httpx.StreamConsumed, "delivery.http_client"),
    ],
)
def test_codes_name_the_failure(cls: type[Exception], code: str) -> None:
    with pytest.raises(DeliveryUnavailable) as raised, map_httpx_errors():
        raise instance(cls)
    assert raised.value.code == code


def test_other_exceptions_pass_untouched() -> None:
    with pytest.raises(KeyError), map_httpx_errors():
        raise KeyError("ours")
    with pytest.raises(DeliveryRejected), map_httpx_errors():
        raise DeliveryRejected("already translated")


def respond(status: int, body: str = "", **headers: str) -> httpx.Response:
    return httpx.Response(status, text=body, headers=headers, request=REQUEST)


@pytest.mark.parametrize("status", [200, 201, 202, 204])
def test_2xx_passes(status: int) -> None:
    assert classify(respond(status)) is None


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (408, "delivery.timeout"),
        (425, "delivery.too_early"),
        (429, "delivery.throttled"),
        (500, "delivery.server_error"),
        (502, "delivery.server_error"),
        (503, "delivery.server_error"),
        (504, "delivery.server_error"),
        (302, "delivery.unexpected_status"),
    ],
)
def test_transient_statuses_are_retryable(status: int, code: str) -> None:
    with pytest.raises(DeliveryUnavailable) as raised:
        classify(respond(status, "busy"), "erp")
    assert raised.value.code == code
    assert raised.value.retry_after is None
    assert raised.value.message == f"erp answered HTTP {status}: busy"


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "delivery.rejected"),
        (404, "delivery.rejected"),
        (409, "delivery.rejected"),
        (422, "delivery.rejected"),
        (401, "delivery.unauthorized"),
        (403, "delivery.unauthorized"),
    ],
)
def test_other_4xx_are_rejections_with_the_systems_text(status: int, code: str) -> None:
    answer = respond(status, '{"error": "quantity must be positive"}')
    with pytest.raises(DeliveryRejected) as raised:
        classify(answer, "erp")
    assert raised.value.code == code
    assert raised.value.message == f"erp answered HTTP {status}: quantity must be positive"


def test_error_text_falls_back_to_the_body_then_the_reason() -> None:
    with pytest.raises(DeliveryRejected, match=r"HTTP 400: plain words$"):
        classify(respond(400, "  plain words\n"))
    with pytest.raises(DeliveryRejected, match=r"HTTP 422: Unprocessable Entity$"):
        classify(respond(422))
    with pytest.raises(DeliveryRejected) as raised:
        classify(respond(400, "x" * 5000))
    assert len(raised.value.message) < 600


def test_429_honours_retry_after_seconds() -> None:
    with pytest.raises(DeliveryUnavailable) as raised:
        classify(respond(429, **{"Retry-After": "120"}))
    assert raised.value.code == "delivery.throttled"
    assert raised.value.retry_after == 120.0


def test_503_honours_retry_after_as_an_http_date() -> None:
    later = format_datetime(NOW + timedelta(seconds=90), usegmt=True)
    with pytest.raises(DeliveryUnavailable) as raised:
        classify(respond(503, **{"Retry-After": later}), now=NOW)
    assert raised.value.retry_after == 90.0


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("1.5", 1.5),
        ("-3", 0.0),
        ("nan", None),
        ("inf", None),
        ("soon", None),
        ("", None),
        (None, None),
        ("Sat, 28 Nov 2026 12:02:00 GMT", 120.0),
        ("Sat, 28 Nov 2026 12:02:00 -0000", 120.0),
        ("Sat, 28 Nov 2026 11:00:00 GMT", 0.0),  # in the past: now
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds
