"""Benchmark the EDIFACT reader: MB/s, segments/s and peak RSS on generated ORDERS files.

What it measures, for each input size (1 MB and 50 MB by default; 1 GB with
``--sizes 1,50,1024``):

1. ``reader``: ``edi_maps.edifact.reader.EdifactReader(...).items()``, touching
   every segment's tag.
2. ``reader + validation``: ``edi_maps.edifact.validation.iter_results(...)``
   consumed fully; reported "n/a" while that module does not exist.
3. ``translate``: read + validate + map every message to its canonical document,
   encoded as JSON (``edi_maps.translate.translate``). THE LEAD'S MEASUREMENT: it
   reports "n/a" until ``edi_maps.edifact.validation`` exists; see
   ``_measure_translate``.
4. ``pydifact``: ``pydifact.parser.Parser().parse(text)`` iterating all segments
   (one run: it reads ~1.3 MB/s, so it runs on files up to 1 MB unless
   ``--pydifact-all`` is given).

Why: our own reader is the hot path (every inbound EDIFACT byte goes through it)
and replaced pydifact on measured grounds (``edi_maps/edifact/reader.py``); this
script is the measurement and the acceptance check of its target. pydifact is the
test oracle, not a contender.

How: the inputs are realistic D96A purchase orders (UNA, one UNB…UNZ, messages of
17-70 segments: BGM, DTM, FTX, RFF, NAD/CTA/COM, CUX, LIN/PIA/IMD/QTY/DTM/PRI,
UNS, CNT; some names and notes with released characters such as ``?+``, ``?'``,
``?:`` and ``??``), written by streaming to disk with correct UNT/UNZ counts and
references, and reused from ``bench/out/`` while present and the right size. Each
measurement runs in a fresh subprocess pinned to one core, so its peak RSS
(``ru_maxrss``) is its own; times exclude interpreter start-up and imports, and the
file is read once beforehand so every run sees a warm page cache. MB is 2**20 bytes.

Target (the EDIFACT reader's acceptance criterion, issue 4): reader >= 40 MB/s.

Run: ``.venv/bin/python bench/edifact_reader.py [--sizes 1,50,1024] [--out DIR]
[--pydifact-all] [--repeat N] [--only reader,validation,translate,pydifact]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import random
import resource
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MB = 1 << 20
HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_OUT = HERE / "out"

GENERATOR_VERSION = 1  # bump when the generated content changes: cached files are then remade
SEED = 96

TARGET_READER_MBPS = 40.0
PYDIFACT_CAP_MB = 1  # pydifact runs on files up to this size unless --pydifact-all
PYDIFACT_NOMINAL_MBPS = 1.3  # for the skip estimate when pydifact was not measured in this run

READER, VALIDATION, TRANSLATE, PYDIFACT = "reader", "validation", "translate", "pydifact"
KINDS = (READER, VALIDATION, TRANSLATE, PYDIFACT)
LABELS = {
    READER: "reader",
    VALIDATION: "reader + validation",
    TRANSLATE: "translate to JSON",
    PYDIFACT: "pydifact parser",
}


class NotApplicable(Exception):
    """The measurement cannot run on this input (or this code base, yet)."""


# --------------------------------------------------------------------------------------
# Generating the input
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Generated:
    """A generated input file and what the generator wrote into it."""

    path: Path
    size: int
    segments: int  # UNA not counted: it is a service string advice, not a segment
    messages: int


@dataclass(frozen=True, slots=True)
class _Item:
    gtin: str
    supplier_code: str
    description: str
    price_cents: int


@dataclass(slots=True)
class _Pools:
    """Pre-built variety, so the generator's per-message work is picking, not inventing."""

    deliver_to: list[str] = field(default_factory=list)  # whole NAD (+CTA/COM) groups
    buyers: list[str] = field(default_factory=list)
    suppliers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # FTX segments, some with released chars
    dates: list[str] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)


_STREETS = ("HOOFDSTRAAT", "RUE DU PORT", "INDUSTRIEWEG", "KINGS ROAD", "MARKTPLATZ", "VIA ROMA")
_CITIES = (
    ("AMSTERDAM", "1011AB", "NL"),
    ("ANTWERPEN", "2000", "BE"),
    ("KOELN", "50667", "DE"),
    ("LYON", "69002", "FR"),
    ("LEEDS", "LS1 4AP", "GB"),
    ("MILANO", "20121", "IT"),
)
_NOUNS = ("T-SHIRT", "HOODIE", "SOCKS 3PK", "CAP", "JACKET", "JEANS", "SCARF", "GLOVES")
_COLOURS = ("BLUE", "RED", "BLACK", "WHITE", "GREEN", "GREY", "NAVY", "OLIVE")
_FABRICS = ("COTTON", "WOOL", "FLEECE", "DENIM", "NYLON", "LINEN")
_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
# Names and notes with service characters, released as ISO 9735 requires.
_COMPANIES = (
    "SMITH ?+ SONS LTD",
    "O?'NEILL TRADING",
    "DUPONT ET FILS",
    "MUELLER GMBH",
    "VAN DEN BERG BV",
    "A?+B LOGISTICS",
    "ROSSI SPA",
    "50?% OUTLET",
)
_NOTES = (
    "FTX+DEL+++DELIVER TO GATE 4?: RING BELL'\n",
    "FTX+AAI+++PLEASE CONFIRM BY EDI'\n",
    "FTX+PUR+++QUESTIONS?? CALL THE BUYER'\n",
    "FTX+DEL+++NO DELIVERY ON SUNDAY'\n",
)


def _gtin(rng: random.Random) -> str:
    digits = [rng.randrange(10) for _ in range(12)]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def _nad(rng: random.Random, qualifier: str, gln: str, name: str, *, contact: bool) -> str:
    city, postal, country = rng.choice(_CITIES)
    street = f"{rng.choice(_STREETS)} {rng.randint(1, 250)}"
    text = f"NAD+{qualifier}+{gln}::9++{name}+{street}+{city}++{postal}+{country}'\n"
    if contact:
        text += f"CTA+PD+:{rng.choice(('J JANSEN', 'M DUBOIS', 'A ROSSI'))}'\n"
        text += f"COM+0031{rng.randint(100000000, 999999999)}:TE'\n"
        return text
    return text


def _pools(rng: random.Random) -> _Pools:
    pools = _Pools()
    pools.deliver_to = [
        _nad(rng, "DP", _gtin(rng), f"STORE {n:04d}", contact=False)
        for n in rng.sample(range(1, 9999), 400)
    ]
    pools.buyers = [
        _nad(rng, "BY", _gtin(rng), name, contact=True)
        for name in ("ACME RETAIL", "NORTHWIND STORES", "CONTOSO OUTLET")
    ]
    pools.suppliers = [_nad(rng, "SU", _gtin(rng), name, contact=False) for name in _COMPANIES]
    pools.notes = list(_NOTES)
    start = dt.date(2026, 1, 1)
    pools.dates = [(start + dt.timedelta(days=d)).strftime("%Y%m%d") for d in range(400)]
    for _ in range(5000):
        description = (
            f"{rng.choice(_COLOURS)} {rng.choice(_FABRICS)} "
            f"{rng.choice(_NOUNS)} {rng.choice(_SIZES)}"
        )
        pools.items.append(
            _Item(
                _gtin(rng), f"ART{rng.randint(10000, 99999)}", description, rng.randint(99, 19999)
            )
        )
    return pools


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _order(rng: random.Random, pools: _Pools, number: int) -> tuple[str, int]:
    """One UNH…UNT ORDERS D96A, and its segment count."""
    reference = f"{number}"
    lines = rng.randint(1, 10)
    day = rng.randrange(len(pools.dates) - 30)
    order_date, deliver_date = pools.dates[day], pools.dates[day + rng.randint(3, 29)]
    parts = [
        f"UNH+{reference}+ORDERS:D:96A:UN:EAN008'\n",
        f"BGM+220+PO{4500000000 + number}+9'\n",
        f"DTM+137:{order_date}:102'\n",
        f"DTM+2:{deliver_date}:102'\n",
        rng.choice(pools.notes),
        f"RFF+CT:{rng.randint(100000, 999999)}'\n",
        rng.choice(pools.buyers),
        rng.choice(pools.suppliers),
        rng.choice(pools.deliver_to),
        "CUX+2:EUR:9'\n",
    ]
    quantity_total = 0
    for line, item in enumerate(rng.sample(pools.items, lines), 1):
        quantity = rng.randint(1, 144)
        quantity_total += quantity
        parts.append(
            f"LIN+{line}++{item.gtin}:EN'\nPIA+1+{item.supplier_code}:SA'\n"
            f"IMD+F++:::{item.description}'\nQTY+21:{quantity}:PCE'\n"
            f"DTM+2:{deliver_date}:102'\nPRI+AAA:{_money(item.price_cents)}:CT'\n"
        )
    body = "".join(parts) + f"UNS+S'\nCNT+2:{lines}'\n"
    count = body.count("'\n") + 1  # UNH…CNT, and the UNT
    return body + f"UNT+{count}+{reference}'\n", count


def _generate(path: Path, target: int) -> Generated:
    """Stream an ORDERS interchange of about ``target`` bytes to ``path`` (via a temp file)."""
    rng = random.Random(SEED)
    pools = _pools(rng)
    tmp = path.with_suffix(".partial")
    control = "00000001"
    head = (
        f"UNA:+.? '\nUNB+UNOC:3+5412345000013:14+8712345000019:14+260115:1200+{control}++ORDERS'\n"
    )
    written = segments = messages = 0
    pending: list[str] = []
    pending_size = 0

    with tmp.open("wb") as out:

        def emit(text: str) -> None:
            nonlocal written, pending_size
            pending.append(text)
            pending_size += len(text)
            written += len(text)
            if pending_size >= MB:
                out.write("".join(pending).encode("latin-1"))
                pending.clear()
                pending_size = 0

        emit(head)
        segments += 1  # the UNB
        reserve = 32  # the UNZ
        while written + reserve < target:
            messages += 1
            text, count = _order(rng, pools, messages)
            emit(text)
            segments += count
        emit(f"UNZ+{messages}+{control}'\n")
        segments += 1
        out.write("".join(pending).encode("latin-1"))
    tmp.replace(path)
    return Generated(path, path.stat().st_size, segments, messages)


def ensure_input(out_dir: Path, size_mb: int) -> tuple[Generated, bool]:
    """The cached input for ``size_mb``, generated first if absent or not the right size.

    Returns the input and whether it was generated now.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"orders-d96a-v{GENERATOR_VERSION}-{size_mb}MB.edi"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text())
            if meta["size"] == path.stat().st_size and meta["target"] == size_mb * MB:
                return Generated(path, meta["size"], meta["segments"], meta["messages"]), False
        except (ValueError, KeyError, TypeError):
            pass
    generated = _generate(path, size_mb * MB)
    meta_path.write_text(
        json.dumps(
            {
                "target": size_mb * MB,
                "size": generated.size,
                "segments": generated.segments,
                "messages": generated.messages,
                "generator_version": GENERATOR_VERSION,
            }
        )
    )
    return generated, True


def warm_cache(path: Path) -> None:
    """Read the file once so every measurement sees the same (warm) page cache."""
    with path.open("rb") as f:
        while f.read(1 << 24):
            pass


# --------------------------------------------------------------------------------------
# Measurements (each runs in its own process: see worker())
# --------------------------------------------------------------------------------------


def _measure_reader(path: Path) -> tuple[int, dict[str, Any]]:
    from edi_maps.edifact.reader import EdifactReader
    from edi_maps.edifact.segments import Segment

    segments = lines = 0
    with path.open("rb") as f:
        for item in EdifactReader(f).items():
            if type(item) is Segment:
                segments += 1
                if item.tag == "LIN":
                    lines += 1
    return segments, {"lin_lines": lines}


def _validation_module() -> Any:
    try:
        return importlib.import_module("edi_maps.edifact.validation")
    except ImportError as error:
        raise NotApplicable(f"edi_maps.edifact.validation not available ({error})") from error


def _measure_validation(path: Path) -> tuple[int, dict[str, Any]]:
    validation = _validation_module()
    from edi_maps.results import Status

    segments = messages = rejected = 0
    envelope_errors: list[str] = []
    codes: set[str] = set()
    with path.open("rb") as f:
        for result in validation.iter_results(f):
            if not hasattr(result, "groups"):  # an error outside any interchange
                envelope_errors.append(result.code)
                continue
            segments += 2  # UNB, UNZ
            envelope_errors.extend(e.code for e in result.errors)
            for group in result.groups:
                segments += 2 if group.explicit else 0  # UNG, UNE
                for one in group.sets:
                    messages += 1
                    segments += one.segment_count
                    if one.status is Status.REJECTED:
                        rejected += 1
                        codes.update(one.codes)
    return segments, {
        "messages": messages,
        "rejected_messages": rejected,
        "envelope_errors": sorted(set(envelope_errors)),
        "message_codes": sorted(codes)[:10],
    }


def _measure_translate(path: Path) -> tuple[int, dict[str, Any]]:
    """Read + validate + map every message to its canonical document, serialised as JSON.

    THE LEAD'S MEASUREMENT (issue 4): written like bench/x12_reader.py's, it runs
    once ``edi_maps.edifact.validation`` exists and reports "n/a" until then.
    """
    _validation_module()
    from edi_maps.translate import translate
    from gateway.bootstrap import SystemClock
    from gateway.canonical import document_to_dict
    from gateway.domain.control_numbers import InMemoryControlNumbers
    from gateway.persistence.json_text import dumps  # the store's serializer

    with path.open("rb") as f:
        translation = translate(f, numbers=InMemoryControlNumbers(), clock=SystemClock())
    written = 0
    for document in translation.documents:
        written += len(dumps(document_to_dict(document)))
    segments = 0
    for interchange in translation.result.interchanges:
        segments += 2
        for group in interchange.groups:
            segments += (2 if getattr(group, "explicit", True) else 0) + sum(
                one.segment_count for one in group.sets
            )
    return segments, {"documents": len(translation.documents), "json_bytes": written}


def _measure_pydifact(path: Path) -> tuple[int, dict[str, Any]]:
    from pydifact.parser import Parser

    text = path.read_text(encoding="latin-1")
    segments = lines = 0
    with warnings.catch_warnings():  # it warns about every segment it has no XML for
        warnings.simplefilter("ignore")
        for segment in Parser().parse(text):
            if segment.tag == "UNA":
                continue
            segments += 1
            if segment.tag == "LIN":
                lines += 1
    return segments, {"lin_lines": lines}


# The measurements, by kind. TRANSLATE is the lead's (read + validate + map).
MEASURES: dict[str, Callable[[Path], tuple[int, dict[str, Any]]]] = {
    READER: _measure_reader,
    VALIDATION: _measure_validation,
    TRANSLATE: _measure_translate,
    PYDIFACT: _measure_pydifact,
}

PRELOAD = {
    READER: ("edi_maps.edifact.reader",),
    VALIDATION: ("edi_maps.edifact.reader",),
    TRANSLATE: ("edi_maps.edifact.reader",),
    PYDIFACT: ("pydifact.parser",),
}


def worker(kind: str, path: Path) -> int:
    """Run one measurement in this (fresh) process; print its figures as one JSON line."""
    try:
        os.sched_setaffinity(0, {0})
        pinned = True
    except (AttributeError, OSError):
        pinned = False
    measure = MEASURES[kind]
    # Import the measured code before the clock starts: module import is process start-up.
    for module in PRELOAD.get(kind, ()):
        importlib.import_module(module)
    base_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report: dict[str, Any] = {"kind": kind, "pinned": pinned, "base_rss_kb": base_kb}
    started = time.perf_counter()
    try:
        segments, extra = measure(path)
    except NotApplicable as reason:
        report.update(status="n/a", note=str(reason))
    else:
        report.update(
            status="ok",
            seconds=time.perf_counter() - started,
            segments=segments,
            extra=extra,
        )
    report["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(report))
    return 0


@dataclass(slots=True)
class Row:
    size_mb: int
    kind: str
    status: str  # "ok", "n/a", "skipped", "failed"
    note: str = ""
    mbps: float = 0.0
    segments_per_s: float = 0.0
    rss_mb: float = 0.0
    seconds: float = 0.0
    segments: int = 0
    pinned: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def run_worker(kind: str, generated: Generated, size_mb: int) -> Row:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(generated.path)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Row(size_mb, kind, "failed", note=tail[:80])
    report = json.loads(lines[-1])
    rss_mb = report["maxrss_kb"] / 1024
    if report["status"] != "ok":
        return Row(size_mb, kind, "n/a", note=report["note"][:100], rss_mb=rss_mb)
    seconds = report["seconds"]
    return Row(
        size_mb,
        kind,
        "ok",
        mbps=generated.size / MB / seconds,
        segments_per_s=report["segments"] / seconds,
        rss_mb=rss_mb,
        seconds=seconds,
        segments=report["segments"],
        pinned=report["pinned"],
        extra=report["extra"],
    )


def best_of(rows: Sequence[Row]) -> Row:
    """The fastest run, with the highest peak RSS seen over all runs."""
    ok = [r for r in rows if r.status == "ok"]
    if not ok:
        return rows[0]
    best = max(ok, key=lambda r: r.mbps)
    best.rss_mb = max(r.rss_mb for r in ok)
    return best


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------


def _target(row: Row) -> str:
    if row.kind == READER:
        met = row.mbps >= TARGET_READER_MBPS
        return f">= {TARGET_READER_MBPS:g} MB/s: {'met' if met else 'MISSED'}"
    return "-" if row.kind != PYDIFACT else "- (the oracle: no target)"


def _cells(row: Row, generated: Generated) -> list[str]:
    size = f"{generated.size / MB:,.1f} MB"
    if row.status != "ok":
        note = {"failed": f"FAILED: {row.note}", "n/a": f"n/a: {row.note}"}.get(
            row.status, row.note
        )
        return [size, LABELS[row.kind], note]
    return [
        size,
        LABELS[row.kind],
        f"{row.mbps:,.1f}",
        f"{row.segments_per_s:,.0f}",
        f"{row.rss_mb:,.1f}",
        f"{row.seconds:,.2f}",
        _target(row),
    ]


def print_table(rows: Sequence[Row], inputs: dict[int, Generated]) -> None:
    """One line per (size, measurement); a row that did not run has a note instead."""
    header = ["size", "measurement", "MB/s", "segments/s", "peak RSS MB", "seconds", "target"]
    body = [(row.size_mb, _cells(row, inputs[row.size_mb])) for row in rows]
    full = [header] + [cells for _, cells in body if len(cells) == len(header)]
    widths = [max(len(cells[i]) for cells in full) for i in range(len(header))]
    for _, cells in body:  # a note row still lines up its size and measurement
        widths[0], widths[1] = max(widths[0], len(cells[0])), max(widths[1], len(cells[1]))
    numeric = {2, 3, 4, 5}

    def line(cells: list[str]) -> str:
        padded = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(cells[:-1])
        ]
        return "  ".join([*padded, cells[-1]]).rstrip()

    print(line(header))
    print(line(["-" * w for w in widths]))
    previous: int | None = None
    for size_mb, cells in body:
        if previous is not None and size_mb != previous:
            print()
        previous = size_mb
        print(line(cells))


def print_footer(rows: Sequence[Row], inputs: dict[int, Generated]) -> None:
    """Inputs, sanity checks (segment counts) and the target."""
    print()
    for size_mb, generated in sorted(inputs.items()):
        print(
            f"{size_mb} MB input: {generated.path}: {generated.size:,} bytes, "
            f"{generated.segments:,} segments, {generated.messages:,} messages"
        )
    ran = [r for r in rows if r.status == "ok"]
    wrong = [r for r in ran if r.segments != inputs[r.size_mb].segments]
    for row in wrong:
        print(
            f"WARNING: {LABELS[row.kind]} on {row.size_mb} MB counted {row.segments:,} "
            f"segments, the generator wrote {inputs[row.size_mb].segments:,}"
        )
    if ran and not wrong:
        print("segment counts: every measurement saw exactly the segments the generator wrote")
    for row in (r for r in ran if r.kind == VALIDATION):
        e = row.extra
        codes = ", ".join(e["envelope_errors"] + e["message_codes"]) or "none"
        print(
            f"validation verdict, {row.size_mb} MB: {e['messages']:,} messages, "
            f"{e['rejected_messages']:,} rejected; codes: {codes}"
        )
    if any(not r.pinned for r in ran):
        print("note: some runs could not be pinned to one core (sched_setaffinity failed)")
    print()
    readers = [r for r in ran if r.kind == READER]
    if not readers:
        print(f"target reader >= {TARGET_READER_MBPS:g} MB/s: not measured in this run")
        return
    verdict = "MET" if all(r.mbps >= TARGET_READER_MBPS for r in readers) else "NOT MET"
    detail = ", ".join(f"{r.size_mb} MB: {r.mbps:,.1f} MB/s" for r in readers)
    print(f"target reader >= {TARGET_READER_MBPS:g} MB/s (MB = 2**20 bytes): {verdict} ({detail})")


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"sizes are whole MB, comma-separated: {text!r}"
        ) from error
    if not sizes or any(s <= 0 for s in sizes):
        raise argparse.ArgumentTypeError(f"sizes must be positive: {text!r}")
    return sorted(set(sizes))


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _pydifact_skip_note(size_mb: int, rows: Sequence[Row]) -> str:
    measured = [r for r in rows if r.kind == PYDIFACT and r.status == "ok"]
    mbps = max(measured, key=lambda r: r.size_mb).mbps if measured else PYDIFACT_NOMINAL_MBPS
    minutes = size_mb / mbps / 60
    basis = "" if measured else f" at a nominal {PYDIFACT_NOMINAL_MBPS:g} MB/s"
    return f"skipped (too slow: est. {minutes:,.1f} min{basis}; --pydifact-all runs it)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=_sizes, default=[1, 50], help="MB, e.g. 1,50,1024")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where inputs are cached")
    parser.add_argument("--pydifact-all", action="store_true", help="run pydifact on every size")
    parser.add_argument(
        "--repeat", type=_positive, default=3, help="runs per measurement; best kept"
    )
    parser.add_argument("--only", default=",".join(KINDS), help="measurements, comma-separated")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker[0], Path(args.worker[1]))
    kinds = [k for k in KINDS if k in args.only.split(",")]
    if not kinds:
        parser.error(f"--only takes some of {','.join(KINDS)}")

    inputs: dict[int, Generated] = {}
    rows: list[Row] = []
    for size_mb in args.sizes:
        started = time.perf_counter()
        generated, fresh = ensure_input(args.out, size_mb)
        inputs[size_mb] = generated
        verb = "generated" if fresh else "reusing"
        print(
            f"[{size_mb} MB] {verb} {generated.path} ({time.perf_counter() - started:.1f} s)",
            file=sys.stderr,
        )
        warm_cache(generated.path)
        for kind in kinds:
            if kind == PYDIFACT and size_mb > PYDIFACT_CAP_MB and not args.pydifact_all:
                rows.append(Row(size_mb, kind, "skipped", note=_pydifact_skip_note(size_mb, rows)))
                continue
            print(f"[{size_mb} MB] {LABELS[kind]} …", file=sys.stderr)
            repeat = 1 if kind == PYDIFACT else args.repeat  # one run of the oracle is enough
            rows.append(best_of([run_worker(kind, generated, size_mb) for _ in range(repeat)]))
    print()
    print_table(rows, inputs)
    print_footer(rows, inputs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
