"""Writing EDIFACT segments: releasing service characters, suppressing trailing
empties, and refusing what cannot be written."""

from __future__ import annotations

import pytest

from edi_maps.edifact.reader import EdifactReader
from edi_maps.edifact.segments import Segment, row
from edi_maps.edifact.service import ServiceChars
from edi_maps.edifact.writer import EdifactWriter, UnwritableValue
from edi_maps.errors import EdiError

A = ServiceChars.level_a()


def test_simple_and_composite_elements() -> None:
    writer = EdifactWriter(A)
    assert writer.segment("DTM", ["137", "20261128", "102"]) == "DTM+137:20261128:102'"
    assert writer.segment("BGM", "220", "PO1", "9") == "BGM+220+PO1+9'"


def test_trailing_empty_components_and_elements_are_suppressed() -> None:
    writer = EdifactWriter(A)
    assert writer.segment("NAD", "BY", ["5412345000013", "", "9", ""], "", ["", ""]) == (
        "NAD+BY+5412345000013::9'"
    )
    assert writer.segment("UNS", "S", "", "") == "UNS+S'"
    assert writer.segment("ODI") == "ODI'"
    assert writer.segment("FTX", "AAI", "", "", "TEXT") == "FTX+AAI+++TEXT'"


def test_service_characters_in_values_are_released() -> None:
    writer = EdifactWriter(A)
    text = writer.segment("FTX", "AAI", "", "", ["O'NEILL + SONS: 50?", "a*b"])
    assert text == "FTX+AAI+++O?'NEILL ?+ SONS?: 50??:a*b'"


def test_the_repetition_separator_is_released_when_there_is_one() -> None:
    writer = EdifactWriter(ServiceChars.level_a(4))
    assert writer.segment("FTX", "a*b") == "FTX+a?*b'"


def test_released_values_read_back_unchanged() -> None:
    chars = ServiceChars(component="^", element="*", release="!", repetition="~", segment="$")
    writer = EdifactWriter(chars, "\r\n")
    nasty = ["!^*~$", "end!", "!!", "a$b"]
    text = (
        writer.una()
        + writer.segment("UNB", ["UNOB", "4"], "S", "R")
        + writer.segment("FTX", "X", nasty)
    )
    read = list(EdifactReader(text.encode("latin-1")))
    assert [s.tag for s in read] == ["UNB", "FTX"]
    assert row(read[1].text, chars) == [["FTX"], ["X"], nasty]


def test_una_announces_the_characters_with_the_line_break() -> None:
    chars = ServiceChars(component="=", element="*", decimal=",", repetition="~", segment="'")
    assert EdifactWriter(chars).una() == "UNA=*,?~'"
    assert EdifactWriter(A, "\n").una() == "UNA:+.? '\n"


def test_line_break_after_each_terminator() -> None:
    assert EdifactWriter(A, "\r\n").segment("UNS", "S") == "UNS+S'\r\n"


@pytest.mark.parametrize("line_break", ["x", " ", "\t", "\n\n\x00"])
def test_a_line_break_must_be_cr_or_lf(line_break: str) -> None:
    with pytest.raises(ValueError, match="line_break"):
        EdifactWriter(A, line_break)


def test_a_line_break_may_not_be_a_service_character() -> None:
    with pytest.raises(ValueError, match="line_break"):
        EdifactWriter(ServiceChars(segment="\n"), "\n")
    assert EdifactWriter(ServiceChars(segment="\n")).segment("UNS", "S") == "UNS+S\n"


def test_without_release_character_a_separator_is_unwritable() -> None:
    writer = EdifactWriter(ServiceChars.level_b())
    assert writer.segment("FTX", "A+B?'") == "FTX\x1dA+B?'\x1c"
    with pytest.raises(UnwritableValue) as raised:
        writer.segment("FTX", "A\x1dB")
    assert raised.value.code == "edi.edifact.unwritable"
    assert isinstance(raised.value, EdiError)
    assert "FTX" in str(raised.value)


@pytest.mark.parametrize("value", ["line\nbreak", "carriage\rreturn"])
def test_a_line_break_in_a_value_is_unwritable(value: str) -> None:
    with pytest.raises(UnwritableValue, match="line break"):
        EdifactWriter(A).segment("FTX", "AAI", "", "", value)


def test_a_line_break_that_is_a_service_character_is_released() -> None:
    chars = ServiceChars(segment="\n")
    text = EdifactWriter(chars).segment("FTX", "A\nB")
    assert text == "FTX+A?\nB\n"


@pytest.mark.parametrize("tag", ["", "A+B", "AB'", "A\nB"])
def test_a_tag_holding_a_separator_is_unwritable(tag: str) -> None:
    with pytest.raises(UnwritableValue):
        EdifactWriter(A).segment(tag, "1")


def test_rows_from_maps() -> None:
    writer = EdifactWriter(A)
    assert writer.row([["QTY"], ["21", "10", "PCE"]]) == "QTY+21:10:PCE'"
    assert writer.row([["LIN"], ["1"], [""], ["5412345678908", "EN"]]) == (
        "LIN+1++5412345678908:EN'"
    )
    with pytest.raises(UnwritableValue):
        writer.row([])


def test_written_segments_are_read_as_segments() -> None:
    writer = EdifactWriter(A, "\n")
    text = writer.segment("UNB", ["UNOC", "3"], "S", "R", ["261128", "1200"], "1") + (
        writer.segment("UNZ", "0", "1")
    )
    read = [s for s in EdifactReader(text.encode()) if isinstance(s, Segment)]
    assert [s.tag for s in read] == ["UNB", "UNZ"]
