"""Business activity KPIs (SPEC §6), computed from what the store says happened.

Each function takes plain samples the store hands over for a time window and returns
the figure an operations dashboard shows; nothing here reads a clock or a database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from gateway.domain.workflow.exceptions import Owner

FAILED_STATES = ("failed", "rejected", "dead_lettered")
# Age buckets of the reconciliation backlog: upper bound (exclusive) → name.
AGE_BUCKETS: tuple[tuple[timedelta | None, str], ...] = (
    (timedelta(hours=1), "under_1h"),
    (timedelta(days=1), "1h_to_1d"),
    (timedelta(days=7), "1d_to_7d"),
    (None, "over_7d"),
)


@dataclass(frozen=True, slots=True)
class Latency:
    count: int
    average_seconds: float | None
    p50_seconds: float | None
    p95_seconds: float | None
    max_seconds: float | None


def latency(seconds: Sequence[float]) -> Latency:
    """Count, mean, nearest-rank median and 95th percentile, maximum."""
    if not seconds:
        return Latency(0, None, None, None, None)
    ordered = sorted(seconds)

    def rank(share: float) -> float:
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)]

    return Latency(
        len(ordered), round(sum(ordered) / len(ordered), 3), rank(0.5), rank(0.95), ordered[-1]
    )


@dataclass(frozen=True, slots=True)
class SyncSample:
    """A document received at the gateway and taken by the ERP."""

    kind: str
    received_at: datetime
    acknowledged_at: datetime


def sync_latency(samples: Sequence[SyncSample]) -> tuple[Latency, dict[str, Latency]]:
    """Received at the gateway → acknowledged by the ERP, overall and per kind."""
    per_kind: dict[str, list[float]] = {}
    for sample in samples:
        seconds = (sample.acknowledged_at - sample.received_at).total_seconds()
        per_kind.setdefault(sample.kind, []).append(seconds)
    overall = latency([s for values in per_kind.values() for s in values])
    return overall, {kind: latency(values) for kind, values in sorted(per_kind.items())}


@dataclass(frozen=True, slots=True)
class AckSample:
    """One of our outbound sets: when it was sent and when the partner's 997 settled it."""

    state: str
    sent_at: datetime | None
    acknowledged_at: datetime | None


@dataclass(frozen=True, slots=True)
class AckLatency:
    latency: Latency
    awaiting: int  # sent, no ack yet (overdue ones included)
    overdue: int
    rejected: int


def ack_latency(samples: Sequence[AckSample]) -> AckLatency:
    seconds = [
        (s.acknowledged_at - s.sent_at).total_seconds()
        for s in samples
        if s.sent_at is not None and s.acknowledged_at is not None
    ]
    awaiting = sum(1 for s in samples if s.state in ("sent", "overdue"))
    overdue = sum(1 for s in samples if s.state == "overdue")
    rejected = sum(1 for s in samples if s.state == "rejected")
    return AckLatency(latency(seconds), awaiting, overdue, rejected)


@dataclass(frozen=True, slots=True)
class FailureRate:
    events: int
    failed: int
    rate: float | None
    by_state: dict[str, int]


def failure_rate(states: Mapping[str, int]) -> FailureRate:
    """Documents (EDI sets both ways, ERP and WMS events) that ended failed, rejected or
    dead-lettered, against all of the window's."""
    events = sum(states.values())
    by_state = {state: states[state] for state in FAILED_STATES if states.get(state)}
    failed = sum(by_state.values())
    return FailureRate(events, failed, round(failed / events, 4) if events else None, by_state)


@dataclass(frozen=True, slots=True)
class Backlog:
    total: int
    by_owner: dict[str, dict[str, int]]


def backlog(unresolved: Sequence[tuple[Owner, datetime]], now: datetime) -> Backlog:
    """Unsettled exceptions by owner and age bucket (every bucket named, zeros included)."""
    by_owner = {owner.value: {name: 0 for _, name in AGE_BUCKETS} for owner in Owner}
    for owner, opened_at in unresolved:
        age = now - opened_at
        name = next(n for bound, n in AGE_BUCKETS if bound is None or age < bound)
        by_owner[owner.value][name] += 1
    return Backlog(len(unresolved), by_owner)


@dataclass(frozen=True, slots=True)
class DailyCount:
    partner_id: str | None
    day: date
    inbound: int = 0
    outbound: int = 0


def per_partner_per_day(rows: Sequence[tuple[str | None, date, str, int]]) -> list[DailyCount]:
    """``(partner, day, direction, count)`` rows folded to one line per partner and day."""
    folded: dict[tuple[str, date], dict[str, int]] = {}
    for partner, day, direction, count in rows:
        folded.setdefault((partner or "", day), {}).setdefault(direction, 0)
        folded[(partner or "", day)][direction] += count
    return [
        DailyCount(partner or None, day, counts.get("inbound", 0), counts.get("outbound", 0))
        for (partner, day), counts in sorted(folded.items())
    ]


@dataclass(frozen=True, slots=True)
class ConfirmationSample:
    """A PO we sent and the supplier's first 855 for it (None: none yet)."""

    partner_id: str
    sent_at: datetime
    confirmed_at: datetime | None


@dataclass(frozen=True, slots=True)
class OnTime:
    partner_id: str
    orders: int
    on_time: int
    late: int
    unconfirmed_overdue: int
    pending: int  # not confirmed, and not due yet
    rate: float | None = field(default=None)


def on_time_confirmations(
    samples: Sequence[ConfirmationSample], within: Mapping[str, timedelta], now: datetime
) -> list[OnTime]:
    """Per supplier: POs confirmed within its window (profile ``confirm_within_hours``),
    late, overdue without an answer, or still within the window. The rate counts only
    the POs whose window has closed."""
    per_partner: dict[str, list[ConfirmationSample]] = {}
    for sample in samples:
        per_partner.setdefault(sample.partner_id, []).append(sample)
    results = []
    for partner, found in sorted(per_partner.items()):
        window = within.get(partner, timedelta(hours=48))
        on_time = late = overdue = pending = 0
        for sample in found:
            due = sample.sent_at + window
            if sample.confirmed_at is not None:
                on_time, late = (
                    (on_time + 1, late) if sample.confirmed_at <= due else (on_time, late + 1)
                )
            elif now > due:
                overdue += 1
            else:
                pending += 1
        judged = on_time + late + overdue
        rate = round(on_time / judged, 4) if judged else None
        results.append(OnTime(partner, len(found), on_time, late, overdue, pending, rate))
    return results
