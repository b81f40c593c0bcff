"""The transaction sets of a translated message, as records with their states."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from edi_maps.translate import Translation
from gateway.canonical import CanonicalDocument, document_to_dict
from gateway.domain.tracking import (
    Direction,
    EnvelopeParty,
    InterchangeSighting,
    MessageRecord,
    State,
    TransactionRecord,
)
from gateway.ports import UnitOfWork
from gateway.profiles.model import PartnerProfile

# The field of each body that names the business document (SPEC §3).
_BUSINESS_NUMBER = {
    "purchase_order": "po_number",
    "po_acknowledgement": "po_number",
    "ship_notice": "asn_number",
    "invoice": "invoice_number",
    "receipt": "receipt_id",
    "inventory_adjustment": "adjustment_id",
}


def record_transactions(
    uow: UnitOfWork,
    message: MessageRecord,
    profile: PartnerProfile,
    translation: Translation,
    now: datetime,
) -> list[TransactionRecord]:
    """One record per set or message read, rejected ones included; accepted sets
    with a document are ``mapped``, resent ones ``duplicate``."""
    documents = {_key(doc): doc for doc in translation.documents}
    failures = {
        (f.interchange_control_number, f.group_control_number or "", f.set_control_number): f
        for f in translation.mapping_failures
    }
    window = timedelta(days=profile.duplicates.window_days)
    keys = [doc.meta.idempotency_key for doc in translation.documents if doc.meta.idempotency_key]
    known = uow.messages.known_keys(keys)
    records: list[TransactionRecord] = []
    entries: list[tuple[TransactionRecord, list[Step]]] = []
    for index, interchange in enumerate(translation.result.interchanges):
        repeated = index > 0 and _repeated(uow, message, profile, interchange, window)
        for group in interchange.groups:
            for result in group.sets:
                key = (interchange.control_number, group.control_number or "",
                       result.control_number)  # fmt: skip
                record = TransactionRecord(
                    id=str(uuid.uuid4()),
                    message_id=message.id,
                    direction=Direction.INBOUND,
                    standard=translation.standard.value,
                    interchange_control_number=interchange.control_number[:14],
                    transaction_set=result.transaction_set[:6],
                    set_control_number=result.control_number[:14],
                    status=result.status.value,
                    state=State.VALIDATED,
                    created_at=now,
                    position=len(records),
                    partner_id=profile.id,
                    functional_id=group.functional_id or None,
                    group_control_number=(group.control_number or None),
                    version=group.version or None,
                )
                rejected = "rejected" in (
                    result.status.value,
                    group.status.value,
                    interchange.status.value,
                )
                if rejected:
                    steps: list[Step] = [(None, State.REJECTED, _rejection(result))]
                elif repeated:
                    steps = [(None, State.DUPLICATE, "its interchange was a duplicate")]
                else:
                    steps = _accept(record, documents.get(key), failures.get(key), known)
                record.state = steps[-1][1]
                records.append(record)
                entries.append((record, steps))
    uow.messages.add_transactions(entries, now)
    return records


Step = tuple[State | None, State, str | None]


def _accept(
    record: TransactionRecord,
    document: CanonicalDocument | None,
    failure: Any,
    known: dict[str, str],
) -> list[Step]:
    """The steps of an accepted set; ``known`` (idempotency key → transaction id) grows
    by what this one carries, so a set repeated within the message is a duplicate too."""
    validated: Step = (None, State.VALIDATED, f"validated: {record.status}")
    if failure is not None:
        return [validated, (State.VALIDATED, State.FAILED, f"mapping: {failure.message}")]
    if document is None:
        return [validated]  # a set we validate but do not map (no map for it yet)
    meta = document.meta
    assert meta.idempotency_key is not None  # the maps always set it for inbound documents
    earlier = known.get(meta.idempotency_key)
    if earlier is not None:
        reason = f"the same document as transaction {earlier}"
        return [validated, (State.VALIDATED, State.DUPLICATE, reason)]
    known[meta.idempotency_key] = record.id
    record.kind = meta.kind.value
    record.business_number = _business_number(document)
    record.po_number = _po_number(document)
    record.idempotency_key = meta.idempotency_key
    record.document_id = meta.document_id
    record.document = document_to_dict(document)
    return [validated, (State.VALIDATED, State.MAPPED, f"mapped to {record.kind}")]


def _repeated(
    uow: UnitOfWork,
    message: MessageRecord,
    profile: PartnerProfile,
    interchange: Any,
    window: timedelta,
) -> bool:
    """A later interchange of the same file: registered here (the first one was
    registered before translating), and a duplicate if seen before."""
    sighting = InterchangeSighting(
        partner_id=profile.id,
        standard=message.standard or "",
        sender=EnvelopeParty(interchange.sender_qualifier, interchange.sender_id),
        receiver=EnvelopeParty(interchange.receiver_qualifier, interchange.receiver_id),
        control_number=interchange.control_number[:14],
        message_id=message.id,
        received_at=message.received_at,
    )
    return uow.interchanges.register(sighting, window) is not None


def _business_number(document: CanonicalDocument) -> str | None:
    name = _BUSINESS_NUMBER.get(document.meta.kind.value)
    value = getattr(document.body, name, None) if name else None
    return str(value)[:80] if value else None


def _po_number(document: CanonicalDocument) -> str | None:
    """The order a document belongs to: its own PO number, or the first order an ASN ships."""
    body = document.body
    value = getattr(body, "po_number", None)
    if value is None and getattr(body, "orders", None):
        value = body.orders[0].po_number  # type: ignore[union-attr]
    return str(value)[:80] if value else None


def _rejection(result: Any) -> str:
    codes = ", ".join(result.codes) if result.codes else ""
    errors = "; ".join(f"{e.segment_id}: {e.description}" for e in result.errors[:3])
    return "rejected" + (f" ({codes})" if codes else "") + (f": {errors}" if errors else "")


def _key(document: CanonicalDocument) -> tuple[str, str, str]:
    meta = document.meta
    return (
        meta.interchange_control_number or "",
        meta.group_control_number or "",
        meta.set_control_number or "",
    )
