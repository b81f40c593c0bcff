"""EDIFACT validation: envelope rules (UCI/UCF/UCM codes) and message content against
the D.96A directory (UCS/UCD codes), each on a hand-written interchange."""

from __future__ import annotations

import pytest

from edi_maps.edifact.results import EdifactInterchange
from edi_maps.edifact.validation import ValidationOptions, validate_edifact
from edi_maps.results import SetResult, Status
from tests.edifact_builders import MINIMAL_ORDERS, interchange, message


def only(data: bytes) -> EdifactInterchange:
    result = validate_edifact(data)
    assert not result.errors
    (one,) = result.interchanges
    return one


def first_message(data: bytes) -> SetResult:
    return only(data).groups[0].sets[0]


def findings(result: SetResult) -> list[tuple[str, int, str, list[tuple[int, int | None, str]]]]:
    return [
        (e.segment_id, e.segment_position, e.code,
         [(x.element_position, x.component_position, x.code) for x in e.elements])
        for e in result.errors
    ]  # fmt: skip


def test_a_clean_orders_is_accepted_and_validated_against_d96a() -> None:
    interchange_result = only(
        interchange([message(MINIMAL_ORDERS, identifier="ORDERS:D:96A:UN:EAN008")])
    )
    assert interchange_result.status is Status.ACCEPTED and not interchange_result.errors
    assert interchange_result.version == "UNOC:3"
    (group,) = interchange_result.groups
    assert not group.explicit and group.status is Status.ACCEPTED
    (result,) = group.sets
    assert (result.transaction_set, result.control_number) == ("ORDERS", "1")
    assert result.status is Status.ACCEPTED and result.validated_against == "D96A"
    assert (result.message_version, result.implementation_reference) == ("D:96A:UN", "EAN008")
    assert result.segment_count == 5


# -- interchange (UCI) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "codes"),
    [
        (interchange([message(MINIMAL_ORDERS)], count=2), ["29"]),
        (interchange([message(MINIMAL_ORDERS)], trailer_reference="9999"), ["28"]),
        (interchange([message(MINIMAL_ORDERS)], trailer=False), ["13"]),
        (interchange([]), ["32"]),
        (interchange([message(MINIMAL_ORDERS)], syntax="UNOZ:3"), ["2"]),
        (interchange([message(MINIMAL_ORDERS)], syntax="UNOC:5"), ["2"]),
        (interchange([message(MINIMAL_ORDERS)], sender=""), ["13"]),
        (interchange([message(MINIMAL_ORDERS)], date_time="261131:0930"), ["12"]),
        (interchange([message(MINIMAL_ORDERS)], date_time="20261128:0930"), ["12"]),
        (interchange([message(MINIMAL_ORDERS)], syntax="UNOC:4"), ["12"]),
        (interchange([message(MINIMAL_ORDERS)], reference="123456789012345"), ["39"]),
        (interchange([message(MINIMAL_ORDERS)], tail="++++2"), ["12"]),
        (interchange([message(MINIMAL_ORDERS)], una="UNA:+.?:'"), ["20"]),
    ],
    ids=[
        "unz-count", "unz-reference", "no-unz", "no-message", "unknown-syntax-id",
        "syntax-version-5", "no-sender", "bad-date", "8-digit-date-in-syntax-3",
        "6-digit-date-in-syntax-4", "reference-too-long", "bad-ack-request", "una-not-distinct",
    ],
)  # fmt: skip
def test_envelope_faults_reject_the_interchange(data: bytes, codes: list[str]) -> None:
    result = only(data)
    assert result.status is Status.REJECTED
    assert [e.code for e in result.errors] == codes


def test_syntax_4_wants_an_eight_digit_date_and_allows_repetition() -> None:
    data = interchange([message(MINIMAL_ORDERS)], syntax="UNOC:4", date_time="20261128:0930",
                       una="UNA:+.?*'")  # fmt: skip
    result = only(data)
    assert result.status is Status.ACCEPTED and result.chars.repetition == "*"


def test_a_una_repetition_character_before_syntax_4_is_data_not_a_separator() -> None:
    body = ("BGM+220+PO*1001+9", "DTM+137:20261128:102", "UNS+S")
    result = only(interchange([message(body)], una="UNA:+.?*'"))
    assert result.status is Status.ACCEPTED and result.chars.repetition is None


def test_a_segment_between_messages_is_an_invalid_occurrence() -> None:
    data = interchange([message(MINIMAL_ORDERS), ["FTX+AAI+++STRAY"], message(MINIMAL_ORDERS,
                        reference="2")], count=2)  # fmt: skip
    result = only(data)
    assert [e.code for e in result.errors] == ["33"] and result.status is Status.REJECTED


def test_bytes_after_the_interchange_are_reported_with_their_offset() -> None:
    data = interchange([message(MINIMAL_ORDERS)]) + b"GARBAGE\n"
    result = validate_edifact(data)
    assert [e.code for e in result.errors] == ["33"]
    assert result.errors[0].byte_offset == data.index(b"GARBAGE")


# -- groups (UCF) ----------------------------------------------------------------

UNG = "UNG+ORDERS+SENDER+CROSSDOCK+261128:0930+77+UN+D:96A"


def test_a_group_is_counted_and_its_reference_checked() -> None:
    good = only(interchange(groups=[(UNG, [message(MINIMAL_ORDERS)])]))
    (group,) = good.groups
    assert group.explicit and group.status is Status.ACCEPTED and good.status is Status.ACCEPTED
    assert (group.functional_id, group.control_number, group.version) == ("ORDERS", "77", "D96A")
    bad = interchange(groups=[(UNG, [message(MINIMAL_ORDERS)])]).replace(b"UNE+1+77", b"UNE+3+78")
    assert only(bad).groups[0].codes == ["28", "29"]


def test_groups_and_loose_messages_are_not_mixed() -> None:
    data = interchange(groups=[(UNG, [message(MINIMAL_ORDERS)])]).replace(
        b"UNG+", b"UNH+9+ORDERS:D:96A:UN'\nUNS+S'\nUNT+3+9'\nUNG+"
    )
    assert "30" in [e.code for e in only(data).errors]


def test_a_group_naming_another_message_type_is_refused() -> None:
    ung = UNG.replace("UNG+ORDERS", "UNG+INVOIC")
    group = only(interchange(groups=[(ung, [message(MINIMAL_ORDERS)])])).groups[0]
    assert group.codes == ["12"] and group.status is Status.REJECTED


# -- message envelope (UCM) ------------------------------------------------------


@pytest.mark.parametrize(
    ("segments", "codes"),
    [
        (message(MINIMAL_ORDERS, count=9), ["29"]),
        (message(MINIMAL_ORDERS, trailer_reference="2"), ["28"]),
        (message(MINIMAL_ORDERS)[:-1], ["13"]),
        (message(MINIMAL_ORDERS, identifier="ORDERS:X:XX:UN"), ["12"]),
        (message(MINIMAL_ORDERS, identifier="ORDERS:D"), ["13"]),
    ],
    ids=["unt-count", "unt-reference", "no-unt", "version-not-in-0052", "no-release"],
)
def test_message_envelope_faults_reject_the_message(segments: list[str], codes: list[str]) -> None:
    result = first_message(interchange([segments], count=1))
    assert result.status is Status.REJECTED and result.codes == codes


# "¹" (0xB9 in ISO 8859-1, UNOC) is a digit to str.isdigit() but not to int(): the fuzzer's
# first crash (tests/fixtures/fuzz-crashers/edifact/crash-e86165a2…) was a UNT count of it.
@pytest.mark.parametrize(
    ("old", "new"),
    [(b"UNT+5+1'", b"UNT+5\xb9+1'"), (b"UNT+5+1'", b"UNT+\xb9+1'")],
    ids=["unt-count", "unt-count-alone"],
)
def test_a_count_in_superscript_digits_is_a_finding_not_a_crash(old: bytes, new: bytes) -> None:
    data = interchange([message(MINIMAL_ORDERS)])
    assert old in data
    result = first_message(data.replace(old, new))
    assert result.status is Status.REJECTED and result.codes == ["29"]


def test_envelope_counts_and_versions_in_superscript_digits_are_findings() -> None:
    unz = interchange([message(MINIMAL_ORDERS)]).replace(b"UNZ+1+1001'", b"UNZ+\xb9+1001'")
    assert [e.code for e in only(unz).errors] == ["29"]
    version = interchange([message(MINIMAL_ORDERS)], syntax="UNOC:\xb9")
    assert [e.code for e in only(version).errors] == ["2"]
    une = interchange(groups=[(UNG, [message(MINIMAL_ORDERS)])]).replace(
        b"UNE+1+77", b"UNE+\xb9+77"
    )
    assert only(une).groups[0].codes == ["29"]


def test_a_message_reference_used_twice_is_a_duplicate() -> None:
    data = interchange([message(MINIMAL_ORDERS), message(MINIMAL_ORDERS)])
    first, second = only(data).groups[0].sets
    assert first.status is Status.ACCEPTED
    assert second.codes == ["26"]
    group = only(data).groups[0]
    assert group.status is Status.PARTIALLY_ACCEPTED and group.sets_accepted == 1


def test_an_unbundled_directory_is_checked_at_envelope_level_or_refused_on_request() -> None:
    data = interchange([message(MINIMAL_ORDERS, identifier="ORDERS:D:93A:UN")])
    lenient = first_message(data)
    assert lenient.status is Status.ACCEPTED and lenient.validated_against is None
    strict = validate_edifact(data, ValidationOptions(unsupported_messages="reject"))
    assert strict.interchanges[0].groups[0].sets[0].codes == ["2"]


# -- message content (UCS / UCD) --------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (("BGM+220+PO1001+9", "UNS+S"), [("DTM", 3, "13", [])]),
        (("BGM+220+PO1001+9", "DTM+137:20261128:102", "XYZ+1", "UNS+S"),
         [("XYZ", 4, "15", [])]),
        (("BGM+220+PO1001+9", "DTM+137:20261128:102", "UNS+S", "BGM+220+X+9"),
         [("BGM", 5, "15", [])]),
        (("BGM+220+PO1001+9", *["DTM+137:20261128:102"] * 36, "UNS+S"),
         [("DTM", 38, "35", [])]),
        (("BGM+2200+PO1001+9", "DTM+137:20261128:102", "UNS+S"),
         [("BGM", 2, "39", [(1, 1, "39"), (1, 1, "12")])]),
        (("BGM+220+PO1001+9", "DTM+999:20261128:102", "UNS+S"),
         [("DTM", 3, "12", [(1, 1, "12")])]),
        (("BGM+220+PO1001+9", "DTM+:20261128:102", "UNS+S"),
         [("DTM", 3, "13", [(1, 1, "13")])]),
        (("BGM+220+PO1001+9+AB+X", "DTM+137:20261128:102", "UNS+S"),
         [("BGM", 2, "16", [(5, None, "16")])]),
        (("BGM+220+PO1001+9", "DTM+137:20261128:102:X", "UNS+S"),
         [("DTM", 3, "16", [(1, 4, "16")])]),
        (("BGM+220+PO1001+9", "DTM+137:20261128:102", "UNS+S", "CNT+2:1X"),
         [("CNT", 5, "37", [(1, 2, "37")])]),
        (("BGM+220+PO1001+9", "DTM+137:20261128:102", "UNS+S", "CNT+2:.5"),
         [("CNT", 5, "38", [(1, 2, "38")])]),
        (("BGM+220+PO1001+9", "DTM+137:20261128:102", "UNS+S", "CNT+2:5."),
         [("CNT", 5, "19", [(1, 2, "19")])]),
    ],
    ids=[
        "mandatory-dtm-missing", "unknown-segment", "segment-out-of-order", "dtm-over-35",
        "value-too-long-and-not-a-code", "code-not-in-list", "mandatory-component-missing",
        "too-many-elements", "too-many-components", "letters-in-numeric", "no-digit-before-mark",
        "mark-without-decimals",
    ],
)  # fmt: skip
def test_message_content_findings(
    body: tuple[str, ...], expected: list[tuple[str, int, str, list[tuple[int, int | None, str]]]]
) -> None:
    result = first_message(interchange([message(body)]))
    assert result.status is Status.REJECTED
    assert findings(result) == expected
    assert result.codes == [expected[0][2]]


def test_a_group_repeated_beyond_its_maximum() -> None:
    # SG1 (RFF) of ORDERS D.96A repeats at most 10 times
    body = ("BGM+220+PO1001+9", "DTM+137:20261128:102", *["RFF+ON:1"] * 11, "UNS+S")
    result = first_message(interchange([message(body)]))
    assert findings(result) == [("RFF", 14, "36", [])]


def test_unoa_allows_neither_lower_case_nor_accents() -> None:
    body = ("BGM+220+Po1001+9", "DTM+137:20261128:102", "UNS+S")
    result = first_message(interchange([message(body)], syntax="UNOA:3"))
    assert findings(result) == [("BGM", 2, "21", [(2, None, "21")])]
    assert only(interchange([message(body)], syntax="UNOB:3")).groups[0].sets[0].errors == []


def test_the_decimal_mark_may_be_a_comma_and_numbers_may_be_negative() -> None:
    body = ("BGM+220+PO1001+9", "DTM+137:20261128:102", "UNS+S", "CNT+2:-12,5")
    result = first_message(interchange([message(body)], una="UNA:+,? '"))
    assert result.status is Status.ACCEPTED


def test_a_released_separator_is_data_and_counts_towards_the_length() -> None:
    body = ("BGM+220+PO?+1?:2+9", "DTM+137:20261128:102", "UNS+S")
    assert first_message(interchange([message(body)])).status is Status.ACCEPTED


def test_valid_texts_are_remembered_without_changing_the_verdict() -> None:
    data = interchange([message(MINIMAL_ORDERS, reference=str(n)) for n in range(1, 4)])
    assert [m.status for m in only(data).groups[0].sets] == [Status.ACCEPTED] * 3
    bad = interchange([message(MINIMAL_ORDERS), message(("BGM+2200+PO1001+9",
                      "DTM+137:20261128:102", "UNS+S"), reference="2")])  # fmt: skip
    assert [m.status for m in only(bad).groups[0].sets] == [Status.ACCEPTED, Status.REJECTED]


def test_eancom_codes_are_not_judged_by_the_un_lists_but_service_codes_are() -> None:
    body = ("BGM+50E+PO1001+9", "DTM+137:20261128:102", "UNS+S")
    eancom = "ORDERS:D:96A:UN:EAN008"
    assert first_message(interchange([message(body, identifier=eancom)])).status is Status.ACCEPTED
    plain = first_message(interchange([message(body)]))
    assert findings(plain) == [("BGM", 2, "12", [(1, 1, "12")])]
    bad_section = ("BGM+50E+PO1001+9", "DTM+137:20261128:102", "UNS+Z")
    assert findings(first_message(interchange([message(bad_section, identifier=eancom)]))) == [
        ("UNS", 4, "12", [(1, None, "12")])
    ]


def test_a_syntax_4_sender_may_repeat_what_the_directory_lists_position_by_position() -> None:
    # D.96A lists PIA's C212 at five positions; a syntax-4 sender repeats one instead
    body = ("BGM+220+PO1001+9", "DTM+137:20261128:102", "LIN+1++4000862141404:EN",
            "PIA+1+A:IN*B:SA*C:BP", "UNS+S")  # fmt: skip
    data = interchange([message(body)], syntax="UNOC:4", date_time="20261128:0930",
                       una="UNA:+.?*'")  # fmt: skip
    assert first_message(data).status is Status.ACCEPTED
