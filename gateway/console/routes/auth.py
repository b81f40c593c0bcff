"""Logging in with an API key, and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from gateway.console.deps import (
    CONSOLE_ROLES,
    FormDep,
    GatewayDep,
    SessionDep,
    SignerDep,
    ViewerDep,
)
from gateway.console.session import Session
from gateway.console.web import PREFIX, page, set_session

router = APIRouter()


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    signer: SignerDep,
    session: SessionDep,
    target: Annotated[str, Query(alias="next")] = PREFIX,
) -> Response:
    """The login page; a visitor gets a pre-login session so the form carries a token."""
    fresh = session is None or session.key_id is not None
    current = Session.anonymous() if fresh or session is None else session
    response = page(
        request, "login.html", None, csrf=signer.csrf_token(current), next=_local(target)
    )
    if fresh:
        set_session(response, request, current, signer.dump(current))
    return response


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, gw: GatewayDep, signer: SignerDep, form: FormDep) -> Response:
    secret = form.get("api_key", "").strip()
    key = None
    if secret:
        with gw.unit_of_work() as uow:
            key = uow.api_keys.authenticate(secret)
    if key is not None and key.role not in CONSOLE_ROLES:
        key = None  # a system's key (the WMS's): not a console login
    if key is None:
        retry = Session.anonymous()
        response = page(
            request,
            "login.html",
            None,
            status_code=401,
            csrf=signer.csrf_token(retry),
            next=_local(form.get("next", PREFIX)),
            error="Unknown or revoked API key.",
        )
        set_session(response, request, retry, signer.dump(retry))
        return response
    session = Session.for_key(key.id)  # a new nonce: nothing planted before login survives
    redirect = RedirectResponse(_local(form.get("next", PREFIX)), status_code=303)
    set_session(redirect, request, session, signer.dump(session))
    return redirect


@router.post("/logout")
def logout(request: Request, viewer: ViewerDep, signer: SignerDep, form: FormDep) -> Response:
    response = RedirectResponse(f"{PREFIX}/login", status_code=303)
    anonymous = Session.anonymous()
    set_session(response, request, anonymous, signer.dump(anonymous))
    return response


def _local(target: str) -> str:
    """Only the console's own pages: a login link cannot send the user elsewhere."""
    if not target.startswith(PREFIX) or target.startswith("//") or "\\" in target:
        return PREFIX
    return target
