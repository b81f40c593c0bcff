"""Benchmark the whole inbound pipeline: interchanges POSTed to the API, through Redis
and Celery workers, into the sandbox ERP, on PostgreSQL.

What it measures: transaction sets per second from the first submission to the last
ERP delivery, and each set's latency from receipt (the message's ``received_at``,
stamped before the API answers) to its ERP delivery (``deliveries.delivered_at``).

Scenarios:
1. ``batch``: interchanges of 50 sets (855s, one PO each), submitted as fast as four
   client threads can; target >= 500 sets/s.
2. ``single``: single-set interchanges as fast as possible; target >= 100/s.
3. ``paced``: single-set interchanges at 50 sets/s; target p99 < 1 s.

How: the stack of the live demo (API process, worker processes, sandbox process) on
Redis 127.0.0.1:6379 and a throwaway PostgreSQL schema on 127.0.0.1:5432, both as on
this machine; the clients run in this process. Everything shares the 2 cores.

Run: ``.venv/bin/python bench/pipeline.py [--interchanges 40] [--singles 1000]
[--paced-seconds 20] [--concurrency 4]`` (fewer end within 3 s: too short to be steady).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._stack import Clock, delivered, latencies, throwaway_stack
from demo.live import LiveStack
from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.render import RenderOptions, render_x12
from gateway.canonical import (
    KIND_OF,
    AckLine,
    CanonicalDocument,
    Direction,
    ItemIds,
    Meta,
    PoAcknowledgement,
)
from gateway.domain.control_numbers import InMemoryControlNumbers

OPTIONS = RenderOptions(
    sender=("ZZ", "ACMESUPPLY"),
    receiver=("ZZ", "CROSSDOCK"),
    delimiters=Delimiters(element="*", component=">", segment="~", repetition="^"),
)


class Interchanges:
    """855s with one PO each (no two documents of one PO, so nothing waits for order)."""

    def __init__(self) -> None:
        self.numbers = InMemoryControlNumbers(start=1000)
        self.po = 0

    def make(self, sets: int) -> bytes:
        documents = []
        for _ in range(sets):
            self.po += 1
            body = PoAcknowledgement(
                po_number=f"PO-B{self.po:07d}",
                po_date=date(2026, 11, 28),
                lines=[AckLine(line_number="1", item=ItemIds(vendor_item="WID-100"),
                               quantity=Decimal(24), uom="EA", unit_price=Decimal("12.50"))],
            )  # fmt: skip
            meta = Meta(
                document_id="b", kind=KIND_OF[PoAcknowledgement], direction=Direction.OUTBOUND
            )
            documents.append(CanonicalDocument(meta=meta, body=body))
        return render_x12(documents, OPTIONS, self.numbers, Clock()).encode("latin-1")


def _run(
    stack: LiveStack, key: str, payloads: list[bytes], sets: int, pace: float | None
) -> dict[str, float]:
    before = delivered(stack)
    start_wall = datetime.now(UTC)
    start = time.monotonic()
    client = httpx.Client(timeout=60, headers={"X-API-Key": key})

    def post(payload: bytes) -> None:
        client.post(f"{stack.api_url}/api/v1/inbound", content=payload).raise_for_status()

    if pace is None:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(post, payloads))
    else:
        # Offered at the pace whatever each answer takes (a client waiting for each
        # answer before the next would measure the API's latency, not the rate).
        with ThreadPoolExecutor(8) as pool:
            posted = []
            for index, payload in enumerate(payloads):
                time.sleep(max(0.0, start + index / pace - time.monotonic()))
                posted.append(pool.submit(post, payload))
            for future in posted:
                future.result()
    expected = before + sets
    deadline = time.monotonic() + 600
    while delivered(stack) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    elapsed = time.monotonic() - start
    latencies_s = latencies(stack, start_wall)
    client.close()
    return {
        "sets": sets,
        "seconds": elapsed,
        "sets_per_s": sets / elapsed,
        "p50": statistics.median(latencies_s),
        "p99": latencies_s[min(len(latencies_s) - 1, int(len(latencies_s) * 0.99))],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interchanges", type=int, default=40, help="50-set interchanges")
    parser.add_argument("--singles", type=int, default=1000)
    parser.add_argument("--paced-seconds", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=4, help="worker processes")
    arguments = parser.parse_args()
    make = Interchanges()
    results = []
    with throwaway_stack(redis_db=14, concurrency=arguments.concurrency) as stack:
        _, key = stack.start()
        _run(stack, key, [make.make(5)], 5, None)  # warm up every process
        batch = [make.make(50) for _ in range(arguments.interchanges)]
        results.append(
            ("batch: 50-set interchanges", _run(stack, key, batch, 50 * len(batch), None))
        )
        singles = [make.make(1) for _ in range(arguments.singles)]
        results.append(("single-set interchanges", _run(stack, key, singles, len(singles), None)))
        paced = [make.make(1) for _ in range(50 * arguments.paced_seconds)]
        results.append(("paced at 50 sets/s", _run(stack, key, paced, len(paced), 50.0)))
    print(f"{'scenario':30} {'sets':>6} {'seconds':>8} {'sets/s':>8} {'p50 s':>7} {'p99 s':>7}")
    for name, r in results:
        print(f"{name:30} {r['sets']:6.0f} {r['seconds']:8.2f} {r['sets_per_s']:8.1f} "
              f"{r['p50']:7.3f} {r['p99']:7.3f}")  # fmt: skip
    print(
        f"(worker processes: {arguments.concurrency}; targets: batch >= 500 sets/s, "
        "single >= 100/s, paced p99 < 1 s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
