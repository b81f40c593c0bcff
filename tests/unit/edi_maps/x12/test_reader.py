"""The streaming tokenizer: delimiters from the ISA, formatting tolerated, offsets kept."""

from __future__ import annotations

import io

import pytest

from edi_maps.errors import NotEdiError
from edi_maps.x12.reader import X12Reader
from edi_maps.x12.segments import Garbage, Isa, SegmentBatch
from tests.x12_builders import MINIMAL_850, interchange, isa


def tags(data: bytes, **kwargs: int) -> list[str]:
    return [segment.tag for segment in X12Reader(data, **kwargs)]


def elements(data: bytes) -> list[list[str]]:
    return [segment.elements for segment in X12Reader(data)]


BASIC = interchange([("PO", "004010", [MINIMAL_850])])
BASIC_TAGS = ["ISA", "GS", "ST", "BEG", "PO1", "CTT", "SE", "GE", "IEA"]


def test_reads_segments_and_elements() -> None:
    segments = elements(BASIC)
    assert [s[0] for s in segments] == BASIC_TAGS
    assert segments[3] == ["BEG", "00", "SA", "PO1001", "", "20261128"]


def test_isa_is_split_on_its_own_separator_with_sixteen_elements() -> None:
    first = next(iter(X12Reader(BASIC)))
    assert len(first.elements) == 17
    assert first.element(16) == ">"
    assert first.element(6) == "SENDER         "


@pytest.mark.parametrize(
    ("element", "terminator"),
    [("*", "~"), ("|", "~"), ("\x7f", "\x15"), ("~", "\n"), ("*", "\r"), ("+", "'"), ("^", "$")],
)
def test_any_delimiters_come_from_the_isa(element: str, terminator: str) -> None:
    data = interchange([("PO", "004010", [MINIMAL_850])], element=element, terminator=terminator)
    segments = list(X12Reader(data))
    assert [s.tag for s in segments] == BASIC_TAGS
    assert segments[0].delimiters.element == element
    assert segments[0].delimiters.segment == terminator
    assert segments[4].element(4) == "9.5"


@pytest.mark.parametrize("after", ["\n", "\r\n", "", "\n    ", "\r\n\t"])
def test_line_breaks_and_indentation_after_terminators_are_formatting(after: str) -> None:
    data = interchange([("PO", "004010", [MINIMAL_850])], terminator="~" + after)
    assert tags(data) == BASIC_TAGS
    assert elements(data)[3][3] == "PO1001"


def test_bom_and_leading_whitespace_are_skipped() -> None:
    data = b"\xef\xbb\xbf \r\n\t" + BASIC
    segments = list(X12Reader(data))
    assert [s.tag for s in segments] == BASIC_TAGS
    assert segments[0].offset == 7


def test_file_wrapped_at_80_columns_reads_like_the_unwrapped_one() -> None:
    flat = BASIC.replace(b"\n", b"")
    wrapped = b"\n".join(flat[i : i + 80] for i in range(0, len(flat), 80))
    assert elements(wrapped) == elements(flat)


def test_several_interchanges_with_different_delimiters() -> None:
    first = interchange([("PO", "004010", [MINIMAL_850])], control="000000001")
    second = interchange(
        [("PO", "004010", [MINIMAL_850])], control="000000002", element="|", terminator="!\n"
    )
    items = list(X12Reader(first + second).items())
    headers = [i for i in items if isinstance(i, Isa)]
    assert [h.delimiters.element for h in headers] == ["*", "|"]
    assert [h.elements[13] for h in headers] == ["000000001", "000000002"]
    assert tags(first + second) == BASIC_TAGS * 2


def test_repetition_separator_from_isa11_since_00402() -> None:
    data = interchange([("PO", "005010", [MINIMAL_850])], version="00501", isa11="^")
    first = next(iter(X12Reader(data)))
    assert first.delimiters.repetition == "^"
    old = next(iter(X12Reader(interchange([("PO", "004010", [MINIMAL_850])]))))
    assert old.delimiters.repetition is None


def test_components_and_repetitions_are_split_on_demand() -> None:
    data = interchange(
        [
            (
                "PO",
                "005010",
                [("850", "BEG*00*SA*PO1**20261128", "REF*ZZ*A*B*X>1>Y>2", "N9*ZZ*1^2^3")],
            )
        ],
        version="00501",
        isa11="^",
    )
    segments = {s.tag: s for s in X12Reader(data)}
    assert segments["REF"].components(4) == ["X", "1", "Y", "2"]
    assert segments["N9"].repetitions(2) == ["1", "2", "3"]
    assert segments["N9"].element(9) == ""


def test_offsets_are_byte_offsets_of_each_tag() -> None:
    data = b"\xef\xbb\xbf" + interchange([("PO", "004010", [MINIMAL_850])], terminator="~\r\n  ")
    for segment in X12Reader(data):
        assert data[segment.offset : segment.offset + len(segment.tag)].decode() == segment.tag


@pytest.mark.parametrize("chunk_size", [7, 64, 333, 4096])
def test_chunk_boundaries_do_not_change_the_result(chunk_size: int) -> None:
    data = interchange([("PO", "004010", [MINIMAL_850] * 20)]) * 3
    whole = [(s.tag, s.elements, s.offset) for s in X12Reader(data)]
    streamed = [
        (s.tag, s.elements, s.offset) for s in X12Reader(io.BytesIO(data), chunk_size=chunk_size)
    ]
    assert streamed == whole
    assert len(whole) == 3 * (4 + 20 * 5)  # ISA GS GE IEA + 20 × (ST BEG PO1 CTT SE)


def test_missing_terminator_after_the_last_segment_is_tolerated() -> None:
    data = BASIC.rstrip(b"~\n")
    assert tags(data) == BASIC_TAGS


def test_ebcdic_interchange_is_decoded() -> None:
    text = BASIC.decode("latin-1").replace("~\n", "\x85")
    data = text.encode("cp037")
    assert tags(data) == BASIC_TAGS


def test_bytes_after_the_last_iea_are_reported_as_garbage() -> None:
    items = list(X12Reader(BASIC + b"1r\n").items())
    garbage = [i for i in items if isinstance(i, Garbage)]
    assert len(garbage) == 1
    assert garbage[0].text.strip() == "1r"
    assert garbage[0].offset == len(BASIC)


def test_a_new_isa_ends_an_interchange_that_lacks_its_iea() -> None:
    truncated = BASIC[: BASIC.index(b"IEA")]
    items = list(X12Reader(truncated + BASIC).items())
    assert sum(isinstance(i, Isa) for i in items) == 2
    first_body = [s[0] for i in items[:3] if isinstance(i, SegmentBatch) for s in i.segments]
    assert "IEA" not in first_body


@pytest.mark.parametrize("data", [b"", b"   ", b"hello world", b"UNB+UNOA:1+X+Y'", b"\x00\x01\x02"])
def test_input_that_is_not_x12_gives_one_clear_error(data: bytes) -> None:
    with pytest.raises(NotEdiError, match="not X12"):
        list(X12Reader(data))


def test_an_isa_too_short_to_parse_is_garbage_not_a_crash() -> None:
    items = list(X12Reader(b"ISA*00*short~").items())
    assert len(items) == 1 and isinstance(items[0], Garbage)


def test_segment_text_value_offsets_survive_a_bad_isa_before_a_good_one() -> None:
    data = b"ISA*00*broken~\n" + BASIC
    items = list(X12Reader(data).items())
    assert isinstance(items[0], Garbage)
    header = next(i for i in items if isinstance(i, Isa))
    assert header.offset == data.index(BASIC)


def test_isa_builder_is_fixed_width() -> None:
    assert len(isa()) == 105  # ISA16 is the last character; the terminator follows


@pytest.mark.parametrize("after", ["", "\n", "\r\n  "])
def test_set_headers_are_located_at_their_exact_offsets(after: str) -> None:
    data = interchange([("PO", "004010", [MINIMAL_850] * 3)], terminator="~" + after)
    data = data.replace(
        b"BEG*00*SA*PO1001", b"BEG*00*SA*ST*850*0002", 1
    )  # an ST look-alike inside data
    for item in X12Reader(io.BytesIO(data), chunk_size=64).items():
        if isinstance(item, SegmentBatch):
            for index, text in enumerate(item.segments):
                if text.startswith("ST*"):
                    assert item.locate_set_header(index) == item.offset(index)
                    assert data[item.offset(index) : item.offset(index) + 3] == b"ST*"
