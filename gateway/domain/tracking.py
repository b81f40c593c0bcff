"""Where every message and transaction set stands (SPEC §1 invariant 4).

A *message* is what a transport carried (one file, one AS2 body, one API
upload); a *transaction* is one set or message inside it. Both move through the
same states, and every move is recorded with its time and reason, so a document
can be traced from the transport's message id to the ERP's document id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class Transport(StrEnum):
    AS2 = "as2"
    SFTP = "sftp"
    API = "api"
    HTTP = "http"  # outbound: POSTed to the partner's own endpoint
    FILE = "file"  # the command line and the demo: a file handed over locally


class State(StrEnum):
    RECEIVED = "received"
    PARSED = "parsed"
    VALIDATED = "validated"
    ACKNOWLEDGED = "acknowledged"
    MAPPED = "mapped"
    DELIVERED = "delivered"
    # Mapped, and kept from the systems of record until a workflow exception is settled
    # (SPEC §5: a document never overwrites data its source does not own).
    HELD = "held"
    # Outbound only: built and waiting for its transport, then sent, then acknowledged.
    QUEUED = "queued"
    SENT = "sent"
    OVERDUE = "overdue"  # sent, and the partner's ack is later than its profile allows
    FAILED = "failed"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    DEAD_LETTERED = "dead_lettered"


FINAL = frozenset({State.DELIVERED, State.REJECTED, State.DUPLICATE})
# An outbound document is acknowledged (accepted, with or without errors) or rejected
# by the partner's 997/999/CONTRL; both may come late (after ``overdue``).

# The forward path; any state may also fall to FAILED, REJECTED or DEAD_LETTERED,
# and a failed, rejected or dead-lettered message may start again (replay) from
# RECEIVED, e.g. once the missing partner profile exists.
# A duplicate stays a duplicate: the acknowledgement sent for it is its own outbound message.
_FORWARD: dict[State, frozenset[State]] = {
    State.RECEIVED: frozenset({State.PARSED, State.DUPLICATE, State.SENT}),
    State.PARSED: frozenset({State.VALIDATED, State.DUPLICATE}),
    State.VALIDATED: frozenset({State.ACKNOWLEDGED, State.MAPPED, State.DUPLICATE}),
    State.ACKNOWLEDGED: frozenset({State.MAPPED, State.DELIVERED}),
    State.MAPPED: frozenset({State.DELIVERED, State.SENT, State.HELD}),
    State.HELD: frozenset({State.MAPPED}),  # released: its exceptions are settled
    State.QUEUED: frozenset({State.SENT}),
    State.SENT: frozenset({State.ACKNOWLEDGED, State.DELIVERED, State.OVERDUE}),
    State.OVERDUE: frozenset({State.ACKNOWLEDGED}),
    State.FAILED: frozenset({State.RECEIVED, State.MAPPED}),
    State.REJECTED: frozenset({State.RECEIVED}),
    State.DEAD_LETTERED: frozenset({State.RECEIVED, State.MAPPED}),
}
_ALWAYS = frozenset({State.FAILED, State.REJECTED, State.DEAD_LETTERED})


def can_move(current: State | None, target: State) -> bool:
    """Whether ``current → target`` is a move the pipeline makes (None: a new record)."""
    if current is None:
        return target in (State.RECEIVED, State.QUEUED)
    if target in _ALWAYS and current not in (State.DELIVERED, State.DUPLICATE):
        return True
    return target in _FORWARD.get(current, frozenset())


class IllegalTransition(ValueError):
    """A programming error: the pipeline tried a move the state machine forbids."""


class AlreadyReceived(Exception):
    """The store already holds an inbound message with this transport id from this
    partner (an SFTP file offered again, an AS2 Message-ID resent, an API request
    retried with its X-Request-ID): the caller answers with the earlier message."""


@dataclass(frozen=True, slots=True)
class Transition:
    """One line of a message's or transaction's history; never changed once written."""

    from_state: State | None
    to_state: State
    at: datetime
    reason: str | None = None
    transaction_id: str | None = None  # None: the message itself moved


@dataclass(frozen=True, slots=True)
class EnvelopeParty:
    """An interchange sender or receiver: qualifier ("" when the standard has none) and id."""

    qualifier: str
    id: str


@dataclass(slots=True)
class MessageRecord:
    """What a transport carried, and what the gateway learned about it."""

    id: str
    direction: Direction
    transport: Transport
    raw_sha256: str
    size: int
    received_at: datetime
    state: State = State.RECEIVED
    transport_message_id: str | None = None
    partner_id: str | None = None
    standard: str | None = None
    sender: EnvelopeParty | None = None
    receiver: EnvelopeParty | None = None
    interchange_control_number: str | None = None
    test_indicator: bool | None = None
    duplicate_of: str | None = None
    in_reply_to: str | None = None
    document_type: str | None = None
    error_code: str | None = None
    error_message: str | None = None


@dataclass(slots=True)
class TransactionRecord:
    """One transaction set (X12) or message (EDIFACT) inside a message."""

    id: str
    message_id: str
    direction: Direction
    standard: str
    interchange_control_number: str
    transaction_set: str
    set_control_number: str
    status: str  # accepted | accepted_with_errors | rejected
    state: State
    created_at: datetime
    position: int = 0  # order within the message
    partner_id: str | None = None
    functional_id: str | None = None
    group_control_number: str | None = None
    version: str | None = None
    kind: str | None = None
    business_number: str | None = None
    po_number: str | None = None  # the order it belongs to (deliveries keep PO order)
    idempotency_key: str | None = None
    document_id: str | None = None
    document: dict[str, object] | None = None
    erp_document_id: str | None = None


@dataclass(frozen=True, slots=True)
class MessageQuery:
    """Filters for message tracking (SPEC §6); ``partner_id`` also scopes a partner's key."""

    partner_id: str | None = None
    direction: Direction | None = None
    state: State | None = None
    interchange_control_number: str | None = None
    business_number: str | None = None
    received_from: datetime | None = None
    received_until: datetime | None = None
    in_reply_to: str | None = None  # what an ack or MDN answers
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, slots=True)
class InterchangeSighting:
    """An inbound interchange's sender, receiver and control number, as it arrived."""

    partner_id: str | None
    standard: str
    sender: EnvelopeParty
    receiver: EnvelopeParty
    control_number: str
    message_id: str
    received_at: datetime
