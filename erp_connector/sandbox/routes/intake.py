"""Document intake and lookup: what the gateway's ERP/WMS connector talks to.

Mounted once per face (``/erp``, ``/wms``) and once without a prefix for the default
system. Both intake routes answer alike: 201 with the new record's id, or 200 with
the id first stored under the same ``Idempotency-Key`` and ``duplicate: true``. The
batch route answers the same per document, for up to 1000 in one call and one commit:
the bulk API that STYLE.md's measurements ("Choices already measured") count on where
an ERP offers one, and the way past 500 documents a second on two cores.

The intake routes are ``async def`` around one threadpool call that reads the fault
switch and, when no fault is set, checks and stores the document. A plain ``def`` route
with a fault dependency costs three thread hops per request (the dependency, the route,
and the response validation FastAPI runs in the threadpool for sync routes); one hop
took a millisecond off each intake call on the benchmark machine, a fifth of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Body, HTTPException, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from erp_connector.sandbox.deps import KeyDep, Sandbox, SandboxDep, SystemDep, suffer_faults
from erp_connector.sandbox.documents import KINDS, DocumentRefused, check_document
from erp_connector.sandbox.faults import Faults
from erp_connector.sandbox.idoc import IdocRefused, parse_idoc
from erp_connector.sandbox.records import Intake, NewRecord
from erp_connector.sandbox.schemas import (
    BatchIn,
    BatchItemOut,
    BatchOut,
    ErrorOut,
    IntakeOut,
    RecordListOut,
    RecordOut,
    StatsOut,
)

router = APIRouter(tags=["intake"])

_REFUSALS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (400, 404, 415, 422, 429, 500, 503, 504)
}
_XML_TYPES = ("application/xml", "text/xml")
_IDOC_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/xml": {"schema": {"type": "string"}}},
    }
}
T = TypeVar("T")


@router.post("/documents/{kind}", status_code=201, responses=_REFUSALS)
async def post_document(
    kind: str,
    document: Annotated[dict[str, Any], Body(description="A canonical document (contract v1)")],
    key: KeyDep,
    system: SystemDep,
    sandbox: SandboxDep,
    response: Response,
) -> IntakeOut:
    """Store a JSON document, once per key.

    ``kind`` is a canonical kind or ``expected_receipt`` (the WMS's flat shape).
    """

    def store() -> Intake:
        try:
            checked = check_document(kind, document)
        except DocumentRefused as exc:
            raise HTTPException(422, str(exc)) from None
        new = NewRecord(system, kind, key, checked.business_number, checked.partner_id, document)
        return sandbox.records.add(new)

    return _answer(await _faulted(sandbox, store), response)


@router.post(
    "/idoc",
    status_code=201,
    responses=_REFUSALS,
    openapi_extra=_IDOC_BODY,
)
async def post_idoc(
    request: Request, key: KeyDep, system: SystemDep, sandbox: SandboxDep, response: Response
) -> IntakeOut:
    """Store an IDoc (ORDERS05, DESADV01, INVOIC02) posted as XML, once per key."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in _XML_TYPES:
        raise HTTPException(415, "an IDoc is posted as Content-Type: application/xml")
    data = await request.body()

    def store() -> Intake:
        try:
            idoc = parse_idoc(data)
        except IdocRefused as exc:
            raise HTTPException(422, str(exc)) from None
        new = NewRecord(system, idoc.kind, key, idoc.business_number, idoc.partner_id, idoc.body)
        return sandbox.records.add(new)

    return _answer(await _faulted(sandbox, store), response)


@router.post("/documents", responses=_REFUSALS)
async def post_documents(batch: BatchIn, system: SystemDep, sandbox: SandboxDep) -> BatchOut:
    """Store up to 1000 JSON documents in one call and one transaction.

    Each document answers as it would alone: 201, 200 (duplicate, same id) or 422 (not
    stored; the others still are). Faults apply to the call as a whole.
    """

    def store() -> BatchOut:
        results: list[BatchItemOut | None] = []
        batched: list[NewRecord] = []
        for item in batch.documents:
            try:
                checked = check_document(item.kind, item.document)
            except DocumentRefused as exc:
                results.append(BatchItemOut(status=422, error=str(exc)))
                continue
            results.append(None)  # answered by the store, in order
            number, partner = checked.business_number, checked.partner_id
            key, document = item.idempotency_key, item.document
            batched.append(NewRecord(system, item.kind, key, number, partner, document))
        stored = iter(sandbox.records.add_many(system, batched))
        return BatchOut(results=[result or _item(next(stored)) for result in results])

    return await _faulted(sandbox, store)


def _item(intake: Intake) -> BatchItemOut:
    status = 200 if intake.duplicate else 201
    return BatchItemOut(status=status, id=intake.id, duplicate=intake.duplicate)


async def _faulted(sandbox: Sandbox, store: Callable[[], T]) -> T:
    """Faults first (a failing system does not look at the document), then ``store``:
    one thread hop when the switch is quiet, as it is for all but fault tests."""
    outcome = await run_in_threadpool(_store_unless_faulted, sandbox, store)
    if not isinstance(outcome, Faults):
        return outcome
    await suffer_faults(sandbox, outcome)
    return await run_in_threadpool(store)


def _store_unless_faulted(sandbox: Sandbox, store: Callable[[], T]) -> T | Faults:
    faults = sandbox.faults.for_call()
    return faults if faults.active else store()


def _answer(intake: Intake, response: Response) -> IntakeOut:
    if intake.duplicate:
        response.status_code = 200
    return IntakeOut(id=intake.id, duplicate=intake.duplicate)


@router.get("/documents/{kind}/{record_id}", responses={404: {"model": ErrorOut}})
def get_document(kind: str, record_id: str, system: SystemDep, sandbox: SandboxDep) -> RecordOut:
    """One record, as stored."""
    record = sandbox.records.get(system, kind, record_id)
    if record is None:
        raise HTTPException(404, f"no {kind} {record_id} in {system}")
    return RecordOut.of(record)


@router.get("/records")
def list_records(
    system: SystemDep,
    sandbox: SandboxDep,
    kind: Annotated[str | None, Query(description=f"One of {', '.join(KINDS)}")] = None,
    business_number: Annotated[str | None, Query(description="PO/ASN/invoice…")] = None,
    partner_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> RecordListOut:
    """Records matching every filter given, newest first."""
    found = sandbox.records.find(
        system, kind=kind, business_number=business_number, partner_id=partner_id, limit=limit
    )
    return RecordListOut(records=[RecordOut.of(record) for record in found])


@router.get("/stats")
def stats(system: SystemDep, sandbox: SandboxDep) -> StatsOut:
    """How many records of each kind the system holds: what a benchmark counts."""
    kinds, last = sandbox.records.counts(system)
    return StatsOut(system=system, total=sum(kinds.values()), kinds=kinds, last_sequence=last)
