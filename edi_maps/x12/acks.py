"""TA1, 997 and 999 for an inbound interchange, from its validation result.

Addressed back to the sender: interchange ids and qualifiers and group
application codes swapped, the sender's delimiters, control version and usage
indicator kept, control numbers from the allocator. Every set gets its AK2/AK5
(IK5), every finding its AK3/AK4 (IK3/IK4), and AK9 counts sets as included
(GE01 as sent), received and accepted.

Acknowledgements are never acknowledged: no 997/999 for a functional group of
acks (GS01 = FA) and no TA1 for an interchange that holds only TA1s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from edi_maps.acknowledgements import Acknowledgement
from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.element_checks import valid_date, valid_time
from edi_maps.x12.envelope import supported_control_version
from edi_maps.x12.results import ACK_LETTER, GroupResult, InterchangeResult, SetResult, Status
from edi_maps.x12.writer import X12Writer, clean_value
from gateway.domain.control_numbers import Level
from gateway.ports import Clock, ControlNumberAllocator

IMPLEMENTATION_ACK_VERSION = "005010X231"  # the 999's own implementation guide
_MAX_CODES = 5  # AK502–AK506, AK905–AK909, IK502–IK506
_MAX_AK4 = 99  # AK4 / IK4 repeat per segment
_COPY_LIMIT = 99  # AK404 / IK404: AN 1/99


@dataclass(frozen=True, slots=True)
class AckPolicy:
    """What to send back (a partner profile fills this in later).

    Attributes:
        functional: "auto" sends a 999 for groups of 005010 and later, else a 997.
        ta1: "auto" sends one when the ISA asks (ISA14=1) or the envelope is bad;
            "on_error" only when the envelope is bad, whatever ISA14 says.
    """

    functional: Literal["auto", "997", "999", "none"] = "auto"
    ta1: Literal["auto", "always", "on_error", "never"] = "auto"


class AckBuilder:
    def __init__(
        self,
        numbers: ControlNumberAllocator,
        clock: Clock,
        policy: AckPolicy | None = None,
        line_break: str = "\n",
    ) -> None:
        self.numbers = numbers
        self.clock = clock
        self.policy = policy or AckPolicy()
        self.line_break = line_break

    def build(self, inbound: InterchangeResult) -> list[Acknowledgement]:
        """The acknowledgements ``inbound`` calls for, in sending order (TA1 first)."""
        acks: list[Acknowledgement] = []
        delimiters = _usable(inbound.delimiters)
        # A CR or LF terminator already ends the line.
        line_break = "" if delimiters.segment in "\r\n" else self.line_break
        writer = X12Writer(delimiters, line_break)
        partner = f"{inbound.sender_qualifier}:{inbound.sender_id}"
        now = self.clock.now()
        if self._wants_ta1(inbound):
            acks.append(self._ta1(inbound, writer, partner, now))
        if inbound.status is not Status.REJECTED and self.policy.functional != "none":
            groups = [g for g in inbound.groups if g.functional_id != "FA"]
            by_kind: dict[Literal["997", "999"], list[GroupResult]] = {}
            for group in groups:
                by_kind.setdefault(self._kind(group), []).append(group)
            for kind, kind_groups in by_kind.items():
                acks.append(self._functional(kind, inbound, kind_groups, writer, partner, now))
        return acks

    def _wants_ta1(self, inbound: InterchangeResult) -> bool:
        if self.policy.ta1 == "never" or (not inbound.groups and inbound.ta1s):
            return False
        if self.policy.ta1 == "always":
            return True
        if self.policy.ta1 == "on_error":
            return inbound.status is Status.REJECTED or bool(inbound.errors)
        return inbound.ack_requested or inbound.status is Status.REJECTED

    def _kind(self, group: GroupResult) -> Literal["997", "999"]:
        if self.policy.functional == "997" or self.policy.functional == "999":
            return self.policy.functional
        return "999" if group.version[:6] >= "005010" else "997"

    def _open(
        self,
        inbound: InterchangeResult,
        writer: X12Writer,
        partner: str,
        now: datetime,
        number: int | None = None,
    ) -> tuple[str, int]:
        if number is None:
            number = self.numbers.next(partner, Level.INTERCHANGE)
        version = inbound.version if supported_control_version(inbound.version) else "00401"
        isa = writer.isa(
            sender=_party(inbound.receiver_qualifier, inbound.receiver_id, writer.delimiters),
            receiver=_party(inbound.sender_qualifier, inbound.sender_id, writer.delimiters),
            date=now.strftime("%y%m%d"),
            time=now.strftime("%H%M"),
            version=version,
            control_number=number,
            ack_requested=False,
            usage=inbound.usage if inbound.usage in ("P", "T", "I") else "P",
        )
        return isa, number

    def _ta1(
        self, inbound: InterchangeResult, writer: X12Writer, partner: str, now: datetime
    ) -> Acknowledgement:
        isa, number = self._open(inbound, writer, partner, now)
        if inbound.errors:
            letter, note = "R", inbound.errors[0].code
        else:
            letter, note = "A", "000"
        control, date, time = inbound.control_number, inbound.date, inbound.time
        ta1 = writer.segment(
            "TA1",
            control.rjust(9, "0")
            if len(control) <= 9 and control.isascii() and control.isdigit()
            else "000000000",
            date if len(date) == 6 and valid_date(date) else now.strftime("%y%m%d"),
            time if len(time) == 4 and valid_time(time) else now.strftime("%H%M"),
            letter,
            note,
        )
        iea = writer.segment("IEA", "0", f"{number:09d}")
        return Acknowledgement("TA1", isa + ta1 + iea, number)

    def _functional(
        self,
        kind: Literal["997", "999"],
        inbound: InterchangeResult,
        groups: list[GroupResult],
        writer: X12Writer,
        partner: str,
        now: datetime,
    ) -> Acknowledgement:
        # Every number the acknowledgement needs, in one allocation.
        numbers = self.numbers.reserve(
            partner, [Level.INTERCHANGE, *[Level.GROUP, Level.SET] * len(groups)]
        )
        isa, number = self._open(inbound, writer, partner, now, numbers[0])
        parts = [isa]
        for index, group in enumerate(groups):
            group_number, set_number = numbers[1 + 2 * index], numbers[2 + 2 * index]
            parts.append(self._group(kind, group, writer, now, group_number, set_number))
        parts.append(writer.segment("IEA", str(len(groups)), f"{number:09d}"))
        return Acknowledgement(kind, "".join(parts), number)

    def _group(
        self,
        kind: Literal["997", "999"],
        group: GroupResult,
        writer: X12Writer,
        now: datetime,
        group_number: int,
        set_sequence: int,
    ) -> str:
        set_number = f"{set_sequence:04d}"
        version = IMPLEMENTATION_ACK_VERSION if kind == "999" else group.version or "004010"
        five = version[:6] >= "005010"
        d = writer.delimiters
        date = now.strftime("%Y%m%d" if version[:6] >= "004010" else "%y%m%d")
        gs = writer.segment(
            "GS",
            "FA",
            clean_value(group.receiver_id, d, 15) or "UNKNOWN",
            clean_value(group.sender_id, d, 15) or "UNKNOWN",
            date,
            now.strftime("%H%M"),
            str(group_number),
            "X",
            clean_value(version, d, 12),
        )
        body = [writer.segment("ST", kind, set_number, version if kind == "999" else "")]
        body.append(
            writer.segment(
                "AK1",
                clean_value(group.functional_id, d, 2) or "ZZ",
                clean_value(group.control_number, d, 9) or "0",
                clean_value(group.version, d, 12) if five else "",
            )
        )
        for result in group.sets:
            body.extend(self._set(kind, result, writer, five))
        included = group.sets_included if group.sets_included is not None else group.sets_received
        body.append(
            writer.segment(
                "AK9",
                ACK_LETTER[group.status],
                str(included),
                str(group.sets_received),
                str(group.sets_accepted),
                *group.codes[:_MAX_CODES],
            )
        )
        body.append(writer.segment("SE", str(len(body) + 1), set_number))
        ge = writer.segment("GE", "1", str(group_number))
        return gs + "".join(body) + ge

    def _set(self, kind: str, result: SetResult, writer: X12Writer, five: bool) -> list[str]:
        d = writer.delimiters
        segment_tag, element_tag, trailer = (
            ("IK3", "IK4", "IK5") if kind == "999" else ("AK3", "AK4", "AK5")
        )
        reference = clean_value(result.implementation_reference or "", d, 35) if five else ""
        out = [
            writer.segment(
                "AK2", _id(result.transaction_set), _control(result.control_number), reference
            )
        ]
        for error in result.errors:
            out.append(
                writer.segment(
                    segment_tag,
                    _tag(error.segment_id),
                    str(error.segment_position),
                    clean_value(error.loop_id or "", d, 4 if five else 6),
                    error.code,
                )
            )
            for element in error.elements[:_MAX_AK4]:
                position = [str(element.element_position)]
                if element.component_position or (five and element.repetition_position):
                    position.append(str(element.component_position or ""))
                if five and element.repetition_position:
                    position.append(str(element.repetition_position))
                out.append(
                    writer.segment(
                        element_tag,
                        position,
                        element.element_reference or "",
                        element.code,
                        clean_value(element.bad_value or "", d, _COPY_LIMIT),
                    )
                )
        out.append(writer.segment(trailer, ACK_LETTER[result.status], *result.codes[:_MAX_CODES]))
        return out


def _usable(delimiters: Delimiters) -> Delimiters:
    """The sender's delimiters when they are sound, else the common defaults.

    A bad repetition separator alone (often "U" kept from 00401 habits) is
    replaced by "^" without giving up the sender's other delimiters. CR and LF
    are accepted only as the terminator: anywhere else they read as line breaks.
    """
    base = Delimiters(delimiters.element, delimiters.component, delimiters.segment)
    if base.problems() or {base.element, base.component} & {"\r", "\n"}:
        return Delimiters.default()
    for candidate in (delimiters.repetition, "^", "!", "|"):
        if (
            candidate
            and candidate not in "\r\n"
            and not Delimiters(*base.as_tuple()[:3], candidate).problems()
        ):
            return Delimiters(*base.as_tuple()[:3], candidate)
    return base


def _party(qualifier: str, identifier: str, delimiters: Delimiters) -> tuple[str, str]:
    """An ISA qualifier and id fit to send, even when the inbound ISA was garbled."""
    if not (len(qualifier) == 2 and qualifier.isascii() and qualifier.isalnum()):
        qualifier = "ZZ"
    identifier = clean_value(identifier, delimiters, 15).strip() or "UNKNOWN"
    return qualifier.upper(), identifier


def _id(value: str) -> str:
    """AK201: the set id as sent when it is one, else "000" (the set id was the fault)."""
    return value if len(value) == 3 and value.isalnum() else "000"


def _control(value: str) -> str:
    cleaned = "".join(c for c in value if c.isalnum())[:9]
    return cleaned.rjust(4, "0") if cleaned else "0000"


def _tag(value: str) -> str:
    """AK301 must be 2–3 characters; an unreadable tag is reported as "???"-free text."""
    cleaned = "".join(c for c in value if c.isalnum())[:3]
    return cleaned if len(cleaned) >= 2 else "ZZ"
