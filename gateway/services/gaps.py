"""Control-number gaps a B2B team must see (SPEC §1 invariants 3 and 6)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from gateway.ports import UnitOfWork

Ranges = list[tuple[int, int]]


@dataclass(frozen=True, slots=True)
class Gaps:
    inbound: Ranges  # numbers the partner skipped (lost or never sent interchanges)
    outbound: Ranges  # numbers we allocated but never recorded a message for


def control_number_gaps(uow: UnitOfWork, partner_id: str, last_outbound: int) -> Gaps:
    """``last_outbound`` is the partner's interchange counter; numbers up to it that no
    outbound message carries were allocated and lost (a failure between allocation
    and recording) — never reused, but visible here."""
    sent = uow.messages.outbound_interchange_numbers(partner_id)
    return Gaps(uow.interchanges.gaps(partner_id), missing_ranges(sent, last_outbound))


def missing_ranges(present: set[int], last: int) -> Ranges:
    """Inclusive ranges of 1..last that ``present`` lacks."""
    bounds = sorted(n for n in present if 0 < n <= last)
    edges = [0, *bounds, last + 1]
    return [(low + 1, high - 1) for low, high in pairwise(edges) if high - low > 1]
