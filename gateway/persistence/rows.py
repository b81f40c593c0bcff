"""Row ↔ record conversion for the message store's tables."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping

from gateway.domain.tracking import (
    Direction,
    EnvelopeParty,
    MessageRecord,
    State,
    TransactionRecord,
    Transition,
    Transport,
)


def message_values(record: MessageRecord) -> dict[str, Any]:
    sender, receiver = record.sender, record.receiver
    return {
        "id": record.id,
        "direction": record.direction.value,
        "transport": record.transport.value,
        "transport_message_id": record.transport_message_id,
        "partner_id": record.partner_id,
        "raw_sha256": record.raw_sha256,
        "size": record.size,
        "received_at": record.received_at,
        "state": record.state.value,
        "standard": record.standard,
        "sender_qualifier": sender.qualifier if sender else None,
        "sender_id": sender.id if sender else None,
        "receiver_qualifier": receiver.qualifier if receiver else None,
        "receiver_id": receiver.id if receiver else None,
        "interchange_control_number": record.interchange_control_number,
        "test_indicator": record.test_indicator,
        "duplicate_of": record.duplicate_of,
        "in_reply_to": record.in_reply_to,
        "document_type": record.document_type,
        "error_code": record.error_code,
        "error_message": record.error_message,
    }


def message_record(row: RowMapping) -> MessageRecord:
    return MessageRecord(
        id=row["id"],
        direction=Direction(row["direction"]),
        transport=Transport(row["transport"]),
        raw_sha256=row["raw_sha256"],
        size=row["size"],
        received_at=row["received_at"],
        state=State(row["state"]),
        transport_message_id=row["transport_message_id"],
        partner_id=row["partner_id"],
        standard=row["standard"],
        sender=_party(row["sender_qualifier"], row["sender_id"]),
        receiver=_party(row["receiver_qualifier"], row["receiver_id"]),
        interchange_control_number=row["interchange_control_number"],
        test_indicator=row["test_indicator"],
        duplicate_of=row["duplicate_of"],
        in_reply_to=row["in_reply_to"],
        document_type=row["document_type"],
        error_code=row["error_code"],
        error_message=row["error_message"],
    )


def _party(qualifier: str | None, identifier: str | None) -> EnvelopeParty | None:
    return None if identifier is None else EnvelopeParty(qualifier or "", identifier)


_TRANSACTION_FIELDS = [
    "id",
    "message_id",
    "position",
    "partner_id",
    "standard",
    "interchange_control_number",
    "functional_id",
    "group_control_number",
    "transaction_set",
    "set_control_number",
    "version",
    "status",
    "kind",
    "business_number",
    "po_number",
    "idempotency_key",
    "document_id",
    "document",
    "erp_document_id",
    "created_at",
]


def transaction_values(record: TransactionRecord) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in _TRANSACTION_FIELDS}
    values["direction"] = record.direction.value
    values["state"] = record.state.value
    return values


def transaction_record(row: RowMapping) -> TransactionRecord:
    values = {name: row[name] for name in _TRANSACTION_FIELDS}
    return TransactionRecord(
        direction=Direction(row["direction"]), state=State(row["state"]), **values
    )


def transition(row: RowMapping) -> Transition:
    return Transition(
        from_state=State(row["from_state"]) if row["from_state"] else None,
        to_state=State(row["to_state"]),
        at=row["at"],
        reason=row["reason"],
        transaction_id=row["transaction_id"],
    )
