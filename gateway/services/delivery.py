"""Mapped documents to the systems of record, each exactly once (SPEC §1 invariant 2).

At least once: a task may run twice (acks_late, a killed worker, a retry). Exactly
once in effect: each system gets the document's idempotency key and answers a
repeat with the record it already has; a system that confirmed is never sent the
document again (the ``deliveries`` table), and calls to the systems happen outside
any database transaction.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from gateway.domain.delivery import Attempt, DeliveryReceipt
from gateway.domain.errors import GatewayError
from gateway.domain.tracking import Direction, State, TransactionRecord
from gateway.ports import Clock, Connector, UnitOfWork
from gateway.profiles.model import DEFAULT_ROUTING, DocumentKind, System


@dataclass(slots=True)
class DeliveryOutcome:
    """What a delivery did. ``waiting_for``: an earlier document of the same PO is still
    on its way, so this one waits (it is handed on again when that one is delivered);
    ``unblocked``: later documents of the PO that may go now."""

    transaction_id: str
    state: State
    receipts: list[DeliveryReceipt] = field(default_factory=list)
    waiting_for: str | None = None
    unblocked: list[str] = field(default_factory=list)


@dataclass(slots=True)
class MessageDeliveryOutcome:
    """What delivering a message's documents together did: which were delivered, which
    wait for an earlier document of their PO, which failed (with the error, for the
    per-document retry path) and which later documents may go now."""

    message_ids: list[str]
    delivered: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    failed: dict[str, GatewayError] = field(default_factory=dict)
    unblocked: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter, bounded; a system's Retry-After wins when longer."""

    max_retries: int = 8
    base_seconds: float = 2.0
    max_seconds: float = 600.0

    def countdown(self, retries: int, retry_after: float | None = None) -> float:
        backoff = min(self.max_seconds, self.base_seconds * 2.0**retries)
        jittered = backoff * random.uniform(0.5, 1.0)
        return max(jittered, min(retry_after or 0.0, self.max_seconds))


class Delivery:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        connectors: Mapping[str, Connector],
        clock: Clock,
    ) -> None:
        self._uow = unit_of_work
        self._connectors = connectors
        self._clock = clock

    @property
    def configured(self) -> bool:
        return bool(self._connectors)

    def deliver(self, transaction_id: str) -> DeliveryOutcome:
        """Deliver to every routed system that has not confirmed yet.

        Raises:
            DeliveryUnavailable: a system is down or busy; retry later.
            DeliveryRejected: a system refused the document; dead-letter it.
        """
        with self._uow() as uow:
            record = uow.messages.transaction(transaction_id)
            if record is None or record.state is not State.MAPPED or record.document is None:
                state = record.state if record else State.FAILED
                return DeliveryOutcome(transaction_id, state)
            earlier = uow.messages.pending_before(record)
            if earlier:
                return DeliveryOutcome(transaction_id, record.state, waiting_for=earlier[0].id)
            systems = self._systems(uow, record)
            done = uow.deliveries.delivered(transaction_id)
        outcome = DeliveryOutcome(transaction_id, record.state)
        for system in systems:
            if system in done:
                continue
            receipt = self._deliver_one(record, system)
            outcome.receipts.append(receipt)
            done[system] = receipt.external_id
        with self._uow() as uow:
            current = uow.messages.transaction(transaction_id)
            assert current is not None
            if current.state is State.MAPPED:
                ids = ", ".join(f"{system} {external}" for system, external in done.items())
                current.erp_document_id = done.get("erp") or next(iter(done.values()), None)
                uow.messages.update_transaction(current)
                uow.messages.move_transaction(
                    current, State.DELIVERED, self._clock.now(), f"delivered: {ids or 'nowhere'}"
                )
                self._messages_delivered(uow, [current.message_id])
                outcome.unblocked = [t.id for t in uow.messages.pending_after(current)]
            outcome.state = current.state
            uow.commit()
        return outcome

    def deliver_message(self, message_id: str) -> MessageDeliveryOutcome:
        """Deliver every mapped document of a message together: one call per system
        (``Connector.deliver_many``) and a handful of statements, whatever the number of
        documents (the 50-set benchmark spent most of its time in per-document calls
        and transactions otherwise). A document that fails is left ``mapped`` and named
        in ``failed``: the caller hands it to the per-document path, which retries and
        dead-letters. Same guarantees as ``deliver``: systems that confirmed are never
        asked again, no system call happens inside a database transaction."""
        return self.deliver_messages([message_id])

    def deliver_messages(self, message_ids: list[str]) -> MessageDeliveryOutcome:
        """``deliver_message`` for several messages at once (what a worker processed
        together): still one call per system and one set of statements for them all."""
        outcome = MessageDeliveryOutcome(list(message_ids))
        with self._uow() as uow:
            records = uow.messages.mapped_of_messages(message_ids)
            if not records:
                return outcome
            ready = self._in_order(uow, records, outcome)
            routing: dict[str, dict[DocumentKind, list[System]]] = {}
            for partner_id in {r.partner_id or "" for r in ready}:
                partner = uow.partners.get(partner_id)
                routing[partner_id] = partner.profile.routing if partner else DEFAULT_ROUTING
            done = uow.deliveries.delivered_many([r.id for r in ready])
        for system, connector in self._connectors.items():
            todo = [
                r
                for r in ready
                if r.id not in outcome.failed
                and r.kind
                and _routes(routing[r.partner_id or ""], r.kind, system)
                and system not in done.get(r.id, {})
            ]
            if not todo:
                continue
            answers = connector.deliver_many(
                [(r.document or {}, r.idempotency_key or "") for r in todo]
            )
            attempts = []
            for record, answer in zip(todo, answers, strict=True):
                if isinstance(answer, GatewayError):
                    outcome.failed[record.id] = answer
                    error = f"{answer.code}: {answer.message}"
                    attempts.append(Attempt(record.id, system, error=error))
                else:
                    done.setdefault(record.id, {})[system] = answer.external_id
                    attempts.append(Attempt(record.id, system, external_id=answer.external_id))
            with self._uow() as uow:
                uow.deliveries.record_many(attempts, self._clock.now())
                uow.commit()
        finished = [r for r in ready if r.id not in outcome.failed]
        if not finished:
            return outcome
        with self._uow() as uow:
            current = {r.id: r for r in uow.messages.mapped_of_messages(message_ids)}
            moved = [current[r.id] for r in finished if r.id in current]
            for record in moved:
                ids = done.get(record.id, {})
                record.erp_document_id = ids.get("erp") or next(iter(ids.values()), None)
            reasons = [_delivered_to(done.get(r.id, {})) for r in moved]
            now = self._clock.now()
            uow.messages.set_erp_document_ids(moved)
            uow.messages.move_transactions(moved, State.DELIVERED, now, reasons)
            self._messages_delivered(uow, message_ids)
            for partner_id in sorted({r.partner_id or "" for r in moved}):
                orders = _orders(moved, partner_id)
                if not orders:
                    continue
                later = uow.messages.undelivered_of_orders(partner_id, moved[0].direction, orders)
                outcome.unblocked += [
                    r.id
                    for r in later
                    if r.state is State.MAPPED
                    and r.message_id not in message_ids
                    and r.id not in outcome.unblocked
                ]
            outcome.unblocked += [i for i in outcome.waiting if i not in outcome.unblocked]
            uow.commit()
        outcome.delivered = [r.id for r in moved]
        return outcome

    def _in_order(
        self, uow: UnitOfWork, records: list[TransactionRecord], outcome: MessageDeliveryOutcome
    ) -> list[TransactionRecord]:
        """The records no earlier undelivered document of the same PO waits before (the
        others go to ``outcome.waiting``): ``pending_before`` for all, in one query."""
        undelivered = []
        for partner_id in sorted({r.partner_id or "" for r in records}):
            orders = _orders(records, partner_id)
            if orders:
                undelivered += uow.messages.undelivered_of_orders(
                    partner_id, records[0].direction, orders
                )
        if not undelivered:
            return records
        ready = []
        for record in records:
            earlier = record.po_number is not None and any(
                other.id != record.id
                and other.po_number == record.po_number
                and other.partner_id == record.partner_id
                and _before(other, record)
                for other in undelivered
            )
            if earlier:
                outcome.waiting.append(record.id)
            else:
                ready.append(record)
        return ready

    def dead_letter(self, transaction_id: str, error: GatewayError | str) -> None:
        """Give up for now: the transaction waits for an operator's replay."""
        text = error if isinstance(error, str) else f"{error.code}: {error.message}"
        with self._uow() as uow:
            record = uow.messages.transaction(transaction_id)
            if record is None or record.state is not State.MAPPED:
                return
            now = self._clock.now()
            uow.messages.move_transaction(record, State.DEAD_LETTERED, now, text)
            uow.deliveries.raise_alert(
                "dead_letter",
                f"{record.transaction_set} {record.business_number or ''}: {text}",
                now,
                partner_id=record.partner_id,
                message_id=record.message_id,
                transaction_id=record.id,
            )
            uow.commit()

    def _systems(self, uow: UnitOfWork, record: TransactionRecord) -> list[str]:
        partner = uow.partners.get(record.partner_id or "")
        routing = partner.profile.routing if partner else DEFAULT_ROUTING
        wanted = routing.get(record.kind, []) if record.kind else []  # type: ignore[call-overload]
        return [system for system in wanted if system in self._connectors]

    def _deliver_one(self, record: TransactionRecord, system: str) -> DeliveryReceipt:
        assert record.document is not None and record.idempotency_key is not None
        try:
            receipt = self._connectors[system].deliver(record.document, record.idempotency_key)
        except GatewayError as error:
            with self._uow() as uow:
                uow.deliveries.record(record.id, system, error=f"{error.code}: {error.message}")
                uow.commit()
            raise
        with self._uow() as uow:
            uow.deliveries.record(
                record.id, system, external_id=receipt.external_id, at=self._clock.now()
            )
            uow.commit()
        return receipt

    def _messages_delivered(self, uow: UnitOfWork, message_ids: list[str]) -> None:
        """Inbound messages none of whose documents is still on its way become
        ``delivered``: two queries for them all, and counts rather than the documents
        themselves (a 50-set message loaded every document once per delivery otherwise:
        measured, the batch benchmark's main cost)."""
        unfinished = uow.messages.unfinished_counts(message_ids, _UNFINISHED)
        done = [m for m in message_ids if not unfinished.get(m)]
        for message in uow.messages.get_many(done) if done else []:
            if message.state is State.MAPPED and message.direction is Direction.INBOUND:
                uow.messages.move(
                    message, State.DELIVERED, self._clock.now(), "every document delivered"
                )


# A message is delivered when none of its transactions is still in one of these.
_UNFINISHED = [State.MAPPED, State.HELD, State.DEAD_LETTERED, State.FAILED]


def _before(one: TransactionRecord, other: TransactionRecord) -> bool:
    """``one`` came first: received earlier, or earlier in the same message (the order
    ``pending_before`` applies in the store)."""
    if one.created_at != other.created_at:
        return one.created_at < other.created_at
    return one.message_id == other.message_id and one.position < other.position


def _routes(routing: Mapping[DocumentKind, list[System]], kind: str, system: str) -> bool:
    return system in routing.get(kind, [])  # type: ignore[call-overload]


def _orders(records: list[TransactionRecord], partner_id: str) -> list[str]:
    return sorted({r.po_number for r in records if r.po_number and r.partner_id == partner_id})


def _delivered_to(ids: Mapping[str, str]) -> str:
    return "delivered: " + (
        ", ".join(f"{system} {external}" for system, external in ids.items()) or "nowhere"
    )
