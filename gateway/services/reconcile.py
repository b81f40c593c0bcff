"""A partner's 997/999/CONTRL, matched with the outbound sets it acknowledges."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gateway.domain.tracking import State, TransactionRecord
from gateway.ports import UnitOfWork

_AWAITING = (State.QUEUED, State.SENT, State.OVERDUE)


def reconcile(
    uow: UnitOfWork, ack: TransactionRecord, now: datetime, settled: list[str] | None = None
) -> int:
    """Apply an inbound functional ack (a mapped ``functional_ack`` transaction) to our
    outbound sets; returns how many it settled, and appends each one's status (accepted,
    rejected…) to ``settled`` when given (for monitoring, once committed). The ack itself
    is then ``delivered``: its destination was us."""
    document: dict[str, Any] = dict(ack.document or {})
    body: dict[str, Any] = document.get("body") or {}
    group = body.get("acknowledged", {}).get("group_control_number")
    count = 0
    if group and ack.partner_id:
        acked = {s["set_control_number"]: s for s in body.get("sets", [])}
        whole_group = body.get("group_status") == "rejected" and not acked
        found = uow.messages.outbound_sets(
            ack.partner_id, str(group), None if whole_group else list(acked)
        )
        for item in found:
            if item.state not in _AWAITING:
                continue
            status = "rejected" if whole_group else acked[item.set_control_number]["status"]
            count += 1
            _settle(uow, item, status, acked.get(item.set_control_number, {}), ack, now)
            if settled is not None:
                settled.append(str(status))
    uow.messages.move_transaction(
        ack, State.DELIVERED, now, f"reconciled with {count} outbound set(s)"
    )
    return count


def _settle(
    uow: UnitOfWork,
    item: TransactionRecord,
    status: str,
    acked: dict[str, Any],
    ack: TransactionRecord,
    now: datetime,
) -> None:
    source = f"{ack.transaction_set} in message {ack.message_id}"
    if status == "rejected":
        errors = "; ".join(
            " ".join(
                str(e.get(name) or "") for name in ("segment_id", "code", "description")
            ).strip()
            for e in acked.get("errors", [])
        )
        text = f"rejected by {source}" + (f": {errors}" if errors else "")
        uow.messages.move_transaction(item, State.REJECTED, now, text)
        uow.deliveries.raise_alert(
            "ack_rejected",
            f"{item.transaction_set} #{item.set_control_number}: {text}",
            now,
            partner_id=item.partner_id,
            message_id=item.message_id,
            transaction_id=item.id,
        )
        return
    if item.state is State.QUEUED:
        uow.messages.move_transaction(item, State.SENT, now, "acknowledged before we saw it sent")
    uow.messages.move_transaction(item, State.ACKNOWLEDGED, now, f"{status} by {source}")
