"""Load and soak benchmark: mixed inbound traffic at a steady rate for a long time, then
a reconciliation of every document sent.

What it does:

1. Starts the live stack as ``pipeline.py`` does (API, Celery workers and the sandbox
   ERP/WMS as processes, on a throwaway PostgreSQL schema and Redis db 13), plus our
   SFTP server (``crossdock sftp-server``); the partner (Acme's profile with an AS2
   station and an SFTP account added, and inbound 850s allowed) is this process.
2. Offers single-document interchanges at a fixed rate (an open loop: the schedule
   does not wait for answers), the transports interleaved by ``--mix``: HTTP API
   (``POST /api/v1/inbound``), AS2 (signed SHA-256 / RSA 2048, AES-256-CBC encrypted,
   signed synchronous MDN checked) and SFTP (paramiko, upload to a temporary name then
   rename, sessions kept open). Kinds cycle 850, 855, 856, 810, each on its own PO so
   no document waits for another of its order.
3. ``--peak-first`` (the default without ``--rate``): a ramp of short steps, each
   ``--ramp-factor`` faster, until the ERP deliveries in the second half of a step fall
   below 90 % of what it offers; the peak is the best delivered rate of a step. The
   soak then runs at ``--fraction`` (80 %) of it for ``--minutes``.
4. Every ``--sample-seconds`` it samples the resident memory and CPU time of every
   process of the API, the workers, the sandbox and the SFTP server (RSS from psutil
   when installed, else ``/proc``; ``--samples-csv`` keeps every sample), and prints
   progress to stderr.
5. At the end: throughput offered / answered / delivered, latency from receipt
   (``messages.received_at``) to ERP delivery (``deliveries.delivered_at``) as
   ``pipeline.py`` measures it, RSS at the end of warm-up against the end, and a
   reconciliation: every document sent is looked up in the store (its raw bytes, by
   sha256) and in the sandbox ERP's own database (by business number and idempotency
   key): lost, stored twice, undelivered, delivered twice.

The exit status is 1 when the reconciliation finds a document lost, doubled or never
delivered. Everything (the clients too) shares the machine's cores.

This module is the entry point and runs the phases; the parts live beside it:
``soak_traffic.py`` (documents and senders), ``soak_setup.py`` (AS2 keys, SFTP server,
partner profile), ``soak_memory.py`` (RSS and CPU sampling), ``soak_measure.py``
(deliveries, drain, the peak ramp), ``soak_reconcile.py`` and ``soak_report.py``.

Run: ``.venv/bin/python bench/soak.py [--minutes 30] [--rate R | --peak-first]
[--mix api:5,as2:3,sftp:2] [--concurrency 4]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# Run as a script, bench/ comes first on sys.path, where as2.py and sftp.py would hide
# the packages of the same names. The soak_* modules beside this one are therefore
# imported as bench.soak_*, after this line.
sys.path[:] = [str(REPO)] + [p for p in sys.path if p and Path(p).resolve() != HERE]

from bench._stack import latencies, throwaway_stack  # noqa: E402
from bench.soak_measure import (  # noqa: E402
    delivered_between,
    delivered_total,
    drain,
    measure_peak,
)
from bench.soak_memory import Memory  # noqa: E402
from bench.soak_reconcile import reconcile  # noqa: E402
from bench.soak_report import latency_breakdown, log_errors, print_report  # noqa: E402
from bench.soak_setup import Setup, acme_profile, prepare, start_sftp  # noqa: E402
from bench.soak_traffic import (  # noqa: E402
    ApiSession,
    As2Session,
    Lane,
    Sent,
    Session,
    SftpSession,
    Traffic,
    mix_cycle,
)
from demo.live import LiveStack  # noqa: E402
from gateway.services.partners import import_profiles  # noqa: E402


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--rate", type=float, help="documents/s (skips the peak ramp)")
    parser.add_argument("--peak-first", action="store_true", help="ramp first (the default)")
    parser.add_argument("--fraction", type=float, default=0.8, help="of the peak")
    parser.add_argument("--ramp-start", type=float, default=4.0, help="documents/s")
    parser.add_argument("--ramp-factor", type=float, default=1.3)
    parser.add_argument("--ramp-seconds", type=float, default=30.0, help="per step")
    parser.add_argument("--ramp-max", type=float, default=2000.0)
    parser.add_argument("--warmup-minutes", type=float, help="default: 20%% of --minutes, <= 5")
    parser.add_argument("--sample-seconds", type=float, default=10.0)
    parser.add_argument("--samples-csv", type=Path, help="write every RSS sample here")
    parser.add_argument("--mix", default="api:5,as2:3,sftp:2")
    parser.add_argument("--concurrency", type=int, default=4, help="worker processes")
    parser.add_argument("--threads", default="api:8,as2:4,sftp:2", help="sender threads")
    args = parser.parse_args(argv)
    if args.rate is not None and args.peak_first:
        parser.error("--rate and --peak-first exclude each other")
    return args


def _pairs(spec: str) -> dict[str, int]:
    pairs = (part.split(":") for part in spec.split(",") if part.strip())
    return {name.strip(): int(value) for name, value in pairs if int(value) > 0}


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    work = Path(tempfile.mkdtemp(prefix="crossdock-soak-keys-"))
    try:
        return _soak(args, prepare(work))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _soak(args: argparse.Namespace, setup: Setup) -> int:
    mix, threads = _pairs(args.mix), _pairs(args.threads)
    with throwaway_stack(redis_db=13, concurrency=args.concurrency, schema_prefix="soak",
                         env=setup.env) as stack:  # fmt: skip
        _, key = stack.start()
        import_profiles(stack.gw.unit_of_work, stack.gw.clock, [acme_profile(setup)])
        remote = start_sftp(stack, setup) if "sftp" in mix else None
        sessions: dict[str, Callable[[], Session]] = {
            "api": lambda: ApiSession(stack.api_url, key),
            "as2": lambda: As2Session(stack.api_url, setup.keys),
            "sftp": lambda: SftpSession(remote),
        }
        lanes = {name: Lane(threads.get(name, 2), sessions[name]) for name in mix}
        traffic = Traffic(lanes, mix_cycle(mix))
        report = run(stack, traffic, args, mix)
        traffic.close()
        report["drain"] += drain(stack, traffic, patience=120, limit=900)
        memory = report.pop("memory")
        if args.samples_csv is not None:
            memory.write_csv(args.samples_csv)
        rec = reconcile(stack, traffic.sent)
        report["log_errors"] = log_errors(stack.data_dir)
        report["answers"] = _answers_by_transport(traffic.sent, report["phase"])
    print_report(report, memory, rec)
    print(f"({os.cpu_count()} cores shared by the stack, this driver and any other work; "
          f"logs: {stack.data_dir})")  # fmt: skip
    return 1 if rec.failed or not rec.sent else 0


def _answers_by_transport(sent: list[Sent], phase: str) -> dict[str, list[float]]:
    answers: dict[str, list[float]] = defaultdict(list)
    for item in sent:
        if item.phase == phase and item.answered_after is not None and item.error is None:
            answers[item.transport].append(item.answered_after)
    return {name: sorted(values) for name, values in answers.items()}


def run(
    stack: LiveStack, traffic: Traffic, args: argparse.Namespace, mix: dict[str, int]
) -> dict[str, Any]:
    """Warm every process, ramp to the peak unless a rate is given, then soak."""
    traffic.offer(5, 4, "warm", lambda: None)
    drain(stack, traffic, patience=60, limit=120)
    steps: list[tuple[float, float]] = []
    peak = None
    if args.rate is None:
        peak, steps = measure_peak(stack, traffic, args)
        rate = peak * args.fraction
        print(f"[ramp] peak {peak:.1f}/s; draining, then soak at {rate:.1f}/s",
              file=sys.stderr, flush=True)  # fmt: skip
        drain(stack, traffic, patience=120, limit=900)
    else:
        rate = args.rate
    seconds = args.minutes * 60
    warmup = (args.warmup_minutes if args.warmup_minutes is not None
              else min(5.0, args.minutes * 0.2)) * 60  # fmt: skip
    memory = Memory(stack, args.sample_seconds)
    before_sent = len(traffic.sent)
    since = datetime.now(UTC)
    memory.start()
    last = [time.monotonic()]

    def progress() -> None:
        if time.monotonic() - last[0] < 30:
            return
        last[0] = time.monotonic()
        elapsed = last[0] - memory.started
        print(f"[soak {elapsed / 60:5.1f} min] offered {len(traffic.sent) - before_sent}, "
              f"delivered {delivered_total(stack)}, client backlog {traffic.backlog}, "
              f"RSS {memory.total_mb():.0f} MB", file=sys.stderr, flush=True)  # fmt: skip

    traffic.offer(rate, seconds, "soak", progress)
    until = datetime.now(UTC)
    memory.stop()
    window = (until - since).total_seconds()
    soak = traffic.sent[before_sent:]
    answered = sum(1 for s in soak if s.answered_after is not None and s.error is None)
    pending = sum(1 for s in soak if s.answered_after is None)
    drained = drain(stack, traffic, patience=120, limit=900)
    return {
        "steps": steps, "peak": peak or 0.0, "fraction": args.fraction, "rate": rate,
        "minutes": window / 60, "mix": ",".join(f"{k}:{v}" for k, v in mix.items()),
        "concurrency": args.concurrency, "offered": len(soak) / window,
        "answered": answered / window,
        "achieved": delivered_between(stack, since, until) / window,
        "delivered": delivered_between(stack, since, until),
        "breakdown": latency_breakdown(stack, since, until),
        "backlog": pending, "drain": drained, "phase": "soak",
        "latencies": latencies(stack, since, until), "warmup": warmup, "memory": memory,
    }  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
