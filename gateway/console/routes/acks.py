"""The acknowledgements monitor: our outbound sets awaiting, overdue and rejected,
with each rejection's 997/999/CONTRL errors in plain language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from gateway.console.deps import GatewayDep, ReadsDep, ViewerDep
from gateway.console.edi_view import set_segment
from gateway.console.explain import Explanation, explain
from gateway.console.web import page
from gateway.persistence.console_reads import AckRow
from gateway.ports import UnitOfWork

router = APIRouter()

_ACK_MESSAGE = re.compile(r"in message ([0-9a-f-]{36})")


@dataclass(frozen=True, slots=True)
class AckProblem:
    """One error a partner's functional ack reported about one of our sets."""

    segment: str | None  # "PO1 (segment 3 of the set)"
    sent: str | None  # that segment as we sent it
    element: int | None
    value: str | None
    code: str
    description: str
    explanation: Explanation | None


@dataclass(frozen=True, slots=True)
class Rejection:
    row: AckRow
    ack_message_id: str | None
    problems: list[AckProblem]


@router.get("/acks", response_class=HTMLResponse)
def monitor(request: Request, viewer: ViewerDep, gw: GatewayDep, reads: ReadsDep) -> Response:
    scope = viewer.partner_scope
    awaiting = reads.acks("awaiting", scope)
    overdue = reads.acks("overdue", scope)
    rejected = reads.acks("rejected", scope)
    payloads: dict[str, bytes] = {}  # by sha256: many sets share one interchange
    rejections = []
    with gw.unit_of_work() as uow:
        for row in rejected:
            if row.raw_sha256 not in payloads:
                payloads[row.raw_sha256] = gw.payloads.get(row.raw_sha256)
            rejections.append(_rejection(uow, row, payloads[row.raw_sha256]))
    return page(
        request,
        "acks.html",
        viewer,
        awaiting=awaiting,
        overdue=overdue,
        rejections=rejections,
    )


def _rejection(uow: UnitOfWork, row: AckRow, raw: bytes) -> Rejection:
    """The errors the rejecting ack listed for ``row``'s set, read from the ack's own
    canonical document (the transition's reason names the ack's message)."""
    match = _ACK_MESSAGE.search(row.reason or "")
    if match is None:
        return Rejection(row, None, [])
    ack_id = match.group(1)
    message = uow.messages.get(ack_id)
    standard = message.standard if message else None
    problems: list[AckProblem] = []
    for item in uow.messages.transactions_of(ack_id):
        body: dict[str, Any] = (item.document or {}).get("body") or {}  # type: ignore[assignment]
        group = (body.get("acknowledged") or {}).get("group_control_number")
        if row.group_control_number and group and str(group) != row.group_control_number:
            continue
        for acked in body.get("sets") or []:
            if acked.get("set_control_number") != row.set_control_number:
                continue
            for error in acked.get("errors") or []:
                problems.append(_problem(standard, error, row, raw))
    return Rejection(row, ack_id, problems)


def _problem(standard: str | None, error: dict[str, Any], row: AckRow, raw: bytes) -> AckProblem:
    element = error.get("element_position")
    code = str(error.get("code") or "")
    segment_id = error.get("segment_id")
    position = error.get("segment_position")
    level = "element" if element else "segment" if segment_id else "set"
    where = None
    if segment_id:
        where = f"{segment_id} (segment {position} of the set)" if position else str(segment_id)
    sent = set_segment(raw, row.set_control_number, position) if position else None
    return AckProblem(
        segment=where,
        sent=sent,
        element=element,
        value=error.get("bad_value"),
        code=code,
        description=str(error.get("description") or ""),
        explanation=explain(standard, level, code),
    )
