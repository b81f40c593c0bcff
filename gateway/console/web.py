"""Mounting the console on the API's FastAPI app: pages under ``/console``, static
files, the templates and the two error handlers (login redirect, error page)."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from gateway.console.deps import LoginRequired, Refused, Viewer, current_session, get_signer
from gateway.console.session import COOKIE, LIFETIME_SECONDS, Session

PREFIX = "/console"
_HERE = Path(__file__).parent

templates = Jinja2Templates(directory=_HERE / "templates")


def _when(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M:%S UTC")


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str)


templates.env.filters["when"] = _when
templates.env.filters["pretty"] = _pretty


def page(
    request: Request,
    name: str,
    viewer: Viewer | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page rendered with the viewer (for the menu and the forms' CSRF token)."""
    csrf = viewer.csrf if viewer is not None else context.pop("csrf", "")
    return templates.TemplateResponse(
        request,
        name,
        {"viewer": viewer, "csrf": csrf, "prefix": PREFIX, **context},
        status_code=status_code,
    )


def set_session(response: Response, request: Request, session: Session, value: str) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=max(0, min(LIFETIME_SECONDS, session.expires - int(time.time()))),
        path=PREFIX,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def mount_console(app: FastAPI) -> None:
    """Add the console's pages, static files and error handlers to ``app``."""
    from gateway.console.routes import routers  # the pages import this module's helpers

    for router in routers:
        app.include_router(router, prefix=PREFIX, include_in_schema=False)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=_HERE / "static"), name="console-static")
    app.add_exception_handler(LoginRequired, _to_login)
    app.add_exception_handler(Refused, _refused)


async def _to_login(request: Request, exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        target = PREFIX
    return RedirectResponse(f"{PREFIX}/login?next={quote(target, safe='')}", status_code=303)


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    signer = get_signer(request, request.app.state.gateway)
    session = current_session(request, signer)
    viewer = None
    if session is not None and session.key_id is not None:
        # The menu shows on error pages too; a failing lookup only hides it.
        from gateway.console.deps import get_viewer

        try:
            viewer = get_viewer(request.app.state.gateway, signer, session)
        except LoginRequired:
            viewer = None
    return page(request, "error.html", viewer, status_code=exc.status, message=exc.message)
