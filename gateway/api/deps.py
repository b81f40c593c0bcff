"""What routes ask FastAPI for: the wired gateway, a unit of work, and the caller's key.

The aliases carry their dependency (``def route(caller: AdminDep)``), so a route's
signature says who may call it. Role checks raise ``Forbidden`` and missing keys
``Unauthenticated``; the one exception handler turns both into 403 / 401.
"""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from gateway.api.errors import Forbidden, Unauthenticated
from gateway.bootstrap import Gateway
from gateway.domain.access import ApiKey, Role
from gateway.ports import UnitOfWork


def get_gateway(request: Request) -> Gateway:
    """The gateway ``create_app`` was given, or the one its lifespan built."""
    return cast(Gateway, request.app.state.gateway)


GatewayDep = Annotated[Gateway, Depends(get_gateway)]


def get_unit_of_work(gw: GatewayDep) -> UnitOfWork:
    """A fresh, not yet opened unit of work: the route opens it with ``with uow:`` in its
    own thread (a sync dependency that yields would open it in another one)."""
    return gw.unit_of_work()


UowDep = Annotated[UnitOfWork, Depends(get_unit_of_work)]

# Two ways to present a key, both shown in /docs: ``Authorization: Bearer <key>`` for
# HTTP clients, ``X-API-Key`` for tools that only let a user set one custom header.
_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer <key>`")
_api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key in the X-API-Key header"
)


def get_caller(
    gw: GatewayDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header_key: Annotated[str | None, Depends(_api_key_header)],
) -> ApiKey:
    """The live API key the request carries.

    Raises:
        Unauthenticated: no key, or a key that is unknown or revoked (one message for
            both, so that a caller cannot probe which keys once existed).
    """
    secret = bearer.credentials if bearer is not None else header_key
    if not secret:
        raise Unauthenticated("an API key is required: Authorization: Bearer <key> or X-API-Key")
    with gw.unit_of_work() as uow:
        key = uow.api_keys.authenticate(secret)
    if key is None:
        raise Unauthenticated("unknown or revoked API key")
    return key


CallerDep = Annotated[ApiKey, Depends(get_caller)]


def _admin(caller: CallerDep) -> ApiKey:
    if not caller.may_manage:
        raise Forbidden(f"a {caller.role} key may not manage partners or keys")
    return caller


def _reader(caller: CallerDep) -> ApiKey:
    """Every role reads; what a partner's key sees is narrowed by ``visible_to``."""
    return caller


def _replayer(caller: CallerDep) -> ApiKey:
    if not caller.may_replay:
        raise Forbidden(f"a {caller.role} key may not replay messages")
    return caller


def _submitter(caller: CallerDep) -> ApiKey:
    # Operators watch and replay; documents come from partners (or an admin testing).
    # The WMS posts its own events (/wms/…), never a partner's EDI.
    if caller.role in (Role.OPERATOR, Role.WMS):
        raise Forbidden(f"an {caller.role} key may not submit messages")
    return caller


AdminDep = Annotated[ApiKey, Depends(_admin)]
ReaderDep = Annotated[ApiKey, Depends(_reader)]
ReplayerDep = Annotated[ApiKey, Depends(_replayer)]
SubmitterDep = Annotated[ApiKey, Depends(_submitter)]


def visible_to(caller: ApiKey, partner_id: str | None) -> bool:
    """Whether ``caller`` may see what belongs to ``partner_id`` (SPEC §1 invariant 7).

    Callers answer 404 rather than 403 when this is False, so a partner's key cannot
    tell another partner's documents from ones that do not exist.
    """
    return caller.may_read_partner(partner_id)
