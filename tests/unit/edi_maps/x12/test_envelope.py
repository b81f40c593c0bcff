"""Envelope rules: every ISA/IEA/GS/GE fault gets its TA1 note or AK9 code, and the TA1 says so."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from edi_maps.x12.acks import AckBuilder
from edi_maps.x12.results import Status
from edi_maps.x12.validation import validate_x12
from gateway.domain.control_numbers import InMemoryControlNumbers
from tests.fakes import FixedClock
from tests.x12_builders import MINIMAL_850, interchange

GOOD = interchange([("PO", "004010", [MINIMAL_850])])


def isa_field(number: int, value: str) -> Callable[[bytes], bytes]:
    """Replace ISA element ``number`` (1–16) with ``value``."""

    def mutate(data: bytes) -> bytes:
        text = data.decode("latin-1")
        head, rest = text[:106], text[106:]
        parts = head[:-1].split("*")
        parts[number] = value
        return ("*".join(parts) + head[-1] + rest).encode("latin-1")

    return mutate


def replace(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    return lambda data: data.replace(old, new, 1)


TA1_CASES = [
    ("001", replace(b"IEA*1*000000001", b"IEA*1*000000002")),
    ("003", isa_field(12, "00100")),
    ("004", lambda d: d.replace(b"~", b"A")),
    ("005", isa_field(5, "z?")),
    ("006", isa_field(6, " " * 15)),
    ("007", isa_field(7, "z?")),
    ("008", isa_field(8, "RECEIVER")),
    ("010", isa_field(1, "09")),
    ("011", isa_field(2, "SHORT")),
    ("012", isa_field(3, "07")),
    ("013", isa_field(4, "LONGER THAN TEN")),
    ("014", isa_field(9, "261340")),
    ("015", isa_field(10, "2575")),
    ("016", isa_field(11, "X")),
    ("017", isa_field(12, "0040")),
    ("018", isa_field(13, "00000000A")),
    ("019", isa_field(14, "2")),
    ("020", isa_field(15, "Q")),
    ("021", replace(b"IEA*1*", b"IEA*3*")),
    ("022", isa_field(16, ">*EXTRA")),
    ("023", lambda d: d[: d.index(b"IEA")]),
    ("024", replace(b"GS*PO*SENDER*RECEIVER*20261128", b"GS*PO*SENDER*RECEIVER*20261399")),
    ("026", lambda d: d.replace(b"*", b"X")),
    ("027", isa_field(16, "7")),
]


@pytest.mark.parametrize(("note", "mutate"), TA1_CASES, ids=[c[0] for c in TA1_CASES])
def test_every_envelope_fault_rejects_the_interchange_with_its_ta1_note(
    note: str, mutate: Callable[[bytes], bytes]
) -> None:
    result = validate_x12(mutate(GOOD))
    assert result.interchanges, "the interchange must still be reported"
    interchange = result.interchanges[0]
    assert interchange.status is Status.REJECTED
    assert note in [e.code for e in interchange.errors]
    acks = AckBuilder(InMemoryControlNumbers(), FixedClock()).build(interchange)
    assert [a.type for a in acks] == ["TA1"], "a rejected interchange gets a TA1 and no 997"
    ta1 = next(line for line in acks[0].edi.split("~") if line.strip().startswith("TA1"))
    fields = ta1.strip().split("*")
    assert fields[4] == "R"
    assert fields[5] == interchange.errors[0].code


def test_clean_interchange_has_no_envelope_errors_and_no_ta1_unless_asked() -> None:
    interchange_result = validate_x12(GOOD).interchanges[0]
    assert interchange_result.errors == []
    assert interchange_result.status is Status.ACCEPTED
    acks = AckBuilder(InMemoryControlNumbers(), FixedClock()).build(interchange_result)
    assert [a.type for a in acks] == ["997"]


def test_isa14_asks_for_a_ta1_and_gets_an_accepting_one() -> None:
    asked = validate_x12(interchange([("PO", "004010", [MINIMAL_850])], ack_requested="1"))
    acks = AckBuilder(InMemoryControlNumbers(), FixedClock()).build(asked.interchanges[0])
    assert [a.type for a in acks] == ["TA1", "997"]
    assert "TA1*000000001*261128*1200*A*000~" in acks[0].edi


def test_control_numbers_compare_as_numbers_and_ge_count_and_number_are_checked() -> None:
    data = GOOD.replace(b"GE*1*1", b"GE*2*7")
    group = validate_x12(data).interchanges[0].groups[0]
    assert group.codes == ["4", "5"]
    assert group.status is Status.REJECTED
    assert (group.sets_included, group.sets_received, group.sets_accepted) == (2, 1, 0)


def test_missing_ge_is_group_code_3() -> None:
    data = GOOD.replace(b"GE*1*1~\n", b"")
    group = validate_x12(data).interchanges[0].groups[0]
    assert group.codes == ["3"]


def test_se_count_control_number_and_missing_trailer_are_set_codes() -> None:
    wrong_count = validate_x12(GOOD.replace(b"SE*5*0001", b"SE*9*0001"))
    assert wrong_count.interchanges[0].groups[0].sets[0].codes == ["4"]
    wrong_number = validate_x12(GOOD.replace(b"SE*5*0001", b"SE*5*0002"))
    assert wrong_number.interchanges[0].groups[0].sets[0].codes == ["3"]
    missing = validate_x12(GOOD.replace(b"SE*5*0001~\n", b""))
    assert missing.interchanges[0].groups[0].sets[0].codes == ["2"]


def test_duplicate_set_control_number_in_a_group_is_code_23() -> None:
    data = interchange([("PO", "004010", [MINIMAL_850, MINIMAL_850])]).replace(b"0002", b"0001")
    sets = validate_x12(data).interchanges[0].groups[0].sets
    assert [s.codes for s in sets] == [[], ["23"]]


def test_bytes_outside_any_interchange_are_a_file_level_error() -> None:
    result = validate_x12(GOOD + b"1r\n")
    assert [e.code for e in result.errors] == ["022"]
    assert result.interchanges[0].status is Status.ACCEPTED
    assert result.anything_rejected


def test_broken_delimiters_skip_the_body_instead_of_reporting_every_segment() -> None:
    data = GOOD.replace(b"~", b"\xe2\x80\xa6")  # a UTF-8 ellipsis, as pasted by a mail client
    interchange_result = validate_x12(data).interchanges[0]
    assert [e.code for e in interchange_result.errors] == ["004"]
    assert interchange_result.groups == []


def test_received_ta1_is_read_not_acknowledged() -> None:
    text = GOOD.decode().split("~\n")
    ta1_only = "~\n".join([text[0], "TA1*000000050*261127*1200*A*000", "IEA*0*000000001", ""])
    result = validate_x12(ta1_only.encode())
    interchange_result = result.interchanges[0]
    assert interchange_result.status is Status.ACCEPTED
    assert interchange_result.ta1s[0].control_number == "000000050"
    assert interchange_result.ta1s[0].acknowledgment_code == "A"
    assert AckBuilder(InMemoryControlNumbers(), FixedClock()).build(interchange_result) == []
