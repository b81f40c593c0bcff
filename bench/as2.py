"""Benchmark the AS2 layer: messages/s, p99 latency and peak RSS.

What it measures:

1. ``cycle``, for 10 KB and 1 MB payloads: one whole exchange per message, all in one
   process: the sender builds a signed (SHA-256, RSA 2048) and encrypted (AES-256-CBC)
   message asking for a signed MDN (``as2.build_message``), the receiver unwraps it
   (``as2.receive``), builds the signed MDN (``as2.build_mdn``), and the sender reads,
   verifies and checks it against the MIC it computed (``as2.read_mdn`` +
   ``as2.check_mdn``). No HTTP: this is the protocol work the gateway adds to a
   request. Reported: messages/s and the p50/p99 of one exchange.
2. ``build 100 MB``: ``as2.build_message`` of a 100 MB payload read from a file, the
   body streamed to a file (what the outbound transport would post).
3. ``receive 100 MB``: ``as2.receive`` + ``as2.build_mdn`` of that body, handed over
   as ``bytes`` (as a web framework's ``await request.body()`` gives it) and as a file
   (``Content.from_path``: the raw request as the gateway stored it).

Why: the issue's targets. AS2 is on the path of every AS2 document, and pyas2lib
measured 11-17x the payload in peak memory.

How: each measurement runs in a fresh subprocess pinned to one core, so its peak RSS
(``ru_maxrss``) is its own; key generation and imports happen before the clock starts
and the RSS baseline (interpreter, cryptography, the keys) is printed beside the peak.
Keys are throwaway RSA 2048 keys generated into ``--out`` at each run. Intermediate
results above 8 MB are spooled to temporary files (``--spool-dir``, default the
system's temporary directory). MB is 2**20 bytes.

Targets (issue 7): >= 150 messages/s for 10 KB; peak RSS < 4x the payload for 100 MB.

Run: ``.venv/bin/python bench/as2.py [--seconds 5] [--large-mb 100] [--out DIR]
[--spool-dir DIR] [--only cycle-10k,cycle-1m,build-large,receive-large-bytes,receive-large-file]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MB = 1 << 20
HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_OUT = HERE / "out" / "as2"

# This script is bench/as2.py: run as a script, its directory comes first on sys.path and
# "import as2" would import the script itself. The package lives in the repository root.
sys.path[:] = [str(REPO)] + [p for p in sys.path if p and Path(p).resolve() != HERE]

TARGET_MESSAGES_PER_S = 150.0
TARGET_RSS_FACTOR = 4.0

CYCLE_10K, CYCLE_1M, BUILD, RECEIVE_BYTES, RECEIVE_FILE = (
    "cycle-10k",
    "cycle-1m",
    "build-large",
    "receive-large-bytes",
    "receive-large-file",
)
KINDS = (CYCLE_10K, CYCLE_1M, BUILD, RECEIVE_BYTES, RECEIVE_FILE)
LABELS = {
    CYCLE_10K: "cycle 10 KB",
    CYCLE_1M: "cycle 1 MB",
    BUILD: "build",
    RECEIVE_BYTES: "receive (body as bytes)",
    RECEIVE_FILE: "receive (body as a file)",
}


# --------------------------------------------------------------------------------------
# Keys and inputs
# --------------------------------------------------------------------------------------


def make_keys(out: Path) -> None:
    """Two throwaway RSA 2048 key pairs (sender, receiver) as PEM files in ``out``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    out.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    for name in ("sender", "receiver"):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"bench {name}")])
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .sign(key, hashes.SHA256())
        )
        (out / f"{name}.key").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        (out / f"{name}.crt").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def edi_payload(size: int) -> bytes:
    """X12-looking text of ``size`` bytes (bare LF line ends, as partners send them)."""
    line = b"PO1*%06d*12*EA*9.25**BP*ITEM-%06d*VP*VENDOR-%06d~\n"
    parts: list[bytes] = []
    total = 0
    number = 0
    while total < size:
        chunk = line % (number, number, number)
        parts.append(chunk)
        total += len(chunk)
        number += 1
    return b"".join(parts)[:size]


def ensure_payload(out: Path, size_mb: int) -> Path:
    path = out / f"payload-{size_mb}mb.edi"
    if not path.exists() or path.stat().st_size != size_mb * MB:
        block = edi_payload(MB)
        with path.open("wb") as stream:
            for _ in range(size_mb):
                stream.write(block)
    return path


# --------------------------------------------------------------------------------------
# Measurements (run in a worker process)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parties:
    sender: Any  # as2.LocalIdentity
    receiver: Any
    receiver_seen_by_sender: Any  # as2.PartnerPolicy
    sender_seen_by_receiver: Any


def load_parties(out: Path) -> Parties:
    from as2 import KeyPair, LocalIdentity, PartnerPolicy

    def pair(name: str) -> Any:
        return KeyPair.load((out / f"{name}.key").read_bytes(), (out / f"{name}.crt").read_bytes())

    sender, receiver = pair("sender"), pair("receiver")
    return Parties(
        sender=LocalIdentity("BENCH-SENDER", (sender,)),
        receiver=LocalIdentity("BENCH-RECEIVER", (receiver,)),
        receiver_seen_by_sender=PartnerPolicy(
            "BENCH-RECEIVER", (receiver.certificate,), url="http://127.0.0.1/as2"
        ),
        sender_seen_by_receiver=PartnerPolicy("BENCH-SENDER", (sender.certificate,)),
    )


def _cycle(parties: Parties, payload: bytes) -> dict[str, float]:
    """One exchange; returns the seconds of each step."""
    from as2 import build_mdn, build_message, check_mdn, read_mdn, receive

    t0 = time.perf_counter()
    message = build_message(payload, local=parties.sender, partner=parties.receiver_seen_by_sender)
    body = message.body.tobytes()
    t1 = time.perf_counter()
    result = receive(
        message.headers,
        body,
        local=parties.receiver,
        find_partner=lambda _: parties.sender_seen_by_receiver,
    )
    if result.error is not None:
        raise result.error
    t2 = time.perf_counter()
    mdn = build_mdn(result)
    t3 = time.perf_counter()
    receipt = read_mdn(mdn.headers, mdn.body, partner=parties.receiver_seen_by_sender)
    check_mdn(receipt, message_id=message.message_id, expected_mic=message.mic, require_signed=True)
    t4 = time.perf_counter()
    return {"build": t1 - t0, "receive": t2 - t1, "mdn": t3 - t2, "verify": t4 - t3}


def measure_cycle(out: Path, size: int, seconds: float) -> dict[str, Any]:
    parties = load_parties(out)
    payload = edi_payload(size)
    for _ in range(5):  # warm-up: first-call costs (lazy imports, caches) are not steady state
        _cycle(parties, payload)
    latencies: list[float] = []
    steps: dict[str, float] = {}
    started = time.perf_counter()
    while time.perf_counter() - started < seconds or len(latencies) < 20:
        timing = _cycle(parties, payload)
        latencies.append(sum(timing.values()))
        for step, spent in timing.items():
            steps[step] = steps.get(step, 0.0) + spent
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "messages": len(latencies),
        "seconds": elapsed,
        "per_second": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "steps_ms": {k: v / len(latencies) * 1000 for k, v in steps.items()},
    }


def measure_build(out: Path, size_mb: int, spool_dir: str | None) -> dict[str, Any]:
    from as2 import Content, SpoolOptions, build_message

    parties = load_parties(out)
    source = ensure_payload(out, size_mb)
    started = time.perf_counter()
    message = build_message(
        Content.from_path(source),
        local=parties.sender,
        partner=parties.receiver_seen_by_sender,
        spool=SpoolOptions(directory=spool_dir),
    )
    with (out / f"message-{size_mb}mb.body").open("wb") as stream:
        message.body.write_to(stream)
    (out / f"message-{size_mb}mb.json").write_text(
        json.dumps({"headers": message.headers, "mic": str(message.mic)})
    )
    return {"seconds": time.perf_counter() - started, "body_bytes": message.body.size}


def measure_receive(
    out: Path, size_mb: int, spool_dir: str | None, as_file: bool
) -> dict[str, Any]:
    from as2 import Content, SpoolOptions, build_mdn, receive

    parties = load_parties(out)
    body_path = out / f"message-{size_mb}mb.body"
    meta = json.loads((out / f"message-{size_mb}mb.json").read_text())
    started = time.perf_counter()
    body: bytes | Content = Content.from_path(body_path) if as_file else body_path.read_bytes()
    result = receive(
        [tuple(h) for h in meta["headers"]],
        body,
        local=parties.receiver,
        find_partner=lambda _: parties.sender_seen_by_receiver,
        spool=SpoolOptions(directory=spool_dir),
    )
    if result.error is not None:
        raise result.error
    mdn = build_mdn(result)
    assert result.payload is not None
    payload_size = result.payload.content.size
    mic_matches = str(result.mic) == meta["mic"]
    result.close()
    return {
        "seconds": time.perf_counter() - started,
        "payload_bytes": payload_size,
        "mic_matches": mic_matches,
        "mdn_bytes": len(mdn.body),
    }


def worker(kind: str, out: Path, options: dict[str, Any]) -> int:
    """Run one measurement in this (fresh) process; print its figures as one JSON line."""
    try:
        os.sched_setaffinity(0, {0})
        pinned = True
    except (AttributeError, OSError):
        pinned = False
    import as2  # noqa: F401 - imports are start-up, not measured work

    load_parties(out)  # and so is loading the keys
    base_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    measures: dict[str, Callable[[], dict[str, Any]]] = {
        CYCLE_10K: lambda: measure_cycle(out, 10 * 1024, options["seconds"]),
        CYCLE_1M: lambda: measure_cycle(out, MB, options["seconds"]),
        BUILD: lambda: measure_build(out, options["large_mb"], options["spool_dir"]),
        RECEIVE_BYTES: lambda: measure_receive(
            out, options["large_mb"], options["spool_dir"], as_file=False
        ),
        RECEIVE_FILE: lambda: measure_receive(
            out, options["large_mb"], options["spool_dir"], as_file=True
        ),
    }
    report: dict[str, Any] = {"kind": kind, "pinned": pinned, "base_rss_kb": base_kb}
    report.update(measures[kind]())
    report["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(report))
    return 0


# --------------------------------------------------------------------------------------
# Driver and report
# --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Row:
    kind: str
    size: str
    status: str  # "ok" or "failed"
    note: str = ""
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def rss_mb(self) -> float:
        return float(self.report.get("maxrss_kb", 0)) / 1024

    @property
    def base_mb(self) -> float:
        return float(self.report.get("base_rss_kb", 0)) / 1024


def run_worker(kind: str, out: Path, options: dict[str, Any], size: str) -> Row:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        kind,
        "--out",
        str(out),
        "--worker-options",
        json.dumps(options),
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Row(kind, size, "failed", note=tail[:100])
    return Row(kind, size, "ok", report=json.loads(lines[-1]))


def _target(row: Row, large_mb: int) -> str:
    if row.status != "ok":
        return ""
    if row.kind == CYCLE_10K:
        met = row.report["per_second"] >= TARGET_MESSAGES_PER_S
        return f">= {TARGET_MESSAGES_PER_S:g} msg/s: {'met' if met else 'MISSED'}"
    if row.kind in (BUILD, RECEIVE_BYTES, RECEIVE_FILE):
        met = row.rss_mb < TARGET_RSS_FACTOR * large_mb
        return f"RSS < {TARGET_RSS_FACTOR:g}x payload: {'met' if met else 'MISSED'}"
    return "-"


def _cells(row: Row, large_mb: int) -> list[str]:
    if row.status != "ok":
        return [LABELS[row.kind], row.size, *[""] * 7, f"FAILED: {row.note}"]
    report = row.report
    if row.kind in (CYCLE_10K, CYCLE_1M):
        rate, p50, p99 = (
            f"{report['per_second']:,.1f}",
            f"{report['p50_ms']:,.2f}",
            f"{report['p99_ms']:,.2f}",
        )
        seconds, ratio = f"{report['seconds']:,.1f}", "-"
    else:
        rate = p50 = p99 = "-"
        seconds = f"{report['seconds']:,.2f}"
        ratio = f"{row.rss_mb / large_mb:,.2f}x"
    return [
        LABELS[row.kind],
        row.size,
        rate,
        p50,
        p99,
        f"{row.rss_mb:,.1f}",
        f"{row.base_mb:,.1f}",
        ratio,
        seconds,
        _target(row, large_mb),
    ]


def print_table(rows: Sequence[Row], large_mb: int) -> None:
    header = [
        "measurement",
        "payload",
        "msg/s",
        "p50 ms",
        "p99 ms",
        "peak RSS MB",
        "baseline MB",
        "RSS/payload",
        "seconds",
        "target",
    ]
    body = [_cells(row, large_mb) for row in rows]
    widths = [max(len(cells[i]) for cells in [header, *body]) for i in range(len(header))]
    numeric = set(range(2, 9))

    def line(cells: list[str]) -> str:
        padded = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(cells[:-1])
        ]
        return "  ".join([*padded, cells[-1]]).rstrip()

    print(line(header))
    print(line(["-" * w for w in widths]))
    for cells in body:
        print(line(cells))


def print_footer(rows: Sequence[Row], large_mb: int, spool_dir: str | None) -> None:
    print()
    for row in rows:
        if row.status == "ok" and "steps_ms" in row.report:
            steps = ", ".join(f"{k} {v:.2f} ms" for k, v in row.report["steps_ms"].items())
            print(
                f"{LABELS[row.kind]}: {row.report['messages']:,} exchanges; per exchange: {steps}"
            )
        if row.status == "ok" and row.kind in (RECEIVE_BYTES, RECEIVE_FILE):
            print(
                f"{LABELS[row.kind]}: payload {row.report['payload_bytes']:,} bytes, "
                f"MIC as the sender computed: {row.report['mic_matches']}"
            )
        if row.status == "ok" and not row.report.get("pinned", True):
            print(f"note: {LABELS[row.kind]} could not be pinned to one core")
    import tempfile

    print(f"spool directory: {spool_dir or tempfile.gettempdir()} (above 8 MB per layer)")
    print()
    print("targets (MB = 2**20 bytes):")
    for kind, label in (
        (CYCLE_10K, f"10 KB signed+encrypted with signed sync MDN >= {TARGET_MESSAGES_PER_S:g}/s"),
        (RECEIVE_BYTES, f"{large_mb} MB receive, body as bytes: RSS < {TARGET_RSS_FACTOR:g}x"),
        (RECEIVE_FILE, f"{large_mb} MB receive, body as a file: RSS < {TARGET_RSS_FACTOR:g}x"),
        (BUILD, f"{large_mb} MB build: RSS < {TARGET_RSS_FACTOR:g}x"),
    ):
        found = [r for r in rows if r.kind == kind and r.status == "ok"]
        if not found:
            print(f"  {label}: not measured in this run")
            continue
        verdict = _target(found[0], large_mb).rsplit(": ", 1)[-1].upper()
        verdict = "MET" if verdict == "MET" else "NOT MET"
        figure = (
            f"{found[0].report['per_second']:,.1f}/s"
            if kind == CYCLE_10K
            else f"{found[0].rss_mb:,.1f} MB"
        )
        print(f"  {label}: {verdict} ({figure})")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each cycle run")
    parser.add_argument("--large-mb", type=int, default=100, help="size of the large message")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="keys and inputs go here")
    parser.add_argument("--spool-dir", default=None, help="where large layers are spooled")
    parser.add_argument("--only", default=",".join(KINDS), help="measurements, comma-separated")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-options", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.out, json.loads(args.worker_options))
    kinds = [k for k in KINDS if k in args.only.split(",")]
    if not kinds:
        parser.error(f"--only takes some of {','.join(KINDS)}")
    options = {"seconds": args.seconds, "large_mb": args.large_mb, "spool_dir": args.spool_dir}
    make_keys(args.out)
    large = f"{args.large_mb} MB"
    rows: list[Row] = []
    receiving = [k for k in kinds if k in (RECEIVE_BYTES, RECEIVE_FILE)]
    if receiving and BUILD not in kinds:  # the receivers read what the build wrote
        kinds.insert(kinds.index(receiving[0]), BUILD)
    if BUILD in kinds:
        ensure_payload(args.out, args.large_mb)
    for kind in kinds:
        size = {CYCLE_10K: "10 KB", CYCLE_1M: "1 MB"}.get(kind, large)
        print(f"[{LABELS[kind]}, {size}] …", file=sys.stderr)
        rows.append(run_worker(kind, args.out, options, size))
    print()
    print_table(rows, args.large_mb)
    print_footer(rows, args.large_mb, args.spool_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
