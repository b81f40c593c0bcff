"""The streaming EDIFACT tokenizer: service characters per interchange, release
characters, formatting dropped, chunk boundaries, garbage and offsets."""

from __future__ import annotations

import io
import re
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from edi_maps.edifact.reader import EdifactReader
from edi_maps.edifact.segments import Garbage, Item, Segment, Una, split_segment
from edi_maps.edifact.service import ServiceChars
from edi_maps.errors import EdiError, NotEdiError
from tests.conftest import requires_samples, sample_files, sample_id

MESSAGE = (
    "UNH+1+ORDERS:D:96A:UN:EAN008'BGM+220+PO1+9'DTM+137:20261128:102'"
    "NAD+BY+5412345000013::9'LIN+1++5412345678908:EN'QTY+21:10'UNS+S'CNT+2:1'UNT+9+1'"
)
UNB = "UNB+UNOC:3+SENDER:14+RECEIVER:14+261128:1200+42'"
UNZ = "UNZ+1+42'"
BASIC = UNB + MESSAGE + UNZ
BASIC_TAGS = ["UNB", "UNH", "BGM", "DTM", "NAD", "LIN", "QTY", "UNS", "CNT", "UNT", "UNZ"]


def items(data: str | bytes, chunk_size: int = 1 << 17) -> list[Item]:
    raw = data.encode("latin-1") if isinstance(data, str) else data
    return list(EdifactReader(raw, chunk_size=chunk_size).items())


def segments(data: str | bytes, chunk_size: int = 1 << 17) -> list[Segment]:
    return [item for item in items(data, chunk_size) if isinstance(item, Segment)]


def tags(data: str | bytes, chunk_size: int = 1 << 17) -> list[str]:
    return [segment.tag for segment in segments(data, chunk_size)]


def values(data: str | bytes, chunk_size: int = 1 << 17) -> list[list[list[str]]]:
    """Each segment as rows: [tag], then each element's components (first repetition),
    with the characters in force from the reader's Una items."""
    chars = ServiceChars()
    rows = []
    for item in items(data, chunk_size):
        if isinstance(item, Una):
            chars = item.chars
        elif isinstance(item, Segment):
            rows.append([element[0] for element in split_segment(item.text, chars)])
    return rows


def summary(found: list[Item]) -> list[tuple[str, str, int]]:
    """Every item as (kind, text, offset), to compare readings."""
    return [(type(item).__name__, item.text, item.offset) for item in found]


# -- service characters --------------------------------------------------------------


def test_una_is_yielded_with_its_characters_and_the_segments_follow() -> None:
    data = "UNA:+.? '" + BASIC
    found = items(data)
    assert isinstance(found[0], Una)
    assert found[0].text == "UNA:+.? '"
    assert found[0].offset == 0
    assert found[0].chars == ServiceChars()
    assert tags(data) == BASIC_TAGS


def test_non_default_una_characters_are_used() -> None:
    data = "UNA=*,! ~UNB*UNOA=3*S*R*261128=1200*7~UNH*1*ORDERS=D=96A=UN~FTX*AAI***A!~B=C*D~UNZ*0*7~"
    found = items(data)
    una = found[0]
    assert isinstance(una, Una)
    assert (una.chars.component, una.chars.element, una.chars.decimal) == ("=", "*", ",")
    assert (una.chars.release, una.chars.segment) == ("!", "~")
    assert values(data)[2] == [["FTX"], ["AAI"], [""], [""], ["A~B", "C"], ["D"]]


def test_without_una_a_level_a_advice_is_synthesised_at_the_unb() -> None:
    found = items("\r\n  " + BASIC)
    una = found[0]
    assert isinstance(una, Una)
    assert una.text == ""
    assert una.offset == 4  # the UNB's
    assert una.chars == ServiceChars.level_a(3)
    assert una.chars.repetition is None


def test_syntax_version_4_without_una_has_the_repetition_separator() -> None:
    data = "UNB+UNOC:4+S+R+20261128:1200+1'UNH+1+X'LOC+11+A*B:C'UNT+3+1'UNZ+1+1'"
    una = items(data)[0]
    assert isinstance(una, Una)
    assert una.chars.repetition == "*"
    loc = segments(data)[2]
    assert split_segment(loc.text, una.chars)[2] == [["A"], ["B", "C"]]


@pytest.mark.parametrize(("s001", "repetition"), [("UNOA:1", None), ("UNOA:2", None),
                                                  ("UNOA:3", None), ("UNOA:4", "*"),
                                                  ("UNOA", None), ("UNOA:X", None),
                                                  ("UNOA:\xb9", None)])  # fmt: skip
def test_syntax_versions_1_to_4(s001: str, repetition: str | None) -> None:
    una = items(f"UNB+{s001}+S+R+261128:1200+1'UNZ+0+1'")[0]
    assert isinstance(una, Una)
    assert una.chars.repetition == repetition


def test_level_b_defaults_when_the_unb_uses_is3() -> None:
    data = (
        "UNB\x1dUNOB\x1f3\x1dS\x1dR\x1d261128\x1f1200\x1d1\x1c"
        "UNH\x1d1\x1dORDERS\x1fD\x1f96A\x1fUN\x1c"
        "FTX\x1dAAI\x1d\x1d\x1dWhat?+'\x1c"
        "UNT\x1d3\x1d1\x1cUNZ\x1d1\x1d1\x1c"
    )
    una = items(data)[0]
    assert isinstance(una, Una)
    assert una.chars == ServiceChars.level_b()
    assert tags(data) == ["UNB", "UNH", "FTX", "UNT", "UNZ"]
    assert values(data)[2][4] == ["What?+'"]  # no release character at level B


# -- release characters --------------------------------------------------------------

RELEASES = (
    "UNA:+.? 'UNB+UNOA:3+S+R+261128:1200+1'UNH+1+X'"
    "FTX+AAI+++NO MORE ?' FLIGHTS'"  # a released terminator
    "FTX+AAI+++TWO??'"  # a released release character, then a real terminator
    "FTX+AAI+++THREE???'+NEXT'"  # a released release, then a released terminator
    "FTX+AAI+++A?+B?:C'"  # released separators
    "FTX+AAI+++END?''"  # a released terminator at the end of a value
    "UNT+7+1'UNZ+1+1'"
)
RELEASE_TAGS = ["UNB", "UNH", "FTX", "FTX", "FTX", "FTX", "FTX", "UNT", "UNZ"]


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 8, 13, 64, 1 << 17])
def test_release_characters_at_any_chunk_boundary(chunk_size: int) -> None:
    assert tags(RELEASES, chunk_size) == RELEASE_TAGS
    rows = values(RELEASES, chunk_size)
    assert rows[2][4] == ["NO MORE ' FLIGHTS"]
    assert rows[3][4] == ["TWO?"]
    assert rows[4][4:] == [["THREE?'"], ["NEXT"]]
    assert rows[5][4] == ["A+B:C"]
    assert rows[6][4] == ["END'"]


@pytest.mark.parametrize("after", ["", "\n", "\r\n"])
def test_released_terminators_with_line_breaks_after_segments(after: str) -> None:
    data = RELEASES.replace("'", "'" + after).replace("?'" + after, "?'")
    assert tags(data) == RELEASE_TAGS
    assert values(data)[2][4] == ["NO MORE ' FLIGHTS"]


def test_segment_text_keeps_release_characters() -> None:
    ftx = segments(RELEASES)[2]
    assert ftx.text == "FTX+AAI+++NO MORE ?' FLIGHTS"


def test_release_character_before_a_line_break_and_the_terminator() -> None:
    # Line breaks are formatting: "?" LF "'" is a released terminator.
    data = "UNB+UNOA:3+S+R+261128:1200+1'\nFTX+A+B?\n'C'\nUNZ+1+1'\n"
    assert values(data)[1] == [["FTX"], ["A"], ["B'C"]]


def test_custom_release_character() -> None:
    data = "UNA:+.!*'UNB+UNOB:3+ + +231103:1214+3'FTX+ZZZ+++I!'ve a!:dream!!'UNZ+1+3'"
    assert values(data)[1][4] == ["I've a:dream!"]


def test_no_release_character() -> None:
    data = "UNA:+.  'UNB+UNOA:3+S+R+261128:1200+1'FTX+AAI+++WHY?'UNZ+1+1'"
    assert values(data)[1][4] == ["WHY?"]


@pytest.mark.parametrize("chunk_size", [1, 2, 5, 1 << 17])
def test_a_release_character_that_is_the_terminator_releases_nothing(chunk_size: int) -> None:
    data = "UNA:+.' 'UNB+UNOA:3+S+R+1+1'FTX+A''B'''UNZ+1+1'"  # an invalid UNA
    una = items(data)[0]
    assert isinstance(una, Una)
    assert una.chars.problems()  # validation reports it
    assert tags(data, chunk_size) == ["UNB", "FTX", "B", "UNZ"]


# -- chunk boundaries -------------------------------------------------------------------

FORMATTED = (
    "\ufeff\r\n  UNA:+.? '\r\n" + BASIC.replace("'", "'\r\n") + "UNA:|.? '\nUNB|UNOB:1|S|R|1|2'\n"
)


@pytest.mark.parametrize("chunk_size", range(1, 40))
def test_every_chunk_size_reads_the_same(chunk_size: int) -> None:
    data = FORMATTED.encode("utf-8")
    assert summary(items(data, chunk_size)) == summary(items(data))


def test_segments_spanning_chunk_boundaries() -> None:
    long_value = "X" * 5000
    data = UNB + f"FTX+AAI+++{long_value}'" + UNZ
    for chunk_size in (7, 100, 4096):
        ftx = segments(data, chunk_size)[1]
        assert ftx.text == f"FTX+AAI+++{long_value}"
        assert ftx.offset == len(UNB)


class Trickle(io.RawIOBase):
    """A stream that returns at most ``step`` bytes per read, as a pipe may."""

    def __init__(self, data: bytes, step: int) -> None:
        self._data = data
        self._step = step

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        step = self._step if size < 0 else min(self._step, size)
        out, self._data = self._data[:step], self._data[step:]
        return out


def test_short_reads_from_a_stream_are_not_the_end() -> None:
    data = FORMATTED.encode("utf-8")
    found = list(EdifactReader(Trickle(data, 3), chunk_size=64).items())  # type: ignore[arg-type]
    assert summary(found) == summary(items(data))


# -- several interchanges ---------------------------------------------------------------


def test_several_interchanges_each_with_its_own_una() -> None:
    second = "UNA:|.? ~UNB|UNOB:1|S|R|1|2~UNH|1|X~FTX|A|B:C?~D~UNT|3|1~UNZ|1|2~"
    data = "UNA:+.? '\n" + BASIC + "\n" + second
    found = items(data)
    unas = [item for item in found if isinstance(item, Una)]
    assert [u.text for u in unas] == ["UNA:+.? '", "UNA:|.? ~"]
    assert unas[1].offset == data.index("UNA:|")
    assert tags(data) == [*BASIC_TAGS, "UNB", "UNH", "FTX", "UNT", "UNZ"]
    assert values(data)[-3] == [["FTX"], ["A"], ["B", "C~D"]]


def test_a_new_una_ends_an_interchange_that_lost_its_unz() -> None:
    first = UNB + MESSAGE  # no UNZ
    second = "UNA:|.? 'UNB|UNOB:1|S|R|1|2'UNH|1|X'UNT|2|1'UNZ|1|2'"
    data = first + "\n" + second
    found = items(data)
    assert [type(i).__name__ for i in found].count("Una") == 2
    assert tags(data) == [*BASIC_TAGS[:-1], "UNB", "UNH", "UNT", "UNZ"]
    assert values(data)[-3] == [["UNH"], ["1"], ["X"]]


def test_a_new_unb_ends_an_interchange_that_lost_its_unz() -> None:
    data = "UNA:+.? '\nUNB+++++4'\n" + BASIC
    found = items(data)
    unas = [item for item in found if isinstance(item, Una)]
    assert [(u.text, u.offset) for u in unas] == [("UNA:+.? '", 0), ("", data.index("UNB+UNOC"))]
    assert tags(data) == ["UNB", *BASIC_TAGS]


def test_a_unb_without_una_keeps_the_previous_interchanges_separators() -> None:
    # One UNA for the file: the second UNB uses '|', which no syntax level has.
    data = "UNA:|.? 'UNB|UNOA:3|S|R|1|1'UNZ|0|1'UNB|UNOA:3|S|R|1|2'UNH|1|X'UNZ|0|2'"
    unas = [item for item in items(data) if isinstance(item, Una)]
    assert len(unas) == 2
    assert unas[1].text == ""
    assert unas[1].chars.element == "|"
    assert values(data)[-2] == [["UNH"], ["1"], ["X"]]


def test_unb_or_unz_inside_a_value_is_data() -> None:
    data = UNB + "FTX+AAI+UNB+UNZ+X?'UNB+Y'FTX+AAI+UNA:+.? '" + UNZ
    assert tags(data) == ["UNB", "FTX", "FTX", "UNZ"]


def test_a_missing_unz_at_the_end_just_stops() -> None:
    assert tags(UNB + MESSAGE) == BASIC_TAGS[:-1]


def test_a_last_segment_without_terminator() -> None:
    data = UNB + MESSAGE + "UNZ+1+42\r\n"
    assert segments(data)[-1].text == "UNZ+1+42"


# -- formatting ---------------------------------------------------------------------------


@pytest.mark.parametrize("after", ["", "\n", "\r\n", "\r", "\n\n", "\r\n  ", "\n\t"])
def test_line_breaks_and_indentation_after_terminators_are_formatting(after: str) -> None:
    data = ("UNA:+.? '" + BASIC).replace("'", "'" + after)
    assert tags(data) == BASIC_TAGS
    assert values(data)[3] == [["DTM"], ["137", "20261128", "102"]]


def test_line_breaks_inside_segments_are_formatting() -> None:
    data = UNB + "NAD+BY+54123450\r\n00013::9++ACME\nCORP'" + UNZ
    nad = segments(data)[1]
    assert nad.text == "NAD+BY+5412345000013::9++ACMECORP"


def test_a_line_feed_terminator_is_not_formatting() -> None:
    data = "UNA:+.? \nUNB+UNOA:3+S+R+261128:1200+1\r\nUNH+1+X\r\nFTX+A+B?\nC\nUNZ+1+1\n"
    assert tags(data) == ["UNB", "UNH", "FTX", "UNZ"]
    assert values(data)[2] == [["FTX"], ["A"], ["B\nC"]]


def test_a_bom_and_blanks_before_the_una_are_skipped() -> None:
    data = ("\ufeff \r\n" + "UNA:+,? '" + BASIC).encode("utf-8")
    found = items(data)
    assert isinstance(found[0], Una)
    assert found[0].offset == 6
    assert found[0].chars.decimal == ","


def test_offsets_point_at_each_segments_tag() -> None:
    data = ("\ufeff UNA:+.? '\r\n" + RELEASES[9:].replace("'", "'\r\n  ")).encode("utf-8")
    for segment in segments(data):
        assert data[segment.offset : segment.offset + 3].decode() == segment.tag


def test_iterating_the_reader_gives_only_segments() -> None:
    data = ("UNA:+.? '" + BASIC + "JUNK").encode()
    assert [s.tag for s in EdifactReader(data)] == BASIC_TAGS


def test_odd_tags_are_cut_at_the_first_separator() -> None:
    data = UNB + "AB+1'LIN:1+2'ODI'ABCD+3'" + UNZ
    assert tags(data) == ["UNB", "AB", "LIN", "ODI", "ABCD", "UNZ"]


# -- garbage and not EDI --------------------------------------------------------------------


def test_bytes_after_unz_are_garbage_with_their_offset() -> None:
    data = BASIC + "\r\nthis is not EDI\r\n" + BASIC + "\n\n"
    found = items(data)
    garbage = [item for item in found if isinstance(item, Garbage)]
    assert [(g.text.strip(), g.offset) for g in garbage] == [
        ("this is not EDI", data.index("this"))
    ]
    assert tags(data) == BASIC_TAGS * 2


def test_segments_after_unz_without_a_new_unb_are_garbage() -> None:
    data = BASIC + "UNH+2+X'UNT+2+2'"
    found = items(data)
    assert isinstance(found[-1], Garbage)
    assert found[-1].text == "UNH+2+X'UNT+2+2'"


def test_a_unb_that_no_syntax_level_explains_is_garbage() -> None:
    data = BASIC + "UNB*UNOA:3*S*R'UNZ*0*1'"
    found = items(data)
    assert isinstance(found[-1], Garbage)
    assert found[-1].offset == len(BASIC)


@pytest.mark.parametrize("size", [10, 300_000, 600_003])
@pytest.mark.parametrize("chunk_size", [997, 1 << 17])
def test_long_garbage_comes_in_bounded_pieces_and_the_next_interchange_is_found(
    size: int, chunk_size: int
) -> None:
    junk = ("NOISE UN UNX UNBEATEN\n" * (size // 22 + 1))[:size]
    data = BASIC + junk + BASIC
    found = items(data, chunk_size)
    garbage = [item for item in found if isinstance(item, Garbage)]
    assert "".join(g.text for g in garbage) == junk
    assert [g.offset for g in garbage] == [
        len(BASIC) + sum(len(g.text) for g in garbage[:i]) for i in range(len(garbage))
    ]
    assert max(len(g.text) for g in garbage) <= 1 << 18
    assert len(garbage) == 1 + (size - 1) // (1 << 18)
    assert tags(data, chunk_size) == BASIC_TAGS * 2


def test_a_first_unb_that_no_syntax_level_explains_is_garbage() -> None:
    found = items("UNB*UNOA:3*S*R'UNZ*0*1'")
    assert len(found) == 1
    assert isinstance(found[0], Garbage)


def test_trailing_blanks_and_padding_are_not_garbage() -> None:
    found = items(BASIC + "\r\n \x1a\x00")
    assert not [item for item in found if isinstance(item, Garbage)]


@pytest.mark.parametrize(
    "data",
    [b"", b"   \r\n", b"ISA*00*", b"<?xml version='1.0'?>", b"UNBEATABLE PRICES", b"UNH+1+X'"],
)
def test_input_that_is_not_edifact_is_refused_with_one_line(data: bytes) -> None:
    with pytest.raises(NotEdiError) as raised:
        list(EdifactReader(data).items())
    message = str(raised.value)
    assert message.startswith("not EDIFACT")
    assert "\n" not in message
    assert isinstance(raised.value, EdiError)


def test_chunk_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        EdifactReader(b"", chunk_size=0)


# -- memory -----------------------------------------------------------------------------------


class GeneratedInterchange(io.RawIOBase):
    """An interchange of ``messages`` messages, produced as it is read."""

    def __init__(self, messages: int) -> None:
        self._parts: Iterator[bytes] = self._generate(messages)
        self._pending = b""

    @staticmethod
    def _generate(messages: int) -> Iterator[bytes]:
        yield ("UNA:+.? '\n" + UNB + "\n").encode()
        body = MESSAGE.replace("'", "'\n") + "FTX+AAI+++O?'NEILL ?+ SONS'\n"
        for _ in range(messages):
            yield body.encode()
        yield f"UNZ+{messages}+42'\n".encode()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        pending = bytearray(self._pending)
        while len(pending) < len(buffer):
            part = next(self._parts, None)
            if part is None:
                break
            pending += part
        size = min(len(buffer), len(pending))
        buffer[:size] = pending[:size]
        self._pending = bytes(pending[size:])
        return size


def test_memory_stays_bounded_whatever_the_input_size() -> None:
    messages = 20_000  # ~3.5 MB
    stream = io.BufferedReader(GeneratedInterchange(messages), 1 << 16)
    tracemalloc.start()
    try:
        count = sum(1 for _ in EdifactReader(stream, chunk_size=1 << 16))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 2 + 10 * messages
    assert peak < 2_000_000  # a few 64 KiB chunks and their segments, not the input


# -- the sample corpus ------------------------------------------------------------------------

FILES = sample_files("edifact/*/*")
TAG = re.compile("[A-Z][A-Z0-9]{2}")


@requires_samples
@pytest.mark.parametrize("path", FILES, ids=[sample_id(p) for p in FILES])
def test_every_sample_reads_into_segments_with_tags(path: Path) -> None:
    data = path.read_bytes()
    found = items(data)
    assert isinstance(found[0], Una)
    read = [item for item in found if isinstance(item, Segment)]
    assert read
    for segment in read:
        assert TAG.fullmatch(segment.tag), segment
        assert data[segment.offset : segment.offset + 3].decode("latin-1") == segment.tag
    assert not [item for item in found if isinstance(item, Garbage)]
    for chunk_size in (1, 7, 256):
        assert summary(items(data, chunk_size)) == summary(found)
