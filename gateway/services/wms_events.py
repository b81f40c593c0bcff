"""What the WMS tells the gateway: receipts and inventory adjustments (SPEC §3, §5).

Like every document, the raw JSON is stored before anything else; the event becomes an
inbound message with one transaction (kind ``receipt`` or ``inventory_adjustment``), a
receipt is matched against its ASN (and re-matched when the ASN arrives later), and both
go on to the ERP by the partner's routing. The same event again — the WMS retrying its
webhook — is recognised by its idempotency key and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gateway.canonical import (
    CanonicalDocument,
    ContractError,
    Receipt,
    document_from_dict,
    document_id,
    document_to_dict,
)
from gateway.domain.errors import PermanentError
from gateway.domain.tracking import (
    Direction,
    MessageRecord,
    State,
    TransactionRecord,
    Transport,
)
from gateway.domain.workflow.matches import MatchState
from gateway.ports import Clock, Dispatcher, PayloadStore, UnitOfWork
from gateway.services.json_text import nul_at
from gateway.services.matching import Synced, Workflow

# kind → (the record's set id, the body field that names it)
WMS_KINDS = {"receipt": ("RCPT", "receipt_id"), "inventory_adjustment": ("INVADJ", "adjustment_id")}


class WmsEventRefused(PermanentError):
    """Not a contract v1 receipt or inventory adjustment, or one naming an unknown
    partner. The raw bytes are kept and the message recorded as ``rejected``."""

    code = "wms.invalid"


@dataclass(slots=True)
class WmsOutcome:
    message: MessageRecord
    transaction: TransactionRecord
    created: bool  # False: the same event was taken before (this is that one)
    match: MatchState | None = None
    synced: Synced = field(default_factory=Synced)


class WmsEvents:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        payloads: PayloadStore,
        clock: Clock,
        workflow: Workflow,
        dispatcher: Dispatcher | None = None,
    ) -> None:
        self._uow = unit_of_work
        self._payloads = payloads
        self._clock = clock
        self._workflow = workflow
        self._dispatcher = dispatcher

    def accept(self, raw: bytes, kind: str, idempotency_key: str | None = None) -> WmsOutcome:
        """Keep ``raw``, record it, match it (a receipt), and hand it on to delivery.

        Args:
            raw: The request body as received: a canonical document (contract v1).
            kind: ``receipt`` or ``inventory_adjustment`` (what the route takes).
            idempotency_key: The WMS's ``Idempotency-Key`` header, used when the
                document's ``meta.idempotency_key`` is absent.

        Raises:
            WmsEventRefused: not a document of ``kind``, or an unknown partner.
        """
        stored = self._payloads.put(raw)  # raw first (SPEC §1 invariant 1)
        now = self._clock.now()
        message = MessageRecord(
            id=str(uuid.uuid4()),
            direction=Direction.INBOUND,
            transport=Transport.API,
            raw_sha256=stored.sha256,
            size=stored.size,
            received_at=now,
            document_type=WMS_KINDS[kind][0],
        )
        try:
            data = _object(raw)
            key = message.transport_message_id = _key(kind, data, idempotency_key)
            with self._uow() as uow:
                earlier = uow.messages.transaction_by_key(key)
                if earlier is not None:
                    found = uow.messages.get(earlier.message_id)
                    assert found is not None
                    return WmsOutcome(found, earlier, False, uow.workflow.match(earlier.id))
            document = _document(kind, data, key, message)
        except WmsEventRefused as error:
            self._refuse(message, error)
            raise
        with self._uow() as uow:
            partner = _partner(uow, document)
            if not isinstance(partner, WmsEventRefused):
                record = self._record(uow, message, document, partner, now)
                uow.commit()
        if isinstance(partner, WmsEventRefused):
            self._refuse(message, partner)  # in a unit of work of its own (SQLite: one writer)
            raise partner
        synced = self._workflow.check([record.id]) if kind == "receipt" else Synced()
        with self._uow() as uow:
            current = uow.messages.transaction(record.id) or record
            match = uow.workflow.match(record.id)
        self._hand_on(message, current, synced)
        return WmsOutcome(message, current, True, match, synced)

    def _record(
        self,
        uow: UnitOfWork,
        message: MessageRecord,
        document: CanonicalDocument,
        partner_id: str | None,
        now: Any,
    ) -> TransactionRecord:
        set_id, number_field = WMS_KINDS[document.meta.kind.value]
        body = document.body
        meta = document.meta
        message.partner_id = partner_id
        content = document_to_dict(document)
        if partner_id is not None:
            content["meta"]["partner_id"] = partner_id
        record = TransactionRecord(
            id=str(uuid.uuid4()),
            message_id=message.id,
            direction=Direction.INBOUND,
            standard="json",
            interchange_control_number="",
            transaction_set=set_id,
            set_control_number="",
            status="accepted",
            state=State.MAPPED,
            created_at=now,
            partner_id=partner_id,
            kind=meta.kind.value,
            business_number=str(getattr(body, number_field))[:80],
            po_number=_po_number(uow, body, partner_id),
            idempotency_key=meta.idempotency_key,
            document_id=meta.document_id,
            document=content,
        )
        uow.messages.add(message, now, f"received from the WMS: {meta.kind.value}")
        for target in (State.PARSED, State.VALIDATED, State.MAPPED):
            uow.messages.move(message, target, now, f"{meta.kind.value} {record.business_number}")
        steps = [
            (None, State.VALIDATED, "validated: contract v1"),
            (State.VALIDATED, State.MAPPED, f"mapped to {meta.kind.value}"),
        ]
        uow.messages.add_transactions([(record, steps)], now)
        return record

    def _refuse(self, message: MessageRecord, error: WmsEventRefused) -> None:
        """Keep a refused event on record (its raw bytes are stored), as intake does."""
        now = self._clock.now()
        message.error_code, message.error_message = error.code, error.message
        message.partner_id = None
        with self._uow() as uow:
            uow.messages.add(message, now, "received from the WMS")
            uow.messages.move(message, State.REJECTED, now, error.message)
            uow.commit()

    def _hand_on(self, message: MessageRecord, record: TransactionRecord, synced: Synced) -> None:
        if self._dispatcher is None:
            return
        if record.state is State.MAPPED:
            self._dispatcher.deliver_message(message.id)
        for released in synced.released:
            self._dispatcher.deliver(released)


def _object(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WmsEventRefused(f"not JSON: {error}") from error
    except RecursionError:  # arrays or objects nested deeper than the interpreter goes
        raise WmsEventRefused("not JSON we can read: nested too deeply") from None
    if not isinstance(data, dict):
        raise WmsEventRefused('a canonical document is {"meta": {...}, "body": {...}}')
    if (where := nul_at(data)) is not None:
        # Before the key is read from it: the key is kept as text too.
        raise WmsEventRefused(f"{where}: must not contain NUL (0x00)")
    return data


def _key(kind: str, data: dict[str, Any], header: str | None) -> str:
    """The event's own key, the WMS's header, or one made from the content."""
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    given = (meta or {}).get("idempotency_key") or header
    if isinstance(given, str) and given:
        return given[:64]
    content = json.dumps(data.get("body"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"wms\x1f{kind}\x1f{content}".encode()).hexdigest()


def _document(
    kind: str, data: dict[str, Any], key: str, message: MessageRecord
) -> CanonicalDocument:
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    meta = dict(meta or {})
    if meta.get("kind", kind) != kind:
        raise WmsEventRefused(f"meta.kind is {meta.get('kind')!r}; this endpoint takes {kind}")
    meta |= {
        "kind": kind,
        "direction": "inbound",
        "idempotency_key": key,
        "document_id": meta.get("document_id") or document_id(key),
        "received_at": message.received_at.isoformat(),
        "raw_sha256": message.raw_sha256,
    }
    unknown = set(data) - {"meta", "body"}
    if unknown:
        raise WmsEventRefused(f"unknown fields {sorted(unknown)}")
    try:
        return document_from_dict({"meta": meta, "body": data.get("body")})
    except (ContractError, ValueError) as error:
        raise WmsEventRefused(f"not a contract v1 {kind}: {error}") from error


def _partner(uow: UnitOfWork, document: CanonicalDocument) -> str | WmsEventRefused | None:
    """The supplier the event concerns: the one it names, or the one its PO or ASN
    belongs to when only one does (None: internal, or cannot tell)."""
    named = document.meta.partner_id
    if named:
        if uow.partners.get(named) is None:
            return WmsEventRefused(f"meta.partner_id names no partner {named!r}")
        return named
    body = document.body
    if not isinstance(body, Receipt):
        return None
    found = uow.workflow.partners_of(po_number=body.po_number, asn_number=body.asn_number)
    return found.pop() if len(found) == 1 else None


def _po_number(uow: UnitOfWork, body: Any, partner_id: str | None) -> str | None:
    """The PO a receipt belongs to (its own, or the first its ASN ships): deliveries of
    one PO keep their order."""
    if not isinstance(body, Receipt):
        return None
    if body.po_number:
        return body.po_number[:80]
    notice = uow.workflow.ship_notice(partner_id, body.asn_number) if body.asn_number else None
    return notice.po_number if notice is not None else None
