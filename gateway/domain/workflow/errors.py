"""Errors of the exception queue (SPEC §5); codes appear in API error bodies::

GatewayError
└── PermanentError
    ├── ExceptionNotFound        exceptions.not_found       404 (also: another partner's)
    └── ExceptionStateConflict   exceptions.state_conflict  409 (resolve a resolved one…)
"""

from __future__ import annotations

from gateway.domain.errors import PermanentError


class ExceptionNotFound(PermanentError):
    code = "exceptions.not_found"


class ExceptionStateConflict(PermanentError):
    """The move does not fit the exception's state: resolving or assigning a resolved
    exception. Answered 409 so that a client can tell it from a malformed request."""

    code = "exceptions.state_conflict"
