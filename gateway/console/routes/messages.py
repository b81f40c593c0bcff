"""Message search, the message page (raw EDI with findings, canonical JSON, acks,
history), download and replay."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import BinaryIO, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from starlette.background import BackgroundTask

from gateway.console.deps import (
    FormDep,
    GatewayDep,
    OperatorDep,
    ReadsDep,
    Refused,
    Viewer,
    ViewerDep,
)
from gateway.console.edi_view import edi_view
from gateway.console.web import PREFIX, page
from gateway.domain.errors import GatewayError
from gateway.domain.tracking import Direction, MessageQuery, MessageRecord, State, Transition
from gateway.persistence.console_reads import SearchFilters
from gateway.ports import UnitOfWork
from gateway.services.edi_options import reading_options
from gateway.services.replay import REPLAYABLE_SETS

router = APIRouter()

PAGE_SIZE = 50
KINDS = [
    "purchase_order", "po_acknowledgement", "ship_notice", "invoice", "functional_ack",
    "inventory_advice", "receipt",
]  # fmt: skip
REPLAYABLE = (State.FAILED, State.REJECTED, State.DEAD_LETTERED)
_MESSAGE_ID = re.compile(r"in message ([0-9a-f-]{36})")


@router.get("/messages", response_class=HTMLResponse)
def search(request: Request, viewer: ViewerDep, reads: ReadsDep) -> Response:
    params = {name: value.strip() for name, value in request.query_params.items()}
    problems: list[str] = []
    filters = _filters(params, viewer, problems)
    found = reads.search(filters) if not problems else None
    keep = {name: value for name, value in params.items() if value and name != "page"}
    current = filters.offset // PAGE_SIZE + 1
    return page(
        request,
        "messages.html",
        viewer,
        params=params,
        problems=problems,
        found=found,
        states=[s.value for s in State],
        kinds=KINDS,
        page_number=current,
        previous=urlencode({**keep, "page": current - 1}) if current > 1 else None,
        next=urlencode({**keep, "page": current + 1}) if found and found.has_more else None,
    )


@router.get("/messages/{message_id}", response_class=HTMLResponse)
def message_page(
    request: Request, message_id: str, viewer: ViewerDep, gw: GatewayDep, reads: ReadsDep
) -> Response:
    with gw.unit_of_work() as uow:
        record = _visible(uow, viewer, message_id)
        sets = uow.messages.transactions_of(record.id)
        history = uow.messages.history(record.id)
        replies = uow.messages.find(MessageQuery(in_reply_to=record.id, limit=20))
        partner = uow.partners.get(record.partner_id or "")
        answered = uow.messages.get(record.in_reply_to) if record.in_reply_to else None
    acks_in = _acks_named_in(history, record.id)
    options = reading_options(partner.profile) if partner else None
    raw = gw.payloads.get(record.raw_sha256)
    view = edi_view(raw, options)
    stuck = any(item.state in REPLAYABLE_SETS and item.idempotency_key for item in sets)
    return page(
        request,
        "message.html",
        viewer,
        message=record,
        sets=sets,
        history=history,
        replies=[r for r in replies if viewer.may_see(r.partner_id)],
        answered=answered if answered and viewer.may_see(answered.partner_id) else None,
        acks_in=acks_in,
        view=view,
        alerts=reads.alerts_of(record.id),
        replayable=record.state in REPLAYABLE or stuck,
        may_replay=viewer.key.may_replay,
    )


@router.get("/messages/{message_id}/raw")
def download(message_id: str, viewer: ViewerDep, gw: GatewayDep) -> Response:
    """The bytes as received (or sent); a partner downloads its own messages only."""
    with gw.unit_of_work() as uow:
        record = _visible(uow, viewer, message_id)
    handle = gw.payloads.open(record.raw_sha256)
    return StreamingResponse(
        _chunks(handle),
        media_type="application/octet-stream",
        headers={
            "Content-Length": str(record.size),
            "Content-Disposition": f'attachment; filename="{record.id}.edi"',
        },
        background=BackgroundTask(handle.close),
    )


@router.post("/messages/{message_id}/replay")
def replay(message_id: str, viewer: OperatorDep, gw: GatewayDep, form: FormDep) -> Response:
    with gw.unit_of_work() as uow:
        _visible(uow, viewer, message_id)
    reason = form.get("reason", "").strip() or "replayed from the console"
    try:
        gw.pipeline.replay(message_id, f"{reason} (console, key {viewer.key.name})")
    except GatewayError as error:
        raise Refused(409, f"cannot replay this message: {error.message}") from error
    back = form.get("back", "")
    target = back if back.startswith(PREFIX + "/") else f"{PREFIX}/messages/{message_id}"
    return RedirectResponse(f"{target}?replayed={message_id}", status_code=303)


def _visible(uow: UnitOfWork, viewer: Viewer, message_id: str) -> MessageRecord:
    record = uow.messages.get(message_id)
    if record is None or not viewer.may_see(record.partner_id):
        raise Refused(404, f"no message {message_id}")
    return record


def _filters(params: dict[str, str], viewer: Viewer, problems: list[str]) -> SearchFilters:
    scope = viewer.partner_scope
    partner = scope if scope is not None else (params.get("partner") or None)
    state = _choice(params.get("state"), State, "state", problems)
    direction = _choice(params.get("direction"), Direction, "direction", problems)
    start = _day(params.get("from"), "from", problems)
    end = _day(params.get("until"), "until", problems)
    try:
        number = max(1, int(params.get("page") or 1))
    except ValueError:
        problems.append("page must be a number")
        number = 1
    return SearchFilters(
        partner_id=partner,
        direction=direction,
        state=state,
        kind=params.get("kind") or None,
        number=params.get("number") or None,
        control_number=params.get("control") or None,
        received_from=start,
        received_until=end + timedelta(days=1) if end else None,  # "until" includes that day
        limit=PAGE_SIZE,
        offset=(number - 1) * PAGE_SIZE,
    )


_Choice = TypeVar("_Choice", State, Direction)


def _choice(
    value: str | None, kind: type[_Choice], name: str, problems: list[str]
) -> _Choice | None:
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        problems.append(f"{name} {value!r} is not one of {', '.join(kind)}")
        return None


def _day(value: str | None, name: str, problems: list[str]) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), time(0), tzinfo=UTC)
    except ValueError:
        problems.append(f"{name} must be a date as YYYY-MM-DD, not {value!r}")
        return None


def _acks_named_in(history: list[Transition], own_id: str) -> list[str]:
    """Messages the history names (the partner's 997 that settled our sets)."""
    found: list[str] = []
    for step in history:
        reason = step.reason or ""
        for match in _MESSAGE_ID.findall(reason):
            if match != own_id and match not in found:
                found.append(match)
    return found


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(1 << 16):
            yield chunk
