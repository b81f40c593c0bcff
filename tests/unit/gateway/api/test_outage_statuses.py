"""An outage of the gateway's own resources is answered so a sender knows to send the
same request again later: 503, or 507 for a full payload disk, both with Retry-After."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gateway.api.errors import gateway_error_response
from gateway.domain.errors import (
    BrokerUnavailable,
    GatewayError,
    RetryableError,
    StoreUnavailable,
)
from gateway.domain.payloads import PayloadStoreFull, PayloadStoreUnavailable


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (StoreUnavailable("down"), 503, "store.unavailable"),
        (BrokerUnavailable("down"), 503, "broker.unavailable"),
        (PayloadStoreUnavailable("read-only"), 503, "payload.store_unavailable"),
        (PayloadStoreFull("full"), 507, "payload.storage_full"),
        (RetryableError("busy"), 503, "gateway.retryable"),
    ],
)
def test_an_outage_is_answered_try_later_with_retry_after(
    error: GatewayError, status: int, code: str
) -> None:
    request: Any = None  # the handler does not look at it
    response = gateway_error_response(request, error)
    assert response.status_code == status
    assert int(response.headers["Retry-After"]) >= 1
    assert json.loads(bytes(response.body))["error"]["code"] == code
