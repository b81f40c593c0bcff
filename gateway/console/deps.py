"""What console pages ask FastAPI for: the gateway, the read model, the logged-in
user (``ViewerDep``, ``OperatorDep``, ``AdminDep``) and CSRF-checked forms (``FormDep``).

Access rules are the API's (``gateway.domain.access``): admin does everything,
operator reads and replays, a partner's login sees its own partner only, and
another partner's page answers 404 as a missing one does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, cast
from urllib.parse import parse_qsl

from fastapi import Depends, Request

from gateway.bootstrap import Gateway
from gateway.console.session import COOKIE, Session, Signer, load_secret
from gateway.domain.access import ApiKey, Role
from gateway.persistence.console_reads import ConsoleReads

MAX_FORM_BYTES = 1 << 20  # a partner profile's YAML is a few kilobytes
# The console is for people: the B2B team and suppliers. A system's key (the WMS's)
# logs in nowhere, so it can never see every partner's documents here.
CONSOLE_ROLES = frozenset({Role.ADMIN, Role.OPERATOR, Role.PARTNER})


class LoginRequired(Exception):
    """No live session: the handler sends the browser to the login page."""


class Refused(Exception):
    """An error page: ``status`` (403, 404, 409, 422…) and what to tell the user."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class Viewer:
    key: ApiKey
    session: Session
    csrf: str

    @property
    def partner_scope(self) -> str | None:
        """The partner a partner's login is confined to; None for the B2B team."""
        return self.key.partner_id if self.key.role is Role.PARTNER else None

    def may_see(self, partner_id: str | None) -> bool:
        return self.key.may_read_partner(partner_id)


def get_gateway(request: Request) -> Gateway:
    return cast(Gateway, request.app.state.gateway)


GatewayDep = Annotated[Gateway, Depends(get_gateway)]


def get_signer(request: Request, gw: GatewayDep) -> Signer:
    """Made on first use from the gateway's settings, then kept on the app."""
    signer = getattr(request.app.state, "console_signer", None)
    if signer is None:
        settings = gw.settings
        signer = Signer(load_secret(settings.console_secret, settings.data_dir))
        request.app.state.console_signer = signer
    return cast(Signer, signer)


SignerDep = Annotated[Signer, Depends(get_signer)]


def get_reads(request: Request, gw: GatewayDep) -> ConsoleReads:
    reads = getattr(request.app.state, "console_reads", None)
    if reads is None:
        reads = request.app.state.console_reads = ConsoleReads(gw.engine)
    return cast(ConsoleReads, reads)


ReadsDep = Annotated[ConsoleReads, Depends(get_reads)]


def current_session(request: Request, signer: SignerDep) -> Session | None:
    return signer.load(request.cookies.get(COOKIE))


SessionDep = Annotated[Session | None, Depends(current_session)]


def get_viewer(gw: GatewayDep, signer: SignerDep, session: SessionDep) -> Viewer:
    """The user behind the session; the key is looked up on every request, so a
    revoked key is logged out at its next click."""
    if session is None or session.key_id is None:
        raise LoginRequired()
    with gw.unit_of_work() as uow:
        key = next((k for k in uow.api_keys.list_all() if k.id == session.key_id), None)
    if key is None or key.revoked_at is not None or key.role not in CONSOLE_ROLES:
        raise LoginRequired()
    return Viewer(key, session, signer.csrf_token(session))


ViewerDep = Annotated[Viewer, Depends(get_viewer)]


def _operator(viewer: ViewerDep) -> Viewer:
    if not viewer.key.may_replay:
        raise Refused(403, f"a {viewer.key.role} login may not replay or download for others")
    return viewer


def _admin(viewer: ViewerDep) -> Viewer:
    if not viewer.key.may_manage:
        raise Refused(403, f"a {viewer.key.role} login may not change partners")
    return viewer


OperatorDep = Annotated[Viewer, Depends(_operator)]
AdminDep = Annotated[Viewer, Depends(_admin)]


async def read_form(request: Request, signer: SignerDep, session: SessionDep) -> dict[str, str]:
    """The posted form's fields, once its CSRF token matches the session's.

    URL-encoded bodies are parsed here (python-multipart is not a dependency; the
    console's forms post no files). A request from another origin is refused too,
    before its token is even looked at.
    """
    origin = request.headers.get("origin")
    if origin and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise Refused(403, "the form was posted from another site")
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise Refused(413, "the form is too large")
    fields = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    if not signer.csrf_ok(session, fields.pop("csrf_token", None)):
        raise Refused(403, "the form has expired or did not come from this console; reload it")
    return fields


FormDep = Annotated[dict[str, str], Depends(read_form)]
