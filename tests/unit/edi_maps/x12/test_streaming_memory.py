"""Bounded memory: validating a large input keeps only a chunk and one set at a time.

The benchmark (bench/x12_reader.py) measures peak RSS on 1 GB; this test guards the
property in CI on small inputs with tracemalloc (which counts allocations, and is
too slow for large ones).
"""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator

from edi_maps.x12.validation import iter_results

SET = (
    "ST*850*{n:04d}~\nBEG*00*SA*PO{n:06d}**20261128~\nREF*DP*038~\nN1*ST*STORE*92*0012~\n"
    + "".join(f"PO1*{i}*10*EA*9.25**VP*ABC-{i}~\nPID*F****WIDGET {i}~\n" for i in range(1, 21))
    + "CTT*20~\nSE*46*{n:04d}~\n"
)
HEAD = (
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261128*1200*U*00401*"
    "000000001*0*P*>~\nGS*PO*SENDER*RECEIVER*20261128*1200*1*X*004010~\n"
)


class GeneratedInterchange(io.RawIOBase):
    """An 850 interchange of ``sets`` sets, produced as it is read (never whole in memory)."""

    def __init__(self, sets: int) -> None:
        self._parts: Iterator[bytes] = self._generate(sets)
        self._pending = b""

    @staticmethod
    def _generate(sets: int) -> Iterator[bytes]:
        yield HEAD.encode()
        for n in range(1, sets + 1):
            yield SET.format(n=n).encode()
        yield f"GE*{sets}*1~\nIEA*1*000000001~\n".encode()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        pending = bytearray(self._pending)
        while len(pending) < len(buffer):
            part = next(self._parts, None)
            if part is None:
                break
            pending += part
        size = min(len(buffer), len(pending))
        buffer[:size] = pending[:size]
        self._pending = bytes(pending[size:])
        return size


def _peak(sets: int) -> int:
    tracemalloc.start()
    try:
        results = list(iter_results(io.BufferedReader(GeneratedInterchange(sets), 1 << 16)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (interchange,) = results
    group = interchange.groups[0]  # type: ignore[union-attr]
    assert group.sets_received == sets
    assert group.sets_accepted == sets
    return peak


def test_peak_memory_does_not_grow_with_the_input() -> None:
    """Three times the input (1 MB → 3 MB, many reader chunks) must not mean three times the
    peak: only the small per-set results accumulate, never the segments."""
    _peak(10)  # load the definitions outside the measurement
    small, large = _peak(600), _peak(1800)
    assert large < 1.5 * small, f"peak {small / 1e6:.1f} MB → {large / 1e6:.1f} MB"
    assert large < 16_000_000
