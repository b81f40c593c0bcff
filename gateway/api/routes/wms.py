"""What the WMS posts: receipts and inventory adjustments, as canonical documents
(contract v1). The raw JSON is stored first; a receipt is matched against its ASN;
both go on to the ERP. The same event again (its ``meta.idempotency_key`` or the
``Idempotency-Key`` header) answers 200 with what the first one became."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from starlette.concurrency import run_in_threadpool

from gateway.api.deps import CallerDep, GatewayDep
from gateway.api.errors import Forbidden, documented
from gateway.api.workflow_schemas import MatchOut, WmsEventOut
from gateway.bootstrap import Gateway
from gateway.domain.access import ApiKey, Role
from gateway.domain.payloads import PayloadTooLarge
from gateway.services.wms_events import WmsEvents, WmsOutcome

router = APIRouter(prefix="/wms", tags=["wms"])

_DOCUMENT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": "A contract v1 canonical document",
                    "required": ["meta", "body"],
                }
            }
        },
    }
}


def _wms(caller: CallerDep) -> ApiKey:
    if caller.role not in (Role.WMS, Role.ADMIN):
        raise Forbidden(f"a {caller.role} key may not post warehouse events")
    return caller


WmsDep = Annotated[ApiKey, Depends(_wms)]
KeyHeader = Annotated[
    str | None, Header(alias="Idempotency-Key", max_length=64, description="The event's key")
]


# The same event again answers 200 with what the first one became.
_RESPONSES: dict[int | str, dict[str, Any]] = {
    **documented(403, 413),
    200: {"model": WmsEventOut, "description": "The same event again: what it became"},
}


@router.post("/receipts", status_code=201, openapi_extra=_DOCUMENT_BODY, responses=_RESPONSES)
async def post_receipt(
    _: WmsDep, gw: GatewayDep, request: Request, response: Response, key: KeyHeader = None
) -> WmsEventOut:
    """The warehouse booked a receipt: kept, matched against its ASN (shortage, overage,
    damage, wrong item → exceptions for the warehouse) and posted to the ERP."""
    return await _accept(gw, await request.body(), "receipt", key, response)


@router.post(
    "/inventory-adjustments",
    status_code=201,
    openapi_extra=_DOCUMENT_BODY,
    responses=_RESPONSES,
)
async def post_inventory_adjustment(
    _: WmsDep, gw: GatewayDep, request: Request, response: Response, key: KeyHeader = None
) -> WmsEventOut:
    """Stock changed in the warehouse (count, damage, write-off): kept and posted to the ERP."""
    return await _accept(gw, await request.body(), "inventory_adjustment", key, response)


async def _accept(
    gw: Gateway, raw: bytes, kind: str, key: str | None, response: Response
) -> WmsEventOut:
    if len(raw) > gw.settings.max_upload_bytes:
        raise PayloadTooLarge(f"payload larger than {gw.settings.max_upload_bytes} bytes")
    # The store and the matching are synchronous: one hop off the event loop for all of it.
    answer: WmsEventOut = await run_in_threadpool(_take, gw, raw, kind, key)
    if answer.duplicate:
        response.status_code = 200
    return answer


def _take(gw: Gateway, raw: bytes, kind: str, key: str | None) -> WmsEventOut:
    dispatcher = gw.pipeline.dispatcher if gw.delivery.configured else None
    events = WmsEvents(gw.unit_of_work, gw.payloads, gw.clock, gw.pipeline.workflow, dispatcher)
    outcome: WmsOutcome = events.accept(raw, kind, key)
    with gw.unit_of_work() as uow:  # the state after delivery (inline) or as queued
        record = uow.messages.transaction(outcome.transaction.id) or outcome.transaction
    return WmsEventOut(
        message_id=outcome.message.id,
        transaction_id=record.id,
        kind=record.kind or kind,
        business_number=record.business_number,
        po_number=record.po_number,
        partner_id=record.partner_id,
        state=record.state,
        duplicate=not outcome.created,
        match=MatchOut.of(outcome.match),
        released=outcome.synced.released,
    )
