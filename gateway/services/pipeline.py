"""The inbound chain: intake → (acknowledgements queued to send) → delivery per routing.

Each step is its own task when a broker runs them (gateway.tasks); the
``InlineDispatcher`` runs them one after another in the caller's thread, which is
what the command line and a bare machine without a worker use.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from gateway.domain.errors import GatewayError, PermanentError
from gateway.domain.tracking import State
from gateway.ports import Clock, Dispatcher, NoTelemetry, Telemetry, UnitOfWork
from gateway.services.delivery import Delivery
from gateway.services.intake import Intake, Outcome
from gateway.services.matching import Workflow
from gateway.services.outbound import Outbound
from gateway.services.reconcile import reconcile
from gateway.services.replay import Remapper


class Pipeline:
    def __init__(
        self,
        intake: Intake,
        delivery: Delivery,
        remapper: Remapper,
        dispatcher: Dispatcher,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        *,
        telemetry: Telemetry | None = None,
        workflow: Workflow | None = None,
    ) -> None:
        self.intake = intake
        self.delivery = delivery
        self.remapper = remapper
        self.dispatcher = dispatcher
        self.unit_of_work = unit_of_work
        self.clock = clock
        self.telemetry: Telemetry = telemetry or NoTelemetry()
        self.workflow = workflow or Workflow(unit_of_work, clock)

    def process_inbound(self, message_id: str, *, deliver: bool = True) -> Outcome:
        """Identify, validate, acknowledge and map; settle our outbound sets that a 997,
        999 or CONTRL in it acknowledges; then hand on what comes next (the delivery
        too, unless ``deliver`` is False: a worker that delivers at once itself)."""
        outcome = self.intake.process(message_id)
        self._after_intake([outcome], deliver=deliver)
        return outcome

    def process_claimed(
        self, message_id: str, lease: timedelta, *, deliver: bool = True
    ) -> list[Outcome]:
        """``process_inbound`` for the message and the others its worker claimed with
        it (``Intake.process_claimed``): one reconciliation, one matching run and the
        hand-on for them all. Empty when another worker has the message."""
        outcomes = self.intake.process_claimed(message_id, lease)
        self._after_intake(outcomes, deliver=deliver)
        return outcomes

    def _after_intake(self, outcomes: list[Outcome], *, deliver: bool) -> None:
        acks = [
            (outcome, item)
            for outcome in outcomes
            for item in outcome.transactions
            if item.kind == "functional_ack" and item.state is State.MAPPED
        ]
        if acks:
            settled: list[tuple[str | None, str]] = []
            with self.unit_of_work() as uow:
                for outcome, item in acks:
                    statuses: list[str] = []
                    reconcile(uow, item, self.clock.now(), statuses)
                    settled += [(outcome.message.partner_id, status) for status in statuses]
                uow.commit()
            for partner_id, status in settled:
                self.telemetry.ack_outcome(partner_id, status)
        # SPEC §5: match 855/856/810 against PO, ASNs and receipts; hold what conflicts.
        synced = self.workflow.check_mapped([t for o in outcomes for t in o.transactions])
        for outcome in outcomes:
            self.hand_on(outcome, deliver=deliver)
        for transaction_id in synced.released:  # held documents a counterpart settled
            self.dispatcher.deliver(transaction_id)

    def replay(self, message_id: str, reason: str) -> list[str]:
        """Start again what stopped: a refused or failed message from its raw bytes, or
        the dead-lettered deliveries of a mapped one (same idempotency keys). Returns
        the ids of the transactions handed on to delivery.

        Raises:
            MessageNotFound, NotReplayable: nothing to replay.
        """
        if self.remapper.stuck(message_id):
            replayed = self.remapper.remap(message_id, reason)
            held = set(self.workflow.check_mapped(replayed).held)
            for record in replayed:
                if record.id not in held:
                    self.dispatcher.deliver(record.id)
            return [record.id for record in replayed if record.id not in held]
        outcome = self.intake.replay(message_id, reason)
        self.workflow.check_mapped(outcome.transactions)
        self.hand_on(outcome)
        return [t.id for t in outcome.transactions if t.state is State.MAPPED]

    def hand_on(self, outcome: Outcome, *, deliver: bool = True) -> None:
        # A partner without an outbound transport fetches its acks (API): no send task.
        fetched = outcome.partner is not None and not outcome.partner.transports.outbound
        for ack in [] if fetched else outcome.acknowledgements:
            self.dispatcher.send(ack.id)
        if deliver and self.to_deliver(outcome):
            self.dispatcher.deliver_message(outcome.message.id)

    def to_deliver(self, outcome: Outcome) -> bool:
        return self.delivery.configured and any(
            item.state is State.MAPPED for item in outcome.transactions
        )


class InlineDispatcher:
    """Runs each step at once, in this thread (no broker). Delivery failures are left
    for a later ``replay``: there is no worker to retry them."""

    def __init__(self) -> None:
        self.pipeline: Pipeline | None = None
        self.outbound: Outbound | None = None

    def process_inbound(self, message_id: str) -> None:
        assert self.pipeline is not None
        self.pipeline.process_inbound(message_id)

    def deliver(self, transaction_id: str) -> None:
        assert self.pipeline is not None
        try:
            outcome = self.pipeline.delivery.deliver(transaction_id)
        except GatewayError as error:
            self.pipeline.delivery.dead_letter(transaction_id, error)
            return
        for later in outcome.unblocked:
            self.deliver(later)

    def deliver_message(self, message_id: str) -> None:
        assert self.pipeline is not None
        delivery = self.pipeline.delivery
        outcome = delivery.deliver_message(message_id)
        for transaction_id, error in outcome.failed.items():
            delivery.dead_letter(transaction_id, error)
        for later in outcome.unblocked:
            self.deliver(later)

    def send(self, message_id: str) -> None:
        """Send at once; a transient failure leaves it queued, a refusal fails it."""
        assert self.pipeline is not None and self.outbound is not None
        try:
            self.outbound.send(message_id)
        except PermanentError as error:
            self.outbound.fail(message_id, error)
        except GatewayError:
            return
