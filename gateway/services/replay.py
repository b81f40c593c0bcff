"""Replay of documents whose delivery was dead-lettered (SPEC §1 invariant 5).

The stored raw bytes go through today's maps again; each dead-lettered set gets
the document that comes out now, under the same idempotency key (same partner,
control numbers and content), so a system that did take it before sees a repeat,
not a second document. No acknowledgement is built: the partner had its answer.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from edi_maps.translate import translate
from gateway.canonical import document_to_dict
from gateway.domain.tracking import State, TransactionRecord
from gateway.ports import Clock, ControlNumberAllocator, PayloadStore, UnitOfWork
from gateway.services.edi_options import reading_options
from gateway.services.errors import MessageNotFound

REPLAYABLE_SETS = (State.DEAD_LETTERED, State.FAILED)


class Remapper:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        payloads: PayloadStore,
        numbers: ControlNumberAllocator,
        clock: Clock,
    ) -> None:
        self._uow = unit_of_work
        self._payloads = payloads
        self._numbers = numbers
        self._clock = clock

    def stuck(self, message_id: str) -> list[TransactionRecord]:
        with self._uow() as uow:
            return [
                t
                for t in uow.messages.transactions_of(message_id)
                if t.state in REPLAYABLE_SETS and t.idempotency_key
            ]

    def remap(self, message_id: str, reason: str) -> list[TransactionRecord]:
        """Dead-lettered sets of the message back to ``mapped`` with fresh documents."""
        with self._uow() as uow:
            message = uow.messages.get(message_id)
            if message is None:
                raise MessageNotFound(f"no message {message_id}")
            partner = uow.partners.get(message.partner_id or "")
        if partner is None:
            return []
        translation = translate(
            io.BytesIO(self._payloads.get(message.raw_sha256)),
            numbers=self._numbers,
            clock=self._clock,
            options=reading_options(partner.profile),
        )
        fresh = {d.meta.idempotency_key: d for d in translation.documents}
        replayed = []
        with self._uow() as uow:
            now = self._clock.now()
            for record in uow.messages.transactions_of(message_id):
                document = fresh.get(record.idempotency_key or "")
                if record.state not in REPLAYABLE_SETS or document is None:
                    continue
                record.document = document_to_dict(document)
                uow.messages.update_transaction(record)
                uow.messages.move_transaction(record, State.MAPPED, now, f"replay: {reason}")
                replayed.append(record)
            uow.commit()
        return replayed
