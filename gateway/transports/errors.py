"""What an outbound transport raises: retry later, or never (an operator must act)."""

from __future__ import annotations

from gateway.domain.errors import PermanentError, RetryableError


class TransportUnavailable(RetryableError):
    code = "transport.unavailable"


class TransportRefused(PermanentError):
    code = "transport.refused"
