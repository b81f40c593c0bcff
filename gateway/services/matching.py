"""Workflow sync (SPEC §5): each 855, 856, 810 and WMS receipt is matched against what it
refers to, its discrepancies become exceptions, and the document goes on, is held, or
waits for its counterpart.

What happens to a document:

- agrees (within tolerance), or differs only on data its source owns: it goes on to the
  ERP/WMS as before (the exceptions tell the other side what changed);
- differs on data its source does not own (a supplier's price, an over-shipment): it is
  ``held`` until the exception is settled, so it never overwrites the owner's value;
- an invoice is approved for payment when the three-way match finds nothing: the ERP
  receives it with ``"approval": {"payment": "approved", …}`` beside ``meta`` and
  ``body``; one that goes on unmatched (a PO the gateway never sent) carries
  ``"payment": "blocked"`` and the reasons; one that is held gets its verdict when
  released;
- a counterpart missing (a receipt before its ASN, an invoice before any receipt) makes
  it wait: the match runs again when the counterpart arrives, and an invoice is held
  meanwhile.

Resolving an exception re-triggers the stalled step: the document is matched again and,
when nothing holds it any more, released for delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gateway.canonical import ContractError
from gateway.domain.tracking import Direction, State, TransactionRecord
from gateway.domain.workflow.errors import ExceptionNotFound
from gateway.domain.workflow.exceptions import (
    ExceptionQuery,
    ExceptionRecord,
    ExceptionState,
    Resolution,
    resolve,
)
from gateway.domain.workflow.findings import (
    RULE_OF_KIND,
    MatchOutcome,
    Rule,
    waiting_key_for_asn,
    waiting_key_for_receipts,
)
from gateway.domain.workflow.matches import MatchState, MatchStatus
from gateway.ports import Clock, UnitOfWork
from gateway.profiles.model import PartnerProfile
from gateway.services.exception_recording import Recorded, record_findings
from gateway.services.match_context import Context, Evaluation

_GONE = (State.REJECTED, State.DUPLICATE, State.FAILED)
log = logging.getLogger(__name__)


@dataclass(slots=True)
class Synced:
    """What matching did to documents' journeys: ``released`` were held and may be
    delivered now; ``held`` are kept from the systems of record."""

    released: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)


class Workflow:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._uow = unit_of_work
        self._clock = clock

    def check(
        self,
        transaction_ids: Sequence[str],
        *,
        records: Sequence[TransactionRecord] = (),
    ) -> Synced:
        """Match these documents (others are ignored: only 855, 856, 810 and receipts
        have a rule), then whatever was waiting for them. Running it again for the same
        documents changes nothing: exceptions are keyed by what they found.

        ``records``: those of the documents the caller holds as they are stored (just
        mapped), so they are not read again."""
        synced = Synced()
        queue, done = list(transaction_ids), set()
        if not queue:
            return synced
        # One transaction for the lot (a 50-set interchange is one commit, not fifty).
        with self._uow() as uow:
            batch = _Batch(uow, {r.id: r for r in records}, queue)
            while queue:
                transaction_id = queue.pop(0)
                if transaction_id in done:
                    continue
                done.add(transaction_id)
                waiting = self._check_one(batch, transaction_id, synced)
                queue += [t for t in waiting if t not in done]
            uow.commit()
        return synced

    def recheck(self, before: datetime, limit: int = 200) -> Synced:
        """The sweeper's part: match again what waits or is held since before ``before``
        (a counterpart may have come another way — the PO sent after its 855, the item
        master synchronised since), and match what was mapped but never matched (a
        worker stopped in between). Idempotent, like every run; ``limit`` bounds one
        sweep, the longest-unchecked first, so a large backlog rotates."""
        with self._uow() as uow:
            never = uow.workflow.unmatched(list(RULE_OF_KIND), before, limit)
            stale = uow.workflow.stale((MatchStatus.WAITING, MatchStatus.HELD), before, limit)
        return self.check(never + stale)

    def check_mapped(self, records: Sequence[TransactionRecord]) -> Synced:
        """``check`` for what intake just mapped (the pipeline's hook)."""
        mapped = [r for r in records if r.state is State.MAPPED and r.kind in RULE_OF_KIND]
        return self.check([r.id for r in mapped], records=mapped)

    def resolve(
        self,
        exception_id: str,
        resolution: Resolution,
        actor: str,
        note: str,
        *,
        partner_id: str | None = None,
    ) -> tuple[ExceptionRecord, Synced]:
        """Settle an exception and re-trigger what it stalled: its document is matched
        again (released when nothing holds it any more), or refused for ``reject``.

        Raises:
            ExceptionNotFound: no such exception (or another partner's, for a partner).
            ExceptionStateConflict: it is resolved already.
        """
        with self._uow() as uow:
            record = uow.exceptions.get(exception_id)
            if record is None or (partner_id is not None and record.partner_id != partner_id):
                raise ExceptionNotFound(f"no exception {exception_id}")
            now = self._clock.now()
            uow.exceptions.save(record, [resolve(record, resolution, actor, now, note)])
            if resolution is Resolution.REJECT and record.transaction_id:
                self._refuse(uow, record, actor, now)
            uow.commit()
        synced = self.check([record.transaction_id]) if record.transaction_id else Synced()
        with self._uow() as uow:
            fresh = uow.exceptions.get(exception_id)
        assert fresh is not None
        return fresh, synced

    def _check_one(self, batch: _Batch, transaction_id: str, synced: Synced) -> list[str]:
        """Match one document; returns the documents waiting for it, to match next."""
        uow = batch.uow
        record = batch.record(transaction_id)
        if record is None or record.kind not in RULE_OF_KIND or record.document is None:
            return []
        if record.state in _GONE or record.direction is not Direction.INBOUND:
            return []  # what we send is the reference, not what is checked
        profile = batch.profile(record.partner_id)
        now = self._clock.now()
        try:
            evaluation = Context(uow, profile).evaluate(record)
        except ContractError as error:  # a document stored under an older contract
            log.warning("transaction %s cannot be matched: %s", record.id, error)
            return []
        if evaluation.outcome.rule is not Rule.RECEIPT:  # a receipt linked itself
            uow.workflow.link(record, evaluation.links, first=batch.first_match(record.id))
        recorded = record_findings(uow, evaluation, profile, now)
        waived = {(e.kind, e.line) for e in recorded.waived}
        outcome = evaluation.outcome.without(waived)
        for document in evaluation.subject_documents or [record]:
            _settle(uow, document, outcome, recorded, now, synced)
        synced.checked.append(transaction_id)
        subject = {d.id for d in evaluation.subject_documents}
        return [
            m.transaction_id
            for m in uow.workflow.waiting_on(_counterparts(evaluation))
            if m.transaction_id not in subject
        ]

    def _refuse(self, uow: UnitOfWork, record: ExceptionRecord, actor: str, now: datetime) -> None:
        """``reject``: the held document never reaches the systems; the other exceptions
        that held it are settled with it."""
        document = uow.messages.transaction(record.transaction_id or "")
        if document is None or document.state not in (State.MAPPED, State.HELD):
            return  # delivered already (a receipt): the discrepancy is settled, not undone
        why = f"rejected with exception {record.id[:8]} by {actor}: {record.resolution_note}"
        uow.messages.move_transaction(document, State.REJECTED, now, why)
        query = ExceptionQuery(
            transaction_id=document.id, states=(ExceptionState.OPEN, ExceptionState.ACKNOWLEDGED)
        )
        for other in uow.exceptions.find(query):
            note = f"its document was rejected with exception {record.id[:8]}"
            uow.exceptions.save(other, [resolve(other, Resolution.REJECT, actor, now, note)])
        match = uow.workflow.match(document.id)
        if match is not None:
            match.status, match.summary, match.checked_at = MatchStatus.REJECTED, why, now
            match.waiting_on = None
            uow.workflow.save_match(match)


class _Batch:
    """What one ``check`` reads once: the documents the caller holds, the partners'
    profiles, and which documents were matched before (those were linked before)."""

    def __init__(
        self, uow: UnitOfWork, records: dict[str, TransactionRecord], ids: Sequence[str]
    ) -> None:
        self.uow = uow
        self._records = records
        self._asked = set(ids)
        self._matched = set(uow.workflow.matches(ids))
        self._profiles: dict[str, PartnerProfile | None] = {}

    def record(self, transaction_id: str) -> TransactionRecord | None:
        held = self._records.pop(transaction_id, None)  # as handed in; fresh after that
        return held if held is not None else self.uow.messages.transaction(transaction_id)

    def profile(self, partner_id: str | None) -> PartnerProfile | None:
        key = partner_id or ""
        if key not in self._profiles:
            partner = self.uow.partners.get(key)
            self._profiles[key] = partner.profile if partner else None
        return self._profiles[key]

    def first_match(self, transaction_id: str) -> bool:
        """Never matched before this run (so never linked). Only the documents asked for
        are known either way: one found waiting on them was matched before."""
        first = transaction_id in self._asked and transaction_id not in self._matched
        self._matched.add(transaction_id)
        return first


def _settle(
    uow: UnitOfWork,
    document: TransactionRecord,
    outcome: MatchOutcome,
    recorded: Recorded,
    now: datetime,
    synced: Synced,
) -> None:
    """Hold, release or let go one document as ``outcome`` says, and remember why."""
    hold = outcome.hold
    if document.state is State.MAPPED and hold:
        uow.messages.move_transaction(document, State.HELD, now, f"held: {_summary(outcome)}")
    elif document.state is State.HELD and not hold:
        uow.messages.move_transaction(document, State.MAPPED, now, f"released: {_summary(outcome)}")
        synced.released.append(document.id)
    if document.state is State.HELD:
        synced.held.append(document.id)
    if outcome.rule is Rule.INVOICE and document.state in (State.MAPPED, State.HELD):
        _decide_payment(uow, document, outcome, recorded, now)
    if outcome.approved:
        status = MatchStatus.APPROVED
    elif outcome.waiting_on is not None:
        status = MatchStatus.WAITING
    elif hold:
        status = MatchStatus.HELD
    else:
        status = MatchStatus.EXCEPTIONS if outcome.findings else MatchStatus.MATCHED
    uow.workflow.save_match(
        MatchState(
            document.id,
            outcome.rule.value,
            outcome.subject,
            status,
            _summary(outcome),
            now,
            document.partner_id,
            outcome.waiting_on,
        )
    )


def _decide_payment(
    uow: UnitOfWork,
    document: TransactionRecord,
    outcome: MatchOutcome,
    recorded: Recorded,
    now: datetime,
) -> None:
    """The invoice's ``approval`` member: what the ERP's accounts payable acts on."""
    approval: dict[str, Any] | None
    if outcome.approved:
        po = outcome.po_numbers[0] if outcome.po_numbers else "?"
        approval = {
            "payment": "approved",
            "basis": f"three-way match with PO {po} and its receipts",
            "accepted_exceptions": [e.id for e in recorded.waived],
        }
    elif not outcome.hold:
        approval = {"payment": "blocked", "reasons": [f.explanation for f in outcome.findings]}
    else:
        approval = None  # held: decided when it is released
    content: dict[str, object] = dict(document.document or {})
    current = content.get("approval")
    same = (
        isinstance(current, dict)
        and approval is not None
        and all(current.get(k) == v for k, v in approval.items())
    )
    if same or (approval is None and current is None):
        return
    if approval is None:
        content.pop("approval", None)
    else:
        content["approval"] = approval | {"decided_at": now.isoformat()}
    document.document = content
    uow.messages.update_transaction(document)


def _summary(outcome: MatchOutcome) -> str:
    if outcome.findings:
        return " ".join(f.explanation for f in outcome.findings)
    if outcome.waiting_for:
        return f"waiting for {outcome.waiting_for}"
    if outcome.approved:
        return f"invoice {outcome.subject} approved for payment"
    return f"{outcome.rule.value.replace('_', ' ')} {outcome.subject} agrees"


def _counterparts(evaluation: Evaluation) -> list[str]:
    """The waiting keys this document's arrival (or re-match) may satisfy."""
    outcome = evaluation.outcome
    if outcome.rule is Rule.SHIP_NOTICE:
        return [waiting_key_for_asn(outcome.subject)]
    if outcome.rule is Rule.RECEIPT:
        return [waiting_key_for_receipts(po) for po in outcome.po_numbers]
    return []
