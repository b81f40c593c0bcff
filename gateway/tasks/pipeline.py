"""The inbound chain's tasks. Each is idempotent (the services check states), so they
run with ``acks_late``: a worker killed mid-task leaves the task to be run again."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import Task, shared_task

from gateway.domain.errors import PermanentError, RetryableError, Unavailable
from gateway.domain.tracking import State
from gateway.services.sweep import recheck_matches, resume_stalled
from gateway.tasks.dispatch import (
    DELIVER,
    DELIVER_MESSAGE,
    POLL_DUE,
    POLL_PARTNER,
    PROCESS_INBOUND,
    SEND,
    SWEEP,
    SYNC_ITEMS,
    CeleryDispatcher,
)
from gateway.tasks.runtime import retry_policy, services

log = logging.getLogger(__name__)


@shared_task(name=PROCESS_INBOUND, bind=True, acks_late=True, max_retries=5)
def process_inbound(self: Task[Any, str], message_id: str) -> str:
    """Intake of a received message, together with the others waiting that this worker
    could claim (``Pipeline.process_claimed``); retried only for transient store
    errors. Returns the message's state, or ``taken`` when another worker has it or
    had it."""
    gw = services()
    pipeline = gw.pipeline
    lease = timedelta(seconds=gw.settings.stall_seconds / 2)
    try:
        outcomes = pipeline.process_claimed(message_id, lease, deliver=False)
    except RetryableError as error:
        countdown = retry_policy().countdown(self.request.retries)
        raise self.retry(exc=error, countdown=countdown) from error
    ready = [o.message.id for o in outcomes if pipeline.to_deliver(o)]
    if ready:
        # Delivered here and now rather than by a task of their own: one broker round
        # trip and task start less per message (measured on the single-set benchmark).
        # What fails goes on to the delivery queue's per-document task with its retries.
        try:
            _deliver_messages(ready)
        except RetryableError:
            for ready_id in ready:  # the store hiccuped: later
                pipeline.dispatcher.deliver_message(ready_id)
    own = [o.message.state.value for o in outcomes if o.message.id == message_id]
    return own[0] if own else "taken"


@shared_task(name=DELIVER, bind=True, acks_late=True, max_retries=None)
def deliver(self: Task[Any, str], transaction_id: str) -> str:
    """One transaction to its systems of record. Retryable failures back off (honouring
    Retry-After) up to the policy's bound, then the transaction is dead-lettered; a
    permanent refusal dead-letters it at once."""
    policy = retry_policy()
    gw = services()
    delivery = gw.delivery
    try:
        outcome = delivery.deliver(transaction_id)
        for later in outcome.unblocked:  # the PO's next documents may go now
            gw.pipeline.dispatcher.deliver(later)
        return "waiting" if outcome.waiting_for else outcome.state.value
    except RetryableError as error:
        retries = self.request.retries
        if retries >= policy.max_retries:
            if isinstance(error, Unavailable):
                # Our own database or disk, not the system of record, failed all along:
                # no dead letter; the transaction stays mapped and the sweeper resumes it.
                raise
            delivery.dead_letter(transaction_id, error)
            return State.DEAD_LETTERED.value
        retry_after = getattr(error, "retry_after", None)
        countdown = policy.countdown(retries, retry_after)
        log.info("delivery of %s retries in %.1fs: %s", transaction_id, countdown, error)
        raise self.retry(exc=error, countdown=countdown) from error
    except PermanentError as error:
        delivery.dead_letter(transaction_id, error)
        return State.DEAD_LETTERED.value


@shared_task(name=DELIVER_MESSAGE, acks_late=True)
def deliver_message(message_id: str) -> dict[str, int]:
    """A message's documents together (the fast path). What fails goes on to the
    per-document task: at once after a backoff when retryable, dead-lettered when the
    system refused it; what an earlier document of its PO held back goes when that one
    is delivered."""
    return _deliver_messages([message_id])


def _deliver_messages(message_ids: list[str]) -> dict[str, int]:
    gw = services()
    policy = retry_policy()
    outcome = gw.delivery.deliver_messages(message_ids)
    dispatcher = gw.pipeline.dispatcher
    for transaction_id, error in outcome.failed.items():
        if isinstance(error, RetryableError) and isinstance(dispatcher, CeleryDispatcher):
            wait = policy.countdown(0, getattr(error, "retry_after", None))
            dispatcher.deliver_later(transaction_id, wait)
        elif isinstance(error, RetryableError):
            dispatcher.deliver(transaction_id)
        else:
            gw.delivery.dead_letter(transaction_id, error)
    for later in outcome.unblocked:
        dispatcher.deliver(later)
    return {
        "delivered": len(outcome.delivered),
        "waiting": len(outcome.waiting),
        "failed": len(outcome.failed),
    }


@shared_task(name=SEND, bind=True, acks_late=True, max_retries=None)
def send(self: Task[Any, str], message_id: str) -> str:
    """An outbound message (a document or an ack) over its partner's transport; retried
    like a delivery, and left ``queued`` with an alert when the partner stays away."""
    policy = retry_policy()
    try:
        return services().outbound.send(message_id).value
    except RetryableError as error:
        if self.request.retries >= policy.max_retries:
            log.warning("sending %s gave up: %s", message_id, error)
            return State.QUEUED.value
        countdown = policy.countdown(self.request.retries)
        raise self.retry(exc=error, countdown=countdown) from error
    except PermanentError as error:
        log.warning("sending %s refused: %s", message_id, error)
        services().outbound.fail(message_id, error)
        return State.FAILED.value


@shared_task(name=SWEEP, acks_late=True)
def sweep() -> dict[str, int]:
    """Every minute (beat): overdue acks become ``overdue`` with an alert; work that a
    lost broker message or a crash left behind is queued again (idempotent steps)."""
    gw = services()
    stall = timedelta(seconds=gw.settings.stall_seconds)
    # Matching first: a document mapped but never matched must be held, not delivered.
    matched = recheck_matches(gw.pipeline.workflow, gw.pipeline.dispatcher, gw.clock, stall)
    resumed = resume_stalled(gw.unit_of_work, gw.pipeline.dispatcher, gw.clock, stall)
    return {"overdue": gw.outbound.mark_overdue(), **matched, **resumed}


@shared_task(name=POLL_DUE, acks_late=True)
def poll_due() -> list[str]:
    """Beat, every few seconds: queue a poll for each partner whose interval has come
    round (stateless: the partner's interval windows, not a last-poll record)."""
    from gateway.transports.sftp import due_for_poll  # paramiko: only where polling runs

    gw = services()
    now = gw.clock.now().timestamp()
    with gw.unit_of_work() as uow:
        partners = uow.partners.list_all(include_inactive=False)
    due = [
        p.profile.id
        for p in partners
        if due_for_poll(p.profile, now, gw.settings.sftp_poll_check_seconds)
    ]
    for partner_id in due:
        poll_partner.apply_async(args=(partner_id,), queue="polling")
    return due


@shared_task(name=POLL_PARTNER, bind=True, acks_late=True, max_retries=3)
def poll_partner(self: Task[Any, dict[str, int]], partner_id: str) -> dict[str, int]:
    """Fetch a partner's files from its SFTP server. A connection that fails transiently
    is retried with backoff; the next scheduled poll picks up whatever is left anyway
    (each file is stored before it is archived there, and is the same message if
    fetched twice)."""
    from gateway.transports.sftp import poll_partner as poll_now

    gw = services()
    with gw.unit_of_work() as uow:
        stored = uow.partners.get(partner_id)
    if stored is None:
        return {"fetched": 0, "refused": 0}
    try:
        result = poll_now(
            stored.profile,
            gw.intake,
            gw.pipeline.dispatcher,
            gw.unit_of_work,
            max_file_size=gw.settings.max_upload_bytes,
        )
    except RetryableError as error:
        countdown = retry_policy().countdown(self.request.retries)
        raise self.retry(exc=error, countdown=countdown) from error
    except PermanentError as error:
        log.warning("polling %s failed: %s", partner_id, error)
        return {"fetched": 0, "refused": 0}
    return {"fetched": len(result.fetched), "refused": len(result.refused)}


@shared_task(name=SYNC_ITEMS, acks_late=True)
def sync_items() -> dict[str, int]:
    """Beat, hourly by default: refresh the copy of the ERP's item master. An ERP that
    is away leaves the old copy; the next beat tries again (no retries piling up)."""
    gw = services()
    if not gw.items.configured:
        return {"items": 0}
    try:
        synced = gw.items.sync()
    except RetryableError as error:
        log.warning("the item master was not refreshed: %s", error)
        return {"items": -1}
    return {"items": synced.items, "codes": synced.codes}
