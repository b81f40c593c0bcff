"""What an EDIFACT map is: one message type ↔ one canonical body, both directions.

Maps see a validated message as rows (``segments.Row``: the tag, then each
element's components; release characters removed, values decoded from the
interchange's character set), UNH first and UNT last. Writing, they return the
rows between UNH and UNT, and ``writer.py`` adds UNH/UNT and the envelope,
releasing whatever needs it. Maps never see bytes, files or partners.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from edi_maps.edifact.segments import Row
from edi_maps.edifact.service import ServiceChars
from edi_maps.errors import MappingError
from gateway.canonical import Body, Kind

__all__ = ["EdifactMap", "MappingError", "ReadContext", "Row", "WriteContext"]


@dataclass(frozen=True, slots=True)
class ReadContext:
    chars: ServiceChars  # the decimal mark matters: "12,5" when it is a comma
    version: str  # directory of the message, e.g. "D96A" (UNH 0052 + 0054)
    association: str | None = None  # UNH 0057, e.g. "EAN008"


@dataclass(frozen=True, slots=True)
class WriteContext:
    version: str  # directory to write, e.g. "D96A" or "D01B"
    association: str | None = None  # UNH 0057 to announce, e.g. "EAN008"


class EdifactMap(Protocol):
    @property
    def message_type(self) -> str:
        """UNH 0065, e.g. "ORDERS"."""
        ...

    @property
    def kind(self) -> Kind: ...

    @property
    def body_type(self) -> type[Body]: ...

    def read(self, rows: Sequence[Row], context: ReadContext) -> Body:
        """The canonical body of one validated message (rows from UNH to UNT)."""
        ...

    def write(self, body: Body, context: WriteContext) -> list[Row]:
        """The rows between UNH and UNT for ``body`` (values unreleased: the writer
        releases service characters)."""
        ...
