"""A PO's story across EDI, the ERP and the WMS, in time order (SPEC §6, business activity
monitoring): PO sent → 997 → 855 → 856 → receipt → 810 → matched, with each document's
states, deliveries and exceptions.

Built from what the store recorded (transitions, deliveries, match results, the
exceptions' audit trails). Events at the same instant keep the business order above, so
a timeline reads the same on a fast machine as on a slow one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from gateway.domain.tracking import Direction, State, TransactionRecord, Transition
from gateway.domain.workflow.exceptions import AuditEntry, ExceptionRecord
from gateway.domain.workflow.matches import MatchState, MatchStatus


@dataclass(frozen=True, slots=True)
class Delivered:
    """A system of record took a document."""

    transaction_id: str
    system: str
    external_id: str | None
    delivered_at: datetime


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    event: str  # po_sent, functional_ack, po_acknowledgement, ship_notice, receipt, …
    source: str  # edi | erp | wms | gateway
    title: str  # in words
    kind: str | None = None
    number: str | None = None
    state: str | None = None  # the document's state now
    transaction_id: str | None = None
    message_id: str | None = None
    exception_id: str | None = None


# The business order of documents, for events at the same instant.
_STAGE = {
    "purchase_order": 0,
    "po_acknowledgement": 2,
    "ship_notice": 3,
    "receipt": 4,
    "inventory_adjustment": 4,
    "invoice": 5,
}
_NAMES = {
    "purchase_order": "PO",
    "po_acknowledgement": "PO acknowledgement",
    "ship_notice": "ASN",
    "receipt": "receipt",
    "invoice": "invoice",
    "inventory_adjustment": "inventory adjustment",
}
_MATCHED = {
    MatchStatus.MATCHED: "matched",
    MatchStatus.APPROVED: "matched: approved for payment",
    MatchStatus.EXCEPTIONS: "matched with exceptions",
    MatchStatus.HELD: "held",
    MatchStatus.WAITING: "waiting",
    MatchStatus.REJECTED: "rejected",
}


def build_timeline(
    documents: Sequence[TransactionRecord],
    transitions: Mapping[str, Sequence[Transition]],
    deliveries: Sequence[Delivered],
    matches: Mapping[str, MatchState],
    exceptions: Sequence[ExceptionRecord],
    audit: Sequence[AuditEntry],
) -> list[TimelineEntry]:
    keyed: list[tuple[tuple[datetime, int, int, int, int], TimelineEntry]] = []
    order = {d.id: n for n, d in enumerate(sorted(documents, key=lambda d: d.created_at))}

    def add(entry: TimelineEntry, stage: int, step: int) -> None:
        doc = order.get(entry.transaction_id or "", len(order))
        keyed.append(((entry.at, stage, doc, step, len(keyed)), entry))

    for document in documents:
        stage = _STAGE.get(document.kind or "", 1)
        for entry, step in _document_events(document, transitions.get(document.id, ())):
            add(entry, stage, step)
        match = matches.get(document.id)
        if match is not None:
            add(
                _entry(
                    document,
                    match.checked_at,
                    f"match_{match.status.value}",
                    "gateway",
                    f"{_MATCHED[match.status]}: {match.summary}",
                ),
                stage,
                4,
            )
    by_document = {d.id: d for d in documents}
    for delivery in deliveries:
        taken = by_document.get(delivery.transaction_id)
        if taken is not None:
            title = f"taken by the {delivery.system.upper()}" + (
                f" as {delivery.external_id}" if delivery.external_id else ""
            )
            add(
                _entry(taken, delivery.delivered_at, "delivered", delivery.system, title),
                _STAGE.get(taken.kind or "", 1),
                8,
            )
    by_id = {e.id: e for e in exceptions}
    for line in audit:
        found = by_id.get(line.exception_id)
        if found is None:
            continue
        title = f"{found.owner} exception {line.action}: " + (
            found.explanation if line.action == "opened" else (line.note or found.explanation)
        )
        entry = TimelineEntry(
            at=line.at,
            event=f"exception_{line.action}",
            source="gateway",
            title=title,
            kind=found.kind,
            number=found.subject,
            state=found.state.value,
            transaction_id=found.transaction_id,
            exception_id=found.id,
        )
        about = by_document.get(found.transaction_id or "")
        add(entry, _STAGE.get(about.kind or "", 1) if about else 6, 5)
    return [entry for _, entry in sorted(keyed, key=lambda pair: pair[0])]


def _document_events(
    document: TransactionRecord, history: Sequence[Transition]
) -> list[tuple[TimelineEntry, int]]:
    """What a document's own history says: arrival, sending, acks, holds, failures."""
    name = _NAMES.get(document.kind or "", document.transaction_set)
    number = document.business_number or ""
    events: list[tuple[TimelineEntry, int]] = []
    outbound = document.direction is Direction.OUTBOUND
    wms = document.kind in ("receipt", "inventory_adjustment")
    for index, move in enumerate(history):
        if index > 0:
            found = _move_event(document, move, name, number)
            if found is not None:
                events.append(found)
        elif outbound:
            title = f"{name} {number} from the ERP, written as {document.transaction_set}"
            events.append((_entry(document, move.at, f"{document.kind}_issued", "erp", title), 0))
        else:
            via = (
                "booked by the warehouse"
                if wms
                else (f"received as {document.transaction_set} #{document.set_control_number}")
            )
            title = f"{name} {number} {via}"
            source = "wms" if wms else "edi"
            events.append(
                (_entry(document, move.at, document.kind or "document", source, title), 0)
            )
    return events


def _move_event(
    document: TransactionRecord, move: Transition, name: str, number: str
) -> tuple[TimelineEntry, int] | None:
    why = f": {move.reason}" if move.reason else ""
    target = move.to_state
    if target is State.SENT:
        return _entry(document, move.at, "po_sent", "edi", f"{name} {number} sent{why}"), 1
    if target is State.ACKNOWLEDGED and document.direction is Direction.OUTBOUND:
        title = f"functional acknowledgement for {name} {number}{why}"
        return _entry(document, move.at, "functional_ack", "edi", title), 2
    if target is State.OVERDUE:
        return _entry(document, move.at, "ack_overdue", "edi", f"{name} {number}{why}"), 2
    if target is State.HELD:
        return _entry(document, move.at, "held", "gateway", f"{name} {number} held{why}"), 6
    if target is State.MAPPED and move.from_state is State.HELD:
        title = f"{name} {number} released{why}"
        return _entry(document, move.at, "released", "gateway", title), 7
    if target in (State.REJECTED, State.DEAD_LETTERED, State.FAILED):
        title = f"{name} {number} {target.value.replace('_', '-')}{why}"
        return _entry(document, move.at, target.value, "gateway", title), 9
    return None


def _entry(
    document: TransactionRecord, at: datetime, event: str, source: str, title: str
) -> TimelineEntry:
    return TimelineEntry(
        at=at,
        event=event,
        source=source,
        title=title,
        kind=document.kind,
        number=document.business_number,
        state=document.state.value,
        transaction_id=document.id,
        message_id=document.message_id,
    )
