"""Request and response bodies of the workflow API: exceptions, WMS events, a PO's
timeline and the KPIs (SPEC §5, §6). Built from the domain's records by ``of``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gateway.api.params import Hours, Instant, Note, Offset, Text
from gateway.domain.tracking import Direction, State, TransactionRecord
from gateway.domain.workflow.exceptions import (
    AuditEntry,
    ExceptionRecord,
    ExceptionState,
    Owner,
    Resolution,
)
from gateway.domain.workflow.kpis import AckLatency
from gateway.domain.workflow.matches import MatchState
from gateway.services.monitoring import Kpis, OrderTimeline

_IN = ConfigDict(extra="forbid")


class DocumentLinkOut(BaseModel):
    kind: str
    number: str | None
    transaction_id: str | None
    message_id: str | None


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    action: str
    from_state: ExceptionState | None
    to_state: ExceptionState
    note: str | None


class ExceptionOut(BaseModel):
    id: str
    kind: str = Field(description="The discrepancy: invoice_price, receipt_shortage…")
    rule: str = Field(description="po_ack, ship_notice, receipt or invoice")
    owner: Owner
    state: ExceptionState
    explanation: str = Field(description="What is wrong, in a buyer's words")
    partner_id: str | None
    po_number: str | None
    subject: str = Field(description="The PO, ASN, receipt or invoice number matched")
    line: str | None
    hold: bool = Field(description="Its document waits until this is settled")
    transaction_id: str | None = Field(description="The document it was found on")
    details: dict[str, str]
    links: list[DocumentLinkOut]
    assignee: str | None
    opened_at: datetime
    updated_at: datetime
    age_seconds: float
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: Resolution | None
    resolution_note: str | None

    @classmethod
    def of(cls, record: ExceptionRecord, now: datetime) -> ExceptionOut:
        end = record.resolved_at or now
        return cls(
            id=record.id,
            kind=record.kind,
            rule=record.rule,
            owner=record.owner,
            state=record.state,
            explanation=record.explanation,
            partner_id=record.partner_id,
            po_number=record.po_number,
            subject=record.subject,
            line=record.line,
            hold=record.hold,
            transaction_id=record.transaction_id,
            details=record.details,
            links=[
                DocumentLinkOut(
                    kind=link.kind,
                    number=link.number,
                    transaction_id=link.transaction_id,
                    message_id=link.message_id,
                )
                for link in record.links
            ],
            assignee=record.assignee,
            opened_at=record.opened_at,
            updated_at=record.updated_at,
            age_seconds=max(0.0, (end - record.opened_at).total_seconds()),
            acknowledged_at=record.acknowledged_at,
            acknowledged_by=record.acknowledged_by,
            resolved_at=record.resolved_at,
            resolved_by=record.resolved_by,
            resolution=record.resolution,
            resolution_note=record.resolution_note,
        )


class ExceptionDetail(ExceptionOut):
    history: list[AuditEntryOut] = Field(description="The audit trail, oldest first")

    @classmethod
    def with_history(
        cls, record: ExceptionRecord, history: list[AuditEntry], now: datetime
    ) -> ExceptionDetail:
        entries = [AuditEntryOut.model_validate(entry) for entry in history]
        return cls(**ExceptionOut.of(record, now).model_dump(), history=entries)


class ExceptionList(BaseModel):
    items: list[ExceptionOut]
    total: int
    limit: int
    offset: int


class ExceptionFilters(BaseModel):
    """Filters of the exception queue; a partner's key sees its own exceptions only."""

    model_config = _IN

    owner: Owner | None = None
    state: ExceptionState | None = None
    unresolved: bool = Field(default=False, description="Open and acknowledged ones")
    partner_id: Text | None = Field(default=None, description="Ignored for a partner's key")
    po_number: Text | None = None
    kind: Text | None = None
    assignee: Text | None = None
    min_age_hours: Hours | None = Field(default=None, description="Opened at least…")
    max_age_hours: Hours | None = Field(default=None, description="…and at most this ago")
    limit: int = Field(default=100, ge=1, le=500)
    offset: Offset = 0


class AcknowledgeIn(BaseModel):
    model_config = _IN

    note: Note | None = None


class AssignIn(BaseModel):
    model_config = _IN

    assignee: Text = Field(min_length=1, max_length=200, description="A person or team")
    owner: Owner | None = Field(default=None, description="Move it to another team")
    note: Note | None = None


class ResolveIn(BaseModel):
    model_config = _IN

    action: Literal["accept", "rematch", "reject"] = Field(
        description="accept: the discrepancy stands and its document goes on; rematch: it "
        "was put right elsewhere, match again (found again, it reopens); reject: its held "
        "document is refused and never reaches the systems of record"
    )
    note: Note = Field(min_length=1, description="Why, for the audit trail")


class ResolveOut(ExceptionDetail):
    released: list[str] = Field(description="Documents handed on to delivery as a result")
    held: list[str] = Field(description="Documents still held after matching again")


class MatchOut(BaseModel):
    rule: str
    subject: str
    status: str = Field(description="matched, approved, exceptions, held, waiting, rejected")
    summary: str
    waiting_on: str | None
    checked_at: datetime

    @classmethod
    def of(cls, state: MatchState | None) -> MatchOut | None:
        if state is None:
            return None
        return cls(
            rule=state.rule,
            subject=state.subject,
            status=state.status.value,
            summary=state.summary,
            waiting_on=state.waiting_on,
            checked_at=state.checked_at,
        )


class WmsEventOut(BaseModel):
    message_id: str
    transaction_id: str
    kind: str
    business_number: str | None
    po_number: str | None
    partner_id: str | None
    state: State
    duplicate: bool = Field(description="The same event was taken before; nothing changed")
    match: MatchOut | None
    released: list[str]


class TimelineEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    event: str
    source: str = Field(description="edi, erp, wms or gateway")
    title: str
    kind: str | None
    number: str | None
    state: str | None
    transaction_id: str | None
    message_id: str | None
    exception_id: str | None


class TimelineDocumentOut(BaseModel):
    transaction_id: str
    message_id: str
    direction: Direction
    kind: str | None
    number: str | None
    transaction_set: str
    state: State
    created_at: datetime
    erp_document_id: str | None
    match: MatchOut | None

    @classmethod
    def of(cls, record: TransactionRecord, match: MatchState | None) -> TimelineDocumentOut:
        return cls(
            transaction_id=record.id,
            message_id=record.message_id,
            direction=record.direction,
            kind=record.kind,
            number=record.business_number,
            transaction_set=record.transaction_set,
            state=record.state,
            created_at=record.created_at,
            erp_document_id=record.erp_document_id,
            match=MatchOut.of(match),
        )


class TimelineOut(BaseModel):
    po_number: str
    documents: list[TimelineDocumentOut]
    exceptions: list[ExceptionOut]
    entries: list[TimelineEntryOut]

    @classmethod
    def of(cls, timeline: OrderTimeline, now: datetime) -> TimelineOut:
        return cls(
            po_number=timeline.po_number,
            documents=[
                TimelineDocumentOut.of(d, timeline.matches.get(d.id)) for d in timeline.documents
            ],
            exceptions=[ExceptionOut.of(e, now) for e in timeline.exceptions],
            entries=[TimelineEntryOut.model_validate(e) for e in timeline.entries],
        )


class LatencyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    count: int
    average_seconds: float | None
    p50_seconds: float | None
    p95_seconds: float | None
    max_seconds: float | None


class SyncLatencyOut(LatencyOut):
    by_kind: dict[str, LatencyOut]


class AckLatencyOut(LatencyOut):
    awaiting: int = Field(description="Sent, no functional ack yet (overdue included)")
    overdue: int
    rejected: int

    @classmethod
    def of(cls, acks: AckLatency) -> AckLatencyOut:
        base = LatencyOut.model_validate(acks.latency).model_dump()
        return cls(**base, awaiting=acks.awaiting, overdue=acks.overdue, rejected=acks.rejected)


class FailureRateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    events: int = Field(description="Documents of the window: EDI both ways, WMS events")
    failed: int = Field(description="Of which failed, rejected or dead-lettered")
    rate: float | None
    by_state: dict[str, int]


class BacklogOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    total: int = Field(description="Open and acknowledged exceptions, now")
    by_owner: dict[str, dict[str, int]] = Field(
        description="owner → age bucket (under_1h, 1h_to_1d, 1d_to_7d, over_7d) → count"
    )


class DailyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    partner_id: str | None
    day: date
    inbound: int
    outbound: int


class OnTimeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    partner_id: str
    orders: int
    on_time: int
    late: int
    unconfirmed_overdue: int
    pending: int = Field(description="Not confirmed yet, still within the window")
    rate: float | None = Field(description="on_time / (on_time + late + unconfirmed_overdue)")


class KpisOut(BaseModel):
    since: datetime
    until: datetime
    partner_id: str | None
    sync_latency: SyncLatencyOut = Field(description="Received at the gateway → taken by the ERP")
    ack_latency: AckLatencyOut = Field(description="Our set sent → the partner's 997/CONTRL")
    event_failure_rate: FailureRateOut
    reconciliation_backlog: BacklogOut
    documents_per_partner_per_day: list[DailyOut]
    supplier_on_time_confirmation: list[OnTimeOut]

    @classmethod
    def of(cls, found: Kpis) -> KpisOut:
        sync = LatencyOut.model_validate(found.sync_latency).model_dump()
        by_kind = {k: LatencyOut.model_validate(v) for k, v in found.sync_latency_by_kind.items()}
        return cls(
            since=found.since,
            until=found.until,
            partner_id=found.partner_id,
            sync_latency=SyncLatencyOut(**sync, by_kind=by_kind),
            ack_latency=AckLatencyOut.of(found.ack_latency),
            event_failure_rate=FailureRateOut.model_validate(found.failure_rate),
            reconciliation_backlog=BacklogOut.model_validate(found.backlog),
            documents_per_partner_per_day=[
                DailyOut.model_validate(d) for d in found.documents_per_day
            ],
            supplier_on_time_confirmation=[
                OnTimeOut.model_validate(c) for c in found.confirmations
            ],
        )


class KpiFilters(BaseModel):
    model_config = _IN

    since: Instant | None = Field(default=None, description="Inclusive; default 7 days ago")
    until: Instant | None = Field(default=None, description="Exclusive; default now")
    partner_id: Text | None = Field(default=None, description="Ignored for a partner's key")
