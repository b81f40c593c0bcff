"""Business activity monitoring (SPEC §6): a PO's timeline across EDI, ERP and WMS, and
the KPIs of a time window, both computed from the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from gateway.domain.tracking import TransactionRecord
from gateway.domain.workflow import kpis
from gateway.domain.workflow.exceptions import ExceptionQuery, ExceptionRecord
from gateway.domain.workflow.matches import MatchState
from gateway.domain.workflow.timeline import TimelineEntry, build_timeline
from gateway.ports import Clock, UnitOfWork


@dataclass(frozen=True, slots=True)
class OrderTimeline:
    po_number: str
    documents: list[TransactionRecord]
    matches: dict[str, MatchState]
    exceptions: list[ExceptionRecord]
    entries: list[TimelineEntry]


@dataclass(frozen=True, slots=True)
class Kpis:
    since: datetime
    until: datetime
    partner_id: str | None
    sync_latency: kpis.Latency
    sync_latency_by_kind: dict[str, kpis.Latency]
    ack_latency: kpis.AckLatency
    failure_rate: kpis.FailureRate
    backlog: kpis.Backlog
    documents_per_day: list[kpis.DailyCount]
    confirmations: list[kpis.OnTime]


class Monitoring:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._uow = unit_of_work
        self._clock = clock

    def timeline(self, po_number: str, *, partner_id: str | None = None) -> OrderTimeline:
        """Every document and event of the PO, in time order (empty: no such PO, or none
        of ``partner_id``'s)."""
        with self._uow() as uow:
            documents = uow.activity.order_documents(po_number, partner_id)
            ids = [d.id for d in documents]
            query = ExceptionQuery(po_number=po_number, partner_id=partner_id, limit=500)
            found = {e.id: e for e in uow.exceptions.find(query)}
            for document_id in ids:  # exceptions on its documents filed under another PO
                more = ExceptionQuery(transaction_id=document_id, partner_id=partner_id)
                found |= {e.id: e for e in uow.exceptions.find(more)}
            exceptions = sorted(found.values(), key=lambda e: e.opened_at)
            matches = uow.workflow.matches(ids)
            entries = build_timeline(
                documents,
                uow.activity.transitions(ids),
                uow.activity.deliveries(ids),
                matches,
                exceptions,
                uow.exceptions.histories([e.id for e in exceptions]),
            )
        return OrderTimeline(po_number, documents, matches, exceptions, entries)

    def kpis(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        partner_id: str | None = None,
    ) -> Kpis:
        """The KPIs of ``[since, until)`` (default: the last 7 days); the backlog is as of
        now, whatever the window."""
        now = self._clock.now()
        until = until or now
        since = since or until - timedelta(days=7)
        with self._uow() as uow:
            overall, by_kind = kpis.sync_latency(
                uow.activity.sync_samples(since, until, partner_id)
            )
            acks = kpis.ack_latency(uow.activity.ack_samples(since, until, partner_id))
            failures = kpis.failure_rate(uow.activity.state_counts(since, until, partner_id))
            backlog = kpis.backlog(uow.exceptions.unresolved_ages(partner_id), now)
            daily = kpis.per_partner_per_day(uow.activity.daily_counts(since, until, partner_id))
            samples = uow.activity.confirmation_samples(since, until, partner_id)
            windows = {}
            for partner in {s.partner_id for s in samples}:
                stored = uow.partners.get(partner)
                hours = stored.profile.tolerances.confirm_within_hours if stored else 48
                windows[partner] = timedelta(hours=hours)
        confirmations = kpis.on_time_confirmations(samples, windows, now)
        return Kpis(
            since,
            until,
            partner_id,
            overall,
            by_kind,
            acks,
            failures,
            backlog,
            daily,
            confirmations,
        )
