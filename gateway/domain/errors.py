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
        └── Unavailable         one of the gateway's own resources failed, not the input
            ├── StoreUnavailable      store.unavailable       the database (503)
            ├── BrokerUnavailable     broker.unavailable      the task broker (503)
            └── domain.payloads.PayloadStoreFull / PayloadStoreUnavailable
                                      payload.storage_full (507) / payload.store_unavailable

The ``Unavailable`` leaves are raised by the adapters that meet the failure (SQLAlchemy's
engine, the Celery dispatcher, the payload files), translated from the library's own
exceptions there (STYLE.md habit 8), so the services and the API handle an outage by
type and code without importing any library.
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


class Unavailable(RetryableError):
    """A resource the gateway itself depends on failed (its database, its payload disk,
    its broker): nothing is wrong with what the caller sent, and the same request later
    will do. ``retry_after`` is the wait, in seconds, that the API suggests to a sender
    (HTTP ``Retry-After``): about how long a restart of the resource takes."""

    code = "gateway.unavailable"
    retry_after: float = 5.0


class StoreUnavailable(Unavailable):
    """The database refused a connection, dropped one, or failed a statement for a
    transient reason (restart, failover, lock or statement timeout)."""

    code = "store.unavailable"


class BrokerUnavailable(Unavailable):
    """A task could not be handed to the broker. The store, not the broker, is the truth:
    what was recorded but not queued is queued again by the sweeper
    (``gateway.services.sweep``), so a caller that recorded its work may go on."""

    code = "broker.unavailable"
