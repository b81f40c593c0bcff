"""What X12 validation found: the interchange (ISA) and the TA1s it carried; the
groups, sets and findings are the standard-neutral ones of ``edi_maps/results.py``.

Codes are the X12 codes as strings: TA1 note codes (I18), AK9 group codes (716),
AK5 set codes (718), AK3 segment codes (720) and AK4 element codes (723).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from edi_maps.results import (
    ElementError,
    EnvelopeError,
    FileResult,
    GroupResult,
    SegmentError,
    SetLog,
    SetResult,
    Status,
)
from edi_maps.x12.delimiters import Delimiters

__all__ = [
    "ACK_LETTER",
    "ElementError",
    "EnvelopeError",
    "FileResult",
    "GroupResult",
    "InterchangeResult",
    "ReceivedTa1",
    "SegmentError",
    "SetLog",
    "SetResult",
    "Status",
    "X12FileResult",
]


# AK501 / AK901 / IK501 letters for each status.
ACK_LETTER = {
    Status.ACCEPTED: "A",
    Status.ACCEPTED_WITH_ERRORS: "E",
    Status.PARTIALLY_ACCEPTED: "P",
    Status.REJECTED: "R",
}


@dataclass(slots=True)
class ReceivedTa1:
    """A TA1 found in an inbound interchange: the partner's answer to one of ours."""

    control_number: str
    date: str
    time: str
    acknowledgment_code: str
    note_code: str


@dataclass(slots=True)
class InterchangeResult:
    control_number: str
    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    version: str  # ISA12
    date: str
    time: str
    ack_requested: bool
    usage: str  # ISA15: P, T or I
    status: Status = Status.ACCEPTED
    errors: list[EnvelopeError] = field(default_factory=list)
    groups: list[GroupResult] = field(default_factory=list)
    ta1s: list[ReceivedTa1] = field(default_factory=list)
    byte_offset: int = 0
    groups_included: int | None = None  # IEA01 as sent
    delimiters: Delimiters = field(default_factory=Delimiters.default)


X12FileResult = FileResult[InterchangeResult]
