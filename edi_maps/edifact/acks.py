"""CONTRL for an inbound EDIFACT interchange, from its validation result.

Addressed back to the sender (UNB sender and recipient swapped, the sender's
syntax identifier and service characters kept, test indicator copied, control
references from the allocator). The UCI answers the interchange; every group
gets a UCF and every message a UCM, rejected or acknowledged, so the partner
can reconcile each one; each segment finding gets a UCS and each data element
finding a UCD, with the ISO 9735 syntax error codes found.

A CONTRL is never answered with a CONTRL: an interchange holding only CONTRL
messages gets none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from edi_maps.acknowledgements import Acknowledgement
from edi_maps.edifact.charsets import SYNTAX_CODECS
from edi_maps.edifact.results import EdifactGroup, EdifactInterchange
from edi_maps.edifact.service import ServiceChars
from edi_maps.edifact.writer import EdifactWriter
from edi_maps.results import SegmentError, SetResult, Status
from gateway.domain.control_numbers import Level
from gateway.ports import Clock, ControlNumberAllocator

# 0083 action codes
REJECTED = "4"  # this level and all lower levels rejected
ACKNOWLEDGED = "7"  # this level acknowledged, lower levels too unless explicitly rejected
# S009 of the CONTRL message per syntax version: syntax 4 has its own service
# message version (ISO 9735-1:2002 Annex, 0052 code 4), syntax 1-3 the D:3 one.
CONTRL_IDENTIFIER = {4: ("CONTRL", "4", "1", "UN"), 3: ("CONTRL", "D", "3", "UN")}
_ENVELOPE_SEGMENTS = frozenset({"UNH", "UNT"})
_MAX_UCS = 999  # per message: a CONTRL longer than this helps nobody


@dataclass(frozen=True, slots=True)
class ContrlPolicy:
    """When to send a CONTRL (a partner profile fills this in later).

    Attributes:
        when: "always" answers every interchange (the issue's default); "auto" only
            when UNB 0031 asks or something was rejected; "never" sends none.
    """

    when: Literal["always", "auto", "never"] = "always"


class ContrlBuilder:
    def __init__(
        self,
        numbers: ControlNumberAllocator,
        clock: Clock,
        policy: ContrlPolicy | None = None,
        line_break: str = "\n",
    ) -> None:
        self.numbers = numbers
        self.clock = clock
        self.policy = policy or ContrlPolicy()
        self.line_break = line_break

    def build(self, inbound: EdifactInterchange) -> list[Acknowledgement]:
        if not self._wanted(inbound):
            return []
        chars = inbound.chars if not inbound.chars.problems() else ServiceChars.level_a()
        writer = EdifactWriter(chars, "" if chars.segment in "\r\n" else self.line_break)
        version = 4 if inbound.syntax_version >= 4 else 3
        syntax = inbound.syntax_identifier if inbound.syntax_identifier in SYNTAX_CODECS else "UNOA"
        partner = f"{inbound.sender_qualifier}:{inbound.sender_id}"
        number = self.numbers.next(partner, Level.INTERCHANGE)
        reference = str(self.numbers.next(partner, Level.SET))
        body = [writer.segment("UNH", reference, list(CONTRL_IDENTIFIER[version]))]
        body.append(_uci(writer, inbound))
        if inbound.status is not Status.REJECTED:
            for group in inbound.groups:
                body.extend(_group(writer, group))
        body.append(writer.segment("UNT", str(len(body) + 1), reference))
        parts = [writer.una()] if inbound.una or chars != ServiceChars.level_a(version) else []
        parts.append(
            writer.segment(
                "UNB",
                [syntax, str(version)],
                _party(inbound.receiver_id, inbound.receiver_qualifier),
                _party(inbound.sender_id, inbound.sender_qualifier),
                _date_time(self.clock.now(), version),
                str(number),
                "", "", "", "", "",
                "1" if inbound.test else "",
            )
        )  # fmt: skip
        parts.extend(body)
        parts.append(writer.segment("UNZ", "1", str(number)))
        return [Acknowledgement("CONTRL", "".join(parts), number)]

    def _wanted(self, inbound: EdifactInterchange) -> bool:
        if self.policy.when == "never":
            return False
        types = {one.transaction_set for group in inbound.groups for one in group.sets}
        if types == {"CONTRL"}:
            return False
        if self.policy.when == "always":
            return True
        return (
            inbound.ack_requested
            or inbound.status is not Status.ACCEPTED
            or any(group.status is not Status.ACCEPTED for group in inbound.groups)
        )


def _party(identifier: str, qualifier: str) -> list[str]:
    return [identifier or "UNKNOWN", qualifier] if qualifier else [identifier or "UNKNOWN"]


def _date_time(now: datetime, version: int) -> list[str]:
    return [now.strftime("%Y%m%d" if version >= 4 else "%y%m%d"), now.strftime("%H%M")]


def _uci(writer: EdifactWriter, inbound: EdifactInterchange) -> str:
    values: list[str | list[str]] = [
        inbound.control_number,
        _party(inbound.sender_id, inbound.sender_qualifier),
        _party(inbound.receiver_id, inbound.receiver_qualifier),
    ]
    if inbound.status is Status.REJECTED:
        values.append(REJECTED)
        if inbound.errors:
            segment, element = inbound.error_segments.get(0, ("", None))
            values.extend([inbound.errors[0].code, segment, str(element) if element else ""])
    else:
        values.append(ACKNOWLEDGED)
    return writer.segment("UCI", *values)


def _group(writer: EdifactWriter, group: EdifactGroup) -> list[str]:
    out: list[str] = []
    if group.explicit:
        values: list[str | list[str]] = [group.control_number, [group.sender_id],
                                         [group.receiver_id]]  # fmt: skip
        rejected = group.status is Status.REJECTED and bool(group.codes)
        values.append(REJECTED if rejected else ACKNOWLEDGED)
        if group.codes:
            values.extend([group.codes[0], group.service_segment or ""])
        out.append(writer.segment("UCF", *values))
        if rejected:
            return out
    for result in group.sets:
        out.extend(_message(writer, result))
    return out


def _message(writer: EdifactWriter, result: SetResult) -> list[str]:
    identifier = [result.transaction_set, *(result.message_version or "::").split(":")]
    if result.implementation_reference:
        identifier.append(result.implementation_reference)
    values: list[str | list[str]] = [result.control_number, identifier]
    if result.status is not Status.REJECTED:
        return [writer.segment("UCM", *values, ACKNOWLEDGED)]
    values.append(REJECTED)
    envelope = next((e for e in result.errors if e.segment_id in _ENVELOPE_SEGMENTS), None)
    if envelope is not None:  # the UNH/UNT finding names its segment and data element
        position = envelope.elements[0].element_position if envelope.elements else None
        values.extend([envelope.code, envelope.segment_id, str(position) if position else ""])
    elif result.codes:
        values.append(result.codes[0])
    out = [writer.segment("UCM", *values)]
    body = [e for e in result.errors if e.segment_id not in _ENVELOPE_SEGMENTS]
    for error in body[:_MAX_UCS]:
        out.extend(_segment_error(writer, error))
    return out


def _segment_error(writer: EdifactWriter, error: SegmentError) -> list[str]:
    """UCS for the segment (with its code unless only its elements are wrong), then
    a UCD per data element finding."""
    own_code = "" if error.elements and error.code == error.elements[0].code else error.code
    out = [writer.segment("UCS", str(error.segment_position), own_code)]
    for element in error.elements:
        position = [str(element.element_position)]
        if element.component_position:
            position.append(str(element.component_position))
        out.append(writer.segment("UCD", element.code, position))
    return out
