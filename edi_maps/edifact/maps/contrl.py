"""CONTRL ↔ functional_ack: what a partner said about one of our interchanges.

CONTRL (the syntax and service report message: "CONTRL:D:3:UN" under syntax 1-3,
from the UN service directory; "CONTRL:4:1:UN" under syntax 4, ISO 9735-4)
answers an interchange in nested reports, the same in both syntaxes as far as
this map reads them:

=====  ==========================  ==============================================
UCI    the interchange             0020 reference, S002 sender, S003 recipient,
                                   0083 action, 0085 error, 0013 segment, S011
UCF    a group (UNG…UNE)           0048 reference, S006, S007, 0083, 0085, 0013, S011
UCM    a message (UNH…UNT)         0062 reference, S009 identifier, 0083, 0085,
                                   0013 (UNH/UNT), S011
UCS    a segment of that message   0096 position (UNH = 1), 0085
UCD    a data element of it        0085, S011 (0098 element, 0104 component)
=====  ==========================  ==============================================

Reading: ``acknowledged`` is the UCI's 0020 and the UCF's 0048 (none without a
UCF), its ``functional_id`` the message type every UCM names (a group holds one
type). A UCM becomes a set (0062, S009/0065); its own 0085 an error without a
segment position (0013 its segment id, S011 its element), each UCS with a 0085 a
segment error, each UCD an element error at its UCS's position; descriptions are
the 0085 texts. A set is rejected when its action is 4, accepted with errors when
errors are reported, else accepted. The group's status is the UCF's action, else
the UCI's: 4 (or an interchange rejected) rejects it; 7 ("acknowledged, lower
levels too unless explicitly rejected") or 8 (received) accepts it, partially
when a set is rejected, with errors when a set has errors. The action codes of
the superseded 1993 CONTRL (1, 2, 3, 5, 6) are read as well.

Writing: UCI (0083 4 for a rejected group, else 7), a UCF when the group has a
control number, then per set a UCM (4 when rejected, else 7) carrying the set's
one error without a segment position, a UCS per segment position (with the
segment error's code) and a UCD per element error. CONTRL has no "accepted with
errors" or "partially accepted": reading derives them from the sets, so a
group_status the sets do not bear out comes back as the sets say.

What contract v1 cannot hold, and so neither reading nor writing carries: the
parties of the UCI (S002/S003) and UCF (S006/S007), mandatory in syntax 3 and
written empty for the envelope writer to fill (the UCI's are the CONTRL's own
UNB parties, swapped); the acknowledged messages' version (S009 0052/0054/0051,
mandatory: only 0065 is written); errors about the interchange or group itself
(UCI/UCF 0085); component positions (S011 0104); a segment error's segment tag
(CONTRL names body segments by position only) and an error's bad value (CONTRL
has none). Error codes are written as they are: an X12 code (AK4 "7") is no
0085 code. A CONTRL reporting on several groups cannot be one functional_ack
and is a MappingError.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from edi_maps.edifact.maps.base import MappingError, ReadContext, Row, WriteContext
from edi_maps.edifact.maps.common import trim, value
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

REJECTED, ACKNOWLEDGED, RECEIVED = "4", "7", "8"  # 0083 action codes written / read
# The 1993 CONTRL's action codes: acknowledged; acknowledged, errors reported; one or
# more rejected at the next lower level; UNB/UNZ accepted; UNB/UNZ rejected.
_GROUP_ACTIONS = {
    "1": GroupAckStatus.ACCEPTED,
    "2": GroupAckStatus.ACCEPTED_WITH_ERRORS,
    "3": GroupAckStatus.PARTIALLY_ACCEPTED,
    REJECTED: GroupAckStatus.REJECTED,
    "6": GroupAckStatus.REJECTED,
}
_DERIVED = frozenset({ACKNOWLEDGED, RECEIVED, "5"})  # the status comes from the sets
_SET_ACTIONS = {
    "1": SetAckStatus.ACCEPTED,
    "2": SetAckStatus.ACCEPTED_WITH_ERRORS,
    "3": SetAckStatus.ACCEPTED_WITH_ERRORS,
    REJECTED: SetAckStatus.REJECTED,
}

# 0085 syntax error codes with their texts: the service code list of syntax 3 and 4
# (as definitions/syntax4/service.codes gives it), then the codes of the 1993
# CONTRL that older directories (D93A-D00B) still list, for partners that use them.
SYNTAX_ERRORS: dict[str, str] = {
    "2": "Syntax version or level not supported",
    "7": "Interchange recipient not actual recipient",
    "12": "Invalid value",
    "13": "Missing",
    "14": "Value not supported in this position",
    "15": "Not supported in this position",
    "16": "Too many constituents",
    "17": "No agreement",
    "18": "Unspecified error",
    "19": "Invalid decimal notation",
    "20": "Character invalid as service character",
    "21": "Invalid character(s)",
    "22": "Invalid service character(s)",
    "23": "Unknown Interchange sender",
    "24": "Too old",
    "25": "Test indicator not supported",
    "26": "Duplicate detected",
    "27": "Security function not supported",
    "28": "References do not match",
    "29": "Control count does not match number of instances received",
    "30": "Groups and messages/packages mixed",
    "31": "More than one message type in group",
    "32": "Lower level empty",
    "33": "Invalid occurrence outside message, package or group",
    "34": "Nesting indicator not allowed",
    "35": "Too many data element or segment repetitions",
    "36": "Too many segment group repetitions",
    "37": "Invalid type of character(s)",
    "38": "Missing digit in front of decimal sign",
    "39": "Data element too long",
    "40": "Data element too short",
    "41": "Permanent communication network error",
    "42": "Temporary communication network error",
    "43": "Unknown interchange recipient",
    "45": "Trailing separator",
    "46": "Character set not supported",
    "47": "Envelope functionality not supported",
    "48": "Dependency notes condition violated",
    "1": "UNA not supported",
    "3": "Message version/release not supported",
    "4": "Service segment missing/invalid",
    "5": "Trailer check in error",
    "6": "Data segment missing/invalid",
    "8": "Too many data elements in segment",
    "9": "Mandatory data element missing",
    "10": "Data element attribute error",
    "11": "Password invalid",
}


@dataclass(slots=True)
class _SetInProgress:
    ucm: Row
    errors: list[AckError] = field(default_factory=list)
    position: int | None = None  # the UCS the next UCDs belong to


class ContrlMap:
    message_type = "CONTRL"
    kind = Kind.FUNCTIONAL_ACK
    body_type = FunctionalAck

    def read(self, rows: Sequence[Row], context: ReadContext) -> Body:
        uci = next((row for row in rows if row[0][0] == "UCI"), None)
        if uci is None or value(uci, 1) is None:
            raise MappingError("CONTRL without an interchange response (UCI 0020)")
        ucfs = [row for row in rows if row[0][0] == "UCF"]
        if len(ucfs) > 1:
            raise MappingError(
                f"CONTRL reports on {len(ucfs)} groups; a functional_ack acknowledges one"
            )
        ucf = ucfs[0] if ucfs else None
        sets: list[_SetInProgress] = []
        for row in rows:
            tag = row[0][0]
            if tag == "UCM":
                sets.append(_SetInProgress(row, _message_errors(row)))
            elif tag == "UCS" and sets:
                current = sets[-1]
                current.position = _number(value(row, 1))
                if code := value(row, 2):
                    current.errors.append(_error(code, segment_position=current.position))
            elif tag == "UCD" and sets:
                current = sets[-1]
                current.errors.append(
                    _error(value(row, 1) or "", current.position, _number(value(row, 2)))
                )
        acked = [_acked_set(one) for one in sets]
        types = {one.transaction_set for one in acked}
        return FunctionalAck(
            acknowledged=AckedGroup(
                interchange_control_number=value(uci, 1),
                group_control_number=value(ucf, 1),
                functional_id=types.pop() if len(types) == 1 else None,
            ),
            group_status=_group_status(value(uci, 4), value(ucf, 4), acked),
            sets=acked,
        )

    def write(self, body: Body, context: WriteContext) -> list[Row]:
        if not isinstance(body, FunctionalAck):
            raise MappingError(f"CONTRL writes a functional_ack, not {type(body).__name__}")
        group = body.acknowledged
        if not group.interchange_control_number:
            raise MappingError("CONTRL needs acknowledged.interchange_control_number (UCI 0020)")
        action = REJECTED if body.group_status is GroupAckStatus.REJECTED else ACKNOWLEDGED
        rows: list[Row] = []
        if group.group_control_number:
            rows.append([["UCI"], [group.interchange_control_number], [""], [""], [ACKNOWLEDGED]])
            rows.append([["UCF"], [group.group_control_number], [""], [""], [action]])
        else:
            rows.append([["UCI"], [group.interchange_control_number], [""], [""], [action]])
        for acked in body.sets:
            rows.extend(_set_rows(acked))
        return rows


# -- reading ----------------------------------------------------------------------


def _number(text: str | None) -> int | None:
    return int(text) if text and text.isascii() and text.isdigit() else None


def _error(
    code: str,
    segment_position: int | None = None,
    element_position: int | None = None,
    segment_id: str | None = None,
) -> AckError:
    return AckError(
        segment_id=segment_id,
        segment_position=segment_position,
        element_position=element_position,
        code=code,
        description=SYNTAX_ERRORS.get(code),
    )


def _message_errors(ucm: Row) -> list[AckError]:
    """The UCM's own finding (0085), about the message as a whole or its UNH/UNT."""
    code = value(ucm, 4)
    if code is None:
        return []
    return [_error(code, None, _number(value(ucm, 6)), value(ucm, 5))]


def _acked_set(found: _SetInProgress) -> AckedSet:
    action = value(found.ucm, 3) or ""
    status = _SET_ACTIONS.get(action)
    if status is None:
        accepted = action in _DERIVED
        status = SetAckStatus.REJECTED if not accepted else SetAckStatus.ACCEPTED
        if accepted and found.errors:
            status = SetAckStatus.ACCEPTED_WITH_ERRORS
    return AckedSet(
        set_control_number=value(found.ucm, 1) or "",
        transaction_set=value(found.ucm, 2),
        status=status,
        errors=found.errors,
    )


def _group_status(
    interchange: str | None, group: str | None, sets: Sequence[AckedSet]
) -> GroupAckStatus:
    """The UCF's action, else the UCI's; "acknowledged" takes the sets into account."""
    if interchange in (REJECTED, "6"):
        return GroupAckStatus.REJECTED
    action = group or interchange or ""
    status = _GROUP_ACTIONS.get(action)
    if status is not None:
        return status
    if action not in _DERIVED:
        return GroupAckStatus.REJECTED
    if any(one.status is SetAckStatus.REJECTED for one in sets):
        return GroupAckStatus.PARTIALLY_ACCEPTED
    if any(one.status is SetAckStatus.ACCEPTED_WITH_ERRORS for one in sets):
        return GroupAckStatus.ACCEPTED_WITH_ERRORS
    return GroupAckStatus.ACCEPTED


# -- writing ----------------------------------------------------------------------


def _set_rows(acked: AckedSet) -> list[Row]:
    """UCM (with the set's one error that has no segment position), then a UCS per
    segment finding or run of element findings at one position, a UCD per element."""
    action = REJECTED if acked.status is SetAckStatus.REJECTED else ACKNOWLEDGED
    ucm: Row = [["UCM"], [acked.set_control_number], [acked.transaction_set or ""], [action]]
    whole = [error for error in acked.errors if error.segment_position is None]
    if len(whole) > 1:
        raise MappingError(
            f"CONTRL: set {acked.set_control_number} has {len(whole)} errors without a "
            "segment position; a UCM holds one"
        )
    if whole:
        error = whole[0]
        element = str(error.element_position) if error.element_position is not None else ""
        ucm.extend([[error.code], [error.segment_id or ""], [element]])
    rows = [trim(ucm)]
    open_position: int | None = None
    for error in acked.errors:
        if error.segment_position is None:
            continue
        if error.element_position is None:
            rows.append([["UCS"], [str(error.segment_position)], [error.code]])
            open_position = error.segment_position
        else:
            if error.segment_position != open_position:
                rows.append([["UCS"], [str(error.segment_position)]])
                open_position = error.segment_position
            rows.append([["UCD"], [error.code], [str(error.element_position)]])
    return rows


CONTRL_MAP = ContrlMap()
