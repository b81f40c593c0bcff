"""997 and 999 ↔ functional_ack: what a partner said about one of our groups.

The 999 is the 997 with implementation codes (IK3/IK4/IK5 instead of AK3/AK4/AK5);
both read to, and write from, the same standard-neutral body. The 997/999 names
the acknowledged group (AK1) but not its interchange, so
``acknowledged.interchange_control_number`` stays empty here; the gateway fills
it when it matches the ack to the group it sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from edi_maps.x12.codes import ELEMENT_CODES, SEGMENT_CODES
from edi_maps.x12.maps.base import MappingError, ReadContext, Row, WriteContext
from edi_maps.x12.maps.common import element
from gateway.canonical import (
    AckedGroup,
    AckedSet,
    AckError,
    Body,
    FunctionalAck,
    GroupAckStatus,
    Kind,
    SetAckStatus,
)

# AK901 / AK501 (IK501) letters; M, W and X are rejections for security reasons.
GROUP_STATUS = {
    "A": GroupAckStatus.ACCEPTED,
    "E": GroupAckStatus.ACCEPTED_WITH_ERRORS,
    "P": GroupAckStatus.PARTIALLY_ACCEPTED,
    "R": GroupAckStatus.REJECTED,
    "M": GroupAckStatus.REJECTED,
    "W": GroupAckStatus.REJECTED,
    "X": GroupAckStatus.REJECTED,
}
SET_STATUS = {
    "A": SetAckStatus.ACCEPTED,
    "E": SetAckStatus.ACCEPTED_WITH_ERRORS,
    "R": SetAckStatus.REJECTED,
    "M": SetAckStatus.REJECTED,
    "W": SetAckStatus.REJECTED,
    "X": SetAckStatus.REJECTED,
}
GROUP_LETTER = {
    GroupAckStatus.ACCEPTED: "A",
    GroupAckStatus.ACCEPTED_WITH_ERRORS: "E",
    GroupAckStatus.PARTIALLY_ACCEPTED: "P",
    GroupAckStatus.REJECTED: "R",
}
SET_LETTER = {
    SetAckStatus.ACCEPTED: "A",
    SetAckStatus.ACCEPTED_WITH_ERRORS: "E",
    SetAckStatus.REJECTED: "R",
}
_ELEMENT_ERRORS_FOLLOW = "8"  # AK304: segment has data element errors (the AK4s say which)


@dataclass(frozen=True, slots=True)
class _Tags:
    segment: str  # AK3 / IK3
    element: str  # AK4 / IK4
    trailer: str  # AK5 / IK5


@dataclass(slots=True)
class _SetInProgress:
    number: str
    transaction_set: str | None
    errors: list[AckError] = field(default_factory=list)
    segment: Row | None = None  # the AK3/IK3 the next AK4/IK4 belongs to


class FunctionalAckMap:
    kind = Kind.FUNCTIONAL_ACK
    body_type = FunctionalAck
    functional_id = "FA"

    def __init__(self, set_id: str, tags: _Tags) -> None:
        self.set_id = set_id
        self.tags = tags

    def read(self, rows: Sequence[Row], context: ReadContext) -> Body:
        group: AckedGroup | None = None
        group_status: GroupAckStatus | None = None
        sets: list[AckedSet] = []
        current: _SetInProgress | None = None
        component = context.delimiters.component
        for row in rows:
            tag = row[0]
            if tag == "AK1":
                group = AckedGroup(
                    group_control_number=element(row, 2), functional_id=element(row, 1)
                )
            elif tag == "AK2":
                current = _SetInProgress(element(row, 2) or "", element(row, 1))
            elif current is not None and tag == self.tags.segment:
                current.segment = row
                if element(row, 4) != _ELEMENT_ERRORS_FOLLOW:
                    current.errors.append(_segment_error(row))
            elif current is not None and tag == self.tags.element and current.segment is not None:
                current.errors.append(_element_error(current.segment, row, component))
            elif current is not None and tag == self.tags.trailer:
                status = SET_STATUS.get(element(row, 1) or "", SetAckStatus.REJECTED)
                sets.append(AckedSet(set_control_number=current.number,
                                     transaction_set=current.transaction_set,
                                     status=status, errors=current.errors))  # fmt: skip
                current = None
            elif tag == "AK9":
                group_status = GROUP_STATUS.get(element(row, 1) or "", GroupAckStatus.REJECTED)
        if group is None or group_status is None:
            raise MappingError(f"{self.set_id} without AK1 or AK9")
        return FunctionalAck(acknowledged=group, group_status=group_status, sets=sets)

    def write(self, body: Body, context: WriteContext) -> list[Row]:
        if not isinstance(body, FunctionalAck):
            raise MappingError(f"{self.set_id} writes a functional_ack, not {type(body).__name__}")
        group = body.acknowledged
        rows: list[Row] = [["AK1", group.functional_id or "", group.group_control_number or ""]]
        for acked in body.sets:
            rows.append(["AK2", acked.transaction_set or "", acked.set_control_number])
            rows.extend(self._error_rows(acked.errors))
            rows.append([self.tags.trailer, SET_LETTER[acked.status]])
        accepted = sum(1 for s in body.sets if s.status is not SetAckStatus.REJECTED)
        count = str(len(body.sets))
        rows.append(["AK9", GROUP_LETTER[body.group_status], count, count, str(accepted)])
        return rows

    def _error_rows(self, errors: Sequence[AckError]) -> list[Row]:
        """An AK3 per segment finding; element findings of one segment share one AK3 (code 8)."""
        rows: list[Row] = []
        open_segment: tuple[str, str] | None = None
        for error in errors:
            where = (error.segment_id or "", str(error.segment_position or ""))
            if error.element_position is None:
                rows.append([self.tags.segment, *where, "", error.code])
                open_segment = None
                continue
            if where != open_segment:
                rows.append([self.tags.segment, *where, "", _ELEMENT_ERRORS_FOLLOW])
                open_segment = where
            rows.append([self.tags.element, str(error.element_position), "", error.code,
                         error.bad_value or ""])  # fmt: skip
        return rows


def _segment_error(row: Row) -> AckError:
    code = element(row, 4) or ""
    return AckError(
        segment_id=element(row, 1),
        segment_position=_number(element(row, 2)),
        code=code,
        description=SEGMENT_CODES.get(code),
    )


def _element_error(segment: Row, row: Row, component: str) -> AckError:
    code = element(row, 3) or ""
    position = (element(row, 1) or "").split(component)[0]  # C030-01: the element position
    return AckError(
        segment_id=element(segment, 1),
        segment_position=_number(element(segment, 2)),
        element_position=_number(position),
        code=code,
        description=ELEMENT_CODES.get(code),
        bad_value=element(row, 4),
    )


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() else None


FUNCTIONAL_ACK_997 = FunctionalAckMap("997", _Tags("AK3", "AK4", "AK5"))
IMPLEMENTATION_ACK_999 = FunctionalAckMap("999", _Tags("IK3", "IK4", "IK5"))
