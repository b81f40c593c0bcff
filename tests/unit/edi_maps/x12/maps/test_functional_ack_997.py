"""997 / 999 ↔ functional_ack."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from edi_maps.x12.codes import ELEMENT_CODES, SEGMENT_CODES
from edi_maps.x12.maps.base import ReadContext
from edi_maps.x12.maps.functional_ack_997 import FUNCTIONAL_ACK_997, IMPLEMENTATION_ACK_999
from edi_maps.x12.render import RenderOptions
from edi_maps.x12.validation import validate_x12
from gateway.canonical import (
    AckedGroup,
    AckedSet,
    AckError,
    FunctionalAck,
    GroupAckStatus,
    SetAckStatus,
)
from tests.conftest import SAMPLES, requires_samples
from tests.roundtrip import round_trip


def read_sample(name: str) -> list[FunctionalAck]:
    bodies: list[FunctionalAck] = []

    def on_set(interchange, group, result, segments):
        x12_map = FUNCTIONAL_ACK_997 if result.transaction_set == "997" else IMPLEMENTATION_ACK_999
        rows = [s.split(interchange.delimiters.element) for s in segments]
        bodies.append(x12_map.read(rows, ReadContext(interchange.delimiters, group.version)))  # type: ignore[arg-type]

    validate_x12((SAMPLES / "x12" / name).read_bytes(), on_set=on_set)
    return bodies


@requires_samples
def test_997_with_an_element_error() -> None:
    (ack,) = read_sample(
        "997/staedi__simple997.x12"
    )  # AK1*HC*000001, AK3*NM1*8, AK4*8**7*MI, AK5*R*5
    assert ack.acknowledged == AckedGroup(group_control_number="000001", functional_id="HC")
    assert ack.group_status is GroupAckStatus.REJECTED
    (acked,) = ack.sets
    assert (acked.transaction_set, acked.set_control_number, acked.status) == (
        "837",
        "0021",
        SetAckStatus.REJECTED,
    )
    assert acked.errors == [
        AckError(
            segment_id="NM1",
            segment_position=8,
            element_position=8,
            code="7",
            description="Invalid code value",
            bad_value="MI",
        )
    ]


@requires_samples
def test_999_partially_accepted_with_segment_and_element_errors() -> None:
    (ack,) = read_sample("999/staedi__simple999.x12")
    assert ack.group_status is GroupAckStatus.PARTIALLY_ACCEPTED
    assert [s.status for s in ack.sets] == [
        SetAckStatus.ACCEPTED,
        SetAckStatus.REJECTED,
        SetAckStatus.REJECTED,
    ]
    assert ack.sets[1].errors[0].segment_id == "CLM" and ack.sets[1].errors[0].element_position == 2
    assert ack.sets[2].errors[0].code == "3" and ack.sets[2].errors[0].element_position is None


@requires_samples
def test_accepted_group_of_four_sets() -> None:
    (ack, *_) = read_sample("997/bots__997_6.x12")
    assert ack.group_status is GroupAckStatus.ACCEPTED
    assert all(s.status is SetAckStatus.ACCEPTED and not s.errors for s in ack.sets)


texts = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=9)
segment_errors = st.builds(
    lambda tag, position, code: AckError(
        segment_id=tag, segment_position=position, code=code, description=SEGMENT_CODES[code]
    ),
    st.from_regex(r"[A-Z][A-Z0-9]{1,2}", fullmatch=True),
    st.integers(1, 999),
    st.sampled_from(sorted(set(SEGMENT_CODES) - {"8"})),
)
element_errors = st.builds(
    lambda tag, position, element, code, bad: AckError(
        segment_id=tag,
        segment_position=position,
        element_position=element,
        code=code,
        description=ELEMENT_CODES[code],
        bad_value=bad,
    ),
    st.from_regex(r"[A-Z][A-Z0-9]{1,2}", fullmatch=True),
    st.integers(1, 999),
    st.integers(1, 99),
    st.sampled_from(sorted(set(ELEMENT_CODES) - {"12", "13"})),
    st.one_of(st.none(), texts),
)
acked_sets = st.builds(
    lambda number, set_id, status, errors: AckedSet(
        set_control_number=number, transaction_set=set_id, status=status, errors=errors
    ),
    st.from_regex(r"[0-9]{4,9}", fullmatch=True),
    st.sampled_from(["850", "856", "810", "855"]),
    st.sampled_from(list(SetAckStatus)),
    st.lists(st.one_of(segment_errors, element_errors), max_size=3),
)
functional_acks = st.builds(
    lambda number, functional_id, status, sets: FunctionalAck(
        acknowledged=AckedGroup(group_control_number=number, functional_id=functional_id),
        group_status=status,
        sets=sets,
    ),
    st.from_regex(r"[1-9][0-9]{0,8}", fullmatch=True),
    st.sampled_from(["PO", "SH", "IN", "PR"]),
    st.sampled_from(list(GroupAckStatus)),
    st.lists(acked_sets, max_size=4),
)


@settings(max_examples=150, deadline=None)
@given(functional_acks, st.sampled_from(["004010", "005010"]))
def test_functional_ack_round_trips_through_a_valid_997(ack: FunctionalAck, version: str) -> None:
    edi, bodies, findings = round_trip(ack, RenderOptions(version=version))
    assert findings == [], edi
    assert bodies == [ack]
