"""Who sent an input and under which control number, from its first envelope only.

The gateway needs this before validating: to find the trading partner (whose
profile says how to validate and acknowledge) and to spot a duplicate
interchange before processing it again. It reads the first ISA (and GS) or
UNA/UNB and stops; the full validation reports anything wrong with them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import BinaryIO

from edi_maps.detect import detect
from edi_maps.edifact.envelope import interchange_from_unb
from edi_maps.edifact.reader import EdifactReader
from edi_maps.edifact.segments import Segment as EdifactSegment
from edi_maps.edifact.segments import Una
from edi_maps.edifact.service import ServiceChars
from edi_maps.errors import EdiSyntaxError
from edi_maps.x12.reader import X12Reader
from edi_maps.x12.segments import Isa, SegmentBatch
from gateway.canonical import Standard

_HEAD = 4096  # an ISA and a GS, or a UNA and a UNB, always fit


@dataclass(frozen=True, slots=True)
class EnvelopeSummary:
    standard: Standard
    sender_qualifier: str  # "" when the standard or the sender gives none
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    control_number: str
    test: bool
    group_sender: str | None = None  # X12 GS02
    group_receiver: str | None = None  # X12 GS03


def first_envelope(source: bytes | BinaryIO) -> EnvelopeSummary:
    """The first interchange's header.

    Raises:
        NotEdiError: the input is not X12 or EDIFACT.
        EdiSyntaxError: it starts like EDI but its first header cannot be read.
    """
    head = source[:_HEAD] if isinstance(source, bytes | bytearray) else source.read(_HEAD)
    standard = detect(head)
    return _printable(_x12(head) if standard is Standard.X12 else _edifact(head))


_IDS = (
    ("sender qualifier", "sender_qualifier"),
    ("sender id", "sender_id"),
    ("receiver qualifier", "receiver_qualifier"),
    ("receiver id", "receiver_id"),
    ("control number", "control_number"),
    ("group sender", "group_sender"),
    ("group receiver", "group_receiver"),
)


def _printable(summary: EnvelopeSummary) -> EnvelopeSummary:
    """Refuse an envelope whose ids carry control characters (a NUL, a bell): no profile
    can name such a sender, and the ids are stored and searched as text.

    Raises:
        EdiSyntaxError: naming the id and the character's code, never the character.
    """
    for label, name in _IDS:
        value = getattr(summary, name) or ""
        bad = next((c for c in value if ord(c) < 0x20 or ord(c) == 0x7F), None)
        if bad is not None:
            raise EdiSyntaxError(
                f"the first envelope's {label} contains the control character 0x{ord(bad):02X}",
                offset=0,
            )
    return summary


def _x12(head: bytes) -> EnvelopeSummary:
    isa: Isa | None = None
    for item in X12Reader(io.BytesIO(head)).items():
        if isinstance(item, Isa):
            isa = item
        elif isinstance(item, SegmentBatch) and isa is not None:
            summary = _from_isa(isa)
            first = next((text for text in item.segments if text), "")
            fields = first.split(isa.delimiters.element)
            if fields[0] == "GS" and len(fields) > 3:
                return _with_group(summary, fields[2].strip(), fields[3].strip())
            return summary
        elif isa is None:
            break
    if isa is None:
        raise EdiSyntaxError("the ISA header cannot be read", offset=0)
    return _from_isa(isa)


def _from_isa(isa: Isa) -> EnvelopeSummary:
    e = isa.elements
    if len(e) < 16:
        raise EdiSyntaxError("the ISA header is incomplete", offset=isa.offset)
    return EnvelopeSummary(
        standard=Standard.X12,
        sender_qualifier=e[5].strip(),
        sender_id=e[6].strip(),
        receiver_qualifier=e[7].strip(),
        receiver_id=e[8].strip(),
        control_number=e[13].strip(),
        test=e[15].strip() == "T",
    )


def _with_group(summary: EnvelopeSummary, sender: str, receiver: str) -> EnvelopeSummary:
    return EnvelopeSummary(
        summary.standard,
        summary.sender_qualifier,
        summary.sender_id,
        summary.receiver_qualifier,
        summary.receiver_id,
        summary.control_number,
        summary.test,
        sender,
        receiver,
    )


def _edifact(head: bytes) -> EnvelopeSummary:
    chars, una = ServiceChars.level_a(), False
    for item in EdifactReader(io.BytesIO(head)).items():
        if isinstance(item, Una):
            chars, una = item.chars, True
        elif isinstance(item, EdifactSegment) and item.tag == "UNB":
            interchange, _ = interchange_from_unb(
                item.elements(chars), chars, una=una, offset=item.offset, known_syntax=frozenset()
            )
            return EnvelopeSummary(
                standard=Standard.EDIFACT,
                sender_qualifier=interchange.sender_qualifier,
                sender_id=interchange.sender_id,
                receiver_qualifier=interchange.receiver_qualifier,
                receiver_id=interchange.receiver_id,
                control_number=interchange.control_number,
                test=interchange.test,
            )
        elif isinstance(item, EdifactSegment):
            break
    raise EdiSyntaxError("the UNB header cannot be read", offset=0)
