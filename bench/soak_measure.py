"""Measuring for the soak benchmark (``soak.py``): ERP deliveries counted in the store,
waiting for the stack to drain, and the ramp that finds the peak rate.

Why a module of its own: these read the gateway's database while the traffic runs, and
decide the soak's rate; the soak itself is run from ``soak.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime

from sqlalchemy import text

from bench.soak_traffic import Traffic
from demo.live import LiveStack


def delivered_between(stack: LiveStack, since: datetime, until: datetime) -> int:
    query = text(
        "SELECT count(*) FROM deliveries WHERE system = 'erp' AND delivered_at >= :since "
        "AND delivered_at < :until"
    )
    with stack.gw.engine.connect() as connection:
        return int(connection.execute(query, {"since": since, "until": until}).scalar_one())


def delivered_total(stack: LiveStack) -> int:
    query = text(
        "SELECT count(DISTINCT transaction_id) FROM deliveries "
        "WHERE system = 'erp' AND delivered_at IS NOT NULL"
    )
    with stack.gw.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def drain(stack: LiveStack, traffic: Traffic, patience: float, limit: float) -> float:
    """Wait until every document sent without error is delivered, or nothing moved for
    ``patience`` seconds, or ``limit`` seconds passed; returns the seconds waited."""
    start = last_move = time.monotonic()
    last = -1
    while time.monotonic() - start < limit:
        answered = [s for s in traffic.sent if s.answered_after is not None]
        done = delivered_total(stack)
        ok = sum(1 for s in answered if s.error is None)
        if len(answered) == len(traffic.sent) and done >= ok:
            break
        if done != last:
            last, last_move = done, time.monotonic()
        elif time.monotonic() - last_move > patience:
            break
        time.sleep(0.5)
    return time.monotonic() - start


def measure_peak(
    stack: LiveStack, traffic: Traffic, args: argparse.Namespace
) -> tuple[float, list[tuple[float, float]]]:
    """The ramp: (peak delivered/s, [(offered/s, delivered/s) per step])."""
    steps: list[tuple[float, float]] = []
    rate = args.ramp_start
    while rate <= args.ramp_max:
        traffic.offer(rate, args.ramp_seconds / 2, "ramp", lambda: None)
        # The second half only: by then deliveries follow the rate, or lag it for good.
        since = datetime.now(UTC)
        traffic.offer(rate, args.ramp_seconds / 2, "ramp", lambda: None)
        until = datetime.now(UTC)
        achieved = delivered_between(stack, since, until) / (until - since).total_seconds()
        steps.append((rate, achieved))
        print(f"[ramp] offered {rate:7.1f}/s  delivered {achieved:7.1f}/s  "
              f"client backlog {traffic.backlog}", file=sys.stderr, flush=True)  # fmt: skip
        if achieved < 0.9 * rate:
            break
        rate *= args.ramp_factor
    return max(achieved for _, achieved in steps), steps
