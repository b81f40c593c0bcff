"""The bundled EDIFACT directories load, hang together, say what the UN directories
say, and place the segments of the corpus' D.96A, D.97B, D.01B and D.03B messages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from edi_maps.edifact import dictionary_loader as loader
from edi_maps.edifact.definitions_index import SYNTAX_ERRORS, find_message, syntax_directory
from edi_maps.edifact.dictionary import Directory, MessageDef
from edi_maps.edifact.validation import validate_edifact
from edi_maps.errors import DefinitionError
from edi_maps.placement import Placement
from edi_maps.tables import LoopDef, SegmentUse
from tests.conftest import SAMPLES, requires_samples, sample_files, sample_id

DIRECTORIES = loader.available_directories()
TRADE = ("ORDERS", "ORDRSP", "DESADV", "INVOIC")
BUSINESS = ("D96A", "D97B", "D01B", "D03B")  # the UN/EDIFACT batch directories bundled


def _messages() -> list[tuple[str, str]]:
    return [(name, m) for name in DIRECTORIES for m in sorted(loader.load_directory(name).messages)]


def _uses(loop: LoopDef[Any]) -> list[SegmentUse[Any]]:
    found: list[SegmentUse[Any]] = []
    for child in loop.children:
        found.extend([child] if isinstance(child, SegmentUse) else _uses(child))
    return found


def _groups(loop: LoopDef[Any]) -> list[LoopDef[Any]]:
    found: list[LoopDef[Any]] = []
    for child in loop.children:
        if isinstance(child, LoopDef):
            found.append(child)
            found.extend(_groups(child))
    return found


def _group(message: MessageDef, name: str) -> LoopDef[Any]:
    return next(g for g in _groups(message.root) if g.loop_id == name)


def _message(directory: str, message_type: str) -> MessageDef:
    return loader.load_directory(directory).messages[message_type]


# --- everything loads and hangs together --------------------------------------------


def test_every_directory_loads_with_its_messages() -> None:
    assert DIRECTORIES == ["D01B", "D03B", "D96A", "D97B", "syntax3", "syntax4"]
    for name in BUSINESS:
        assert set(loader.load_directory(name).messages) == set(TRADE)
    for name in ("syntax3", "syntax4"):
        assert set(loader.load_directory(name).messages) == {"CONTRL"}
    assert set(loader.load_all()) == set(DIRECTORIES)


@pytest.mark.parametrize(("directory", "message_type"), _messages())
def test_every_message_is_a_well_formed_table(directory: str, message_type: str) -> None:
    dictionary = loader.load_directory(directory)
    message = dictionary.messages[message_type]
    uses = _uses(message.root)
    assert uses[0].tag == "UNH" and uses[0].mandatory and uses[0].max_use == 1
    assert uses[-1].tag == "UNT" and uses[-1].mandatory and uses[-1].max_use == 1
    assert {u.tag for u in uses} == message.tags
    assert message.root.loop_id == message_type and message.directory == directory
    for use in uses:
        assert dictionary.segments[use.tag] is use.segment
        assert use.requirement in ("M", "C") and use.max_use >= 1
    groups = _groups(message.root)
    assert [g.loop_id for g in groups] == [f"SG{n}" for n in range(1, len(groups) + 1)]
    for group in groups:
        trigger = group.children[0]
        assert isinstance(trigger, SegmentUse) and trigger.max_use == 1
        assert group.trigger is trigger and group.requirement in ("M", "C")
        assert group.max_repeat >= 1


@pytest.mark.parametrize("directory", DIRECTORIES)
def test_every_reference_resolves_to_the_directorys_own_definition(directory: str) -> None:
    dictionary = loader.load_directory(directory)
    for composite in dictionary.composites.values():
        for position, component in enumerate(composite.components, start=1):
            assert component.position == position and component.composite is None
            assert component.element is dictionary.elements[component.ref]
    for segment in dictionary.segments.values():
        for position, use in enumerate(segment.elements, start=1):
            assert use.position == position and use.repeat == 1
            assert (use.element is None) != (use.composite is None)
            if use.composite is not None:
                assert use.composite is dictionary.composites[use.ref]
            else:
                assert use.element is dictionary.elements[use.ref]
    for element in dictionary.elements.values():
        assert element.type in ("a", "n", "an") and 1 <= element.min_length <= element.max_length
        for code in element.codes or ():
            assert element.min_length <= len(code) <= element.max_length, (element.ref, code)


def test_business_directories_take_unh_unt_uns_from_the_syntax_4_service_directory() -> None:
    service = loader.load_directory("syntax4")
    for name in BUSINESS:
        segments = loader.load_directory(name).segments
        for tag in ("UNH", "UNT", "UNS"):
            assert segments[tag] == service.segments[tag]


# --- spot checks against the UN directories ------------------------------------------

# (directory, message, group, trigger, status, max repeat, enclosing group or None)
GROUP_FACTS = [
    ("D96A", "ORDERS", "SG2", "NAD", "C", 99, None),
    ("D96A", "ORDERS", "SG25", "LIN", "C", 200000, None),
    ("D96A", "ORDERS", "SG28", "PRI", "C", 25, "SG25"),
    ("D96A", "ORDERS", "SG52", "STG", "C", 10, "SG25"),
    ("D96A", "ORDERS", "SG54", "ALC", "C", 10, None),
    ("D96A", "ORDRSP", "SG2", "AJT", "C", 1, None),
    ("D96A", "ORDRSP", "SG3", "NAD", "C", 99, None),
    ("D96A", "ORDRSP", "SG26", "LIN", "C", 200000, None),
    ("D96A", "ORDRSP", "SG29", "AJT", "C", 1, "SG26"),
    ("D96A", "DESADV", "SG2", "NAD", "C", 99, None),
    ("D96A", "DESADV", "SG10", "CPS", "C", 9999, None),
    ("D96A", "DESADV", "SG11", "PAC", "C", 9999, "SG10"),
    ("D96A", "DESADV", "SG15", "LIN", "C", 9999, "SG10"),
    ("D96A", "INVOIC", "SG2", "NAD", "C", 99, None),
    ("D96A", "INVOIC", "SG8", "PAT", "C", 10, None),
    ("D96A", "INVOIC", "SG15", "ALC", "C", 9999, None),
    ("D96A", "INVOIC", "SG25", "LIN", "C", 99999, None),
    ("D96A", "INVOIC", "SG48", "MOA", "C", 100, None),
    ("D01B", "ORDERS", "SG2", "NAD", "C", 99, None),
    ("D01B", "ORDERS", "SG9", "MOA", "C", 9999, "SG8"),
    ("D01B", "ORDERS", "SG28", "LIN", "C", 200000, None),
    ("D01B", "ORDERS", "SG60", "ALC", "C", 10, None),
    ("D01B", "ORDRSP", "SG2", "AJT", "C", 1, None),
    ("D01B", "ORDRSP", "SG26", "LIN", "C", 200000, None),
    ("D01B", "DESADV", "SG10", "CPS", "C", 9999, None),
    ("D01B", "DESADV", "SG17", "LIN", "C", 9999, "SG10"),
    ("D01B", "INVOIC", "SG1", "RFF", "C", 99999, None),
    ("D01B", "INVOIC", "SG26", "LIN", "C", 9999999, None),
    ("D01B", "INVOIC", "SG50", "MOA", "M", 100, None),
    # D.97B: php-edifact/edifact-mapping D97B messages (f1c150f; DESADV b89509c)
    ("D97B", "ORDERS", "SG2", "NAD", "C", 99, None),
    ("D97B", "ORDERS", "SG32", "PRI", "C", 25, "SG28"),
    ("D97B", "ORDRSP", "SG2", "AJT", "C", 1, None),
    ("D97B", "DESADV", "SG10", "CPS", "C", 9999, None),
    ("D97B", "DESADV", "SG15", "LIN", "C", 9999, "SG10"),
    ("D97B", "INVOIC", "SG13", "EQD", "C", 99, None),
    ("D97B", "INVOIC", "SG26", "LIN", "C", 99999, None),
    ("D97B", "INVOIC", "SG50", "MOA", "M", 100, None),
    # D.03B: DFDLSchemas/EDIFACT EDIFACT-SupplyChain-Messages-D.03B.xsd (0dcbb08)
    ("D03B", "ORDERS", "SG28", "LIN", "C", 200000, None),
    ("D03B", "ORDERS", "SG60", "ALC", "C", 10, None),
    ("D03B", "ORDRSP", "SG26", "LIN", "C", 200000, None),
    ("D03B", "DESADV", "SG10", "CPS", "C", 9999, None),
    ("D03B", "DESADV", "SG17", "LIN", "C", 9999, "SG10"),
    ("D03B", "INVOIC", "SG1", "RFF", "C", 99999, None),
    ("D03B", "INVOIC", "SG26", "LIN", "C", 9999999, None),
    ("D03B", "INVOIC", "SG28", "PYT", "C", 10, "SG26"),
    ("D03B", "INVOIC", "SG49", "GEI", "C", 999, "SG26"),
    ("syntax3", "CONTRL", "SG1", "UCM", "C", 999999, None),
    ("syntax3", "CONTRL", "SG2", "UCS", "C", 999, "SG1"),
    ("syntax4", "CONTRL", "SG3", "UCF", "C", 999999, None),
    ("syntax4", "CONTRL", "SG5", "UCS", "C", 999, "SG4"),
]


@pytest.mark.parametrize(
    ("directory", "message_type", "name", "trigger", "status", "max_repeat", "parent"),
    GROUP_FACTS,
)
def test_segment_groups_are_as_in_the_directory(
    directory: str,
    message_type: str,
    name: str,
    trigger: str,
    status: str,
    max_repeat: int,
    parent: str | None,
) -> None:
    message = _message(directory, message_type)
    group = _group(message, name)
    assert (group.trigger.tag, group.requirement, group.max_repeat) == (trigger, status, max_repeat)
    outer = message.root if parent is None else _group(message, parent)
    assert group in outer.children


# (directory, message, tag, status, max use, enclosing group or None)
SEGMENT_FACTS = [
    ("D96A", "ORDERS", "DTM", "M", 35, None),
    ("D96A", "ORDERS", "IMD", "C", 1, None),
    ("D96A", "ORDERS", "MOA", "C", 12, None),
    ("D96A", "ORDERS", "MOA", "M", 2, "SG54"),
    ("D96A", "DESADV", "DTM", "M", 10, None),
    ("D96A", "DESADV", "CNT", "C", 5, None),
    ("D96A", "INVOIC", "PIA", "C", 25, "SG25"),
    ("D01B", "ORDERS", "IMD", "C", 999, None),
    ("D01B", "ORDERS", "GIS", "C", 99, "SG28"),
    ("D01B", "DESADV", "DTM", "C", 10, None),
    ("D01B", "INVOIC", "PGI", "C", 99, "SG26"),
    ("D97B", "ORDERS", "DTM", "M", 35, None),
    ("D97B", "ORDERS", "MOA", "C", 12, None),
    ("D97B", "DESADV", "DTM", "C", 10, None),
    ("D97B", "INVOIC", "GIS", "C", 10, None),
    ("D03B", "ORDERS", "DTM", "M", 35, None),
    ("D03B", "ORDERS", "MOA", "C", 99, None),
    ("D03B", "DESADV", "CUX", "C", 9, None),
    ("D03B", "INVOIC", "GEI", "C", 10, None),
    ("syntax4", "CONTRL", "UCI", "M", 1, None),
    ("syntax3", "CONTRL", "UCD", "C", 99, "SG2"),
]


@pytest.mark.parametrize(
    ("directory", "message_type", "tag", "status", "max_use", "parent"), SEGMENT_FACTS
)
def test_segment_positions_are_as_in_the_directory(
    directory: str, message_type: str, tag: str, status: str, max_use: int, parent: str | None
) -> None:
    message = _message(directory, message_type)
    outer = message.root if parent is None else _group(message, parent)
    uses = [c for c in outer.children if isinstance(c, SegmentUse) and c.tag == tag]
    assert [(u.requirement, u.max_use) for u in uses] == [(status, max_use)]


# (directory, element, representation)
ELEMENT_FACTS = [
    ("D96A", "3035", "an..3"),
    ("D96A", "1082", "n..6"),
    ("D01B", "1082", "an..6"),
    ("D96A", "6060", "n..15"),
    ("D01B", "6060", "an..35"),
    ("D96A", "1131", "an..3"),
    ("D01B", "1131", "an..17"),
    ("D96A", "1154", "an..35"),
    ("D01B", "1154", "an..70"),
    ("D96A", "4440", "an..70"),
    ("D01B", "4440", "an..512"),
    ("D96A", "5004", "n..18"),
    ("D01B", "5004", "n..35"),
    ("D97B", "1082", "an..6"),
    ("D97B", "6060", "n..15"),
    ("D97B", "5118", "n..15"),
    ("D97B", "3035", "an..3"),
    ("D97B", "4441", "an..17"),
    ("D97B", "6314", "an..18"),
    ("D97B", "7065", "an..17"),
    ("D03B", "3225", "an..35"),
    ("D03B", "6411", "an..8"),
    ("D03B", "6060", "an..35"),
    ("D03B", "9649", "an..3"),
    ("syntax3", "0001", "a4"),
    ("syntax3", "0017", "n6"),
    ("syntax4", "0017", "n8"),
    ("syntax3", "0051", "an..2"),
    ("syntax4", "0051", "an..3"),
    ("syntax4", "0074", "n..10"),
]


@pytest.mark.parametrize(("directory", "ref", "representation"), ELEMENT_FACTS)
def test_element_representations_are_as_in_the_directory(
    directory: str, ref: str, representation: str
) -> None:
    assert loader.load_directory(directory).elements[ref].representation == representation


def _layout(directory: str, tag: str) -> list[str]:
    segment = loader.load_directory(directory).segments[tag]
    return [f"{use.ref} {use.requirement}" for use in segment.elements]


def test_segment_layouts_are_as_in_the_directory() -> None:
    assert _layout("D96A", "BGM") == ["C002 C", "1004 C", "1225 C", "4343 C"]
    assert _layout("D01B", "BGM") == ["C002 C", "C106 C", "1225 C", "4343 C"]
    nad = ["3035 M", "C082 C", "C058 C", "C080 C", "C059 C", "3164 C"]
    assert _layout("D96A", "NAD") == [*nad, "3229 C", "3251 C", "3207 C"]
    assert _layout("D01B", "NAD") == [*nad, "C819 C", "3251 C", "3207 C"]
    assert _layout("D01B", "TAX")[-1] == "1227 C"
    assert _layout("D97B", "BGM") == ["C002 C", "C106 C", "1225 C", "4343 C"]
    assert _layout("D97B", "SEL") == ["9308 C", "C215 C", "4517 C", "C208 C"]
    assert _layout("D97B", "NAD") == _layout("D96A", "NAD")
    assert _layout("D03B", "COM") == ["C076 M", "C076 C", "C076 C"]
    assert _layout("D03B", "PYT") == ["4279 M", "C019 C", "2475 C", "2009 C", "2151 C", "2152 C"]
    assert _layout("D03B", "TDT")[3] == "C001 C"
    assert "PAT" not in loader.load_directory("D03B").segments
    assert _layout("syntax3", "UNH") == ["0062 M", "S009 M", "0068 C", "S010 C"]
    assert _layout("syntax4", "UNH")[4:] == ["S016 C", "S017 C", "S018 C"]
    assert _layout("syntax3", "UCD") == ["0085 M", "S011 M"]
    c082 = loader.load_directory("D96A").composites["C082"]
    assert [f"{c.ref} {c.requirement}" for c in c082.components] == ["3039 M", "1131 C", "3055 C"]


def test_code_lists_are_bundled_only_where_complete() -> None:
    d96a, d01b = loader.load_directory("D96A").elements, loader.load_directory("D01B").elements
    assert {"220", "231", "351", "380", "381"} <= (d96a["1001"].codes or set())
    assert {"1", "4", "5", "9", "29"} <= (d96a["1225"].codes or set())
    assert {"AC", "AP", "CA", "RE"} <= (d96a["4343"].codes or set())
    assert {"BY", "SU", "DP", "IV", "ST"} <= (d96a["3035"].codes or set())
    assert {"137", "2", "11", "35"} <= (d96a["2005"].codes or set())
    assert {"21", "12", "47"} <= (d96a["6063"].codes or set())
    assert d96a["6411"].codes is None and d96a["7065"].codes is None
    assert all(element.codes is None for ref, element in d01b.items() if ref >= "1000")
    for name in ("D97B", "D03B"):  # no complete code list at hand for these
        elements = loader.load_directory(name).elements
        assert all(element.codes is None for ref, element in elements.items() if ref >= "1000")
    for name in ("syntax3", "syntax4"):
        elements = loader.load_directory(name).elements
        assert elements["0083"].codes == frozenset({"4", "7", "8"})
        assert elements["0081"].codes == frozenset({"D", "S"})


# --- the index -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "directory"),
    [
        (("ORDERS", "D", "96A"), "D96A"),
        (("orders", "d", "96a", "un"), "D96A"),
        (("INVOIC", "D", "01B", "UN"), "D01B"),
        (("DESADV", "D", "96A"), "D96A"),
        (("INVOIC", "D", "97B", "UN"), "D97B"),
        (("ORDERS", "D", "03B", "UN"), "D03B"),
        (("ORDRSP", "D", "03B"), "D03B"),
        (("CONTRL", "D", "3"), "syntax3"),
        (("CONTRL", "4", "1"), "syntax4"),
        (("ORDERS", "D", "96B"), None),
        (("ORDERS", "D", "93A"), None),
        (("ORDERS", "D", "96A", "EAN"), None),
        (("ORDERS", "0", "96A"), None),
        (("APERAK", "D", "96A"), None),
    ],
)
def test_find_message_by_the_unh_identifier(key: tuple[str, ...], directory: str | None) -> None:
    found = find_message(*key)
    if directory is None:
        assert found is None
    else:
        assert found is not None
        message, dictionary = found
        assert dictionary.version == directory and message.directory == directory
        assert message.message_type == key[0].upper()
        assert dictionary.messages[message.message_type] is message


def test_syntax_directory_per_syntax_version() -> None:
    assert [syntax_directory(n).version for n in (1, 2, 3, 4)] == [
        "syntax3",
        "syntax3",
        "syntax3",
        "syntax4",
    ]
    with pytest.raises(ValueError, match="syntax version 5"):
        syntax_directory(5)


def test_syntax_errors_have_the_iso_9735_texts() -> None:
    assert SYNTAX_ERRORS["13"] == "Missing"
    assert SYNTAX_ERRORS["12"] == "Invalid value"
    assert SYNTAX_ERRORS["39"] == "Data element too long"
    assert SYNTAX_ERRORS["29"] == "Control count does not match number of instances received"
    assert len(SYNTAX_ERRORS) == 38 and all(code.isdigit() for code in SYNTAX_ERRORS)
    assert frozenset(SYNTAX_ERRORS) == syntax_directory(4).elements["0085"].codes


# --- malformed definitions are refused, naming file and line --------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3035 an..3", "expected 'ref representation name'"),
        ("303 an..3 Party", "bad element ref"),
        ("3035 x..3 Party", "bad representation"),
        ("3035 an..0 Party", "bad representation"),
        ("3035 an..3 Party\n3035 an..3 Again", r"test\.elements:2: element 3035 is defined twice"),
    ],
)
def test_malformed_element_lines_are_refused(text: str, message: str) -> None:
    with pytest.raises(DefinitionError, match=message):
        loader._parse_elements(text, "test.elements", loader._RawDirectory())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("  AA BB", "continuation line without a list"),
        ("3035 AA\n3035 BB", "defined twice"),
        ("3035\n  AA = ", "expected 'code = text'"),
        ("3035 AA\n  AA", "listed twice"),
    ],
)
def test_malformed_code_lists_are_refused(text: str, message: str) -> None:
    with pytest.raises(DefinitionError, match=message):
        loader._parse_codes(text, "test.codes", loader._RawDirectory())


def test_codes_keep_their_texts() -> None:
    raw = loader._RawDirectory()
    loader._parse_codes("0083\n  4 = Rejected\n  7 = Acknowledged\n", "t.codes", raw)
    assert raw.codes["0083"].texts == {"4": "Rejected", "7": "Acknowledged"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("NAD Name\n  3035 X\n", "expected 'ref M|C"),
        ("nad lower\n  3035 M\n", "expected 'TAG name'"),
        ("  3035 M\n", "before any header"),
        ("NAD Name\n  3035 M 0\n", "bad repeat"),
        ("NAD Name\nBGM Begin\n  1004 C\n", "NAD has no positions"),
        ("NAD One\n  3035 M\nNAD Two\n  3035 M\n", r"test\.segments:3: NAD is defined twice"),
    ],
)
def test_malformed_segments_are_refused(text: str, message: str) -> None:
    with pytest.raises(DefinitionError, match=message):
        loader._parse_structures(text, "test.segments", {}, composite=False)


def test_a_component_does_not_repeat() -> None:
    with pytest.raises(DefinitionError, match="does not repeat"):
        loader._parse_structures("C082 Party\n  3039 M 2\n", "t", {}, composite=True)


def _resolve(elements: str, codes: str = "", composites: str = "", segments: str = "") -> None:
    raw = loader._RawDirectory()
    loader._parse_elements(elements, "t.elements", raw)
    loader._parse_codes(codes, "t.codes", raw)
    loader._parse_structures(composites, "t.composites", raw.composites, composite=True)
    loader._parse_structures(segments, "t.segments", raw.segments, composite=False)
    loader._resolve("test", raw)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"codes": "4343 AC"}, "code list for unknown element 4343"),
        ({"codes": "3035 ABCD"}, r"t\.codes:1: code 'ABCD' does not fit 3035 \(an\.\.3\)"),
        ({"codes": "6060 1A"}, "code '1A' does not fit 6060"),
        ({"segments": "NAD Name\n  3036 M\n"}, r"t\.segments:2: NAD position 1 names 3036"),
        ({"composites": "C082 P\n  C080 M\n"}, "no simple element"),
        ({"composites": "C082 P\n  3035 M\n", "segments": "NAD N\n  C082 C\n"}, None),
    ],
)
def test_references_are_checked(kwargs: dict[str, str], message: str | None) -> None:
    elements = "3035 an..3 Party\n6060 n..15 Quantity\n"
    if message is None:
        _resolve(elements, **kwargs)
    else:
        with pytest.raises(DefinitionError, match=message):
            _resolve(elements, **kwargs)


MESSAGE_ERRORS = [
    ("UNH M 1\nUNT M 1\n", "first line must be 'message"),
    ("message ORDRSP D 96A UN Response\nUNH M 1\nUNT M 1\n", "must name message ORDERS"),
    ("message ORDERS D 96A UN Order\nBGM M 1\nUNT M 1\n", "starts with 'UNH M 1'"),
    ("message ORDERS D 96A UN Order\nUNH M 1\nBGM M 1\n", "ends with 'UNT M 1'"),
    ("message ORDERS D 96A UN Order\nUNH M 1\nXYZ C 1\nUNT M 1\n", ":3: segment XYZ is not"),
    ("message ORDERS D 96A UN Order\nUNH M 1\nBGM Q 1\nUNT M 1\n", "expected 'TAG M|C max'"),
    ("message ORDERS D 96A UN Order\nUNH M 1\nend\nUNT M 1\n", "'end' without 'group'"),
    (
        "message ORDERS D 96A UN Order\nUNH M 1\ngroup SG2 C 9\n  RFF M 1\nend\nUNT M 1\n",
        "expected group SG1, got SG2",
    ),
    (
        "message ORDERS D 96A UN Order\nUNH M 1\ngroup SG1 C 9\n  RFF M 1\nUNT M 1\n",
        ":3: group SG1 has no 'end'",
    ),
    (
        "message ORDERS D 96A UN Order\nUNH M 1\ngroup SG1 C 9\n  RFF C 1\nend\nUNT M 1\n",
        r"trigger of SG1 \(RFF\) must be 'M 1'",
    ),
    (
        "message ORDERS D 96A UN Order\nUNH M 1\ngroup SG1 C 9\nend\nUNT M 1\n",
        "must start with a segment",
    ),
    (
        "message ORDERS D 96A UN Order\nUNH M 1\ngroup SG1 C 0\n  RFF M 1\nend\nUNT M 1\n",
        "bad repeat",
    ),
]


@pytest.mark.parametrize(("text", "message"), MESSAGE_ERRORS)
def test_malformed_messages_are_refused(text: str, message: str) -> None:
    segments = loader.load_directory("D96A").segments
    with pytest.raises(DefinitionError, match=message):
        loader._parse_message("D96A", "ORDERS", "ORDERS.message", loader._lines(text), segments)


def test_a_group_trigger_takes_the_groups_status() -> None:
    text = (
        "message ORDERS D 96A UN Order\nUNH M 1\ngroup SG1 M 9\n  RFF M 1\n  DTM C 5\nend\nUNT M 1"
    )
    segments = loader.load_directory("D96A").segments
    message = loader._parse_message("D96A", "ORDERS", "x", loader._lines(text), segments)
    group = message.root.children[1]
    assert isinstance(group, LoopDef) and group.mandatory and group.max_repeat == 9
    group_text = text.replace("group SG1 M 9", "group SG1 C 9")
    message = loader._parse_message("D96A", "ORDERS", "x", loader._lines(group_text), segments)
    group = message.root.children[1]
    assert isinstance(group, LoopDef) and not group.mandatory and group.trigger.requirement == "C"


def test_an_unknown_directory_is_refused() -> None:
    with pytest.raises(DefinitionError, match="no EDIFACT definitions for directory D99Z"):
        loader.load_directory("D99Z")


# --- the corpus: every message of a bundled directory places -------------------------

VERSIONS = {f"D:{name[1:]}" for name in BUSINESS}  # "D:96A", "D:97B", …

_UNA = re.compile(rb"UNA(.{6})", re.DOTALL)


def _segments(data: bytes) -> tuple[list[str], str, str, str | None]:
    """Split a file into segments on its terminator, honouring the release character
    (a test's own splitter, deliberately independent of the reader)."""
    component, element, release, terminator = ":", "+", "?", "'"
    match = _UNA.search(data[:64])
    if match:
        una = match.group(1).decode("latin-1")
        component, element, release, terminator = una[0], una[1], una[3], una[5]
        data = data[match.end() :]
    text = data.decode("latin-1")
    rel = None if release == " " else release
    segments, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == rel:
            current.append(char)
            escaped = True
        elif char == terminator:
            segments.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    return [s for s in segments if s], element, component, rel


def _split(value: str, separator: str, release: str | None) -> list[str]:
    parts, current, escaped = [], [], False
    for char in value:
        if escaped:
            current.append(char)
            escaped = False
        elif char == release:
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _messages_in(path: Path) -> list[tuple[MessageDef, Directory, list[str]]]:
    """Every message of a bundled directory in the file: its definition and its tags
    UNH … UNT."""
    segments, element, component, release = _segments(path.read_bytes())
    found, current = [], None
    for segment in segments:
        tag = segment[:3]
        if tag == "UNH":
            fields = _split(segment, element, release)
            identifier = _split(fields[2], component, release) if len(fields) > 2 else []
            current = None
            version = ":".join(identifier[1:3])
            if len(identifier) >= 4 and identifier[0] in TRADE and version in VERSIONS:
                definition = find_message(*identifier[:4])
                assert definition is not None, (sample_id(path), identifier)
                current = (*definition, [tag])
        elif current is not None:
            current[2].append(tag)
            if tag == "UNT":
                found.append(current)
                current = None
    return found


def _invalid_samples() -> set[str]:
    """Sample files SOURCES.md marks INVALID."""
    sources = SAMPLES / "SOURCES.md"
    if not sources.is_file():
        return set()
    rows = (line for line in sources.read_text(encoding="utf-8").splitlines() if "INVALID" in line)
    return {m.group(1) for row in rows if (m := re.search(r"`(edifact/[^`]+)`", row))}


SAMPLE_FILES = [
    path
    for kind in TRADE
    for path in sample_files(f"edifact/{kind}/*.edi")
    if re.search(rb"UNH.{1,40}D.(96A|97B|01B|03B)", path.read_bytes())
]


def _placement(message: MessageDef, directory: Directory) -> Placement[Any]:
    return Placement(
        message.root,
        known_tags=frozenset(directory.segments),
        trailer="UNT",
        tag_pattern=re.compile("[A-Z][A-Z0-9]{2}"),
    )


def _walk(
    message: MessageDef, directory: Directory, tags: list[str]
) -> tuple[list[tuple[int, str, object]], set[str]]:
    """(misplaced tags with the reason, mandatory tags found missing) of one message."""
    placement = _placement(message, directory)
    state = placement.start
    misplaced: list[tuple[int, str, object]] = []
    missing: set[str] = set()
    for position, tag in enumerate(tags, start=1):
        move = placement.move(state, tag)
        if move.target is None:
            misplaced.append((position, tag, move.error))
            continue
        missing |= {t for t, _ in move.missing}
        state = move.target
    missing |= {t for t, _ in placement.closing(state)}
    return misplaced, missing


@requires_samples
@pytest.mark.parametrize("path", SAMPLE_FILES, ids=sample_id)
def test_every_segment_of_the_corpus_messages_has_its_place(path: Path) -> None:
    if sample_id(path) in _invalid_samples():
        pytest.skip("SOURCES.md marks this sample INVALID")
    messages = _messages_in(path)
    assert messages
    for message, directory, tags in messages:
        misplaced, _ = _walk(message, directory, tags)
        assert misplaced == [], (message.message_type, message.directory)


# Samples whose messages are skeletons (UNH BGM UNT …): they place, but lack segments
# the directory makes mandatory. Pinned so a change of the tables is noticed.
SKELETONS = {
    "edifact/ORDERS/vscode-edi__syntaxVersion4.edi": {"DTM"},
    "edifact/DESADV/vscode-edi__EDIFACT-interchanges.edi": {"DTM", "UNS"},
    "edifact/INVOIC/edireader__tiny-syntaxVariants-UNOA.edi": {"DTM", "UNS", "MOA"},
}


@requires_samples
@pytest.mark.parametrize("path", SAMPLE_FILES, ids=sample_id)
def test_only_the_known_skeletons_lack_mandatory_segments(path: Path) -> None:
    if sample_id(path) in _invalid_samples():
        pytest.skip("SOURCES.md marks this sample INVALID")
    missing: set[str] = set()
    for message, directory, tags in _messages_in(path):
        missing |= _walk(message, directory, tags)[1]
    assert missing == SKELETONS.get(sample_id(path), set())


@requires_samples
def test_the_corpus_has_messages_of_every_bundled_directory() -> None:
    kinds = {
        (message.message_type, message.directory)
        for path in SAMPLE_FILES
        for message, _, _ in _messages_in(path)
    }
    assert {("ORDERS", "D96A"), ("ORDERS", "D01B"), ("ORDRSP", "D01B")} <= kinds
    assert {("DESADV", "D96A"), ("INVOIC", "D96A")} <= kinds
    assert {("INVOIC", "D97B"), ("INVOIC", "D03B"), ("ORDERS", "D03B")} <= kinds


# --- the corpus against D.97B / D.03B: what validation finds ---------------------------


def _findings(path: Path) -> list[tuple[str, str | None, str, str | None, str | None]]:
    """(segment tag, its group, code, element ref, bad value) of every problem
    validation finds in the file's messages; a segment-level problem has no element."""
    result = validate_edifact(path.read_bytes())
    found: list[tuple[str, str | None, str, str | None, str | None]] = []
    for interchange in result.interchanges:
        for group in interchange.groups:
            for message in group.sets:
                assert message.validated_against in BUSINESS, message.message_version
                for error in message.errors:
                    found.append((error.segment_id, error.loop_id, error.code, None, None))
                    found.extend(
                        (error.segment_id, error.loop_id, e.code, e.element_reference, e.bad_value)
                        for e in error.elements
                    )
    return found


# Valid samples of D.97B / D.03B: the 0085 codes validation gives, and why.
NEW_DIRECTORY_SAMPLES = {
    "edifact/INVOIC/staedi__invoic_d97b_una.edi": set(),
    # UNT counts 36 for 35 segments (SOURCES.md); the content is clean
    "edifact/INVOIC/smooks__INVOIC_D.03B_Interchange_with_UNA.edi": {"29"},
    # a syntax test's skeleton: no DTM, UNS, summary MOA, which D.97B makes mandatory
    "edifact/INVOIC/edireader__tiny-syntaxVariants-UNOA.edi": {"13"},
}


@requires_samples
@pytest.mark.parametrize(("name", "codes"), sorted(NEW_DIRECTORY_SAMPLES.items()))
def test_valid_d97b_d03b_samples_validate_against_their_directory(
    name: str, codes: set[str]
) -> None:
    assert {code for _, _, code, _, _ in _findings(SAMPLES / name)} == codes


@requires_samples
def test_the_bad_d97b_invoice_is_flagged_for_its_content() -> None:
    findings = _findings(SAMPLES / "edifact/INVOIC/staedi__invoic_d97b_bad.edi")
    assert ("NAD", "SG2", "39", "3035", "BYZZ") in findings  # party qualifier is an..3
    assert ("QTY", "SG26", "37", "6060", "1020A") in findings  # quantity is n..15
    assert ("PRI", "SG29", "37", "5118", "$1.179") in findings  # price is n..15
    assert ("UNS", None, "35", None, None) in findings  # UNS M 1, sent twice


@requires_samples
def test_the_bad_d03b_order_is_flagged_for_its_dates() -> None:
    findings = _findings(SAMPLES / "edifact/ORDERS/smooks__BAD_ORDERS_D.03B_Interchange.edi")
    assert ("DTM", None, "35", None, None) in findings  # header DTM M 35, sent more than 35 times
