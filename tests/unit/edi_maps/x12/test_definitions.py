"""The bundled definitions load, hang together, and agree with the codes we send."""

from __future__ import annotations

from typing import Any

import pytest

from edi_maps.errors import DefinitionError
from edi_maps.tables import LoopDef, SegmentUse
from edi_maps.x12 import dictionary_loader as loader
from edi_maps.x12.codes import ELEMENT_CODES, GROUP_CODES, SEGMENT_CODES, SET_CODES
from edi_maps.x12.definitions_index import definition_version, find_definition

VERSIONS = loader.available_versions()


def test_every_version_loads_with_the_sets_the_gateway_exchanges() -> None:
    assert VERSIONS == ["004010", "005010"]
    assert set(loader.load_dictionary("004010").sets) == {"810", "850", "855", "856", "997"}
    assert set(loader.load_dictionary("005010").sets) == {"810", "850", "855", "856", "997", "999"}


def _uses(loop: LoopDef[Any]) -> list[SegmentUse[Any]]:
    found = []
    for child in loop.children:
        found.extend([child] if isinstance(child, SegmentUse) else _uses(child))
    return found


@pytest.mark.parametrize("version", VERSIONS)
def test_every_set_is_a_well_formed_table(version: str) -> None:
    dictionary = loader.load_dictionary(version)
    for definition in dictionary.sets.values():
        uses = _uses(definition.root)
        assert uses[0].tag == "ST" and uses[-1].tag == "SE"
        assert {u.tag for u in uses} == definition.tags
        for use in uses:
            assert dictionary.segments[use.tag] is use.segment


@pytest.mark.parametrize("version", VERSIONS)
def test_syntax_notes_name_positions_that_exist(version: str) -> None:
    for segment in loader.load_dictionary(version).segments.values():
        for note in segment.notes:
            assert max(note.positions) <= len(segment.elements), (segment.tag, str(note))


def test_the_codes_we_send_are_in_the_standards_code_lists() -> None:
    old, new = loader.load_dictionary("004010"), loader.load_dictionary("005010")
    assert set(SEGMENT_CODES) <= (old.elements["720"].codes or set())
    assert set(ELEMENT_CODES) - {"12", "13"} <= (old.elements["723"].codes or set())
    assert set(ELEMENT_CODES) <= (new.elements["723"].codes or set())
    assert set(SET_CODES) <= (old.elements["718"].codes or set())
    assert set(GROUP_CODES) <= (old.elements["716"].codes or set())
    assert set(SEGMENT_CODES) <= (new.elements["620"].codes or set())
    assert set(ELEMENT_CODES) <= (new.elements["621"].codes or set())
    assert set(SET_CODES) <= (new.elements["618"].codes or set())


@pytest.mark.parametrize(
    ("gs08", "expected"),
    [("004010", "004010"), ("004010VICS", "004010"), ("004060", "004010"),
     ("005010X222A1", "005010"), ("006020", None), ("003010", None), ("", None), ("00401", None)],
)  # fmt: skip
def test_definition_version_for_a_gs08(gs08: str, expected: str | None) -> None:
    assert definition_version(gs08) == expected


def test_sets_without_a_definition_are_not_found() -> None:
    assert find_definition("850", "004010") is not None
    assert find_definition("940", "004010") is None
    assert find_definition("850", "003010") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("353 XX 2 2 Purpose", "bad type"),
        ("353 ID 3 2 Purpose", "min 3 above max 2"),
        ("353 ID 2 2", "expected"),
    ],
)
def test_malformed_element_lines_are_refused(text: str, message: str) -> None:
    with pytest.raises(DefinitionError, match=message):
        loader._parse_elements(text, "test.elements", loader._RawVersion())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("BEG Beginning\n  353 Q\n", "expected"),
        ("beg lower\n  353 M\n", "bad identifier"),
        ("  353 M\n", "before any header"),
        ("BEG Beginning\n  353 M\n  syntax Z0102\n", "bad syntax note"),
        ("BEG Beginning\n  353 M >0\n", "bad repeat"),
    ],
)
def test_malformed_segment_definitions_are_refused(text: str, message: str) -> None:
    with pytest.raises(DefinitionError, match=message):
        loader._parse_structures(text, "test.segments", {}, composite=False)


def test_a_segment_defined_twice_is_refused() -> None:
    with pytest.raises(DefinitionError, match="defined twice"):
        loader._parse_structures("ST One\n  143 M\nST Two\n  143 M\n", "x", {}, composite=False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("set 850 PO Purchase Order\nBEG M 1\nSE M 1\n", "starts with ST"),
        ("set 850 PO Purchase Order\nST M 1\nloop N1 200\n  N1 O 1\nSE M 1\n", "has no 'end'"),
        ("set 850 PO Purchase Order\nST M 1\nend\nSE M 1\n", "'end' without 'loop'"),
        ("set 850 PO Purchase Order\nST M 1\nZZZ O 1\nSE M 1\n", "not defined"),
        ("set 855 PR Wrong\nST M 1\nSE M 1\n", "must name set 850"),
    ],
)
def test_malformed_set_tables_are_refused(text: str, message: str) -> None:
    segments = loader.load_dictionary("004010").segments
    with pytest.raises(DefinitionError, match=message):
        loader._parse_set("004010", "850", loader._lines(text), segments)


def test_an_unknown_version_is_refused() -> None:
    with pytest.raises(DefinitionError, match="no X12 definitions"):
        loader.load_dictionary("009999")
