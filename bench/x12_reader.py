"""Benchmark the X12 reader: MB/s, segments/s and peak RSS on generated 850 files.

What it measures, for each input size (1 MB, 50 MB and 1 GB by default):

1. ``reader``: ``edi_maps.x12.reader.X12Reader(...).items()``, touching every
   segment's tag.
2. ``reader + validation``: ``edi_maps.x12.validation.iter_results(...)`` consumed
   fully (envelopes, counts, control numbers, every 850 against its 004010 table).
3. ``pyx12 reader``: ``pyx12.x12file.X12Reader(path)`` iterating all segments.
4. ``pyx12 validation``: ``pyx12.x12n_document.x12n_document`` as ``x12valid`` calls it.
5. ``translate to JSON``: ``edi_maps.translate.translate(...)`` (read, validate,
   acknowledge and map every set to its canonical document), then each document
   through ``document_to_dict`` and the store's JSON serializer
   (``gateway.persistence.json_text.dumps``), as the gateway stores them.

Why: our own reader is the hot path (every inbound X12 byte goes through it) and
replaced pyx12's on measured grounds (``edi_maps/x12/reader.py``); this script is the
measurement, and the acceptance check of its targets. pyx12 is the test oracle, not a
contender: its reader runs at 5-9 MB/s, so its runs stop at 50 MB unless
``--pyx12-all`` is given, and it ships maps only for some HIPAA sets and the 997/999,
so for an 850 its validator does not run at all; the table then says so instead of
printing a number.

How: the inputs are realistic purchase orders (one interchange, functional groups of
500 sets, sets of 22-60 segments: BEG, CUR, REF, PER, DTM, N1/N3/N4 loops, PO1 lines
with PID, CTT, AMT), written by streaming to disk with correct SE01/GE01/IEA01 counts
and control numbers, and reused from ``bench/out/`` while present and the right size.
Each measurement runs in a fresh subprocess pinned to one core, so its peak RSS
(``ru_maxrss``) is its own; times exclude interpreter start-up and imports, and the
file is read once beforehand so every run sees a warm page cache. MB is 2**20 bytes.

Targets (the X12 reader's acceptance criterion): reader >= 80 MB/s, reader +
validation >= 20 MB/s, peak RSS < 150 MB on the 1 GB file; translate to JSON >= 15
MB/s on the 1 MB and 50 MB files (issue 3). Translate keeps every document in
memory until the input's end (``Translation.documents``), so its RSS grows with the
input and has no target.

Run: ``.venv/bin/python bench/x12_reader.py [--sizes 1,50,1024] [--out DIR]
[--pyx12-all] [--repeat N]
[--only reader,validation,translate,pyx12-reader,pyx12-validation]``.
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MB = 1 << 20
HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_OUT = HERE / "out"

GENERATOR_VERSION = 1  # bump when the generated content changes: cached files are then remade
SETS_PER_GROUP = 500
SEED = 850

TARGET_READER_MBPS = 80.0
TARGET_VALIDATION_MBPS = 20.0
TARGET_TRANSLATE_MBPS = 15.0  # read + validate + map to canonical JSON (issue 3)
TARGET_RSS_MB = 150.0
TARGET_RSS_SIZE_MB = 1024  # the RSS target is for the 1 GB file
PYX12_CAP_MB = 50  # pyx12 runs on files up to this size unless --pyx12-all
PYX12_NOMINAL_MBPS = 7.0  # for the skip estimate when pyx12 was not measured in this run

READER, VALIDATION, TRANSLATE, PYX12_READER, PYX12_VALIDATION = (
    "reader",
    "validation",
    "translate",
    "pyx12-reader",
    "pyx12-validation",
)
KINDS = (READER, VALIDATION, TRANSLATE, PYX12_READER, PYX12_VALIDATION)
LABELS = {
    READER: "reader",
    VALIDATION: "reader + validation",
    TRANSLATE: "translate to JSON",
    PYX12_READER: "pyx12 reader",
    PYX12_VALIDATION: "pyx12 validation",
}


# --------------------------------------------------------------------------------------
# Generating the input
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Generated:
    """A generated input file and what the generator wrote into it."""

    path: Path
    size: int
    segments: int
    sets: int
    groups: int


@dataclass(frozen=True, slots=True)
class _Item:
    upc: str
    sku: str
    description: str
    price_cents: int


@dataclass(slots=True)
class _Pools:
    """Pre-built variety, so the generator's per-set work is picking, not inventing."""

    ship_to: list[str] = field(default_factory=list)  # whole N1/N3/N4 loops, "~\n"-joined
    bill_to: list[str] = field(default_factory=list)
    vendors: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)


_STREETS = ("MAIN ST", "OAK AVE", "INDUSTRIAL PKWY", "HARBOR BLVD", "ELM ST", "COMMERCE DR")
_CITIES = (
    ("SPRINGFIELD", "IL", "62701"),
    ("COLUMBUS", "OH", "43215"),
    ("RENO", "NV", "89501"),
    ("ALBANY", "NY", "12207"),
    ("TACOMA", "WA", "98402"),
    ("AUSTIN", "TX", "78701"),
    ("MACON", "GA", "31201"),
    ("TOLEDO", "OH", "43604"),
)
_NOUNS = ("T-SHIRT", "HOODIE", "SOCKS 3PK", "CAP", "JACKET", "JEANS", "SCARF", "GLOVES")
_COLOURS = ("BLUE", "RED", "BLACK", "WHITE", "GREEN", "GREY", "NAVY", "OLIVE")
_FABRICS = ("COTTON", "WOOL", "FLEECE", "DENIM", "NYLON", "LINEN")
_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
_NAMES = ("JANE DOE", "JOHN ROE", "ANA LIMA", "LI WEI", "OMAR FARAH", "EVA NOVAK")


def _upc(rng: random.Random) -> str:
    digits = [rng.randrange(10) for _ in range(11)]
    odd = sum(digits[0::2])
    even = sum(digits[1::2])
    check = (10 - (odd * 3 + even) % 10) % 10
    return "".join(map(str, digits)) + str(check)


def _n1_loop(rng: random.Random, entity: str, name: str, code: str) -> str:
    city, state, postal = rng.choice(_CITIES)
    street = f"{rng.randint(1, 9999)} {rng.choice(_STREETS)}"
    return f"N1*{entity}*{name}*92*{code}~\nN3*{street}~\nN4*{city}*{state}*{postal}*US~\n"


def _pools(rng: random.Random) -> _Pools:
    pools = _Pools()
    pools.ship_to = [
        _n1_loop(rng, "ST", f"STORE {n:04d}", f"{n:04d}") for n in rng.sample(range(1, 9999), 400)
    ]
    pools.bill_to = [
        _n1_loop(rng, "BT", name, f"{n:06d}")
        for n, name in enumerate(("ACME RETAIL INC", "NORTHWIND STORES", "CONTOSO OUTLET"), 1)
    ]
    pools.vendors = [
        _n1_loop(rng, "VN", f"SUPPLIER {n:03d} LLC", f"V{n:05d}") for n in range(1, 41)
    ]
    pools.contacts = [
        f"PER*BD*{name}*TE*{rng.randint(2000000000, 9899999999)}*EM*"
        f"{name.split()[0].lower()}@example.com~\n"
        for name in _NAMES
    ]
    start = dt.date(2026, 1, 1)
    pools.dates = [(start + dt.timedelta(days=d)).strftime("%Y%m%d") for d in range(400)]
    for _ in range(5000):
        description = (
            f"{rng.choice(_COLOURS)} {rng.choice(_FABRICS)} "
            f"{rng.choice(_NOUNS)} {rng.choice(_SIZES)}"
        )
        pools.items.append(
            _Item(
                _upc(rng), f"SKU-{rng.randint(10000, 99999)}", description, rng.randint(99, 19999)
            )
        )
    return pools


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _purchase_order(rng: random.Random, pools: _Pools, number: int) -> tuple[str, int]:
    """One ST…SE 850 of 22-60 segments, and its segment count."""
    control = f"{number:04d}"
    lines = rng.randint(1, 20)
    day = rng.randrange(len(pools.dates) - 30)
    order_date, ship_date, deliver_date = (
        pools.dates[day],
        pools.dates[day + rng.randint(3, 10)],
        pools.dates[day + rng.randint(11, 29)],
    )
    parts = [
        f"ST*850*{control}~\n",
        f"BEG*00*SA*{4500000000 + number}**{order_date}~\n",
        "CUR*BY*USD~\n",
        f"REF*DP*{rng.randint(1, 99):03d}~\n",
        f"REF*IA*{rng.randint(100000, 999999)}~\n",
        rng.choice(pools.contacts),
        f"DTM*010*{ship_date}~\n",
        f"DTM*002*{deliver_date}~\n",
        rng.choice(pools.ship_to),
        rng.choice(pools.bill_to),
        rng.choice(pools.vendors),
    ]
    quantity_total = 0
    amount = 0
    for line, item in enumerate(rng.sample(pools.items, lines), 1):
        quantity = rng.randint(1, 144)
        quantity_total += quantity
        amount += quantity * item.price_cents
        parts.append(
            f"PO1*{line}*{quantity}*EA*{_money(item.price_cents)}*PE*UP*{item.upc}"
            f"*VP*{item.sku}~\nPID*F****{item.description}~\n"
        )
    segments = 17 + 2 * lines + 3  # header 8, three N1/N3/N4 loops 9, lines, CTT AMT SE
    parts.append(f"CTT*{lines}*{quantity_total}~\nAMT*TT*{_money(amount)}~\n")
    parts.append(f"SE*{segments}*{control}~\n")
    return "".join(parts), segments


def _generate(path: Path, target: int) -> Generated:
    """Stream an 850 interchange of about ``target`` bytes to ``path`` (via a temp file)."""
    rng = random.Random(SEED)
    pools = _pools(rng)
    tmp = path.with_suffix(".partial")
    control = "000000001"
    isa = (
        "ISA*00*          *00*          *ZZ*CROSSDOCKBUYER *ZZ*CROSSDOCKSUPPL *"
        f"260115*1200*U*00401*{control}*0*P*>~\n"
    )
    written = segments = sets = groups = 0
    pending: list[str] = []
    pending_size = 0

    with tmp.open("wb") as out:

        def emit(text: str) -> None:
            nonlocal written, pending_size
            pending.append(text)
            pending_size += len(text)
            written += len(text)
            if pending_size >= MB:
                out.write("".join(pending).encode("ascii"))
                pending.clear()
                pending_size = 0

        emit(isa)
        segments += 1
        reserve = 64  # GE and IEA
        while written + reserve < target:
            groups += 1
            emit(f"GS*PO*CROSSDOCKBUYER*CROSSDOCKSUPPL*20260115*1200*{groups}*X*004010~\n")
            segments += 1
            in_group = 0
            while in_group < SETS_PER_GROUP and written + reserve < target:
                sets += 1
                in_group += 1
                text, count = _purchase_order(rng, pools, sets)
                emit(text)
                segments += count
            emit(f"GE*{in_group}*{groups}~\n")
            segments += 1
        emit(f"IEA*{groups}*{control}~\n")
        segments += 1
        out.write("".join(pending).encode("ascii"))
    tmp.replace(path)
    return Generated(path, path.stat().st_size, segments, sets, groups)


def ensure_input(out_dir: Path, size_mb: int) -> tuple[Generated, bool]:
    """The cached input for ``size_mb``, generated first if absent or not the right size.

    Returns the input and whether it was generated now.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"850-v{GENERATOR_VERSION}-{size_mb}MB.x12"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text())
            if meta["size"] == path.stat().st_size and meta["target"] == size_mb * MB:
                return Generated(
                    path, meta["size"], meta["segments"], meta["sets"], meta["groups"]
                ), False
        except (ValueError, KeyError, TypeError):
            pass
    generated = _generate(path, size_mb * MB)
    meta_path.write_text(
        json.dumps(
            {
                "target": size_mb * MB,
                "size": generated.size,
                "segments": generated.segments,
                "sets": generated.sets,
                "groups": generated.groups,
                "generator_version": GENERATOR_VERSION,
            }
        )
    )
    return generated, True


def warm_cache(path: Path) -> None:
    """Read the file once so every measurement sees the same (warm) page cache."""
    with path.open("rb") as f:
        while f.read(8 * MB):
            pass


# --------------------------------------------------------------------------------------
# Measurements (each in its own subprocess: ``--worker KIND PATH``)
# --------------------------------------------------------------------------------------


class NotApplicable(Exception):
    """The measured tool cannot process this input at all (e.g. it has no map)."""


def _measure_reader(path: Path) -> tuple[int, dict[str, Any]]:
    from edi_maps.x12.reader import X12Reader
    from edi_maps.x12.segments import Isa, SegmentBatch

    segments = lines = 0
    with path.open("rb") as f:
        for item in X12Reader(f).items():
            if isinstance(item, SegmentBatch):
                separator = item.delimiters.element
                for segment in item.segments:  # segments are text: touch each one's tag
                    tag = segment.partition(separator)[0]
                    if tag:
                        segments += 1
                        if tag == "PO1":
                            lines += 1
            elif isinstance(item, Isa):
                segments += 1
    return segments, {"po1_lines": lines}


def _measure_validation(path: Path) -> tuple[int, dict[str, Any]]:
    from edi_maps.x12.results import InterchangeResult, Status
    from edi_maps.x12.validation import iter_results

    segments = sets = rejected = 0
    envelope_errors: list[str] = []
    set_codes: set[str] = set()
    with path.open("rb") as f:
        for result in iter_results(f):
            if not isinstance(result, InterchangeResult):
                envelope_errors.append(result.code)
                continue
            segments += 2  # ISA, IEA
            envelope_errors.extend(e.code for e in result.errors)
            for group in result.groups:
                segments += 2  # GS, GE
                for one in group.sets:
                    sets += 1
                    segments += one.segment_count
                    if one.status is Status.REJECTED:
                        rejected += 1
                        set_codes.update(one.codes)
                        set_codes.update(f"{e.segment_id}:{e.code}" for e in one.errors)
    return segments, {
        "sets": sets,
        "rejected_sets": rejected,
        "envelope_errors": sorted(set(envelope_errors)),
        "set_codes": sorted(set_codes)[:10],
    }


def _measure_pyx12_reader(path: Path) -> tuple[int, dict[str, Any]]:
    import pyx12.x12file

    segments = lines = 0
    reader = pyx12.x12file.X12Reader(str(path))
    try:
        for segment in reader:
            segments += 1
            if segment.get_seg_id() == "PO1":
                lines += 1
        reader.cleanup()
        errors = reader.pop_errors()
    finally:
        reader.close()
    return segments, {"po1_lines": lines, "reader_errors": len(errors)}


def _measure_pyx12_validation(path: Path) -> tuple[int, dict[str, Any]]:
    import io
    import logging

    import pyx12.errors
    import pyx12.params
    import pyx12.x12n_document

    logging.getLogger("pyx12").addHandler(logging.NullHandler())
    logging.getLogger("pyx12").propagate = False
    segments = 0

    def count(*_: object) -> None:
        nonlocal segments
        segments += 1

    param = pyx12.params.params()
    ack = io.StringIO()
    try:
        valid = pyx12.x12n_document.x12n_document(
            param=param,
            src_file=str(path),
            fd_997=ack,
            fd_html=None,
            fd_xmldoc=None,
            fd_json=None,
            callback=count,
        )
    except pyx12.errors.EngineError as error:
        message = str(error)
        if "Map not found" in message:
            raise NotApplicable(f"no 850 map ({message})") from error
        raise
    return segments, {"valid": bool(valid), "ack_chars": len(ack.getvalue())}


def _measure_translate(path: Path) -> tuple[int, dict[str, Any]]:
    """Read + validate + map every set to its canonical document, serialised as JSON.

    The documents go to a null sink one by one, as a gateway would store them.
    """
    from edi_maps.translate import translate
    from gateway.bootstrap import SystemClock
    from gateway.canonical import document_to_dict
    from gateway.domain.control_numbers import InMemoryControlNumbers
    from gateway.persistence.json_text import dumps

    with path.open("rb") as f:
        translation = translate(f, numbers=InMemoryControlNumbers(), clock=SystemClock())
    written = 0
    for document in translation.documents:
        written += len(dumps(document_to_dict(document)))
    segments = 0
    for interchange in translation.result.interchanges:
        segments += 2
        for group in interchange.groups:
            segments += 2 + sum(one.segment_count for one in group.sets)
    return segments, {"documents": len(translation.documents), "json_bytes": written}


MEASURES: dict[str, Callable[[Path], tuple[int, dict[str, Any]]]] = {
    READER: _measure_reader,
    VALIDATION: _measure_validation,
    TRANSLATE: _measure_translate,
    PYX12_READER: _measure_pyx12_reader,
    PYX12_VALIDATION: _measure_pyx12_validation,
}


PRELOAD = {
    READER: ("edi_maps.x12.reader",),
    VALIDATION: ("edi_maps.x12.reader", "edi_maps.x12.results", "edi_maps.x12.validation"),
    TRANSLATE: (
        "edi_maps.translate",
        "gateway.bootstrap",
        "gateway.canonical",
        "gateway.persistence.json_text",
    ),
    PYX12_READER: ("pyx12.x12file",),
}


def worker(kind: str, path: Path) -> int:
    """Run one measurement in this (fresh) process; print its figures as one JSON line."""
    try:
        os.sched_setaffinity(0, {0})
        pinned = True
    except (AttributeError, OSError):
        pinned = False
    measure = MEASURES[kind]
    # Import the measured code before the clock starts: module import is process
    # start-up, not reading. (Definitions and patterns still load inside the clock,
    # lazily, as they do in a worker's first file.)
    for module in PRELOAD.get(kind, ()):
        importlib.import_module(module)
    base_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report: dict[str, Any] = {"kind": kind, "pinned": pinned, "base_rss_kb": base_kb}
    started = time.perf_counter()
    cpu_started = time.process_time()
    try:
        segments, extra = measure(path)
    except NotApplicable as reason:
        report.update(status="n/a", note=str(reason))
    else:
        report.update(
            status="ok",
            seconds=time.perf_counter() - started,
            cpu_seconds=time.process_time() - cpu_started,
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
        return Row(size_mb, kind, "n/a", note=report["note"], rss_mb=rss_mb)
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


def _targets(row: Row) -> list[tuple[str, bool]]:
    """The targets that apply to ``row`` and whether each was met."""
    checks: list[tuple[str, bool]] = []
    if row.status != "ok":
        return checks
    if row.kind == READER:
        checks.append((f">= {TARGET_READER_MBPS:g} MB/s", row.mbps >= TARGET_READER_MBPS))
    elif row.kind == VALIDATION:
        checks.append((f">= {TARGET_VALIDATION_MBPS:g} MB/s", row.mbps >= TARGET_VALIDATION_MBPS))
    elif row.kind == TRANSLATE and row.size_mb <= 50:  # the target: 1 MB and 50 MB
        checks.append((f">= {TARGET_TRANSLATE_MBPS:g} MB/s", row.mbps >= TARGET_TRANSLATE_MBPS))
    if row.kind in (READER, VALIDATION) and row.size_mb >= TARGET_RSS_SIZE_MB:
        checks.append((f"RSS < {TARGET_RSS_MB:g} MB", row.rss_mb < TARGET_RSS_MB))
    return checks


def _cells(row: Row, generated: Generated) -> list[str]:
    size = f"{generated.size / MB:,.1f} MB"
    if row.status != "ok":
        note = {"failed": f"FAILED: {row.note}", "n/a": f"n/a: {row.note}"}.get(
            row.status, row.note
        )
        return [size, LABELS[row.kind], note]
    targets = _targets(row)
    target = "; ".join(f"{label}: {'met' if met else 'MISSED'}" for label, met in targets)
    return [
        size,
        LABELS[row.kind],
        f"{row.mbps:,.1f}",
        f"{row.segments_per_s:,.0f}",
        f"{row.rss_mb:,.1f}",
        f"{row.seconds:,.2f}",
        target
        or (
            "- (the oracle: no target)"
            if row.kind in (PYX12_READER, PYX12_VALIDATION)
            else "- (no target at this size)"
        ),
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
    """Inputs, sanity checks (segment counts, validation verdict) and the targets."""
    print()
    for size_mb, generated in sorted(inputs.items()):
        print(
            f"{size_mb} MB input: {generated.path}: {generated.size:,} bytes, "
            f"{generated.segments:,} segments, {generated.sets:,} sets in "
            f"{generated.groups:,} groups"
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
        codes = ", ".join(e["envelope_errors"] + e["set_codes"]) or "none"
        print(
            f"validation verdict, {row.size_mb} MB: {e['sets']:,} sets, "
            f"{e['rejected_sets']:,} rejected; codes: {codes}"
        )
    if any(not r.pinned for r in ran):
        print("note: some runs could not be pinned to one core (sched_setaffinity failed)")
    print()
    print("targets (MB = 2**20 bytes):")
    goals = (
        (f"reader >= {TARGET_READER_MBPS:g} MB/s", READER, False),
        (f"reader + validation >= {TARGET_VALIDATION_MBPS:g} MB/s", VALIDATION, False),
        (f"translate to JSON >= {TARGET_TRANSLATE_MBPS:g} MB/s", TRANSLATE, False),
        (f"1 GB peak RSS < {TARGET_RSS_MB:g} MB, reader", READER, True),
        (f"1 GB peak RSS < {TARGET_RSS_MB:g} MB, reader + validation", VALIDATION, True),
    )
    for label, kind, rss in goals:
        figures: list[tuple[int, str, bool]] = []
        for row in ran:
            if row.kind != kind or (rss and row.size_mb < TARGET_RSS_SIZE_MB):
                continue
            for name, met in _targets(row):
                if name.startswith("RSS") == rss:
                    shown = f"{row.rss_mb:,.1f} MB" if rss else f"{row.mbps:,.1f} MB/s"
                    figures.append((row.size_mb, shown, met))
        if not figures:
            print(f"  {label}: not measured in this run")
            continue
        verdict = "MET" if all(met for *_, met in figures) else "NOT MET"
        detail = ", ".join(f"{size} MB: {shown}" for size, shown, _ in figures)
        print(f"  {label}: {verdict} ({detail})")


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


def _pyx12_skip_note(size_mb: int, rows: Sequence[Row]) -> str:
    measured = [r for r in rows if r.kind == PYX12_READER and r.status == "ok"]
    mbps = max(measured, key=lambda r: r.size_mb).mbps if measured else PYX12_NOMINAL_MBPS
    minutes = size_mb / mbps / 60
    basis = "" if measured else f" at a nominal {PYX12_NOMINAL_MBPS:g} MB/s"
    return f"skipped (too slow: est. {minutes:,.1f} min{basis}; --pyx12-all runs it)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=_sizes, default=[1, 50, 1024], help="MB, e.g. 1,50,1024")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where inputs are cached")
    parser.add_argument("--pyx12-all", action="store_true", help="run pyx12 on every size")
    parser.add_argument(
        "--repeat", type=_positive, default=1, help="runs per measurement; best kept"
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
        na_before = {r.kind: r for r in rows if r.status == "n/a"}
        for kind in kinds:
            pyx12 = kind in (PYX12_READER, PYX12_VALIDATION)
            if pyx12 and size_mb > PYX12_CAP_MB and not args.pyx12_all:
                if kind in na_before:  # no map is no map, whatever the size
                    rows.append(Row(size_mb, kind, "n/a", note=na_before[kind].note))
                else:
                    rows.append(Row(size_mb, kind, "skipped", note=_pyx12_skip_note(size_mb, rows)))
                continue
            print(f"[{size_mb} MB] {LABELS[kind]} …", file=sys.stderr)
            rows.append(best_of([run_worker(kind, generated, size_mb) for _ in range(args.repeat)]))
    print()
    print_table(rows, inputs)
    print_footer(rows, inputs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
