"""What an X12 map is: one transaction set ↔ one canonical body, both directions.

Maps see a validated set as element lists (``rows``), ST first and SE last, and
return a canonical body; writing, they return the body rows between ST and SE,
and ``writer.py`` adds the envelope. Maps never see bytes, files or partners:
what they need to know arrives in a :class:`ReadContext` / :class:`WriteContext`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from edi_maps.errors import MappingError
from edi_maps.x12.delimiters import Delimiters
from gateway.canonical import Body, Kind

__all__ = ["MappingError", "ReadContext", "Row", "WriteContext", "X12Map"]

# one segment: [tag, element1, element2, …]; composites joined by the component separator
Row = list[str]


@dataclass(frozen=True, slots=True)
class ReadContext:
    delimiters: Delimiters
    version: str  # GS08, e.g. "004010VICS"


@dataclass(frozen=True, slots=True)
class WriteContext:
    delimiters: Delimiters
    version: str  # GS08 to write, e.g. "004010"


class X12Map(Protocol):
    @property
    def set_id(self) -> str:
        """ST01, e.g. "850"."""
        ...

    @property
    def functional_id(self) -> str:
        """GS01, e.g. "PO"."""
        ...

    @property
    def kind(self) -> Kind: ...

    @property
    def body_type(self) -> type[Body]: ...

    def read(self, rows: Sequence[Row], context: ReadContext) -> Body:
        """The canonical body of one validated set (rows from ST to SE)."""
        ...

    def write(self, body: Body, context: WriteContext) -> list[Row]:
        """The rows between ST and SE for ``body`` (values never hold delimiters)."""
        ...
