"""Request and response bodies of the HTTP API, kept apart from the domain objects.

The domain's dataclasses may grow and rename fields freely; these models are the
published contract, so each is built from a domain object by an explicit ``of``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gateway.api.params import Instant, Offset, Text
from gateway.domain.access import ApiKey, Role
from gateway.domain.tracking import (
    Direction,
    EnvelopeParty,
    MessageRecord,
    State,
    TransactionRecord,
    Transition,
    Transport,
)
from gateway.ports import Change, StoredPartner

_IN = ConfigDict(extra="forbid")  # a misspelt field is an error, not silently ignored


class PartnerOut(BaseModel):
    id: str
    name: str
    status: str
    standard: str
    active: bool
    created_at: datetime
    updated_at: datetime
    profile: dict[str, Any] = Field(description="The whole profile, as PUT accepts it back")

    @classmethod
    def of(cls, stored: StoredPartner) -> PartnerOut:
        profile = stored.profile
        return cls(
            id=profile.id,
            name=profile.name,
            status=profile.status,
            standard=profile.standard,
            active=stored.active,
            created_at=stored.created_at,
            updated_at=stored.updated_at,
            profile=profile.model_dump(mode="json"),
        )


class PartnerSaved(PartnerOut):
    change: Change = Field(description="created, updated, or unchanged (same profile again)")


class GapOut(BaseModel):
    first_missing: int
    last_missing: int


class CertificateOut(BaseModel):
    role: str = Field(description="partner_certificate or next_certificate (AS2)")
    subject: str | None = None
    serial_number: str | None = Field(default=None, description="hexadecimal")
    not_before: datetime | None = None
    not_after: datetime | None = None
    state: str = Field(
        description="valid | expiring | expired | not-yet-valid | unreadable (see warning)"
    )
    days_left: int | None = None
    warning: str | None = Field(
        default=None, description="set from 30 days before expiry, and after; or why unreadable"
    )


class CertificatesOut(BaseModel):
    partner_id: str
    certificates: list[CertificateOut]


class GapsOut(BaseModel):
    partner_id: str
    inbound: list[GapOut] = Field(description="The partner's numbers that never arrived")
    outbound: list[GapOut] = Field(description="Numbers we allocated but never sent")


class MessageOut(BaseModel):
    id: str
    direction: Direction
    transport: Transport
    state: State
    raw_sha256: str
    size: int
    received_at: datetime
    transport_message_id: str | None
    partner_id: str | None
    standard: str | None
    sender: str | None = Field(description='"qualifier:id" from the envelope')
    receiver: str | None = Field(description='"qualifier:id" from the envelope')
    interchange_control_number: str | None
    test_indicator: bool | None
    duplicate_of: str | None
    in_reply_to: str | None
    document_type: str | None
    error_code: str | None
    error_message: str | None

    @classmethod
    def of(cls, record: MessageRecord) -> MessageOut:
        return cls(
            id=record.id,
            direction=record.direction,
            transport=record.transport,
            state=record.state,
            raw_sha256=record.raw_sha256,
            size=record.size,
            received_at=record.received_at,
            transport_message_id=record.transport_message_id,
            partner_id=record.partner_id,
            standard=record.standard,
            sender=_party(record.sender),
            receiver=_party(record.receiver),
            interchange_control_number=record.interchange_control_number,
            test_indicator=record.test_indicator,
            duplicate_of=record.duplicate_of,
            in_reply_to=record.in_reply_to,
            document_type=record.document_type,
            error_code=record.error_code,
            error_message=record.error_message,
        )


class MessageFilters(BaseModel):
    """Query parameters of message tracking (SPEC §6); unknown ones are refused, so a
    misspelt filter cannot silently widen the search."""

    model_config = _IN

    partner_id: Text | None = Field(default=None, description="Ignored for a partner's key")
    direction: Direction | None = None
    state: State | None = None
    interchange_control_number: Text | None = None
    business_number: Text | None = Field(default=None, description="PO, ASN or invoice number")
    received_from: Instant | None = Field(default=None, description="Inclusive")
    received_until: Instant | None = Field(default=None, description="Exclusive")
    limit: int = Field(default=100, ge=1, le=500)
    offset: Offset = 0


class MessageList(BaseModel):
    items: list[MessageOut]
    limit: int
    offset: int


class TransactionOut(BaseModel):
    id: str
    direction: Direction
    standard: str
    state: State
    status: str
    transaction_set: str
    interchange_control_number: str
    group_control_number: str | None
    set_control_number: str
    functional_id: str | None
    version: str | None
    kind: str | None
    business_number: str | None
    idempotency_key: str | None
    document_id: str | None
    erp_document_id: str | None
    created_at: datetime
    document: dict[str, object] | None = Field(
        default=None, description="The canonical document; only with ?documents=true"
    )

    @classmethod
    def of(cls, record: TransactionRecord, *, with_document: bool) -> TransactionOut:
        return cls(
            id=record.id,
            direction=record.direction,
            standard=record.standard,
            state=record.state,
            status=record.status,
            transaction_set=record.transaction_set,
            interchange_control_number=record.interchange_control_number,
            group_control_number=record.group_control_number,
            set_control_number=record.set_control_number,
            functional_id=record.functional_id,
            version=record.version,
            kind=record.kind,
            business_number=record.business_number,
            idempotency_key=record.idempotency_key,
            document_id=record.document_id,
            erp_document_id=record.erp_document_id,
            created_at=record.created_at,
            document=record.document if with_document else None,
        )


class TransitionOut(BaseModel):
    from_state: State | None
    to_state: State
    at: datetime
    reason: str | None
    transaction_id: str | None = Field(description="None when the message itself moved")

    model_config = ConfigDict(from_attributes=True)  # read straight off the domain record

    @classmethod
    def of(cls, transition: Transition) -> TransitionOut:
        return cls.model_validate(transition)


class MessageDetail(MessageOut):
    transactions: list[TransactionOut]
    history: list[TransitionOut]


class ErrorOut(BaseModel):
    code: str
    message: str


class SubmitOut(BaseModel):
    message_id: str
    transport_message_id: str | None
    raw_sha256: str
    size: int
    state: State = Field(description="After processing: mapped, rejected, duplicate…")
    partner_id: str | None
    error: ErrorOut | None = Field(description="Why the message was refused, if it was")

    @classmethod
    def of(cls, record: MessageRecord, error: ErrorOut | None = None) -> SubmitOut:
        if error is None and record.error_code is not None:
            error = ErrorOut(code=record.error_code, message=record.error_message or "")
        return cls(
            message_id=record.id,
            transport_message_id=record.transport_message_id,
            raw_sha256=record.raw_sha256,
            size=record.size,
            state=record.state,
            partner_id=record.partner_id,
            error=error,
        )


class ReplayIn(BaseModel):
    model_config = _IN

    reason: Text = Field(default="replayed through the API", min_length=1, max_length=500)


class KeyIn(BaseModel):
    model_config = _IN

    name: Text = Field(min_length=1, max_length=120, description="Who or what uses the key")
    role: Role
    partner_id: Text | None = Field(default=None, description="Required for, and only for, partner")


class KeyOut(BaseModel):
    id: str
    name: str
    prefix: str = Field(description="The key's first characters, to recognise it in lists")
    role: Role
    partner_id: str | None
    created_at: datetime
    revoked_at: datetime | None

    model_config = ConfigDict(from_attributes=True)  # read straight off the domain record

    @classmethod
    def of(cls, key: ApiKey) -> KeyOut:
        return cls.model_validate(key)


class NewKeyOut(KeyOut):
    key: str = Field(description="The secret: shown this once, only its hash is kept")


class Health(BaseModel):
    status: str = "ok"
    version: str


def _party(party: EnvelopeParty | None) -> str | None:
    if party is None:
        return None
    return f"{party.qualifier}:{party.id}" if party.qualifier else party.id
