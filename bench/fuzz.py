"""Coverage-guided fuzzing (atheris, libFuzzer) of the parsers a partner can reach: the
X12 and EDIFACT readers, validators, acknowledgement builders and maps (through
``translate``), the AS2 MIME/CMS/MDN parsers, and the YAML partner import.

Each target (``tests/fuzz/targets.py``) runs in its own process for ``--seconds`` or
``--runs``, seeded with the public samples; a crash stops that target and its input is
saved under ``tests/fixtures/fuzz-crashers/<target>/``, where the tests replay it
forever after. Prints executions, executions/s, coverage and crashes per target.

Run: ``.venv/bin/python bench/fuzz.py [--seconds 60] [--runs N] [--targets x12,as2]``
(atheris comes from PyPI: ``.venv/bin/pip install atheris``).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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
    parser.add_argument("--seconds", type=int, default=60, help="per target")
    parser.add_argument("--runs", type=int, help="executions per target (instead of time)")
    parser.add_argument("--targets", default="x12,edifact,as2,profile-yaml")
    arguments = parser.parse_args()
    limit = f"-runs={arguments.runs}" if arguments.runs else f"-max_total_time={arguments.seconds}"
    rows = []
    for name in arguments.targets.split(","):
        crashers = ROOT / "tests" / "fixtures" / "fuzz-crashers" / name
        before = set(crashers.glob("*")) if crashers.is_dir() else set()
        with tempfile.TemporaryDirectory(prefix=f"fuzz-{name}-") as corpus:
            start = time.monotonic()
            done = subprocess.run(
                [sys.executable, __file__, "--child", name, corpus, str(crashers), limit],
                capture_output=True, text=True, cwd=ROOT,
            )  # fmt: skip
            seconds = time.monotonic() - start
        output = done.stdout + done.stderr
        runs = _stat(output, "number_of_executed_units")
        coverage = re.findall(r"cov: (\d+)", output)
        new = sorted(set(crashers.glob("*")) - before) if crashers.is_dir() else []
        crashed = done.returncode != 0
        rate = runs / seconds if seconds else 0.0
        crashes = len(new) or int(crashed)
        rows.append((name, runs, rate, coverage[-1] if coverage else "-", crashes))
        if crashed:
            print(f"--- {name} crashed; last lines:\n" + "\n".join(output.splitlines()[-25:]))
            for path in new:
                print(f"    saved {path.relative_to(ROOT)} (replayed by tests/fuzz)")
    print(f"{'target':14} {'executions':>11} {'exec/s':>8} {'coverage':>9} {'crashes':>8}")
    for name, runs, rate, coverage, crashes in rows:
        print(f"{name:14} {runs:11d} {rate:8.0f} {coverage:>9} {crashes:8d}")
    print("(target: zero crashes in 1,000,000 executions per target)")
    return 1 if any(row[4] for row in rows) else 0


def _stat(output: str, name: str) -> int:
    match = re.search(rf"stat::{name}:\s*(\d+)", output)
    return int(match.group(1)) if match else 0


if __name__ == "__main__":
    sys.exit(main())
