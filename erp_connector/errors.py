"""httpx failures and HTTP answers → the two errors the core understands (STYLE.md habit 8).

A connector raises nothing but the delivery errors of ``gateway.domain.delivery``;
the core retries the first and dead-letters the second (SPEC §1 invariant 5).
Each carries a stable code saying which rule fired::

    GatewayError
    ├── RetryableError
    │   └── DeliveryUnavailable                  try again later (retry_after: the system's wish)
    │         delivery.timeout                   httpx timeouts, HTTP 408
    │         delivery.connect_failed            no connection (refused, DNS, TLS handshake)
    │         delivery.network                   connection broke while reading or writing
    │         delivery.protocol                  the peer spoke broken HTTP
    │         delivery.proxy                     the proxy failed us
    │         delivery.bad_url                   URL or scheme unusable (configuration)
    │         delivery.http_client               any other httpx error
    │         delivery.too_early                 HTTP 425
    │         delivery.throttled                 HTTP 429 (Retry-After honoured)
    │         delivery.server_error              HTTP 5xx (Retry-After honoured)
    │         delivery.unexpected_status         1xx/3xx: nothing we asked for
    │         delivery.bad_answer                2xx we cannot read (a retry is safe: same key)
    │         delivery.rate_limited              our own limiter would wait too long
    │         delivery.circuit_open              our breaker holds calls back
    └── PermanentError
        └── DeliveryRejected                     an operator must look
              delivery.rejected                  other 4xx: the system refused the data
              delivery.unauthorized              HTTP 401/403 after any token refresh
              delivery.bad_document              no usable meta.kind
              delivery.idoc.unsupported_kind     no IDoc type for this kind
              delivery.idoc.invalid_text         text XML cannot carry

Every httpx exception is retryable, configuration errors (``InvalidURL``,
``UnsupportedProtocol``) included: the brief's rule, and it means work queued while
a URL was wrong goes through once the setting is fixed, without a replay.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from gateway.domain.delivery import DeliveryRejected, DeliveryUnavailable

# First match wins, so subclasses come before their bases (ConnectTimeout is a
# TimeoutException and must not be reported as a connection failure).
HTTPX_ERROR_CODES: tuple[tuple[type[Exception], str], ...] = (
    (httpx.TimeoutException, "delivery.timeout"),
    (httpx.ConnectError, "delivery.connect_failed"),
    (httpx.NetworkError, "delivery.network"),
    (httpx.ProtocolError, "delivery.protocol"),
    (httpx.ProxyError, "delivery.proxy"),
    (httpx.UnsupportedProtocol, "delivery.bad_url"),
    (httpx.InvalidURL, "delivery.bad_url"),
    (httpx.HTTPError, "delivery.http_client"),
    (httpx.CookieConflict, "delivery.http_client"),
    (httpx.StreamError, "delivery.http_client"),
)
_HTTPX_ERRORS = tuple(kind for kind, _ in HTTPX_ERROR_CODES)

_RETRYABLE_STATUS = {
    408: "delivery.timeout",
    425: "delivery.too_early",
    429: "delivery.throttled",
}
_MAX_ERROR_TEXT = 500  # enough for any system's message, short enough for a log line


@contextmanager
def map_httpx_errors(system: str = "system") -> Iterator[None]:
    """Turn any httpx exception raised inside the block into ``DeliveryUnavailable``.

    Args:
        system: the system's name, for the message ("erp", "wms").

    Raises:
        DeliveryUnavailable: with the code of the first matching row of
            ``HTTPX_ERROR_CODES`` and the httpx exception as ``__cause__``.
    """
    try:
        yield
    except _HTTPX_ERRORS as exc:
        code = next(code for kind, code in HTTPX_ERROR_CODES if isinstance(exc, kind))
        detail = str(exc) or type(exc).__name__
        raise DeliveryUnavailable(f"{system}: {type(exc).__name__}: {detail}", code=code) from exc


def classify(
    response: httpx.Response, system: str = "system", *, now: datetime | None = None
) -> None:
    """Return for a 2xx answer, raise the delivery error any other status implies.

    Args:
        response: a response whose body has been read.
        system: the system's name, for the message.
        now: the current time, for a Retry-After given as an HTTP-date (tests pin it).

    Raises:
        DeliveryUnavailable: 408, 425, 429, 5xx (``retry_after`` from Retry-After), 1xx/3xx.
        DeliveryRejected: any other 4xx, with the system's own error text.
    """
    status = response.status_code
    if 200 <= status < 300:
        return
    message = f"{system} answered HTTP {status}: {error_text(response)}"
    if status in _RETRYABLE_STATUS or status >= 500:
        code = _RETRYABLE_STATUS.get(status, "delivery.server_error")
        wait = parse_retry_after(response.headers.get("Retry-After"), now)
        raise DeliveryUnavailable(message, code=code, retry_after=wait)
    if 400 <= status < 500:
        code = "delivery.unauthorized" if status in (401, 403) else "delivery.rejected"
        raise DeliveryRejected(message, code=code)
    raise DeliveryUnavailable(message, code="delivery.unexpected_status")


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (RFC 9110 §10.2.3), None when unusable.

    Args:
        value: delay-seconds or an HTTP-date; a date in the past means 0.
        now: the current time (aware); the real clock when None.
    """
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # "-0000" parses naive; an HTTP-date is GMT by definition
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
    return max(0.0, seconds) if math.isfinite(seconds) else None


def error_text(response: httpx.Response) -> str:
    """The system's own words: ``{"error": …}`` (the sandbox contract), ``message`` or
    ``detail`` of a JSON body, else the start of the body."""
    try:
        body = response.text
    except httpx.ResponseNotRead:
        return response.reason_phrase
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if isinstance(data, dict):
        for key in ("error", "message", "detail"):
            if isinstance(data.get(key), str) and data[key]:
                return str(data[key])[:_MAX_ERROR_TEXT]
    return body.strip()[:_MAX_ERROR_TEXT] or response.reason_phrase
