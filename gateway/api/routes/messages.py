"""Submitting raw EDI and tracking messages (SPEC §1 invariants 1, 4 and 7; §6).

A partner's key submits and sees only its own partner's messages; another partner's
message answers 404 exactly as a missing one does. Operators and admins see all.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Annotated, BinaryIO

from fastapi import APIRouter, Body, Header, Query
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from gateway.api.deps import (
    GatewayDep,
    ReaderDep,
    ReplayerDep,
    SubmitterDep,
    UowDep,
    visible_to,
)
from gateway.api.errors import MessageHidden, documented
from gateway.api.params import PathText
from gateway.api.schemas import (
    ErrorOut,
    MessageDetail,
    MessageFilters,
    MessageList,
    MessageOut,
    ReplayIn,
    SubmitOut,
    TransactionOut,
    TransitionOut,
)
from gateway.api.uploads import UPLOAD_OPENAPI, UploadDep
from gateway.domain.access import ApiKey, Role
from gateway.domain.errors import GatewayError
from gateway.domain.tracking import MessageQuery, MessageRecord, Transport
from gateway.observability import tracing
from gateway.observability.metrics import transfer
from gateway.ports import UnitOfWork
from gateway.services.intake import Submission
from gateway.services.pipeline import InlineDispatcher

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/messages", tags=["messages"])

_CHUNK = 1 << 16


@router.post("", status_code=202, openapi_extra=UPLOAD_OPENAPI, responses=documented(403, 413))
def submit_message(
    caller: SubmitterDep,
    gw: GatewayDep,
    body: UploadDep,
    x_request_id: Annotated[
        str | None, Header(max_length=998, description="Becomes the transport message id")
    ] = None,
) -> SubmitOut:
    """Submit one file of raw X12 or EDIFACT.

    The bytes are stored durably before the answer (SPEC §1 invariant 1); the answer
    then says what became of them: 202 whether they were mapped or refused, since a
    refusal is recorded, acknowledged and replayable like any other outcome.
    """
    submission = Submission(Transport.API, x_request_id or str(uuid.uuid4()), caller.partner_id)
    # The document's trace starts here; the tasks queued below carry it on.
    with tracing.receipt("api", caller.partner_id) as span:
        record = gw.intake.receive(body, submission)
        span.set_attribute("crossdock.message_id", record.id)
        logger.info("received %d bytes over the API", record.size)
        transfer("api", "inbound", "ok", record.size)
        try:
            # A worker takes it from here when a broker is configured (the answer then
            # says "received"); without one the chain runs in this request.
            gw.pipeline.dispatcher.process_inbound(record.id)
            if isinstance(gw.pipeline.dispatcher, InlineDispatcher):  # it ran: what came of it
                with gw.unit_of_work() as uow:
                    record = uow.messages.get(record.id) or record
        except GatewayError as error:
            # The bytes are kept and the message recorded as received: tell the sender so
            # rather than a 5xx that would make it send them again.
            logger.exception("processing message %s failed", record.id)
            return SubmitOut.of(record, ErrorOut(code=error.code, message=error.message))
        return SubmitOut.of(record)


@router.get("")
def list_messages(
    caller: ReaderDep, uow: UowDep, filters: Annotated[MessageFilters, Query()]
) -> MessageList:
    """Search messages, newest first; a partner's key searches its own only."""
    partner_id = caller.partner_id if caller.role is Role.PARTNER else filters.partner_id
    query = MessageQuery(
        partner_id=partner_id,
        direction=filters.direction,
        state=filters.state,
        interchange_control_number=filters.interchange_control_number,
        business_number=filters.business_number,
        received_from=filters.received_from,
        received_until=filters.received_until,
        limit=filters.limit,
        offset=filters.offset,
    )
    with uow:
        found = uow.messages.find(query)
    items = [MessageOut.of(record) for record in found]
    return MessageList(items=items, limit=filters.limit, offset=filters.offset)


@router.get("/{message_id}", responses=documented(404))
def get_message(
    caller: ReaderDep,
    uow: UowDep,
    message_id: PathText,
    documents: Annotated[bool, Query(description="Include each canonical document")] = False,
) -> MessageDetail:
    """One message with its transaction sets and its whole state history."""
    with uow:
        record = _visible_message(uow, caller, message_id)
        return _detail(uow, record, with_documents=documents)


@router.get(
    "/{message_id}/raw",
    response_class=StreamingResponse,
    responses={**documented(404), 200: {"content": {"application/octet-stream": {}}}},
)
def get_message_raw(
    caller: ReaderDep, gw: GatewayDep, uow: UowDep, message_id: PathText
) -> StreamingResponse:
    """The bytes exactly as they were received (or, for outbound, sent)."""
    with uow:
        record = _visible_message(uow, caller, message_id)
    handle = gw.payloads.open(record.raw_sha256)
    return StreamingResponse(
        _chunks(handle),
        media_type="application/octet-stream",
        headers={
            "Content-Length": str(record.size),
            "ETag": f'"{record.raw_sha256}"',
            "Content-Disposition": f'attachment; filename="{record.id}.edi"',
        },
        # The generator closes the file when read to the end; this covers a client
        # that disconnects halfway.
        background=BackgroundTask(handle.close),
    )


@router.post("/{message_id}/replay", responses=documented(403, 404, 409))
def replay_message(
    caller: ReplayerDep,
    gw: GatewayDep,
    uow: UowDep,
    message_id: PathText,
    body: Annotated[ReplayIn | None, Body()] = None,
) -> MessageDetail:
    """Process a failed, rejected or dead-lettered message again from its stored bytes,
    with today's profiles and maps (SPEC §1 invariant 5); 409 for any other state."""
    reason = (body or ReplayIn()).reason
    gw.pipeline.replay(message_id, f"{reason} (key {caller.name})")
    with uow:
        record = _visible_message(uow, caller, message_id)
        return _detail(uow, record, with_documents=False)


def _visible_message(uow: UnitOfWork, caller: ApiKey, message_id: str) -> MessageRecord:
    record = uow.messages.get(message_id)
    if record is None or not visible_to(caller, record.partner_id):
        raise MessageHidden(f"no message {message_id}")
    return record


def _detail(uow: UnitOfWork, record: MessageRecord, *, with_documents: bool) -> MessageDetail:
    transactions = [
        TransactionOut.of(item, with_document=with_documents)
        for item in uow.messages.transactions_of(record.id)
    ]
    history = [TransitionOut.of(item) for item in uow.messages.history(record.id)]
    summary = MessageOut.of(record).model_dump()
    return MessageDetail(**summary, transactions=transactions, history=history)


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(_CHUNK):
            yield chunk
