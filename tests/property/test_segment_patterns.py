"""The fast path never accepts what the detailed checker refuses.

``segment_patterns`` compiles each segment definition to a regular expression;
the validator trusts a match without running ``check_segment``. So for any text,
a match must imply that the checker finds nothing. Values are drawn to sit on
the edges the rules care about: lengths at and past the bounds, signs and points,
calendar edges, codes in and out of the list, delimiters inside values.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.dictionary import NUMERIC_TYPES, ElementDef
from edi_maps.x12.dictionary_loader import load_dictionary
from edi_maps.x12.element_checks import check_segment, compile_segment
from edi_maps.x12.segment_patterns import segment_pattern
from edi_maps.x12.segments import control_characters

DELIMITERS = [
    Delimiters("*", ":", "~", "^"),
    Delimiters("*", ">", "~", None),
    Delimiters("|", "^", "\n", "!"),
]
SEGMENTS = [
    (version, segment)
    for version in ("004010", "005010")
    for segment in load_dictionary(version).segments.values()
]


def value_for(element: ElementDef | None, d: Delimiters) -> st.SearchStrategy[str]:
    noise = st.text(
        alphabet="AZaz09 .-+" + d.component + (d.repetition or "") + "\t\x85é", max_size=6
    )
    if element is None:
        return noise
    low, high = element.min_length, element.max_length
    lengths = st.sampled_from(sorted({0, max(low - 1, 0), low, high, high + 1}))
    options = [noise]
    if element.codes:
        options.append(st.sampled_from(sorted(element.codes)))
    if element.type in NUMERIC_TYPES or element.type == "R":
        options.append(lengths.flatmap(lambda n: st.from_regex(rf"-?[0-9]{{{n}}}", fullmatch=True)))
        options.append(st.from_regex(r"-?[0-9]{0,9}\.[0-9]{0,9}(E-?[0-9])?", fullmatch=True))
    if element.type == "DT":
        options.append(
            st.from_regex(
                r"(19|20)?[0-9]{2}(0[0-9]|1[0-3])(0[0-9]|[12][0-9]|3[0-2])", fullmatch=True
            )
        )
    if element.type == "TM":
        options.append(
            st.from_regex(r"([01][0-9]|2[0-5])[0-6][0-9]([0-6][0-9][0-9]{0,2})?", fullmatch=True)
        )
    options.append(lengths.flatmap(lambda n: st.text(alphabet="ABC123 ", min_size=n, max_size=n)))
    return st.one_of(options)


@st.composite
def segment_texts(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    version, segment = draw(st.sampled_from(SEGMENTS))
    d = draw(st.sampled_from(DELIMITERS))
    values = []
    for use in segment.elements[: draw(st.integers(0, len(segment.elements) + 1))]:
        if use.composite is not None:
            parts = [
                draw(value_for(c.element, d))
                for c in use.composite.components[: draw(st.integers(0, 3))]
            ]
            values.append(d.component.join(parts))
        else:
            values.append(draw(value_for(use.element, d)))
    if draw(st.booleans()):
        values.append(draw(st.sampled_from(["", "X"])))  # one past the definition
    text = d.element.join([segment.tag, *values])
    return version, segment, d, text


@settings(max_examples=3000, deadline=None)
@given(segment_texts())
def test_a_pattern_match_implies_the_checker_finds_nothing(case) -> None:  # type: ignore[no-untyped-def]
    version, segment, d, text = case
    v5 = version >= "005010"
    pattern = segment_pattern(segment, d, v5, text.count(d.element))
    fast = pattern.fullmatch(text) is not None and control_characters(d).search(text) is None
    slow = check_segment(
        text.split(d.element), compile_segment(segment), d.component, d.repetition, v5
    )
    assert not (fast and slow), f"fast path accepted {text!r}, checker found {slow}"
