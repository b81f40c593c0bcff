"""Outbound: ERP events become the partner's EDI, sent and then reconciled with the
partner's 997/999/CONTRL (SPEC §1 invariant 6, §4 ack expectations)."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from edi_maps.edifact.render import render_edifact
from edi_maps.translate import translate
from edi_maps.x12.render import render_x12
from gateway.canonical import ContractError, document_from_dict, document_to_dict
from gateway.domain.errors import GatewayError, PermanentError
from gateway.domain.tracking import (
    Direction,
    EnvelopeParty,
    MessageRecord,
    State,
    TransactionRecord,
    Transport,
)
from gateway.ports import Clock, ControlNumberAllocator, OutboundTransport, PayloadStore, UnitOfWork
from gateway.profiles.model import PartnerProfile
from gateway.services.edi_options import (
    edifact_render_options,
    reading_options,
    x12_render_options,
)
from gateway.services.intake import PartnerNumbers
from gateway.services.json_text import nul_at


class OutboundRefused(PermanentError):
    """The ERP event cannot become EDI for this partner (unknown partner, a document
    the profile does not exchange, a document the contract or the maps refuse)."""

    code = "outbound.invalid"


class Outbound:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        payloads: PayloadStore,
        numbers: ControlNumberAllocator,
        clock: Clock,
        transports: Mapping[str, OutboundTransport],
    ) -> None:
        self._uow = unit_of_work
        self._payloads = payloads
        self._numbers = numbers
        self._clock = clock
        self._transports = transports

    def accept(self, data: Mapping[str, Any], *, test: bool = False) -> tuple[MessageRecord, bool]:
        """Turn an ERP event's canonical document into the partner's EDI, queued to send.

        The same event again (same idempotency key, or same content) gives the message
        made the first time, and ``False``: an ERP retrying its webhook makes no second
        interchange. ``test``: marked as test data (ISA15 T, UNB 0035 1) whatever the
        profile's usage, as the console's test-send does for a production partner.
        """
        if (where := nul_at(data)) is not None:
            raise OutboundRefused(f"{where or 'the document'}: must not contain NUL (0x00)")
        try:
            document = document_from_dict(dict(data))
        except ContractError as error:
            raise OutboundRefused(f"not a contract v1 document: {error}") from error
        partner_id = document.meta.partner_id
        if not partner_id:
            raise OutboundRefused("meta.partner_id names no partner")
        key = document.meta.idempotency_key or _content_key(partner_id, data)
        with self._uow() as uow:
            stored = uow.partners.get(partner_id)
            earlier = uow.messages.transaction_by_key(key)
            if earlier is not None:
                message = uow.messages.get(earlier.message_id)
                assert message is not None
                return message, False
        if stored is None or not stored.active:
            raise OutboundRefused(f"no active partner {partner_id}")
        profile = stored.profile.model_copy(update={"usage": "T"}) if test else stored.profile
        numbers = PartnerNumbers(self._numbers, profile.id)
        try:
            if profile.standard == "x12":
                text = render_x12([document], x12_render_options(profile), numbers, self._clock)
            else:
                options = edifact_render_options(profile)
                text = render_edifact([document], options, numbers, self._clock)
        except (PermanentError, ValueError) as error:
            raise OutboundRefused(f"cannot write it for {profile.id}: {error}") from error
        payload = text.encode("utf-8" if (profile.syntax or "").startswith("UNOW") else "latin-1")
        content = document_to_dict(document)
        return self._queue(profile, payload, document.meta.kind.value, key, content), True

    def _queue(
        self,
        profile: PartnerProfile,
        payload: bytes,
        kind: str,
        key: str,
        content: dict[str, Any] | None = None,
    ) -> MessageRecord:
        # The PO we send is the open PO the partner's 855, 856 and 810 are matched against
        # (SPEC §5): its first set keeps the document and the PO number.
        body = (content or {}).get("body") or {}
        order = str(body["po_number"])[:80] if kind == "purchase_order" and body.get(
            "po_number") else None  # fmt: skip
        silent = reading_options(profile)
        read = translate(io.BytesIO(payload), numbers=self._numbers, clock=self._clock,
                         options=silent)  # fmt: skip
        (interchange,) = read.result.interchanges
        stored = self._payloads.put(payload)
        now = self._clock.now()
        ids = profile.interchange
        message = MessageRecord(
            id=str(uuid.uuid4()),
            direction=Direction.OUTBOUND,
            transport=Transport(profile.transports.outbound or "api"),
            raw_sha256=stored.sha256,
            size=stored.size,
            received_at=now,
            state=State.QUEUED,
            partner_id=profile.id,
            standard=profile.standard,
            sender=EnvelopeParty(ids.ours.qualifier or "", ids.ours.id),
            receiver=EnvelopeParty(ids.partner.qualifier or "", ids.partner.id),
            interchange_control_number=interchange.control_number,
            test_indicator=profile.usage == "T",
            document_type=None,
        )
        with self._uow() as uow:
            uow.messages.add(message, now, f"from an ERP event: {kind}")
            position = 0
            for group in interchange.groups:
                for result in group.sets:
                    message.document_type = result.transaction_set
                    uow.messages.add_transaction(
                        TransactionRecord(
                            id=str(uuid.uuid4()),
                            message_id=message.id,
                            direction=Direction.OUTBOUND,
                            standard=profile.standard,
                            interchange_control_number=interchange.control_number,
                            transaction_set=result.transaction_set,
                            set_control_number=result.control_number,
                            status=result.status.value,
                            state=State.QUEUED,
                            created_at=now,
                            position=position,
                            partner_id=profile.id,
                            functional_id=group.functional_id or None,
                            group_control_number=group.control_number or None,
                            version=group.version or None,
                            kind=kind,
                            idempotency_key=key if position == 0 else None,
                            document=content if position == 0 else None,
                            business_number=order if position == 0 else None,
                            po_number=order if position == 0 else None,
                        ),
                        now,
                        f"written as {result.transaction_set} #{result.control_number}",
                    )
                    position += 1
            uow.messages.update(message)
            uow.commit()
        return message

    def send(self, message_id: str) -> State:
        """Hand a queued outbound message to its partner's transport.

        Raises:
            RetryableError: the transport could not deliver it now.
            PermanentError: it never will (no transport, refused).
        """
        with self._uow() as uow:
            message = uow.messages.get(message_id)
            if message is None or message.state is not State.QUEUED:
                return message.state if message else State.FAILED
            partner = uow.partners.get(message.partner_id or "")
        if partner is None:
            raise OutboundRefused(f"message {message_id} names no known partner")
        name = partner.profile.transports.outbound
        transport = self._transports.get(name or "")
        if transport is None:
            return State.QUEUED  # no transport for this partner yet: it waits, visibly
        remote = transport.send(partner.profile, message, self._payloads.get(message.raw_sha256))
        with self._uow() as uow:
            current = uow.messages.get(message_id)
            assert current is not None
            if current.state is State.QUEUED:
                now = self._clock.now()
                uow.messages.move(current, State.SENT, now, f"sent over {name} {remote}".strip())
                for item in uow.messages.transactions_of(message_id):
                    if item.state is State.QUEUED:
                        uow.messages.move_transaction(item, State.SENT, now, f"sent over {name}")
            uow.commit()
            return current.state

    def fail(self, message_id: str, error: GatewayError | str) -> bool:
        """The partner's side refused the message for good (a 4xx, a negative or forged
        MDN, a MIC that does not match): ``failed`` with the reason, and an alert.
        False when it was not waiting to be sent or confirmed."""
        text = error if isinstance(error, str) else f"{error.code}: {error.message}"
        with self._uow() as uow:
            message = uow.messages.get(message_id)
            if message is None or message.state not in (State.QUEUED, State.SENT):
                return False
            now = self._clock.now()
            uow.messages.move(message, State.FAILED, now, text)
            for item in uow.messages.transactions_of(message_id):
                if item.state in (State.QUEUED, State.SENT):
                    uow.messages.move_transaction(item, State.FAILED, now, text)
            uow.deliveries.raise_alert(
                "send_failed",
                f"{message.document_type or 'message'} {message.id} to {message.partner_id}: "
                f"{text}",
                now,
                partner_id=message.partner_id,
                message_id=message.id,
            )
            uow.commit()
        return True

    def mark_overdue(self) -> int:
        """Sent documents whose ack is later than the partner's window: ``overdue``, and
        an alert (once). Returns how many were marked."""
        marked = 0
        with self._uow() as uow:
            now = self._clock.now()
            for item in uow.messages.transactions_in_state(
                State.SENT, direction=Direction.OUTBOUND
            ):
                partner = uow.partners.get(item.partner_id or "")
                minutes = partner.profile.acks.expect_within_minutes if partner else None
                if minutes is None or item.created_at + timedelta(minutes=minutes) > now:
                    continue
                text = (
                    f"no functional ack for {item.transaction_set} #{item.set_control_number} "
                    f"(group {item.group_control_number}) within {minutes} minutes"
                )
                uow.messages.move_transaction(item, State.OVERDUE, now, text)
                uow.deliveries.raise_alert(
                    "ack_overdue", text, now, partner_id=item.partner_id,
                    message_id=item.message_id, transaction_id=item.id,
                )  # fmt: skip
                marked += 1
            uow.commit()
        return marked


def _content_key(partner_id: str, data: Mapping[str, Any]) -> str:
    content = json.dumps(data.get("body"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"outbound\x1f{partner_id}\x1f{content}".encode()).hexdigest()
