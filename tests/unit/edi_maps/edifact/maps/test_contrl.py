"""CONTRL ↔ functional_ack: each reading rule on a hand-written CONTRL, writing, and
canonical → CONTRL text → the same canonical.

There is no public CONTRL sample with a clear licence (see SOURCES.md), so every
fixture here is written from the message's definition (UN/EDIFACT CONTRL D:3 and
4:1, ISO 9735): each says which report level it exercises and what it means.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edi_maps.edifact.maps.base import MappingError, ReadContext, Row, WriteContext
from edi_maps.edifact.maps.contrl import CONTRL_MAP, SYNTAX_ERRORS
from edi_maps.edifact.service import ServiceChars
from gateway.canonical import (
    AckedGroup,
    AckedSet,
    AckError,
    FunctionalAck,
    GroupAckStatus,
    Invoice,
    SetAckStatus,
)
from tests.edifact_maps import findings
from tests.edifact_rows import messages, read_back, to_text

SYNTAX_3 = "UNB+UNOC:3+PARTNER:14+CROSSDOCK:14+261128:1200+77'\nUNH+1+CONTRL:D:3:UN'\n"
SYNTAX_4 = "UNB+UNOC:4+PARTNER:14+CROSSDOCK:14+20261128:1200+78'\nUNH+1+CONTRL:4:1:UN'\n"


def read(body: str, head: str = SYNTAX_3) -> Any:
    """The functional_ack of one CONTRL: ``body`` is its segments between UNH and UNT."""
    count = body.count("'") + 2
    (message,) = messages(f"{head}{body}UNT+{count}+1'\nUNZ+1+77'\n".encode("latin-1"))
    assert message.message_type == "CONTRL"
    return CONTRL_MAP.read(message.rows, ReadContext(message.chars, message.version))


def error(code: str, segment: int | None = None, element: int | None = None,
          segment_id: str | None = None) -> AckError:  # fmt: skip
    return AckError(
        segment_id=segment_id,
        segment_position=segment,
        element_position=element,
        code=code,
        description=SYNTAX_ERRORS[code],
    )


# -- reading -----------------------------------------------------------------------------


def test_an_interchange_acknowledged_as_a_whole_has_no_sets() -> None:
    """UCI 0083 7 and nothing else: the interchange and everything in it acknowledged
    (syntax 3 lets a CONTRL list no UCM when nothing was rejected)."""
    body = read("UCI+ICR42+CROSSDOCK:14+PARTNER:14+7'\n")
    assert body == FunctionalAck(
        acknowledged=AckedGroup(interchange_control_number="ICR42"),
        group_status=GroupAckStatus.ACCEPTED,
    )


def test_one_message_rejected_beside_an_accepted_one_with_segment_and_element_errors() -> None:
    """UCI 7 (acknowledged unless explicitly rejected); message M1 acknowledged; M2
    rejected (4) for: segment 5 not supported in that position (UCS with its own
    0085 15), and in segment 9 (a UCS without a code: only its elements are
    wrong) an invalid value in element 3 component 1 and a missing element 4."""
    body = read(
        "UCI+ICR42+CROSSDOCK:14+PARTNER:14+7'\n"
        "UCM+M1+INVOIC:D:96A:UN:EAN008+7'\n"
        "UCM+M2+INVOIC:D:96A:UN:EAN008+4'\n"
        "UCS+5+15'\n"
        "UCS+9'\n"
        "UCD+12+3:1'\n"
        "UCD+13+4'\n"
    )
    assert body == FunctionalAck(
        acknowledged=AckedGroup(interchange_control_number="ICR42", functional_id="INVOIC"),
        group_status=GroupAckStatus.PARTIALLY_ACCEPTED,
        sets=[
            AckedSet(set_control_number="M1", transaction_set="INVOIC"),
            AckedSet(
                set_control_number="M2",
                transaction_set="INVOIC",
                status=SetAckStatus.REJECTED,
                errors=[error("15", 5), error("12", 9, 3), error("13", 9, 4)],
            ),
        ],
    )
    assert body.sets[1].errors[1].description == "Invalid value"


def test_a_group_report_in_syntax_4_with_a_message_level_error() -> None:
    """Syntax 4 ("CONTRL:4:1:UN"): the interchange acknowledged (7), group G1 rejected
    (UCF 4), its message M1 rejected with an error of the message itself: 29, the
    control count does not match, in UNT (0013) data element 1 (S011)."""
    body = read(
        "UCI+ICR43+CROSSDOCK:14+PARTNER:14+7'\n"
        "UCF+G1+CROSSDOCK+PARTNER+4'\n"
        "UCM+M1+DESADV:D:01B:UN+4+29+UNT+1'\n",
        head=SYNTAX_4,
    )
    assert body == FunctionalAck(
        acknowledged=AckedGroup(
            interchange_control_number="ICR43", group_control_number="G1", functional_id="DESADV"
        ),
        group_status=GroupAckStatus.REJECTED,
        sets=[
            AckedSet(
                set_control_number="M1",
                transaction_set="DESADV",
                status=SetAckStatus.REJECTED,
                errors=[error("29", None, 1, "UNT")],
            )
        ],
    )


def test_an_interchange_rejected_at_its_header_rejects_the_group() -> None:
    """UCI 4 with 0085 13 in UNB (0013) element 2 component 1: the whole interchange
    rejected; the error itself concerns no set and has no place in contract v1."""
    body = read("UCI+ICR44+CROSSDOCK:14+PARTNER:14+4+13+UNB+2:1'\n")
    assert body.group_status is GroupAckStatus.REJECTED
    assert body.sets == []


def test_an_interchange_rejection_overrides_a_group_acknowledgement() -> None:
    body = read("UCI+ICR44+CROSSDOCK+PARTNER+4'\nUCF+G1+CROSSDOCK+PARTNER+7'\n")
    assert body.group_status is GroupAckStatus.REJECTED


def test_a_receipt_says_nothing_was_rejected() -> None:
    """0083 8: the interchange received (syntax 4 "receipt"); read as accepted, the
    closest status the contract has."""
    body = read("UCI+ICR45+CROSSDOCK:14+PARTNER:14+8'\n", head=SYNTAX_4)
    assert body.group_status is GroupAckStatus.ACCEPTED


def test_errors_in_an_acknowledged_message_make_it_accepted_with_errors() -> None:
    """A UCM 7 that still reports a UCS/UCD finding: acknowledged, with errors."""
    body = read("UCI+ICR46+CROSSDOCK+PARTNER+7'\nUCM+M1+DESADV:D:96A:UN+7'\nUCS+4'\nUCD+39+2'\n")
    assert body.group_status is GroupAckStatus.ACCEPTED_WITH_ERRORS
    assert body.sets == [
        AckedSet(
            set_control_number="M1",
            transaction_set="DESADV",
            status=SetAckStatus.ACCEPTED_WITH_ERRORS,
            errors=[error("39", 4, 2)],
        )
    ]


@pytest.mark.parametrize(
    ("action", "group", "message"),
    [
        ("1", GroupAckStatus.ACCEPTED, SetAckStatus.ACCEPTED),
        ("2", GroupAckStatus.ACCEPTED_WITH_ERRORS, SetAckStatus.ACCEPTED_WITH_ERRORS),
        ("3", GroupAckStatus.PARTIALLY_ACCEPTED, SetAckStatus.ACCEPTED_WITH_ERRORS),
        ("4", GroupAckStatus.REJECTED, SetAckStatus.REJECTED),
        ("X", GroupAckStatus.REJECTED, SetAckStatus.REJECTED),
    ],
)
def test_the_1993_action_codes_and_unknown_ones(
    action: str, group: GroupAckStatus, message: SetAckStatus
) -> None:
    """The superseded CONTRL's 0083 codes (1 acknowledged, 2 with errors, 3 some
    lower level rejected) still read; a code nobody defines is a rejection."""
    body = read(f"UCI+ICR47+CROSSDOCK+PARTNER+7'\nUCF+G1+++{action}'\nUCM+M1+ORDRSP+{action}'\n")
    assert (body.group_status, body.sets[0].status) == (group, message)


def test_codes_of_the_1993_contrl_have_their_texts_and_unknown_codes_none() -> None:
    body = read("UCI+ICR48+CROSSDOCK+PARTNER+7'\nUCM+M1+INVOIC+4'\nUCS+3+6'\nUCS+4'\nUCD+99+1'\n")
    descriptions = [e.description for e in body.sets[0].errors]
    assert descriptions == ["Data segment missing/invalid", None]


def test_messages_of_different_types_have_no_functional_id() -> None:
    body = read("UCI+ICR49+CROSSDOCK+PARTNER+7'\nUCM+M1+INVOIC+7'\nUCM+M2+DESADV+7'\n")
    assert body.acknowledged.functional_id is None


def test_a_contrl_about_several_groups_is_not_one_functional_ack() -> None:
    with pytest.raises(MappingError, match="2 groups"):
        read("UCI+ICR50+CROSSDOCK+PARTNER+7'\nUCF+G1+++7'\nUCF+G2+++7'\n")


def test_a_contrl_without_UCI_cannot_be_mapped() -> None:
    rows: list[Row] = [[["UNH"], ["1"], ["CONTRL", "D", "3", "UN"]], [["UNT"], ["2"], ["1"]]]
    with pytest.raises(MappingError, match="UCI"):
        CONTRL_MAP.read(rows, ReadContext(ServiceChars(), "D3"))


# -- writing -----------------------------------------------------------------------------


def write(body: Any) -> list[Row]:
    return CONTRL_MAP.write(body, WriteContext("D3"))


def test_writing_a_rejected_group_with_every_kind_of_error() -> None:
    body = FunctionalAck(
        acknowledged=AckedGroup(
            interchange_control_number="ICR9", group_control_number="G9", functional_id="INVOIC"
        ),
        group_status=GroupAckStatus.REJECTED,
        sets=[
            AckedSet(
                set_control_number="M9",
                transaction_set="INVOIC",
                status=SetAckStatus.REJECTED,
                errors=[
                    error("28", None, 2, "UNT"),
                    error("15", 5),
                    error("12", 5, 3),
                    error("13", 7, 1),
                    error("39", 7, 2),
                ],
            )
        ],
    )
    assert to_text(write(body)).splitlines() == [
        "UCI+ICR9+++7'",  # S002/S003: contract v1 holds no parties, the writer fills them
        "UCF+G9+++4'",
        "UCM+M9+INVOIC+4+28+UNT+2'",
        "UCS+5+15'",
        "UCD+12+3'",
        "UCS+7'",
        "UCD+13+1'",
        "UCD+39+2'",
    ]
    assert _round_trip(body) == body


def test_without_a_group_number_the_messages_answer_to_the_UCI() -> None:
    body = FunctionalAck(
        acknowledged=AckedGroup(interchange_control_number="ICR9", functional_id="DESADV"),
        group_status=GroupAckStatus.ACCEPTED,
        sets=[AckedSet(set_control_number="1", transaction_set="DESADV")],
    )
    assert write(body) == [
        [["UCI"], ["ICR9"], [""], [""], ["7"]],
        [["UCM"], ["1"], ["DESADV"], ["7"]],
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (FunctionalAck(acknowledged=AckedGroup(), group_status=GroupAckStatus.ACCEPTED), "0020"),
        (
            FunctionalAck(
                acknowledged=AckedGroup(interchange_control_number="1"),
                group_status=GroupAckStatus.REJECTED,
                sets=[
                    AckedSet(
                        set_control_number="1",
                        status=SetAckStatus.REJECTED,
                        errors=[error("28"), error("29")],
                    )
                ],
            ),
            "a UCM holds one",
        ),
        (Invoice(invoice_number="1"), "functional_ack"),
    ],
)
def test_what_a_contrl_cannot_carry_is_refused(body: Any, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        write(body)


# -- round trip ------------------------------------------------------------------------


def _round_trip(body: FunctionalAck) -> Any:
    rows = [[["UNH"], ["1"], ["CONTRL", "D", "3", "UN"]], *write(body), [["UNT"], ["9"], ["1"]]]
    return CONTRL_MAP.read(read_back(rows), ReadContext(ServiceChars.level_a(), "D3"))


CODES = sorted(SYNTAX_ERRORS)
element_errors = st.builds(error, st.sampled_from(CODES), st.integers(1, 9999), st.integers(1, 99))
segment_errors = st.builds(error, st.sampled_from(CODES), st.integers(1, 9999))
message_errors = st.builds(
    error,
    st.sampled_from(CODES),
    st.none(),
    st.none() | st.integers(1, 99),
    st.sampled_from([None, "UNH", "UNT"]),
)


@st.composite
def acked_sets(draw: st.DrawFn, message_type: str | None) -> AckedSet:
    """A set whose status agrees with its errors (what a CONTRL can say): accepted
    without errors, accepted with errors with some, rejected either way; at most
    one error without a segment position, first (the UCM's)."""
    status = draw(st.sampled_from(list(SetAckStatus)))
    errors = draw(st.lists(segment_errors | element_errors, max_size=4))
    if draw(st.booleans()):
        errors = [draw(message_errors), *errors]
    if status is SetAckStatus.ACCEPTED:
        errors = []
    elif status is SetAckStatus.ACCEPTED_WITH_ERRORS and not errors:
        errors = [draw(segment_errors)]
    return AckedSet(
        set_control_number=draw(st.from_regex(r"[A-Z0-9]{1,14}", fullmatch=True)),
        transaction_set=message_type,
        status=status,
        errors=errors,
    )


@st.composite
def functional_acks(draw: st.DrawFn) -> FunctionalAck:
    """The group's status is what reading derives from the sets (CONTRL has 4 and 7
    only), unless the group is rejected outright."""
    message_type = draw(st.sampled_from(["INVOIC", "DESADV", "ORDRSP"]))
    sets = draw(st.lists(acked_sets(message_type), max_size=4))
    if draw(st.booleans()):
        status = GroupAckStatus.REJECTED
    elif any(s.status is SetAckStatus.REJECTED for s in sets):
        status = GroupAckStatus.PARTIALLY_ACCEPTED
    elif any(s.status is SetAckStatus.ACCEPTED_WITH_ERRORS for s in sets):
        status = GroupAckStatus.ACCEPTED_WITH_ERRORS
    else:
        status = GroupAckStatus.ACCEPTED
    return FunctionalAck(
        acknowledged=AckedGroup(
            interchange_control_number=draw(st.from_regex(r"[A-Z0-9]{1,14}", fullmatch=True)),
            group_control_number=draw(st.none() | st.from_regex(r"[A-Z0-9]{1,14}", fullmatch=True)),
            functional_id=message_type if sets else None,
        ),
        group_status=status,
        sets=sets,
    )


@settings(max_examples=150, deadline=None)
@given(functional_acks())
def test_functional_ack_round_trips_through_contrl_text(ack: FunctionalAck) -> None:
    assert _round_trip(ack) == ack


# 0085 codes of syntax 3 and 4 (the 1993 codes below 12, but 2 and 7, are not)
CURRENT_CODES = sorted(code for code in SYNTAX_ERRORS if int(code) >= 12 or code in ("2", "7"))


@pytest.mark.parametrize(
    ("syntax", "identifier"), [("UNOC:3", "CONTRL:D:3:UN"), ("UNOC:4", "CONTRL:4:1:UN")]
)
@settings(max_examples=40, deadline=None)
@given(ack=functional_acks())
def test_what_is_written_validates_once_the_envelope_fills_in_parties_and_versions(
    syntax: str, identifier: str, ack: FunctionalAck
) -> None:
    """The UCI/UCF parties and the acknowledged messages' versions, which contract v1
    does not hold, are what the envelope writer adds; the rest must validate."""
    rows = write(ack)
    for row in rows:
        tag = row[0][0]
        if tag == "UCI":
            row[2], row[3] = ["CROSSDOCK", "14"], ["PARTNER", "14"]
        elif tag == "UCF":
            row[2], row[3] = ["CROSSDOCK"], ["PARTNER"]
        elif tag == "UCM":
            row[2] = [row[2][0], "D", "96A", "UN"]
        position = {"UCM": 4, "UCS": 2, "UCD": 1}.get(tag)
        if position is not None and len(row) > position and row[position][0]:
            row[position] = [CURRENT_CODES[int(row[position][0]) % len(CURRENT_CODES)]]
    assert findings(identifier, rows, syntax) == [], to_text(rows)
