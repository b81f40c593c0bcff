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

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from edi_maps.acknowledgements import Acknowledgement
from edi_maps.edifact.charsets import SYNTAX_CODECS, repertoire_problems
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
        syntax = _syntax(inbound)
        partner = f"{inbound.sender_qualifier}:{inbound.sender_id}"
        number, set_number = self.numbers.reserve(partner, [Level.INTERCHANGE, Level.SET])
        reference = str(set_number)
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


UNKNOWN = "UNKNOWN"  # what we write where the inbound value could not be read
# S009 component sizes (0065 an..6, 0052 an..3, 0054 an..3, 0051 an..2, 0057 an..6)
_IDENTIFIER_SIZES = (6, 3, 3, 2, 6)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_QUALIFIER = re.compile("[A-Z0-9]{1,4}")
_SERVICE_TAG = re.compile("UN[A-Z]")


def _fit(value: str, size: int) -> str:
    """An echoed inbound value as the CONTRL can carry it (no control characters, no
    longer than the element): a garbled envelope must still be answered with a
    CONTRL that is itself valid."""
    value = _CONTROL.sub("", value)
    return value[:size] if value.strip() else UNKNOWN[:size]


def _syntax(inbound: EdifactInterchange) -> str:
    """The sender's syntax identifier, unless it cannot carry what the CONTRL echoes
    (an unknown identifier, or ids outside its repertoire): then UNOC."""
    syntax = inbound.syntax_identifier
    echoed = [inbound.sender_id, inbound.receiver_id, inbound.control_number]
    for group in inbound.groups:
        echoed += [group.control_number, group.sender_id, group.receiver_id]
        for one in group.sets:
            echoed += [one.control_number, one.transaction_set, one.message_version or "",
                       one.implementation_reference or ""]  # fmt: skip
    if syntax in SYNTAX_CODECS and not any(repertoire_problems(v, syntax) for v in echoed):
        return syntax
    return "UNOC"


def _party(identifier: str, qualifier: str) -> list[str]:
    fitted = _fit(identifier, 35)
    usable = qualifier if _QUALIFIER.fullmatch(qualifier) else ""  # any repertoire has these
    return [fitted, usable] if usable else [fitted]


def _date_time(now: datetime, version: int) -> list[str]:
    return [now.strftime("%Y%m%d" if version >= 4 else "%y%m%d"), now.strftime("%H%M")]


def _uci(writer: EdifactWriter, inbound: EdifactInterchange) -> str:
    values: list[str | list[str]] = [
        _fit(inbound.control_number, 14),
        _party(inbound.sender_id, inbound.sender_qualifier),
        _party(inbound.receiver_id, inbound.receiver_qualifier),
    ]
    if inbound.status is Status.REJECTED:
        values.append(REJECTED)
        if inbound.errors:
            segment, element = inbound.error_segments.get(0, ("", None))
            if not _SERVICE_TAG.fullmatch(segment):  # 0013 names service segments only
                segment, element = "", None
            values.extend([inbound.errors[0].code, segment, str(element) if element else ""])
    else:
        values.append(ACKNOWLEDGED)
    return writer.segment("UCI", *values)


def _group(writer: EdifactWriter, group: EdifactGroup) -> list[str]:
    out: list[str] = []
    if group.explicit:
        values: list[str | list[str]] = [_fit(group.control_number, 14),
                                         _party(group.sender_id, ""),
                                         _party(group.receiver_id, "")]  # fmt: skip
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
    parts = [result.transaction_set, *(result.message_version or "::").split(":")[:3]]
    if result.implementation_reference:
        parts.append(result.implementation_reference)
    identifier = [_fit(part, size) for part, size in zip(parts, _IDENTIFIER_SIZES, strict=False)]
    values: list[str | list[str]] = [_fit(result.control_number, 14), identifier]
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
