"""Set structure against the 850 definition: each AK3 segment code, loops, positions, loop ids."""

from __future__ import annotations

from edi_maps.x12.results import SegmentError, Status
from edi_maps.x12.validation import ValidationOptions, validate_x12
from tests.x12_builders import interchange

HEADER = ("850", "BEG*00*SA*PO1**20261128")
LINE = ("PO1*1*10*EA*9.5**VP*W-1",)
TRAILER = ("CTT*1",)


def errors_of(*body: str, version: str = "004010") -> list[SegmentError]:
    control = "00501" if version >= "005010" else "00401"
    data = interchange([("PO", version, [(HEADER[0], *body)])], version=control)
    result_set = validate_x12(data).interchanges[0].groups[0].sets[0]
    if result_set.errors:
        assert result_set.status is Status.REJECTED and "5" in result_set.codes
    return result_set.errors


def codes(errors: list[SegmentError]) -> list[tuple[str, int, str]]:
    return [(e.segment_id, e.segment_position, e.code) for e in errors]


def test_a_valid_850_has_no_findings() -> None:
    assert (
        errors_of(
            HEADER[1],
            "CUR*BY*USD",
            "N1*ST*DC EAST*92*0001",
            "N3*1 MAIN ST",
            "N4*SPRINGFIELD*IL*62701",
            *LINE,
            "PID*F****WIDGET",
            *LINE,
            *TRAILER,
        )
        == []
    )


def test_unrecognized_segment_id_is_code_1() -> None:
    assert codes(errors_of(HEADER[1], "ZZZ*1", *LINE, *TRAILER)) == [("ZZZ", 3, "1")]


def test_segment_whose_loop_is_not_open_is_code_2() -> None:
    assert codes(errors_of(HEADER[1], "N3*1 MAIN ST", *LINE, *TRAILER)) == [("N3", 3, "2")]


def test_missing_mandatory_segment_and_loop_are_code_3() -> None:
    found = codes(errors_of(HEADER[1], *TRAILER))
    assert found == [("PO1", 3, "3")]
    assert codes(errors_of(*LINE, *TRAILER)) == [("BEG", 2, "3")]


def test_loop_over_its_maximum_is_code_4() -> None:
    found = errors_of(HEADER[1], *LINE, "CTT*1", "CTT*1")
    assert codes(found) == [("CTT", 5, "4")]
    assert found[0].loop_id == "CTT"


def test_segment_over_its_maximum_use_is_code_5() -> None:
    assert codes(errors_of(HEADER[1], "CUR*BY*USD", "CUR*BY*USD", *LINE, *TRAILER)) == [
        ("CUR", 4, "5")
    ]


def test_segment_of_another_transaction_set_is_code_6() -> None:
    assert codes(errors_of(HEADER[1], "BIG*20261128*INV1", *LINE, *TRAILER)) == [("BIG", 3, "6")]


def test_segment_out_of_sequence_is_code_7() -> None:
    assert codes(errors_of(HEADER[1], *LINE, "BEG*00*SA*PO2**20261128", *TRAILER)) == [
        ("BEG", 4, "7")
    ]


def test_element_errors_are_code_8_with_ak4_details_and_loop_id() -> None:
    (error,) = errors_of(HEADER[1], "PO1*1*10*EACH*9.5**VP*W-1", *TRAILER)
    assert (error.segment_id, error.segment_position, error.code, error.loop_id) == (
        "PO1",
        3,
        "8",
        "PO1",
    )
    assert [
        (e.element_position, e.code, e.element_reference, e.bad_value) for e in error.elements
    ] == [(3, "5", "355", "EACH")]


def test_every_error_of_a_set_is_collected() -> None:
    found = errors_of("BEG*00*SA*PO1**20261399", "ZZZ", "PO1*1*1*EA*1**VP", "BEG*00", *TRAILER)
    assert [e.code for e in found] == ["8", "1", "8", "7"]
    assert [(e.element_position, e.code) for e in found[0].elements] == [(5, "8")]
    assert [(e.element_position, e.code) for e in found[2].elements] == [(7, "2")]


def test_005010_repeating_and_component_codes() -> None:
    data = interchange(
        [("PO", "005010", [(*HEADER, "REF*ZZ*A^B", *LINE, *TRAILER)])], version="00501", isa11="^"
    )
    (error,) = validate_x12(data).interchanges[0].groups[0].sets[0].errors
    assert [(e.element_position, e.code) for e in error.elements] == [(2, "12")]


def test_on_set_receives_each_finished_set_with_its_segments() -> None:
    seen: list[tuple[str, list[str]]] = []
    data = interchange([("PO", "004010", [(*HEADER, *LINE, *TRAILER)] * 2)])
    validate_x12(
        data, on_set=lambda _i, _g, result, segments: seen.append((result.control_number, segments))
    )
    assert [number for number, _ in seen] == ["0001", "0002"]
    assert seen[0][1] == ["ST*850*0001", HEADER[1], *LINE, *TRAILER, "SE*5*0001"]


def test_a_set_longer_than_the_limit_is_refused_and_not_handed_on() -> None:
    handled: list[str] = []
    body = (*HEADER, *(LINE * 30), *TRAILER)
    data = interchange([("PO", "004010", [body])])
    result = validate_x12(
        data,
        ValidationOptions(max_set_segments=20),
        on_set=lambda _i, _g, r, _s: handled.append(r.control_number),
    )
    result_set = result.interchanges[0].groups[0].sets[0]
    assert result_set.status is Status.REJECTED and "5" in result_set.codes
    assert result_set.segment_count == 34 and handled == []


def test_control_characters_in_data_are_found_in_the_first_chunk_and_later_ones() -> None:
    clean = interchange([("PO", "004010", [(*HEADER, *LINE, *TRAILER)] * 3000)])
    for at in (clean.index(b"PO1*1"), clean.rindex(b"PO1*1")):  # first chunk, and well past it
        data = clean[:at] + clean[at:].replace(b"W-1", b"W\x01-1", 1)
        sets = validate_x12(data).interchanges[0].groups[0].sets
        bad = [s for s in sets if s.errors]
        assert len(bad) == 1
        (error,) = bad[0].errors
        assert [(e.element_position, e.code) for e in error.elements] == [(7, "6")]
