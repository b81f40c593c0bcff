"""Exceptions: a disagreement between supplier, warehouse and ERP data that a person
must settle (SPEC §5), with an owner role, a state and an append-only audit trail.

An exception is found by a matching rule (``findings.Finding``) and keyed by a
*fingerprint* (partner, rule, subject, discrepancy, line): the same discrepancy found
again — a task run twice, a match re-run when a counterpart arrives — is the same
exception, never a second one. The moves here are pure: they change the record and
return the audit entry the store appends.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from gateway.domain.workflow.errors import ExceptionStateConflict

GATEWAY_ACTOR = "gateway"  # who acts when no person does (opened, cleared, reopened)


class Owner(StrEnum):
    """The team whose task an exception is."""

    PROCUREMENT = "procurement"  # buyers: confirmations, prices, quantities ordered
    WAREHOUSE = "warehouse"  # receiving: shortages, overages, damage, wrong items
    FINANCE = "finance"  # accounts payable: invoices that do not match
    B2B = "b2b"  # the EDI team: documents the gateway cannot place (unknown PO)


class ExceptionState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"  # someone has it in hand
    RESOLVED = "resolved"


class Resolution(StrEnum):
    """How an exception was settled, which decides what happens to its document."""

    ACCEPT = "accept"  # accepted as it is: the held document goes on; found again, it stays waived
    REMATCH = "rematch"  # put right elsewhere: match again; still found, it opens again
    REJECT = "reject"  # the document is refused: a held one never reaches the systems of record
    CLEARED = "cleared"  # the gateway no longer found it when it matched again (no person)


class AuditAction(StrEnum):
    OPENED = "opened"
    SEEN_AGAIN = "seen_again"  # found again with other figures (the explanation changed)
    ASSIGNED = "assigned"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    REOPENED = "reopened"


@dataclass(frozen=True, slots=True)
class DocumentLink:
    """A document an exception concerns: what a person opens to settle it."""

    kind: str  # purchase_order, po_acknowledgement, ship_notice, receipt, invoice
    number: str | None  # its PO, ASN, receipt or invoice number
    transaction_id: str | None = None
    message_id: str | None = None


@dataclass(slots=True)
class ExceptionRecord:
    id: str
    fingerprint: str
    rule: str  # the matching rule that found it (findings.Rule)
    kind: str  # the discrepancy (findings.Discrepancy)
    owner: Owner
    state: ExceptionState
    explanation: str  # in a buyer's words
    opened_at: datetime
    updated_at: datetime
    partner_id: str | None = None
    po_number: str | None = None
    subject: str = ""  # what the rule matched: the PO, ASN or invoice number
    transaction_id: str | None = None  # the document it was found on (held, if ``hold``)
    hold: bool = False  # the document waits until this is settled
    line: str | None = None
    details: dict[str, str] = field(default_factory=dict)
    links: list[DocumentLink] = field(default_factory=list)
    assignee: str | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution: Resolution | None = None
    resolution_note: str | None = None

    @property
    def unresolved(self) -> bool:
        return self.state is not ExceptionState.RESOLVED

    @property
    def waived(self) -> bool:
        """Settled for good: accepted as it is, or its document refused (one already
        delivered, a receipt, stays as it is). Found again, it no longer counts."""
        return self.resolution in (Resolution.ACCEPT, Resolution.REJECT)

    def age(self, now: datetime) -> timedelta:
        return now - self.opened_at


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of an exception's history; never changed once written."""

    exception_id: str
    at: datetime
    actor: str
    action: AuditAction
    from_state: ExceptionState | None
    to_state: ExceptionState
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ExceptionQuery:
    """Filters of the exception queue; ``partner_id`` also scopes a partner's key."""

    owner: Owner | None = None
    states: tuple[ExceptionState, ...] = ()
    partner_id: str | None = None
    po_number: str | None = None
    kind: str | None = None
    assignee: str | None = None
    transaction_id: str | None = None
    opened_before: datetime | None = None  # older than an age
    opened_after: datetime | None = None  # younger than an age
    limit: int = 100
    offset: int = 0


def fingerprint(
    partner_id: str | None, rule: str, subject: str, kind: str, line: str | None
) -> str:
    """The identity of a discrepancy: what makes "found twice" one exception."""
    material = "\x1f".join((partner_id or "", rule, subject, kind, line or ""))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def acknowledge(
    record: ExceptionRecord, actor: str, at: datetime, note: str | None = None
) -> AuditEntry | None:
    """Someone has it in hand. Acknowledging it again changes nothing (None).

    Raises:
        ExceptionStateConflict: it is resolved already.
    """
    if record.state is ExceptionState.RESOLVED:
        raise ExceptionStateConflict(f"exception {record.id} is resolved; nothing to acknowledge")
    if record.state is ExceptionState.ACKNOWLEDGED:
        return None
    record.acknowledged_at, record.acknowledged_by = at, actor
    return _move(record, ExceptionState.ACKNOWLEDGED, AuditAction.ACKNOWLEDGED, actor, at, note)


def assign(
    record: ExceptionRecord,
    assignee: str,
    actor: str,
    at: datetime,
    *,
    owner: Owner | None = None,
    note: str | None = None,
) -> AuditEntry:
    """Give it to a person (and to another team when ``owner`` is given).

    Raises:
        ExceptionStateConflict: it is resolved already.
    """
    if record.state is ExceptionState.RESOLVED:
        raise ExceptionStateConflict(f"exception {record.id} is resolved; reopen it by matching")
    moved = f"{record.owner} → {owner}; " if owner is not None and owner != record.owner else ""
    record.assignee = assignee
    if owner is not None:
        record.owner = owner
    text = f"{moved}to {assignee}" + (f": {note}" if note else "")
    return _move(record, record.state, AuditAction.ASSIGNED, actor, at, text)


def resolve(
    record: ExceptionRecord, resolution: Resolution, actor: str, at: datetime, note: str
) -> AuditEntry:
    """Settle it; ``resolution`` says what becomes of its document.

    Raises:
        ExceptionStateConflict: it is resolved already.
    """
    if record.state is ExceptionState.RESOLVED:
        raise ExceptionStateConflict(f"exception {record.id} is resolved already")
    record.resolved_at, record.resolved_by = at, actor
    record.resolution, record.resolution_note = resolution, note
    return _move(
        record, ExceptionState.RESOLVED, AuditAction.RESOLVED, actor, at, f"{resolution}: {note}"
    )


def reopen(record: ExceptionRecord, at: datetime, why: str) -> AuditEntry:
    """The gateway found a resolved discrepancy again (it was not accepted as it is)."""
    record.resolved_at = record.resolved_by = record.resolution = None
    record.resolution_note = None
    return _move(record, ExceptionState.OPEN, AuditAction.REOPENED, GATEWAY_ACTOR, at, why)


def seen_again(record: ExceptionRecord, explanation: str, at: datetime) -> AuditEntry:
    """Found again with other figures: the explanation says what holds now."""
    record.explanation = explanation
    return _move(record, record.state, AuditAction.SEEN_AGAIN, GATEWAY_ACTOR, at, explanation)


def opened(record: ExceptionRecord) -> AuditEntry:
    return AuditEntry(
        record.id,
        record.opened_at,
        GATEWAY_ACTOR,
        AuditAction.OPENED,
        None,
        record.state,
        record.explanation,
    )


def _move(
    record: ExceptionRecord,
    target: ExceptionState,
    action: AuditAction,
    actor: str,
    at: datetime,
    note: str | None,
) -> AuditEntry:
    source = record.state
    record.state, record.updated_at = target, at
    return AuditEntry(record.id, at, actor, action, source, target, note)
