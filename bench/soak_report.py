"""The printed report of the soak benchmark (``soak.py``): throughput and latency,
memory per process, the reconciliation, and the errors in the stack's logs.

Why a module of its own: formatting only; every figure is measured elsewhere and
handed in.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.soak_memory import Memory
from bench.soak_reconcile import Reconciliation
from demo.live import LiveStack


def _quantile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(len(values) * q))] if values else float("nan")


def _table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for number, row in enumerate([header, *rows]):
        cells = [c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)]
        print("  ".join(cells).rstrip())
        if number == 0:
            print("  ".join("-" * w for w in widths))


def _slope_mb_per_hour(points: list[tuple[float, int]]) -> float:
    if len(points) < 3:
        return float("nan")
    mean_t = sum(t for t, _ in points) / len(points)
    mean_v = sum(v for _, v in points) / len(points)
    var = sum((t - mean_t) ** 2 for t, _ in points)
    cov = sum((t - mean_t) * (v - mean_v) for t, v in points)
    return cov / var * 3600 / 1024 if var else float("nan")


def print_memory(memory: Memory, warmup: float, documents: int) -> None:
    after = [s for s in memory.samples if s[0] >= warmup]
    if not after:
        print("no memory sample after the warm-up")
        return
    first, last = after[0][1], memory.samples[-1][1]
    rows = []
    for key in sorted(set(first) | set(last)):
        start, end = first.get(key), last.get(key)
        cpu = f"{memory.cpu_used(key):.0f}"
        name = f"{key[0]} {key[1]}"
        if start is None or end is None:
            rows.append([name, f"{(start or 0) / 1024:.1f}", f"{(end or 0) / 1024:.1f}",
                         "", "", "", cpu, "gone" if end is None else "new"])  # fmt: skip
            continue
        points = [(t, s[key]) for t, s in after if key in s]
        growth = (end - start) / 1024
        rows.append([name, f"{start / 1024:.1f}", f"{end / 1024:.1f}", f"{growth:+.1f}",
                     f"{growth * 1024 / start * 100:+.1f}%",
                     f"{_slope_mb_per_hour(points):+.1f}", cpu, ""])  # fmt: skip
    total_start, total_end = sum(first.values()) / 1024, sum(last.values()) / 1024
    cpu_total = sum(memory.cpu_used(key) for key in memory.cpu)
    rows.append(["all", f"{total_start:.1f}", f"{total_end:.1f}", f"{total_end - total_start:+.1f}",
                 f"{(total_end - total_start) / total_start * 100:+.1f}%", "",
                 f"{cpu_total:.0f}", ""])  # fmt: skip
    print(f"Memory (RSS MB; warm-up ends at {after[0][0] / 60:.1f} min, end at "
          f"{memory.samples[-1][0] / 60:.1f} min; {len(memory.samples)} samples; "
          f"CPU s over the whole soak)")  # fmt: skip
    header = ["process", "warm-up end", "end", "growth MB", "growth %", "slope MB/h", "CPU s"]
    _table([*header, "note"], rows)
    busy, cores = memory.machine
    capacity = memory.samples[-1][0] * cores
    print(f"stack CPU per document delivered: {cpu_total / max(documents, 1) * 1000:.1f} ms; "
          f"machine busy {busy:.0%} of {cores:.0f} cores: the stack {cpu_total / capacity:.0%}, "
          f"this driver (the partners' clients) {memory.driver[1] / capacity:.0%}, "
          "other work the rest")  # fmt: skip


def latency_breakdown(stack: LiveStack, since: datetime, until: datetime) -> list[list[str]]:
    """Receipt → ERP by transport and kind, for the soak window."""
    query = text(
        "SELECT m.transport, t.kind, "
        "EXTRACT(EPOCH FROM d.delivered_at - m.received_at) FROM deliveries d "
        "JOIN transactions t ON t.id = d.transaction_id JOIN messages m ON m.id = t.message_id "
        "WHERE d.system = 'erp' AND m.received_at >= :since AND m.received_at < :until"
    )
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    with stack.gw.engine.connect() as connection:
        for transport, kind, seconds in connection.execute(query, {"since": since, "until": until}):
            groups[(transport, kind)].append(float(seconds))
    rows = []
    for (transport, kind), values in sorted(groups.items()):
        values.sort()
        rows.append([f"{transport} {kind}", str(len(values)), f"{_quantile(values, 0.5):.3f}",
                     f"{_quantile(values, 0.99):.3f}", f"{values[-1]:.3f}"])  # fmt: skip
    return rows


def log_errors(folder: Path) -> list[str]:
    """The stack's logged errors, counted by process and the exception's last line."""
    found: Counter[tuple[str, str]] = Counter()
    for log in sorted(folder.glob("*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if record.get("level") not in ("ERROR", "CRITICAL"):
                    continue
                text_ = str(record.get("exception") or record.get("message") or "")
                lines = [x for x in text_.splitlines() if not x.startswith("(Background")]
                found[(log.stem, (lines[-1] if lines else "?")[:140])] += 1
            elif "ERROR" in line or "CRITICAL" in line:
                found[(log.stem, line.strip()[-140:])] += 1
    return [f"{count:6d}  {name}: {what}" for (name, what), count in found.most_common(12)]


def print_report(report: dict[str, Any], memory: Memory, rec: Reconciliation) -> None:
    print()
    if report["steps"]:
        print("Peak ramp (offered → delivered to the ERP, documents/s):")
        print("  " + ", ".join(f"{o:.0f} → {d:.1f}" for o, d in report["steps"]))
        print(f"  peak {report['peak']:.1f}/s; soak at {report['fraction']:.0%}: "
              f"{report['rate']:.1f}/s")  # fmt: skip
        print()
    lat = report["latencies"]
    print(f"Soak: {report['minutes']:.1f} min, mix {report['mix']}, "
          f"{report['concurrency']} worker processes")  # fmt: skip
    _table(["measure", "value"], [
        ["offered (documents/s)", f"{report['offered']:.1f}"],
        ["answered OK by the gateway (/s)", f"{report['answered']:.1f}"],
        ["delivered to the ERP in the window (/s)", f"{report['achieved']:.1f}"],
        ["client backlog at the end (documents)", str(report["backlog"])],
        ["drain after the end (s)", f"{report['drain']:.1f}"],
        ["receipt → ERP p50 (s)", f"{_quantile(lat, 0.5):.3f}"],
        ["receipt → ERP p99 (s)", f"{_quantile(lat, 0.99):.3f}"],
        ["receipt → ERP p999 (s)", f"{_quantile(lat, 0.999):.3f}"],
        ["receipt → ERP max (s)", f"{lat[-1] if lat else float('nan'):.3f}"],
        ["latency samples", str(len(lat))],
    ])  # fmt: skip
    print()
    answers = report["answers"]
    _table(["transport", "sent", "send p50 s", "send p99 s"], [
        [name, str(len(values)), f"{_quantile(values, 0.5):.3f}", f"{_quantile(values, 0.99):.3f}"]
        for name, values in sorted(answers.items())
    ])  # fmt: skip
    print()
    _table(["receipt → ERP", "documents", "p50 s", "p99 s", "max s"], report["breakdown"])
    print()
    print_memory(memory, report["warmup"], report["delivered"])
    print()
    print("Reconciliation (every document sent, all phases):")
    _table(["check", "documents"], [
        ["sent", str(rec.sent)],
        ["refused at send (sender told)", str(rec.refused_at_send)],
        ["in the store", str(rec.stored)],
        ["  raw bytes match (sha256)", str(rec.raw_bytes_match)],
        ["  stored twice", str(rec.stored_twice)],
        ["lost (answered OK, not stored)", str(rec.lost)],
        ["in the ERP exactly once", str(rec.delivered_once)],
        ["  idempotency key not the gateway's", str(rec.key_mismatch)],
        ["undelivered", str(rec.undelivered)], ["delivered twice", str(rec.delivered_twice)],
    ])  # fmt: skip
    for what, examples in rec.examples.items():
        print(f"  {what}: " + "; ".join(examples))
    print("result:", "FAILED (lost, doubled or undelivered documents)" if rec.failed else "OK")
    print()
    errors = report["log_errors"]
    print(f"Errors in the stack's logs (all phases): {'none' if not errors else ''}")
    for line in errors:
        print(line)
