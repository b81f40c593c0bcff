"""What the ERP and the WMS do on their own: create purchase orders and receipts, and
tell the gateway about them. Listing the events is part of every face.

Creating stores the record and its event in one transaction; delivery to the gateway
runs after the response, in a background task (see ``events.EventEmitter``).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Body, HTTPException, Query, Response

from erp_connector.sandbox.deps import OptionalKeyDep, Sandbox, SandboxDep, SystemDep
from erp_connector.sandbox.documents import (
    DocumentRefused,
    check_document,
    purchase_order_event,
    receipt_event,
)
from erp_connector.sandbox.events import PENDING, SKIPPED, new_event_id
from erp_connector.sandbox.records import NewRecord
from erp_connector.sandbox.schemas import EmittedOut, ErrorOut, EventListOut, EventOut
from gateway.canonical import CanonicalDocument, Kind, document_to_dict

router = APIRouter(tags=["events"])
erp_router = APIRouter(tags=["erp"])
wms_router = APIRouter(tags=["wms"])

# Where the gateway takes each event (its API, /api/v1).
OUTBOUND_PATH = "/api/v1/outbound"
RECEIPTS_PATH = "/api/v1/wms/receipts"

_REFUSED: dict[int | str, dict[str, Any]] = {400: {"model": ErrorOut}, 422: {"model": ErrorOut}}
_Payload = Annotated[
    dict[str, Any],
    Body(description="A canonical document, a canonical body with partner_id, or the short form"),
]


@router.get("/events")
def list_events(
    system: SystemDep,
    sandbox: SandboxDep,
    status: Annotated[str | None, Query(description="pending | delivered | failed…")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> EventListOut:
    """Events this system emitted, newest first, with each one's delivery status."""
    found = sandbox.events.find(system, status=status, limit=limit)
    return EventListOut(events=[EventOut.of(event) for event in found])


@erp_router.post("/purchase-orders", status_code=201, responses=_REFUSED)
def create_purchase_order(
    payload: _Payload,
    key: OptionalKeyDep,
    sandbox: SandboxDep,
    background: BackgroundTasks,
    response: Response,
) -> EmittedOut:
    """A buyer releases a purchase order in the ERP: store it, and emit it to the
    gateway's outbound API, which turns it into the partner's 850 / ORDERS.

    Short form: ``{"partner_id": "acme", "po_number": "PO-1", "lines": [{"item": "SKU-1",
    "quantity": 10, "uom": "EA", "unit_price": "2.50"}]}``. With an ``Idempotency-Key``
    a repeat answers 200 and emits nothing; without one every call is a new order.
    """
    key = key or f"erp-po-{uuid.uuid4()}"
    try:
        document = purchase_order_event(payload, key)
    except DocumentRefused as exc:
        raise HTTPException(422, str(exc)) from None
    return _emit(sandbox, "erp", document, OUTBOUND_PATH, background, response)


@wms_router.post("/receipts", status_code=201, responses=_REFUSED)
def create_receipt(
    payload: _Payload,
    key: OptionalKeyDep,
    sandbox: SandboxDep,
    background: BackgroundTasks,
    response: Response,
) -> EmittedOut:
    """The warehouse books a receipt in the WMS: store it, and emit it to the gateway,
    which compares it with the ASN (SPEC §5). Forms as for purchase orders, with
    ``receipt_id`` and ``quantity_received``."""
    key = key or f"wms-receipt-{uuid.uuid4()}"
    try:
        document = receipt_event(payload, key)
    except DocumentRefused as exc:
        raise HTTPException(422, str(exc)) from None
    return _emit(sandbox, "wms", document, RECEIPTS_PATH, background, response)


def _emit(
    sandbox: Sandbox,
    system: str,
    document: CanonicalDocument,
    path: str,
    background: BackgroundTasks,
    response: Response,
) -> EmittedOut:
    """Store ``document`` with its event, then schedule the delivery (new ones only)."""
    kind: Kind = document.meta.kind
    key = str(document.meta.idempotency_key)
    payload = document_to_dict(document)
    checked = check_document(kind, payload)  # cannot fail: the contract asks for the number
    event_id, url = new_event_id(), sandbox.emitter.url(path)
    intake = sandbox.records.add(
        NewRecord(system, kind, key, checked.business_number, checked.partner_id, payload),
        then=sandbox.events.outbox(event_id, system, kind, url, payload),
    )
    if intake.duplicate:
        response.status_code = 200
        first = sandbox.events.for_record(intake.id)
        return EmittedOut(
            id=intake.id,
            duplicate=True,
            document_id=str(first.payload["meta"]["document_id"]) if first else "",
            event_id=first.id if first else None,
            event_status=first.status if first else None,
        )
    if url is not None:
        background.add_task(sandbox.emitter.deliver, event_id, url, payload)
    return EmittedOut(
        id=intake.id,
        duplicate=False,
        document_id=document.meta.document_id,
        event_id=event_id,
        event_status=PENDING if url else SKIPPED,
    )
