"""997 / 999 / TA1 content: every set listed, every finding detailed, AK9 counted right,
addressed back to the sender, and valid against our own 997/999 definitions."""

from __future__ import annotations

from edi_maps.acknowledgements import Acknowledgement
from edi_maps.x12.acks import AckBuilder, AckPolicy
from edi_maps.x12.results import Status
from edi_maps.x12.validation import validate_x12
from gateway.domain.control_numbers import InMemoryControlNumbers
from tests.fakes import FixedClock
from tests.x12_builders import MINIMAL_850, interchange


def acks_for(data: bytes, policy: AckPolicy | None = None) -> list[Acknowledgement]:
    result = validate_x12(data)
    builder = AckBuilder(InMemoryControlNumbers(), FixedClock(), policy)
    return [a for i in result.interchanges for a in builder.build(i)]


def segments(edi: str) -> list[list[str]]:
    return [s.strip().split("*") for s in edi.split("~") if s.strip()]


BAD_DATE_850 = ("850", "BEG*00*SA*PO2**20261399", "PO1*1*10*EA*9.5**VP*W-1", "CTT*1")
MISSING_BEG_850 = ("850", "PO1*1*10*EA*9.5**VP*W-1", "CTT*1")
MIXED = interchange([("PO", "004010", [MINIMAL_850, BAD_DATE_850, MISSING_BEG_850])])


def test_997_lists_every_set_with_its_errors_and_counts_right() -> None:
    (ack,) = acks_for(MIXED)
    assert ack.type == "997"
    rows = segments(ack.edi)
    tags = [r[0] for r in rows]
    assert tags == [
        "ISA", "GS", "ST", "AK1",
        "AK2", "AK5",
        "AK2", "AK3", "AK4", "AK5",
        "AK2", "AK3", "AK5",
        "AK9", "SE", "GE", "IEA",
    ]  # fmt: skip
    by_tag = {}
    for row in rows:
        by_tag.setdefault(row[0], []).append(row)
    assert by_tag["AK1"] == [["AK1", "PO", "1"]]
    assert [r[1:] for r in by_tag["AK2"]] == [["850", "0001"], ["850", "0002"], ["850", "0003"]]
    assert by_tag["AK3"][0] == ["AK3", "BEG", "2", "", "8"]
    assert by_tag["AK4"][0] == ["AK4", "5", "373", "8", "20261399"]
    assert by_tag["AK3"][1] == ["AK3", "BEG", "2", "", "3"]
    assert [r[1:] for r in by_tag["AK5"]] == [["A"], ["R", "5"], ["R", "5"]]
    assert by_tag["AK9"] == [["AK9", "P", "3", "3", "1"]]
    se = by_tag["SE"][0]
    st_index, se_index = tags.index("ST"), tags.index("SE")
    assert int(se[1]) == se_index - st_index + 1
    assert se[2] == by_tag["ST"][0][2]


def test_ack_is_addressed_back_to_the_sender() -> None:
    (ack,) = acks_for(MIXED)
    isa, gs = segments(ack.edi)[:2]
    assert isa[6].strip() == "RECEIVER" and isa[8].strip() == "SENDER"
    assert (gs[2], gs[3]) == ("RECEIVER", "SENDER")
    assert gs[8] == "004010", "the 997's version follows the inbound GS08"
    assert isa[12] == "00401" and isa[15] == "P"


def test_our_997_and_999_pass_our_own_validation() -> None:
    inbound = [
        MIXED,
        interchange([("PO", "005010", [MINIMAL_850, BAD_DATE_850])], version="00501"),
    ]
    for data in inbound:
        for ack in acks_for(data):
            result = validate_x12(ack.edi.encode())
            interchange_result = result.interchanges[0]
            assert interchange_result.errors == []
            for group in interchange_result.groups:
                assert group.status is Status.ACCEPTED, [s.errors for s in group.sets]
                assert all(s.validated_against for s in group.sets)


def test_999_for_005010_with_ik3_ik4_ik5_and_the_implementation_guide() -> None:
    data = interchange([("PO", "005010", [MINIMAL_850, BAD_DATE_850])], version="00501")
    (ack,) = acks_for(data)
    assert ack.type == "999"
    rows = segments(ack.edi)
    by_tag = {r[0]: r for r in rows}
    assert by_tag["ST"][3] == "005010X231"
    assert by_tag["GS"][8] == "005010X231"
    assert by_tag["AK1"] == ["AK1", "PO", "1", "005010"]
    assert by_tag["IK3"] == ["IK3", "BEG", "2", "", "8"]
    assert by_tag["IK4"] == ["IK4", "5", "373", "8", "20261399"]
    assert by_tag["AK9"] == ["AK9", "P", "2", "2", "1"]


def test_policy_can_ask_for_a_997_from_a_005010_group() -> None:
    data = interchange([("PO", "005010", [MINIMAL_850])], version="00501")
    (ack,) = acks_for(data, AckPolicy(functional="997"))
    rows = segments(ack.edi)
    assert ack.type == "997"
    assert ["AK1", "PO", "1", "005010"] in rows


def test_repetition_position_goes_in_c030_from_005010() -> None:
    bad_repeat = ("850", "BEG*00*SA*PO9**20261128", "CUR*BY*USD^EUR", "PO1*1*1*EA*1**VP*X", "CTT*1")
    data = interchange([("PO", "005010", [bad_repeat])], version="00501", isa11="^")
    (ack,) = acks_for(data)
    ik4 = next(r for r in segments(ack.edi) if r[0] == "IK4")
    assert ik4[1] == "2" and ik4[3] == "12"


def test_acks_are_never_acknowledged() -> None:
    (ack,) = acks_for(MIXED)
    assert acks_for(ack.edi.encode()) == []


def test_control_numbers_advance_per_partner() -> None:
    result = validate_x12(MIXED + MIXED.replace(b"000000001", b"000000002"))
    builder = AckBuilder(InMemoryControlNumbers(), FixedClock())
    first, second = (builder.build(i)[0] for i in result.interchanges)
    assert first.interchange_control_number + 1 == second.interchange_control_number
    assert segments(first.edi)[0][13] == "000000001"
    assert segments(second.edi)[0][13] == "000000002"


def test_bad_copy_of_data_never_breaks_the_ack() -> None:
    evil = ("850", "BEG*00*SA*PO3**2026>1399", "PO1*1*10*EA*9.5**VP*W-1", "CTT*1")
    (ack,) = acks_for(interchange([("PO", "004010", [evil])]))
    ak4 = next(r for r in segments(ack.edi) if r[0] == "AK4")
    assert ">" not in ak4[4]
    assert validate_x12(ack.edi.encode()).interchanges[0].groups[0].status is Status.ACCEPTED
