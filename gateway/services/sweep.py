"""Work left behind is found in the store, not in the broker: a message received but
never queued (broker down at that moment), a delivery whose task was lost. Every step
is idempotent, so queueing one again is always safe."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from gateway.domain.tracking import Direction, State
from gateway.ports import Clock, Dispatcher, UnitOfWork
from gateway.services.matching import Workflow


def resume_stalled(
    unit_of_work: Callable[[], UnitOfWork],
    dispatcher: Dispatcher,
    clock: Clock,
    stall: timedelta = timedelta(minutes=5),
) -> dict[str, int]:
    """``stall`` must be far longer than a healthy step takes; a step queued twice is
    harmless (each is idempotent), only wasted."""
    before = clock.now() - stall
    with unit_of_work() as uow:
        mapped = uow.messages.transactions_in_state(
            State.MAPPED, direction=Direction.INBOUND, before=before
        )
        # ``parsed`` too: a worker that died (or whose store or disk failed) after
        # identifying a message leaves it there, and ``Intake.process`` starts it again.
        received = [
            m
            for state in (State.RECEIVED, State.PARSED)
            for m in uow.messages.find_stalled(state, before)
            if m.direction is Direction.INBOUND
        ]
    for message in received:
        dispatcher.process_inbound(message.id)
    for item in mapped:
        dispatcher.deliver(item.id)
    return {"requeued_messages": len(received), "requeued_deliveries": len(mapped)}


def recheck_matches(
    workflow: Workflow,
    dispatcher: Dispatcher,
    clock: Clock,
    stall: timedelta = timedelta(minutes=5),
) -> dict[str, int]:
    """Matching left behind: documents mapped but never matched are matched before
    ``resume_stalled`` delivers them (a conflict must be held, not delivered), and what
    waits or is held is matched again; what that releases is delivered."""
    synced = workflow.recheck(clock.now() - stall)
    for transaction_id in synced.released:
        dispatcher.deliver(transaction_id)
    return {"rematched": len(synced.checked), "released": len(synced.released)}
