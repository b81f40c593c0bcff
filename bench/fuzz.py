"""Coverage-guided fuzzing (atheris, libFuzzer) of the parsers a partner can reach: the
X12 and EDIFACT readers, validators, acknowledgement builders and maps (through
``translate``), the AS2 MIME/CMS/MDN parsers, and the YAML partner import.

Each target (``tests/fuzz/targets.py``) runs for ``--seconds`` or ``--runs`` (both: whichever
comes first), seeded with the public samples, in ``--workers`` processes (default 1) that
share one corpus directory, as libFuzzer's own ``-jobs`` does (its ``-jobs``/``-fork``
re-run ``argv[0]``, here this script without its ``--child`` arguments): ``--runs`` is the
total, split between them. A crash stops the target's workers and its input is saved under
``tests/fixtures/fuzz-crashers/<target>/``, where the tests replay it forever after. Each
worker's libFuzzer output goes to ``bench/out/fuzz-<target>-<n>.log`` (watch the
``#N … exec/s`` lines there). Prints executions, executions/s, coverage (edges; the best
worker's), crashes and wall time per target.

Run under ``nice -n 19`` on a shared machine:
``nice -n 19 .venv/bin/python bench/fuzz.py [--seconds 60] [--runs N] [--workers 2]
[--targets x12,as2]`` (atheris comes from PyPI: ``.venv/bin/pip install atheris``).
"""

from __future__ import annotations

import argparse
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_STOPPED = 72  # libFuzzer's exit code when stopped by SIGTERM (it prints its stats): no crash
sys.path.insert(0, str(ROOT))


def _child(name: str, corpus: Path, crashers: Path, limits: list[str]) -> None:
    import atheris

    with atheris.instrument_imports(include=["edi_maps", "as2", "gateway"]):
        import as2  # noqa: F401
        import edi_maps.translate  # noqa: F401  (instrumented before first use)
        import gateway.profiles.yaml_io  # noqa: F401
        from tests.fuzz.targets import TARGETS

    target = TARGETS[name]
    for index, seed in enumerate(target.seeds()):
        (corpus / f"seed-{index}").write_bytes(seed)
    crashers.mkdir(parents=True, exist_ok=True)
    arguments = [
        sys.argv[0], str(corpus), f"-artifact_prefix={crashers}/", "-print_final_stats=1",
        "-max_len=65536", "-timeout=20", "-rss_limit_mb=2048", *limits,
    ]  # fmt: skip
    atheris.Setup(arguments, target.run)
    atheris.Fuzz()


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        name, corpus, crashers, *limits = sys.argv[2:]
        sys.argv = sys.argv[:1]
        _child(name, Path(corpus), Path(crashers), limits)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, help="per target (default 60 without --runs)")
    parser.add_argument("--runs", type=int, help="executions per target, all workers together")
    parser.add_argument("--workers", type=int, default=1, help="processes per target")
    parser.add_argument("--targets", default="x12,edifact,as2,profile-yaml")
    arguments = parser.parse_args()
    limits = []
    if arguments.runs:
        limits.append(f"-runs={-(-arguments.runs // arguments.workers)}")
    if arguments.seconds or not arguments.runs:
        limits.append(f"-max_total_time={arguments.seconds or 60}")
    rows = [_fuzz(name, limits, arguments.workers) for name in arguments.targets.split(",")]
    print(
        f"{'target':14} {'executions':>11} {'exec/s':>7} {'coverage':>9} {'crashes':>8} "
        f"{'wall time':>10}"
    )
    for row in rows:
        wall = f"{row.seconds // 60:.0f} min {row.seconds % 60:02.0f} s"
        print(
            f"{row.name:14} {row.runs:11,d} {row.runs / row.seconds:7.0f} {row.coverage:>9} "
            f"{row.crashes:8d} {wall:>10}"
        )
    print(f"({arguments.workers} worker(s) per target; target: zero crashes in 1,000,000 "
          "executions per target)")  # fmt: skip
    return 1 if any(row.crashes for row in rows) else 0


@dataclass
class _Row:
    name: str
    runs: int
    coverage: str
    crashes: int
    seconds: float


def _fuzz(name: str, limits: list[str], workers: int) -> _Row:
    """One target in ``workers`` processes sharing a corpus; a crash in one stops all."""
    crashers = ROOT / "tests" / "fixtures" / "fuzz-crashers" / name
    before = set(crashers.glob("*")) if crashers.is_dir() else set()
    logs = [ROOT / "bench" / "out" / f"fuzz-{name}-{n}.log" for n in range(workers)]
    logs[0].parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{name}-") as corpus:
        start = time.monotonic()
        running = []
        for log in logs:
            command = [sys.executable, __file__, "--child", name, corpus, str(crashers), *limits]
            with log.open("w") as out:
                running.append(
                    subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
                )
        while any(p.poll() is None for p in running):
            if any(p.returncode for p in running):  # one crashed: stop the others
                for process in running:
                    if process.poll() is None:
                        process.send_signal(signal.SIGTERM)  # libFuzzer prints its stats
            time.sleep(1)
        codes = [p.returncode for p in running]
        seconds = time.monotonic() - start
    outputs = [log.read_text(errors="replace") for log in logs]
    runs = sum(_stat(output, "number_of_executed_units") for output in outputs)
    coverage = max((int(c) for o in outputs for c in re.findall(r"cov: (\d+)", o)), default=None)
    new = sorted(set(crashers.glob("*")) - before) if crashers.is_dir() else []
    crashed = [o for o, code in zip(outputs, codes, strict=True) if code not in (0, _STOPPED)]
    for output in crashed:
        print(f"--- {name} crashed; last lines:\n" + "\n".join(output.splitlines()[-25:]))
    for path in new:
        print(f"    saved {path.relative_to(ROOT)} (replayed by tests/fuzz)")
    crashes = len(new) or len(crashed)
    return _Row(name, runs, str(coverage or "-"), crashes, seconds)


def _stat(output: str, name: str) -> int:
    match = re.search(rf"stat::{name}:\s*(\d+)", output)
    return int(match.group(1)) if match else 0


if __name__ == "__main__":
    sys.exit(main())
