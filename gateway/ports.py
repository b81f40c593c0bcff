"""The interfaces the core needs from the outside world (STYLE.md habit 2).

Protocols only: adapters implement them, the composition root wires them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from gateway.domain.control_numbers import Level


class ControlNumberAllocator(Protocol):
    """Hands out outbound control numbers; never the same one twice per partner and level."""

    def next(self, partner: str, level: Level) -> int: ...


class Clock(Protocol):
    def now(self) -> datetime: ...
