"""Data element checks for one segment: AK4 / IK4 findings.

Definitions are compiled once into tuples of plain values, so the per-element
work in the hot loop is a few comparisons and one string method call.
"""

from __future__ import annotations

from dataclasses import dataclass

from edi_maps.x12.codes import ELEMENT_CODES
from edi_maps.x12.dictionary import NUMERIC_TYPES, ElementDef, ElementUse, SegmentDef, SyntaxNote
from edi_maps.x12.results import ElementError

_AN, _ID, _NUM, _R, _DT, _TM, _B = range(7)
_KIND = {"AN": _AN, "ID": _ID, "R": _R, "DT": _DT, "TM": _TM, "B": _B}
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# (kind, min, max, codes or None, element ref)
ValueRule = tuple[int, int, int, frozenset[str] | None, str]


@dataclass(frozen=True, slots=True)
class Position:
    """A compiled :class:`ElementUse`."""

    position: int
    mandatory: bool
    repeat: int  # 1, a bound, or 0 for unbounded
    rule: ValueRule | None  # simple element
    components: tuple[tuple[bool, ValueRule], ...] | None  # composite: (mandatory, rule)
    component_notes: tuple[SyntaxNote, ...]
    ref: str


@dataclass(frozen=True, slots=True)
class CompiledSegment:
    tag: str
    positions: tuple[Position, ...]
    notes: tuple[SyntaxNote, ...]
    refs: dict[int, str]  # position → element ref, for notes


def value_rule(element: ElementDef) -> ValueRule:
    kind = _NUM if element.type in NUMERIC_TYPES else _KIND[element.type]
    return (kind, element.min_length, element.max_length, element.codes, element.ref)


def _position(use: ElementUse) -> Position:
    if use.composite is not None:
        comps = tuple(
            (c.requirement == "M", value_rule(c.element))
            for c in use.composite.components
            if c.element
        )
        return Position(
            use.position,
            use.requirement == "M",
            use.repeat,
            None,
            comps,
            use.composite.notes,
            use.ref,
        )
    assert use.element is not None
    return Position(
        use.position, use.requirement == "M", use.repeat, value_rule(use.element), None, (), use.ref
    )


def compile_segment(definition: SegmentDef) -> CompiledSegment:
    positions = tuple(_position(u) for u in definition.elements)
    refs = {p.position: p.ref for p in positions}
    return CompiledSegment(definition.tag, positions, definition.notes, refs)


def _error(
    code: str,
    position: int,
    ref: str,
    value: str | None = None,
    *,
    component: int | None = None,
    repetition: int | None = None,
) -> ElementError:
    return ElementError(code, ELEMENT_CODES[code], position, component, repetition, ref, value)


def check_value(value: str, rule: ValueRule, allow_exponent: bool) -> str | None:
    """The AK403 code ``value`` earns against ``rule``, or None when it is valid."""
    kind, low, high, codes, _ = rule
    if kind == _AN:
        if not value.isprintable() and _has_control(value):
            return "6"
        length = len(value)
    elif kind == _ID:
        length = len(value)
        if low <= length <= high:
            if codes is not None and value not in codes:
                return "7"
            return None
    elif kind == _NUM:
        digits = value[1:] if value[:1] == "-" else value
        if not (digits.isascii() and digits.isdigit()):
            return "6"
        length = len(digits)
    elif kind == _R:
        length = _decimal_digits(value, allow_exponent)
        if length < 0:
            return "6"
    elif kind == _DT:
        length = len(value)
        if low <= length <= high and not valid_date(value):
            return "8"
    elif kind == _TM:
        length = len(value)
        if low <= length <= high and not valid_time(value):
            return "9"
    else:  # binary: nothing to check in a text segment
        return None
    if length < low:
        return "4"
    if length > high:
        return "5"
    return None


def _has_control(value: str) -> bool:
    """Control characters are never data (X12.5); other non-printables (Latin-1 and
    UTF-8 bytes seen as Latin-1) are tolerated as the extended character set."""
    return any(c < " " or c == "\x7f" for c in value)


def _decimal_digits(value: str, allow_exponent: bool) -> int:
    """Digits in an R value (sign, point and exponent not counted), -1 if malformed."""
    body = value[1:] if value[:1] == "-" else value
    exponent = ""
    if allow_exponent and "E" in body:
        body, _, exponent = body.partition("E")
        exponent = exponent[1:] if exponent[:1] == "-" else exponent
        if not (exponent.isascii() and exponent.isdigit()):
            return -1
    whole, _, fraction = body.partition(".")
    digits = whole + fraction
    if not digits or not (digits.isascii() and digits.isdigit()):
        return -1
    return len(digits)


def valid_date(value: str) -> bool:
    if not (value.isascii() and value.isdigit()) or len(value) not in (6, 8):
        return False
    year = int(value[:-4]) if len(value) == 8 else 2000 + int(value[:2])
    month, day = int(value[-4:-2]), int(value[-2:])
    if not 1 <= month <= 12 or day < 1:
        return False
    if month == 2 and day == 29:
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return day <= _DAYS[month - 1]


def valid_time(value: str) -> bool:
    if not (value.isascii() and value.isdigit()) or len(value) not in (4, 6, 7, 8):
        return False
    hours, minutes = int(value[:2]), int(value[2:4])
    seconds = int(value[4:6]) if len(value) >= 6 else 0
    return hours <= 23 and minutes <= 59 and seconds <= 59


def check_segment(
    elements: list[str],
    segment: CompiledSegment,
    component_separator: str,
    repetition_separator: str | None,
    v5: bool,
) -> list[ElementError] | None:
    """Every element finding of one segment, or None when it is clean.

    ``v5`` selects the 005010 codes (12 too many repetitions, 13 too many
    components, exponents in R values).
    """
    errors: list[ElementError] | None = None
    count = len(elements) - 1
    defined = len(segment.positions)
    if count > defined:
        for position in range(defined + 1, count + 1):
            if elements[position]:  # trailing empty elements carry no data: tolerated
                errors = [_error("3", position, "", elements[position])]
                break
    for spec in segment.positions:
        position = spec.position
        value = elements[position] if position <= count else ""
        if not value:
            if spec.mandatory:
                errors = errors or []
                errors.append(_error("1", position, spec.ref))
            continue
        found = _check_position(value, spec, component_separator, repetition_separator, v5)
        if found:
            errors = errors or []
            errors.extend(found)
    if segment.notes:
        present = {p for p in range(1, min(count, defined) + 1) if elements[p]}
        noted = note_errors(segment.notes, present, segment.refs)
        if noted:
            errors = errors or []
            errors.extend(noted)
    return errors


def _check_position(
    value: str, spec: Position, comp: str, rep: str | None, v5: bool
) -> list[ElementError] | None:
    if rep is not None and rep in value:
        values = value.split(rep)
        if spec.repeat == 1 or (spec.repeat and len(values) > spec.repeat):
            code = "12" if v5 else "6"
            return [_error(code, spec.position, spec.ref, value)]
    else:
        values = [value]
    found: list[ElementError] = []
    for index, item in enumerate(values, start=1):
        repetition = index if len(values) > 1 else None
        if spec.rule is not None:
            if comp in item:
                item = item.rstrip(comp)  # trailing empty components carry no data
                if comp in item:
                    found.append(
                        _error(
                            "13" if v5 else "6",
                            spec.position,
                            spec.ref,
                            item,
                            repetition=repetition,
                        )
                    )
                    continue
            problem = check_value(item, spec.rule, v5)
            if problem:
                found.append(_error(problem, spec.position, spec.ref, item, repetition=repetition))
        elif item:
            found.extend(_check_composite(item, spec, comp, v5, repetition))
    return found or None


def _check_composite(
    value: str, spec: Position, comp: str, v5: bool, repetition: int | None
) -> list[ElementError]:
    assert spec.components is not None
    parts = value.split(comp)
    while parts and not parts[-1]:
        parts.pop()
    found: list[ElementError] = []
    if len(parts) > len(spec.components):
        found.append(
            _error(
                "13" if v5 else "3",
                spec.position,
                spec.ref,
                value,
                component=len(spec.components) + 1,
                repetition=repetition,
            )
        )
    for index, (mandatory, rule) in enumerate(spec.components, start=1):
        part = parts[index - 1] if index <= len(parts) else ""
        if not part:
            if mandatory:
                found.append(
                    _error("1", spec.position, rule[4], component=index, repetition=repetition)
                )
            continue
        code = check_value(part, rule, v5)
        if code:
            found.append(
                _error(code, spec.position, rule[4], part, component=index, repetition=repetition)
            )
    if spec.component_notes:
        present = {i for i, part in enumerate(parts, start=1) if part}
        refs = {i: rule[4] for i, (_, rule) in enumerate(spec.components, start=1)}
        for error in note_errors(spec.component_notes, present, refs):
            found.append(
                _error(
                    error.code,
                    spec.position,
                    error.element_reference or spec.ref,
                    component=error.element_position,
                    repetition=repetition,
                )
            )
    return found


def note_errors(
    notes: tuple[SyntaxNote, ...], present: set[int], refs: dict[int, str]
) -> list[ElementError]:
    """Findings for X12.6 syntax notes given which positions hold a value."""
    found: list[ElementError] = []
    for note in notes:
        positions = note.positions
        here = [p for p in positions if p in present]
        kind = note.kind
        if kind == "P":
            if here and len(here) != len(positions):
                found.extend(_error("2", p, refs.get(p, "")) for p in positions if p not in present)
        elif kind == "R":
            if not here:
                found.append(_error("2", positions[0], refs.get(positions[0], "")))
        elif kind == "E":
            if len(here) > 1:
                found.extend(_error("10", p, refs.get(p, "")) for p in here[1:])
        elif kind == "C":
            if positions[0] in present:
                found.extend(
                    _error("2", p, refs.get(p, "")) for p in positions[1:] if p not in present
                )
        elif (
            kind == "L" and positions[0] in present and not any(p in present for p in positions[1:])
        ):
            found.append(_error("2", positions[1], refs.get(positions[1], "")))
    return found
