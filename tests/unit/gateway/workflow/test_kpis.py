"""The KPI arithmetic: percentiles, backlog age buckets, on-time confirmations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from gateway.domain.workflow.exceptions import Owner
from gateway.domain.workflow.kpis import (
    AckSample,
    ConfirmationSample,
    ack_latency,
    backlog,
    failure_rate,
    latency,
    on_time_confirmations,
    per_partner_per_day,
)

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_latency_uses_nearest_rank_percentiles() -> None:
    found = latency([float(n) for n in range(1, 101)])
    assert (found.count, found.p50_seconds, found.p95_seconds, found.max_seconds) == (
        100,
        50.0,
        95.0,
        100.0,
    )
    assert found.average_seconds == 50.5
    assert latency([]).average_seconds is None


def test_ack_latency_counts_what_still_waits() -> None:
    sent = NOW - timedelta(hours=1)
    found = ack_latency(
        [
            AckSample("acknowledged", sent, sent + timedelta(minutes=4)),
            AckSample("overdue", sent, None),
            AckSample("sent", sent, None),
            AckSample("rejected", sent, sent + timedelta(minutes=1)),
        ]
    )
    assert (found.awaiting, found.overdue, found.rejected) == (2, 1, 1)
    assert found.latency.count == 2 and found.latency.max_seconds == 240.0


def test_failure_rate_counts_failed_rejected_and_dead_lettered() -> None:
    found = failure_rate({"delivered": 7, "failed": 1, "dead_lettered": 2, "held": 0})
    assert (found.events, found.failed, found.rate) == (10, 3, 0.3)
    assert found.by_state == {"failed": 1, "dead_lettered": 2}


def test_backlog_buckets_by_owner_and_age() -> None:
    found = backlog(
        [
            (Owner.FINANCE, NOW - timedelta(minutes=59)),
            (Owner.FINANCE, NOW - timedelta(hours=1)),
            (Owner.WAREHOUSE, NOW - timedelta(days=8)),
        ],
        NOW,
    )
    assert found.total == 3
    assert found.by_owner["finance"] == {"under_1h": 1, "1h_to_1d": 1, "1d_to_7d": 0, "over_7d": 0}
    assert found.by_owner["warehouse"]["over_7d"] == 1 and found.by_owner["b2b"]["under_1h"] == 0


def test_documents_fold_to_one_line_per_partner_and_day() -> None:
    day = date(2026, 11, 28)
    (line,) = per_partner_per_day(
        [("acme", day, "inbound", 3), ("acme", day, "outbound", 1), ("acme", day, "inbound", 2)]
    )
    assert (line.partner_id, line.inbound, line.outbound) == ("acme", 5, 1)


def test_on_time_confirmation_judges_only_closed_windows() -> None:
    window = {"acme": timedelta(hours=24)}
    samples = [
        ConfirmationSample("acme", NOW - timedelta(hours=30), NOW - timedelta(hours=10)),  # 20 h
        ConfirmationSample("acme", NOW - timedelta(hours=50), NOW - timedelta(hours=20)),  # 30 h
        ConfirmationSample("acme", NOW - timedelta(hours=30), None),  # overdue
        ConfirmationSample("acme", NOW - timedelta(hours=2), None),  # still within its window
    ]
    (acme,) = on_time_confirmations(samples, window, NOW)
    assert (acme.on_time, acme.late, acme.unconfirmed_overdue, acme.pending) == (1, 1, 1, 1)
    assert acme.rate == round(1 / 3, 4)
