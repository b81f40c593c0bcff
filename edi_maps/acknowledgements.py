"""An acknowledgement to send back, whatever the standard (SPEC §7 ``acknowledgements[]``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AckType = Literal["TA1", "997", "999", "CONTRL"]


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    type: AckType
    edi: str  # the bytes to send, one character per byte (ISO-8859-1), as the readers read
    interchange_control_number: int
