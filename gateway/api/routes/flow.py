"""The pipeline's two doors by the names of the mission: ``/inbound`` (a partner's raw
EDI, the same as ``POST /messages``) and ``/outbound`` (an ERP event's canonical
document, to become the partner's EDI)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Response

from gateway.api.deps import AdminDep, GatewayDep, SubmitterDep
from gateway.api.errors import documented
from gateway.api.routes.messages import submit_message
from gateway.api.schemas import MessageOut, SubmitOut
from gateway.api.uploads import UPLOAD_OPENAPI, UploadDep

router = APIRouter(tags=["flow"])


@router.post(
    "/inbound", status_code=202, openapi_extra=UPLOAD_OPENAPI, responses=documented(403, 413)
)
def submit_inbound(
    caller: SubmitterDep,
    gw: GatewayDep,
    body: UploadDep,
    x_request_id: Annotated[
        str | None, Header(max_length=998, description="Becomes the transport message id")
    ] = None,
) -> SubmitOut:
    """Raw X12 or EDIFACT from a partner: stored durably, then answered 202 with the
    message id; a worker validates, acknowledges, maps and delivers it."""
    return submit_message(caller, gw, body, x_request_id)


@router.post(
    "/outbound",
    status_code=202,
    responses={
        **documented(403),
        200: {"model": MessageOut, "description": "The same event again: the first message"},
    },
)
def submit_outbound(
    _: AdminDep,
    gw: GatewayDep,
    response: Response,
    document: Annotated[dict[str, Any], Body(description="A contract v1 canonical document")],
) -> MessageOut:
    """An ERP event: a canonical document (``meta.partner_id`` names the partner) becomes
    the partner's X12 or EDIFACT with allocated control numbers and is queued to send.
    The same event again answers 200 with the message made the first time."""
    message, created = gw.outbound.accept(document)
    if created:
        gw.pipeline.dispatcher.send(message.id)
    else:
        response.status_code = 200
    with gw.unit_of_work() as uow:
        return MessageOut.of(uow.messages.get(message.id) or message)
