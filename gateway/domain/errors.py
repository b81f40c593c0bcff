"""One exception hierarchy for the whole gateway.

Every error carries a stable dotted ``code`` (it appears in logs and API error
bodies), a human ``message`` and whether retrying can help. Packages subclass
these in their own ``errors.py`` and add the acknowledgement code the error
implies in the protocol's own vocabulary (TA1/997/999, CONTRL, MDN)::

    GatewayError(code, message, retryable)
    ├── PermanentError          retrying the same input gives the same result
    │   └── edi_maps.errors.EdiError
    │       ├── NotEdiError             input is not X12/EDIFACT at all (CLI exit 2)
    │       ├── EdiSyntaxError          tokenizer could not continue (position known)
    │       └── DefinitionError         a bundled transaction-set definition is broken
    └── RetryableError          transient: timeouts, locks, 5xx, 429
"""

from __future__ import annotations


class GatewayError(Exception):
    """Root of every error the gateway raises on purpose."""

    code: str = "gateway.error"
    retryable: bool = False

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class PermanentError(GatewayError):
    """The same input will fail the same way; do not retry."""

    code = "gateway.permanent"


class RetryableError(GatewayError):
    """A transient failure; the caller may retry with backoff."""

    code = "gateway.retryable"
    retryable = True
