"""The API's own errors, and the one place where a ``GatewayError`` becomes an HTTP answer.

Every refusal the API gives has the same body, whichever layer raised it, so a client
handles errors by ``code`` alone (STYLE.md habits 5 and 14)::

    {"error": {"code": "partners.invalid", "message": "...", "problems": [{field, message}]}}

The status follows the code: ``*.not_found`` 404, ``*.invalid`` 422, the exact codes in
``_STATUS_BY_CODE``, then any other ``PermanentError`` 400 and ``RetryableError`` 503.
An outage of the gateway's own database, broker or payload disk (``Unavailable``:
``store.unavailable``, ``broker.unavailable``, ``payload.store_unavailable``) is 503
and a full payload disk (``payload.storage_full``) 507, both with ``Retry-After``: the
sender should send the same request again later, and nothing half-stored is left
(SPEC §1 invariant 1). Errors only the API raises::

    GatewayError
    └── PermanentError
        ├── Unauthenticated        auth.unauthenticated  401  no key, unknown or revoked key
        ├── Forbidden              auth.forbidden        403  the key's role may not do this
        ├── InvalidRequest         request.invalid       422  query, path or body malformed
        │   └── InvalidKeyRequest  keys.invalid          422  role and partner do not fit
        ├── PartnerNotFound        partners.not_found    404  (also: another partner's)
        ├── MessageHidden          messages.not_found    404  (also: another partner's)
        └── KeyNotFound            keys.not_found        404
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from gateway.domain.errors import GatewayError, PermanentError, RetryableError, Unavailable
from gateway.profiles.errors import ProfileError, clean_message, field_path


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong with a request, at the dotted ``field`` it concerns."""

    field: str
    message: str


class Unauthenticated(PermanentError):
    code = "auth.unauthenticated"


class Forbidden(PermanentError):
    code = "auth.forbidden"


class InvalidRequest(PermanentError):
    """A request FastAPI or a route refused before any work, with every problem found."""

    code = "request.invalid"

    def __init__(
        self, message: str, problems: Sequence[FieldProblem] = (), *, code: str | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.problems = list(problems)


class InvalidKeyRequest(InvalidRequest):
    code = "keys.invalid"


class PartnerNotFound(PermanentError):
    code = "partners.not_found"


class MessageHidden(PermanentError):
    """Said for a message that does not exist *and* for another partner's, so that a
    partner's key cannot learn which message ids exist (SPEC §1 invariant 7)."""

    code = "messages.not_found"


class KeyNotFound(PermanentError):
    code = "keys.not_found"


# Exact codes first, then suffixes; anything else falls back on the error's class.
_STATUS_BY_CODE = {
    "auth.unauthenticated": 401,
    "auth.forbidden": 403,
    "partners.exists": 409,
    "messages.not_replayable": 409,
    "exceptions.state_conflict": 409,
    "payload.too_large": 413,
    # RFC 4918 §11.5: the server cannot store what it needs to complete the request.
    "payload.storage_full": 507,
    # The store lost bytes it acknowledged: our failure, never the caller's.
    "payload.missing": 500,
}
_STATUS_BY_SUFFIX = {".not_found": 404, ".invalid": 422}
# Retry-After for a retryable refusal that names no wait of its own (RFC 9110 §10.2.3).
RETRY_AFTER_SECONDS = 5


def status_for(error: GatewayError) -> int:
    """The HTTP status for ``error``, decided by its stable code (never its message)."""
    if error.code in _STATUS_BY_CODE:
        return _STATUS_BY_CODE[error.code]
    for suffix, status in _STATUS_BY_SUFFIX.items():
        if error.code.endswith(suffix):
            return status
    if isinstance(error, RetryableError):
        return 503
    if isinstance(error, PermanentError):
        return 400
    return 500


class ProblemOut(BaseModel):
    field: str
    message: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    problems: list[ProblemOut] | None = None


class ErrorBody(BaseModel):
    """What every refusal looks like; /docs shows it for each status a route can give."""

    error: ErrorDetail


_MEANING = {
    401: "No API key, or an unknown or revoked one",
    403: "The key's role may not do this",
    404: "No such thing, or it belongs to another partner",
    409: "Conflicts with the current state",
    413: "Larger than the upload limit; nothing was kept",
    422: "Malformed request; problems name each field",
    503: "A resource of the gateway (its database, broker or disk) is unavailable: send "
    "the same request again after Retry-After",
    507: "No space left to store the payload; nothing was kept: send it again after Retry-After",
}


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the error statuses a route or router can answer."""
    return {status: {"model": ErrorBody, "description": _MEANING[status]} for status in statuses}


def problems_of(error: GatewayError) -> list[FieldProblem]:
    if isinstance(error, ProfileError):
        return [FieldProblem(problem.field, problem.message) for problem in error.problems]
    if isinstance(error, InvalidRequest):
        return error.problems
    return []


def gateway_error_response(_: Request, error: Exception) -> JSONResponse:
    """The one exception handler: ``GatewayError.code`` → status and error body."""
    assert isinstance(error, GatewayError)  # registered for GatewayError only
    status = status_for(error)
    problems = problems_of(error)
    # A ProfileError's message names files and lines; an API body has neither.
    message = summary(problems) if isinstance(error, ProfileError) else error.message
    detail = ErrorDetail(
        code=error.code,
        message=message,
        problems=[ProblemOut(field=p.field, message=p.message) for p in problems] or None,
    )
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status in (503, 507):
        headers = {"Retry-After": str(retry_after(error))}
    content = ErrorBody(error=detail).model_dump(mode="json", exclude_none=True)
    return JSONResponse(content, status_code=status, headers=headers)


def retry_after(error: GatewayError) -> int:
    """Whole seconds a sender should wait before trying again (at least 1)."""
    wait = error.retry_after if isinstance(error, Unavailable) else RETRY_AFTER_SECONDS
    return max(1, math.ceil(wait))


def request_validation_response(request: Request, error: Exception) -> JSONResponse:
    """FastAPI's own validation failures, answered through the same handler so that
    clients see one error shape (FastAPI's default is ``{"detail": [...]}``)."""
    assert isinstance(error, RequestValidationError)
    problems = [
        FieldProblem(field_path(_without_origin(detail["loc"])), clean_message(detail["msg"]))
        for detail in error.errors()
    ]
    return gateway_error_response(request, InvalidRequest(summary(problems), problems))


async def unreadable_body_response(request: Request, error: Exception) -> Response:
    """FastAPI answers a JSON body it cannot decode (not UTF-8, nested past the
    interpreter's depth) with its own ``400 {"detail": …}``, before any route runs: under
    the API that becomes our 422 ``request.invalid``; anything else keeps Starlette's
    answer (a 404 for an unknown path, the console's redirects)."""
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 400 and request.url.path.startswith("/api/"):
        problem = FieldProblem("body", "not JSON this API can read (UTF-8, nested less deeply)")
        return gateway_error_response(request, InvalidRequest(summary([problem]), [problem]))
    return await http_exception_handler(request, error)


def summary(problems: Sequence[FieldProblem]) -> str:
    """Every problem on one line, for clients that show only ``message``."""
    return "; ".join(f"{p.field}: {p.message}" if p.field else p.message for p in problems)


def _without_origin(loc: Sequence[int | str]) -> Sequence[int | str]:
    """``("query", "limit")`` → ``("limit",)``: where the value came from is not its name."""
    return loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc
