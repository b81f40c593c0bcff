"""Control numbers for outbound interchanges, groups and sets.

The rules live here (width, wrap-around, never zero); where the counters are
kept is an adapter's business. This in-memory allocator serves the command
line and tests; the database allocator (atomic per partner) comes with the
message store.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from enum import StrEnum


class Level(StrEnum):
    INTERCHANGE = "interchange"  # ISA13 / UNB 0020
    GROUP = "group"  # GS06 / UNG 0048
    SET = "set"  # ST02 / UNH 0062


# Largest value per level: ISA13 is N0 9/9, GS06 N0 1/9; ST02 is AN 4/9 and we
# keep it numeric, so 9 digits as well.
MAXIMUM = {Level.INTERCHANGE: 999_999_999, Level.GROUP: 999_999_999, Level.SET: 999_999_999}


def following(current: int, level: Level) -> int:
    """The number after ``current``: wraps to 1 past the field's maximum (0 is never used)."""
    return 1 if current >= MAXIMUM[level] else current + 1


class InMemoryControlNumbers:
    """Thread-safe counters per (partner, level), starting at ``start``."""

    def __init__(self, start: int = 1) -> None:
        self._lock = threading.Lock()
        self._last: dict[tuple[str, Level], int] = {}
        self._start = start

    def next(self, partner: str, level: Level) -> int:
        with self._lock:
            key = (partner, level)
            last = self._last.get(key)
            value = self._start if last is None else following(last, level)
            self._last[key] = value
            return value

    def reserve(self, partner: str, levels: Sequence[Level]) -> list[int]:
        return [self.next(partner, level) for level in levels]
