"""The exception queue (SPEC §5): list and filter, read with the audit trail,
acknowledge, assign, resolve. Resolving re-triggers the stalled step: the document is
matched again and, when nothing holds it any more, handed on to delivery.

Admins and operators work the queue; a partner's key reads its own exceptions (another
partner's answer 404, as missing ones do); the WMS's key has no business here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query

from gateway.api.deps import CallerDep, GatewayDep
from gateway.api.errors import Forbidden, documented
from gateway.api.params import PathText
from gateway.api.workflow_schemas import (
    AcknowledgeIn,
    AssignIn,
    ExceptionDetail,
    ExceptionFilters,
    ExceptionList,
    ExceptionOut,
    ResolveIn,
    ResolveOut,
)
from gateway.domain.access import ApiKey, Role
from gateway.domain.workflow.exceptions import ExceptionQuery, ExceptionState, Resolution
from gateway.services.exception_queue import ExceptionQueue

router = APIRouter(prefix="/exceptions", tags=["exceptions"])


def _reader(caller: CallerDep) -> ApiKey:
    if caller.role is Role.WMS:
        raise Forbidden("a wms key posts warehouse events; it does not read exceptions")
    return caller


def _worker(caller: CallerDep) -> ApiKey:
    if caller.role not in (Role.ADMIN, Role.OPERATOR):
        raise Forbidden(f"a {caller.role} key may not work the exception queue")
    return caller


ReaderDep = Annotated[ApiKey, Depends(_reader)]
WorkerDep = Annotated[ApiKey, Depends(_worker)]


def _scope(caller: ApiKey) -> str | None:
    return caller.partner_id if caller.role is Role.PARTNER else None


@router.get("", responses=documented(403))
def list_exceptions(
    caller: ReaderDep, gw: GatewayDep, filters: Annotated[ExceptionFilters, Query()]
) -> ExceptionList:
    """Exceptions newest first, filtered by owner, state, partner, PO number, kind,
    assignee and age."""
    now = gw.clock.now()
    states: tuple[ExceptionState, ...] = (filters.state,) if filters.state else ()
    if filters.unresolved:
        states = (ExceptionState.OPEN, ExceptionState.ACKNOWLEDGED)
    query = ExceptionQuery(
        owner=filters.owner,
        states=states,
        partner_id=_scope(caller) or filters.partner_id,
        po_number=filters.po_number,
        kind=filters.kind,
        assignee=filters.assignee,
        opened_before=None
        if filters.min_age_hours is None
        else now - timedelta(hours=filters.min_age_hours),
        opened_after=None
        if filters.max_age_hours is None
        else now - timedelta(hours=filters.max_age_hours),
        limit=filters.limit,
        offset=filters.offset,
    )
    found, total = ExceptionQueue(gw.unit_of_work, gw.clock).find(query)
    items = [ExceptionOut.of(record, now) for record in found]
    return ExceptionList(items=items, total=total, limit=filters.limit, offset=filters.offset)


@router.get("/{exception_id}", responses=documented(403, 404))
def get_exception(caller: ReaderDep, gw: GatewayDep, exception_id: PathText) -> ExceptionDetail:
    """One exception with its linked documents and its whole audit trail."""
    queue = ExceptionQueue(gw.unit_of_work, gw.clock)
    record, history = queue.get(exception_id, partner_id=_scope(caller))
    return ExceptionDetail.with_history(record, history, gw.clock.now())


@router.post("/{exception_id}/acknowledge", responses=documented(403, 404, 409))
def acknowledge_exception(
    caller: WorkerDep,
    gw: GatewayDep,
    exception_id: PathText,
    body: Annotated[AcknowledgeIn | None, Body()] = None,
) -> ExceptionDetail:
    """Someone has it in hand: ``acknowledged``, with who and when (again: no change)."""
    queue = ExceptionQueue(gw.unit_of_work, gw.clock)
    queue.acknowledge(exception_id, caller.name, (body or AcknowledgeIn()).note)
    return get_exception(caller, gw, exception_id)


@router.post("/{exception_id}/assign", responses=documented(403, 404, 409))
def assign_exception(
    caller: WorkerDep, gw: GatewayDep, exception_id: PathText, body: AssignIn
) -> ExceptionDetail:
    """Give it to a person, and to another team (``owner``) when it is theirs."""
    queue = ExceptionQueue(gw.unit_of_work, gw.clock)
    queue.assign(exception_id, body.assignee, caller.name, owner=body.owner, note=body.note)
    return get_exception(caller, gw, exception_id)


@router.post("/{exception_id}/resolve", responses=documented(403, 404, 409))
def resolve_exception(
    caller: WorkerDep, gw: GatewayDep, exception_id: PathText, body: ResolveIn
) -> ResolveOut:
    """Settle it. ``accept``: the discrepancy stands and the held document goes on (an
    invoice then approved for payment, the accepted exception named); ``rematch``: match
    again (still found, it reopens); ``reject``: the held document is refused."""
    record, synced = gw.pipeline.workflow.resolve(
        exception_id, Resolution(body.action), caller.name, body.note
    )
    if gw.delivery.configured:
        for transaction_id in synced.released:
            gw.pipeline.dispatcher.deliver(transaction_id)
    with gw.unit_of_work() as uow:
        history = uow.exceptions.history(exception_id)
    detail = ExceptionDetail.with_history(record, history, gw.clock.now())
    return ResolveOut(**detail.model_dump(), released=synced.released, held=synced.held)
