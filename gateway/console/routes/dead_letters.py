"""Dead letters: deliveries given up on and failed messages, each with its replay."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from gateway.console.deps import ReadsDep, ViewerDep
from gateway.console.web import page

router = APIRouter()


@router.get("/dead-letters", response_class=HTMLResponse)
def dead_letters(request: Request, viewer: ViewerDep, reads: ReadsDep) -> Response:
    return page(
        request,
        "dead_letters.html",
        viewer,
        letters=reads.dead_letters(viewer.partner_scope),
        replayed=request.query_params.get("replayed"),
        may_replay=viewer.key.may_replay,
    )
