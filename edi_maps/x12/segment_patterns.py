"""One compiled regular expression per segment definition: the validator's fast path.

Checking a segment element by element in Python costs about a microsecond per
element; one ``re.fullmatch`` over the segment's text checks element count,
requirement, type, length, code list, calendar dates, times and syntax notes
together in C (``bench/x12_reader.py`` has the figures). A pattern accepts only
what :func:`edi_maps.x12.element_checks.check_segment` accepts; whatever it
rejects goes to that checker, which says precisely what is wrong. So the
pattern may be stricter than the checker (it refuses trailing empty
components, for one), never looser.

Syntax notes become conditionals at the end of the pattern: each element a note
names is captured in a named group that takes part only when the element is
present, and ``(?(name)…|…)`` tests presence without repeating the segment.
"""

from __future__ import annotations

import re

from edi_maps.tables import UNBOUNDED
from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.dictionary import (
    NUMERIC_TYPES,
    ElementDef,
    ElementUse,
    SegmentDef,
    SyntaxNote,
)

_FAIL = "(?!)"

# Calendar dates, leap years included, as the checker's valid_date() reads them.
_MONTH_DAY = (
    "(?:(?:0[13578]|1[02])(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)(?:0[1-9]|[12][0-9]|30)"
    "|02(?:0[1-9]|1[0-9]|2[0-8]))"
)
_LEAP_YEAR_4 = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_LEAP_YEAR_2 = "(?:[02468][048]|[13579][26])"  # YYMMDD is read as 20YY
_DATE = {
    8: f"(?:[0-9]{{4}}{_MONTH_DAY}|{_LEAP_YEAR_4}0229)",
    6: f"(?:[0-9]{{2}}{_MONTH_DAY}|{_LEAP_YEAR_2}0229)",
}
_HHMM = "(?:[01][0-9]|2[0-3])[0-5][0-9]"
_TIME = {
    4: _HHMM,
    6: _HHMM + "[0-5][0-9]",
    7: _HHMM + "[0-5][0-9][0-9]",
    8: _HHMM + "[0-5][0-9][0-9]{2}",
}


def _text_class(d: Delimiters) -> str:
    """A data character: anything but a delimiter. Control characters are looked for
    once per chunk by the reader (``SegmentBatch.clean``), not per character here,
    which keeps this class, the commonest in every pattern, cheap."""
    delimiters = "".join(re.escape(c) for c in sorted(d.as_set()))
    return f"[^{delimiters}]"


def _value(element: ElementDef, text: str, allow_exponent: bool) -> str:
    """A non-empty value of ``element``."""
    low, high = element.min_length, element.max_length
    kind = element.type
    if kind == "ID" and element.codes is not None:
        codes = sorted(
            (c for c in element.codes if low <= len(c) <= high), key=lambda c: (-len(c), c)
        )
        return "(?:" + "|".join(re.escape(c) for c in codes) + ")" if codes else _FAIL
    if kind in ("AN", "ID"):
        return f"{text}{{{low},{high}}}+"
    if kind in NUMERIC_TYPES:
        return f"-?[0-9]{{{low},{high}}}+"
    if kind == "R":
        if low > 1 or high < 2:
            # rare: count the digits with a lookahead (sign and point do not count)
            return (
                f"-?(?=\\.?(?:[0-9]\\.?){{{low},{high}}}+(?![0-9]))"
                f"(?:[0-9]++(?:\\.[0-9]*+)?|\\.[0-9]++)"
            )
        # Whole and fraction digits bounded so that together they never exceed the
        # maximum: a lookahead that counts them costs a third of a PO1's match. Values
        # with more decimals than this (and exponents) go to the checker.
        fraction = min(6, high // 2)
        whole = high - fraction
        return f"-?(?:[0-9]{{1,{whole}}}+(?:\\.[0-9]{{0,{fraction}}}+)?|\\.[0-9]{{1,{fraction}}}+)"
    if kind == "DT":
        widths = [w for w in (6, 8) if low <= w <= high]
        return "(?:" + "|".join(_DATE[w] for w in widths) + ")" if widths else _FAIL
    if kind == "TM":
        widths = [w for w in (8, 7, 6, 4) if low <= w <= high]
        return "(?:" + "|".join(_TIME[w] for w in widths) + ")" if widths else _FAIL
    return f"{text}*+"  # B: binary is not checked in text


def _composite(use: ElementUse, d: Delimiters, text: str, allow_exponent: bool) -> tuple[str, str]:
    """A non-empty composite, and the test of its own syntax notes (applied when present)."""
    assert use.composite is not None
    separator = re.escape(d.component)
    components = use.composite.components
    noted = {p for note in use.composite.notes for p in note.positions}
    prefix = f"c{use.position}x"

    def value(index: int) -> str:
        element = components[index - 1].element
        assert element is not None
        pattern = _value(element, text, allow_exponent)
        return f"(?P<{prefix}{index}>{pattern})" if index in noted else pattern

    tail = ""
    required = False
    for index in range(len(components), 1, -1):
        if components[index - 1].requirement == "M":
            tail = f"{separator}{value(index)}{tail}"
            required = True
        elif required:
            tail = f"{separator}(?:{value(index)})?{tail}"
        else:
            tail = f"(?:{separator}(?:{value(index)})?{tail})?"
    head = value(1)
    body = f"{head}{tail}" if components[0].requirement == "M" else f"(?:{head})?{tail}"
    pattern = f"(?!{re.escape(d.element)}|$){body}"
    if not use.composite.notes:
        return pattern, ""
    whole = f"c{use.position}"
    tests = "".join(_note(note, prefix) for note in use.composite.notes)
    return f"(?P<{whole}>{pattern})", f"(?({whole}){tests}|)"


def _repeated(value: str, use: ElementUse, d: Delimiters) -> str:
    if use.repeat == 1 or d.repetition is None:
        return value
    more = "" if use.repeat == UNBOUNDED else f"{{0,{use.repeat - 1}}}"
    more = more or "*"
    return f"{value}(?:{re.escape(d.repetition)}{value}){more}"


def _note(note: SyntaxNote, prefix: str = "p", available: int | None = None) -> str:
    """A zero-width test of one syntax note on the captured groups <prefix><position>.

    Positions past ``available`` do not exist in the pattern: they are absent.
    """
    here = [p for p in note.positions if available is None or p <= available]
    first_here = note.positions[0] in here
    first = f"{prefix}{note.positions[0]}"
    others = [f"{prefix}{p}" for p in here if p != note.positions[0]]
    all_here = len(here) == len(note.positions)
    kind = note.kind
    if kind == "P":  # all or none
        if not all_here:
            return _none([f"{prefix}{p}" for p in here])
        return f"(?({first}){_all(others)}|{_none(others)})"
    if kind == "R":  # at least one
        return _any([f"{prefix}{p}" for p in here])
    if kind == "E":  # at most one
        groups = [f"{prefix}{p}" for p in here]
        return "".join(f"(?({g}){_none(groups[i + 1 :])}|)" for i, g in enumerate(groups[:-1]))
    if not first_here:
        return ""  # C and L test nothing when their first element is absent
    if kind == "C":  # if the first, then all the others
        return f"(?({first}){_all(others) if all_here else _FAIL}|)"
    return f"(?({first}){_any(others)}|)"  # L: if the first, then at least one other


def _all(groups: list[str]) -> str:
    pattern = ""
    for group in reversed(groups):
        pattern = f"(?({group}){pattern}|{_FAIL})"
    return pattern


def _none(groups: list[str]) -> str:
    pattern = ""
    for group in reversed(groups):
        pattern = f"(?({group}){_FAIL}|{pattern})"
    return pattern


def _any(groups: list[str]) -> str:
    pattern = _FAIL
    for group in reversed(groups):
        pattern = f"(?({group})|{pattern})"
    return pattern


def _adjacent_pairs(segment: SegmentDef) -> dict[int, SyntaxNote]:
    """Paired notes on two neighbouring optional simple elements (P0607, P0809 … in PO1,
    IT1, LIN), keyed by the first position: these become lookaheads, not conditionals,
    which keeps the commonest notes cheap."""
    uses = {use.position: use for use in segment.elements}
    counted: dict[int, int] = {}
    for note in segment.notes:
        for position in note.positions:
            counted[position] = counted.get(position, 0) + 1
    pairs = {}
    for note in segment.notes:
        if note.kind != "P" or len(note.positions) != 2:
            continue
        first, second = note.positions
        if second != first + 1 or counted[first] != 1 or counted[second] != 1:
            continue
        if any(uses[p].requirement == "M" or uses[p].repeat != 1 for p in note.positions):
            continue
        pairs[first] = note
    return pairs


def segment_pattern(
    segment: SegmentDef, d: Delimiters, version5: bool, count: int
) -> re.Pattern[str]:
    """The fast-path pattern for ``segment`` with exactly ``count`` elements after its tag.

    One flat pattern per element count (the count is one ``str.count`` away) is about
    twice as fast as a single pattern of nested optional groups.
    """
    text = _text_class(d)
    separator = re.escape(d.element)
    pairs = _adjacent_pairs(segment)
    notes = [n for n in segment.notes if n not in pairs.values()]
    noted = {p for note in notes for p in note.positions}
    next_present = f"{separator}[^{separator}]"
    defined = {use.position: use for use in segment.elements}
    if any(use.requirement == "M" and position > count for position, use in defined.items()):
        return re.compile(_FAIL)  # a mandatory element is missing: the checker says which
    parts = [re.escape(segment.tag)]
    tests: list[str] = []
    for position in range(1, count + 1):
        use = defined.get(position)
        if use is None:  # past the definition: only empty (trailing) elements are tolerated
            parts.append(separator)
            continue
        repeating = use.repeat != 1 and d.repetition is not None
        if use.composite is not None:
            value, composite_tests = _composite(use, d, text, version5)
            if repeating and composite_tests:  # a named group cannot repeat: the checker decides
                value, composite_tests = _FAIL, ""
            tests.append(composite_tests)
        else:
            assert use.element is not None
            value = _value(use.element, text, version5)
        value = _repeated(value, use, d)
        if position in noted:
            value = f"(?P<p{position}>{value})"
        if position in pairs:  # present exactly when the next element is present
            if position == count:
                parts.append(separator)  # the next one is absent, so this one must be empty
            else:
                parts.append(f"{separator}(?:{value}(?={next_present})|(?!{next_present}))")
        elif use.requirement == "M":
            parts.append(f"{separator}{value}")
        else:
            parts.append(f"{separator}(?:{value})?")
    conditions = "".join(_note(n, available=count) for n in notes) + "".join(tests)
    return re.compile("".join(parts) + conditions)
