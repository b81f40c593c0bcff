"""The exception queue (acknowledge, assign, resolve) and a PO's timeline, over the
workflow services of issue 9 (``ExceptionQueue``, ``Workflow.resolve``, ``Monitoring``)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from gateway.console.deps import FormDep, GatewayDep, OperatorDep, Refused, ViewerDep
from gateway.console.web import PREFIX, page
from gateway.domain.workflow.errors import ExceptionNotFound, ExceptionStateConflict
from gateway.domain.workflow.exceptions import (
    ExceptionQuery,
    ExceptionState,
    Owner,
    Resolution,
)
from gateway.services.exception_queue import ExceptionQueue
from gateway.services.monitoring import Monitoring

router = APIRouter()

UNRESOLVED = (ExceptionState.OPEN, ExceptionState.ACKNOWLEDGED)


@router.get("/exceptions", response_class=HTMLResponse)
def queue(request: Request, viewer: ViewerDep, gw: GatewayDep) -> Response:
    params = request.query_params
    owner = params.get("owner") or None
    state = params.get("state") or "unresolved"
    if owner is not None and owner not in set(Owner):
        raise Refused(422, f"owner {owner!r} is not one of {', '.join(Owner)}")
    if state != "unresolved" and state not in set(ExceptionState):
        raise Refused(422, f"state {state!r} is not one of {', '.join(ExceptionState)}")
    query = ExceptionQuery(
        owner=Owner(owner) if owner else None,
        states=UNRESOLVED if state == "unresolved" else (ExceptionState(state),),
        partner_id=viewer.partner_scope,
        po_number=params.get("po") or None,
        limit=100,
    )
    found, total = ExceptionQueue(gw.unit_of_work, gw.clock).find(query)
    return page(
        request,
        "exceptions.html",
        viewer,
        found=found,
        total=total,
        owners=list(Owner),
        states=["unresolved", *ExceptionState],
        owner=owner or "",
        state=state,
        po=params.get("po") or "",
    )


@router.get("/exceptions/{exception_id}", response_class=HTMLResponse)
def exception_page(
    request: Request, exception_id: str, viewer: ViewerDep, gw: GatewayDep
) -> Response:
    try:
        record, history = ExceptionQueue(gw.unit_of_work, gw.clock).get(
            exception_id, partner_id=viewer.partner_scope
        )
    except ExceptionNotFound as error:
        raise Refused(404, f"no exception {exception_id}") from error
    return page(
        request,
        "exception.html",
        viewer,
        record=record,
        history=history,
        owners=list(Owner),
        resolutions=[r for r in Resolution if r is not Resolution.CLEARED],
        may_work=viewer.key.may_replay,
        done=request.query_params.get("done"),
    )


@router.post("/exceptions/{exception_id}/{action}")
def work(
    exception_id: str, action: str, viewer: OperatorDep, gw: GatewayDep, form: FormDep
) -> Response:
    """Acknowledge, assign or resolve; resolving hands released documents to delivery,
    as ``POST /api/v1/exceptions/{id}/resolve`` does."""
    queue = ExceptionQueue(gw.unit_of_work, gw.clock)
    note = form.get("note", "").strip() or None
    actor = viewer.key.name
    try:
        if action == "acknowledge":
            queue.acknowledge(exception_id, actor, note)
        elif action == "assign":
            assignee = form.get("assignee", "").strip()
            if not assignee:
                raise Refused(422, "name the person to assign it to")
            owner = form.get("owner") or None
            if owner is not None and owner not in set(Owner):
                raise Refused(422, f"owner {owner!r} is not one of {', '.join(Owner)}")
            queue.assign(
                exception_id, assignee, actor, owner=Owner(owner) if owner else None, note=note
            )
        elif action == "resolve":
            choice = form.get("resolution", "")
            if choice not in {r.value for r in Resolution} or choice == Resolution.CLEARED:
                raise Refused(422, "choose accept, rematch or reject")
            _, synced = gw.pipeline.workflow.resolve(
                exception_id, Resolution(choice), actor, note or "resolved in the console"
            )
            if gw.delivery.configured:
                for transaction_id in synced.released:
                    gw.pipeline.dispatcher.deliver(transaction_id)
        else:
            raise Refused(404, f"no action {action}")
    except ExceptionNotFound as error:
        raise Refused(404, f"no exception {exception_id}") from error
    except ExceptionStateConflict as error:
        raise Refused(409, error.message) from error
    target = f"{PREFIX}/exceptions/{exception_id}?done={action}"
    return RedirectResponse(target, status_code=303)


@router.get("/timeline", response_class=HTMLResponse)
def timeline(request: Request, viewer: ViewerDep, gw: GatewayDep) -> Response:
    """A PO's documents and events in time order (``?po=``)."""
    po = (request.query_params.get("po") or "").strip()
    found = None
    if po:
        found = Monitoring(gw.unit_of_work, gw.clock).timeline(po, partner_id=viewer.partner_scope)
    return page(request, "timeline.html", viewer, po=po, timeline=found)
