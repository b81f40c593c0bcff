"""What EDIFACT validation found about an interchange (UNB…UNZ); its groups,
messages and findings are the standard-neutral ones of ``edi_maps/results.py``.

Codes are ISO 9735 syntax error codes (data element 0085) as strings: on the
interchange (UCI), a group (UCF), a message (UCM), a segment (UCS) or a data
element (UCD). An interchange without UNG has one implicit group
(``explicit=False``), as SPEC §7 asks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from edi_maps.edifact.service import ServiceChars
from edi_maps.results import EnvelopeError, FileResult, GroupResult, Status


@dataclass(slots=True)
class EdifactGroup(GroupResult):
    """A functional group (UNG…UNE), or the implicit group of an interchange without."""

    explicit: bool = True
    service_segment: str | None = None  # 0013 for a group-level finding (UNG, UNE)


@dataclass(slots=True)
class EdifactInterchange:
    control_number: str  # UNB 0020
    syntax_identifier: str  # UNB S001 0001, e.g. UNOC
    syntax_version: int  # UNB S001 0002
    sender_id: str
    sender_qualifier: str  # UNB S002 0007 (may be empty)
    receiver_id: str
    receiver_qualifier: str
    date: str  # UNB S004 0017 as sent
    time: str
    ack_requested: bool  # UNB 0031 = 1
    test: bool  # UNB 0035 = 1
    application_reference: str = ""  # UNB 0026
    status: Status = Status.ACCEPTED
    errors: list[EnvelopeError] = field(default_factory=list)
    groups: list[EdifactGroup] = field(default_factory=list)
    byte_offset: int = 0
    count_included: int | None = None  # UNZ 0036 as sent
    chars: ServiceChars = field(default_factory=ServiceChars.level_a)
    una: bool = False  # whether a UNA announced the characters
    # where each envelope error points (0013 service segment tag, S011 position):
    # kept per error index, for the UCI
    error_segments: dict[int, tuple[str, int | None]] = field(default_factory=dict)

    @property
    def version(self) -> str:
        """The syntax as SPEC §7 reports it, e.g. ``UNOC:3``."""
        return f"{self.syntax_identifier}:{self.syntax_version}"

    @property
    def usage(self) -> str:
        return "T" if self.test else "P"


EdifactFileResult = FileResult[EdifactInterchange]
