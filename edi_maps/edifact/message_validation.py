"""One EDIFACT message against its directory: segment order, groups and repeats
(the shared placement automaton), then each segment's data elements. Every
finding is collected, with the ISO 9735 syntax error code a CONTRL reports.

Real messages repeat segments (``UNS+S``, ``CNT+2:5``, the same ``PRI`` on every
line), so a segment text found valid is remembered per definition and, seen
again, costs a dictionary lookup.
"""

from __future__ import annotations

import re
from functools import cache

from edi_maps.edifact.charsets import decode, repertoire_problems
from edi_maps.edifact.definitions_index import SYNTAX_ERRORS, find_message
from edi_maps.edifact.dictionary import Directory, ElementDef, ElementUse, MessageDef, SegmentDef
from edi_maps.edifact.segments import Element, Segment, split_segment
from edi_maps.edifact.service import ServiceChars
from edi_maps.placement import Limit, Misplaced, Placement
from edi_maps.placement import Move as AnyMove
from edi_maps.placement import State as AnyState
from edi_maps.results import ElementError, SegmentError

Move = AnyMove[SegmentDef]
State = AnyState[SegmentDef]

_TAG = re.compile(r"[A-Z][A-Z0-9]{2}")
_MAX_FINDINGS = 1_000  # per message
_MEMO_SIZE = 50_000  # remembered valid texts per validator (a few MB at most)
MISSING, INVALID_VALUE, TOO_MANY_CONSTITUENTS = "13", "12", "16"
NOT_SUPPORTED_HERE = "15"  # a segment with no place where it stands
TOO_MANY_REPETITIONS, TOO_MANY_GROUP_REPETITIONS = "35", "36"
INVALID_CHARACTERS, INVALID_TYPE = "21", "37"
INVALID_DECIMAL, MISSING_DIGIT_BEFORE_DECIMAL = "19", "38"
TOO_LONG, TOO_SHORT = "39", "40"
MISPLACED_CODES = dict.fromkeys(Misplaced, NOT_SUPPORTED_HERE)
LIMIT_CODES = {Limit.SEGMENT: TOO_MANY_REPETITIONS, Limit.LOOP: TOO_MANY_GROUP_REPETITIONS}
_NUMBER = re.compile(r"-?([0-9]*)(?:[.,]([0-9]*))?")


def text_of(code: str) -> str:
    return SYNTAX_ERRORS.get(code, "Syntax error")


class MessageValidator:
    """Validates messages of one definition; built once, used for every such message."""

    def __init__(self, message: MessageDef, directory: Directory) -> None:
        self.message = message
        self.version = message.directory
        self.placement: Placement[SegmentDef] = Placement(
            message.root,
            known_tags=frozenset(directory.segments),
            trailer="UNT",
            tag_pattern=_TAG,
        )
        # segment texts found valid, per (service characters, syntax, code checks)
        self.valid: dict[tuple[ServiceChars, str, bool], set[str]] = {}
        self.remembered = 0

    def begin(
        self, chars: ServiceChars, syntax_id: str, association: str | None = None
    ) -> MessageRun:
        return MessageRun(self, chars, syntax_id, _checks_codes(association))

    def memo(self, chars: ServiceChars, syntax_id: str, codes: bool) -> set[str]:
        return self.valid.setdefault((chars, syntax_id, codes), set())

    def remember(self, memo: set[str], text: str) -> None:
        if self.remembered < _MEMO_SIZE:
            memo.add(text)
            self.remembered += 1


class MessageValidators:
    """The validators of an input, by UNH message identifier."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, str, str, str], MessageValidator | None] = {}

    def find(
        self, message_type: str, version: str, release: str, agency: str
    ) -> MessageValidator | None:
        key = (message_type, version, release, agency)
        if key not in self._found:
            self._found[key] = _validator(*key)
        return self._found[key]


@cache
def _validator(
    message_type: str, version: str, release: str, agency: str
) -> MessageValidator | None:
    """One validator per definition for the whole process: its memo is shared."""
    found = find_message(message_type, version, release, agency)
    return MessageValidator(*found) if found else None


def _checks_codes(association: str | None) -> bool:
    """EANCOM messages (UNH 0057 EAN…) may use GS1's additions to the UN code lists
    (BGM 50E, …), which are not bundled: their business codes are not judged against
    the UN lists, only their representation is; service codes always are."""
    return not (association or "").upper().startswith("EAN")


class MessageRun:
    """One message being validated, segment by segment."""

    def __init__(
        self,
        validator: MessageValidator,
        chars: ServiceChars,
        syntax_id: str,
        codes: bool = True,
    ) -> None:
        self.validator = validator
        self.chars = chars
        self.syntax_id = syntax_id
        self.codes = codes  # judge business codes against the UN lists
        self.memo = validator.memo(chars, syntax_id, codes)
        self.state: State = validator.placement.start
        self.position = 0  # of the current segment, UNH = 1
        # per open loop depth: uses of bounded children in the current iteration
        self.counts: list[dict[int, int]] = [{}]
        self.errors: list[SegmentError] = []

    def add(self, error: SegmentError) -> None:
        if len(self.errors) < _MAX_FINDINGS:
            self.errors.append(error)

    def segment(self, segment: Segment) -> None:
        self.position += 1
        tag = segment.tag
        placement = self.validator.placement
        move = self.state.moves.get(tag) or placement.move(self.state, tag)
        for missing, loop_id in move.missing:
            self.add(SegmentError(missing, self.position, MISSING,
                                  f"{text_of(MISSING)}: mandatory segment {missing}",
                                  loop_id, segment.offset))  # fmt: skip
        if move.target is None:
            assert move.error is not None
            code = MISPLACED_CODES[move.error]
            self.add(SegmentError(tag, self.position, code,
                                  f"{text_of(code)}: segment {tag} ({move.error.value})",
                                  move.loop_id, segment.offset))  # fmt: skip
            return
        self._count(move, tag, segment.offset)
        self.state = move.target
        if tag in ("UNH", "UNT"):
            return  # the envelope checks own them
        assert move.segment is not None
        if segment.text in self.memo:
            return
        elements = check_segment(move.segment, split_segment(segment.text, self.chars),
                                 self.syntax_id, codes=self.codes)  # fmt: skip
        if elements:
            self.add(SegmentError(tag, self.position, elements[0].code,
                                  f"{text_of(elements[0].code)} in segment {tag}",
                                  move.loop_id, segment.offset, elements))  # fmt: skip
        else:
            self.validator.remember(self.memo, segment.text)

    def _count(self, move: Move, tag: str, offset: int) -> None:
        """Repeats of bounded segments and groups, per iteration of the enclosing loop
        (as ``edi_maps/x12/set_validation.py`` counts them)."""
        if move.counted:
            # a first use is never recorded (it cannot exceed a limit): count from 1
            row = self.counts[move.depth]
            used = row[move.child] = row.get(move.child, 1) + 1
            if used > move.limit:
                code = LIMIT_CODES[move.limit_kind]
                self.add(SegmentError(tag, self.position, code,
                                      f"{text_of(code)}: {tag} more than {move.limit} times",
                                      move.loop_id, offset))  # fmt: skip
        if move.push:  # a new group iteration: fresh counters below it
            self.counts[move.depth + 1 :] = [{}]

    def end(self) -> list[SegmentError]:
        for missing, loop_id in self.validator.placement.closing(self.state):
            self.add(SegmentError(missing, self.position, MISSING,
                                  f"{text_of(MISSING)}: mandatory segment {missing}",
                                  loop_id))  # fmt: skip
        return self.errors


def check_segment(
    definition: SegmentDef, elements: list[Element], syntax_id: str, *, codes: bool = True
) -> list[ElementError]:
    """Every data element finding of one segment (UCD codes)."""
    found: list[ElementError] = []
    uses = definition.elements
    allowed = _repetitions(definition)
    values = elements[1:]
    for index, element in enumerate(values, start=1):
        if index > len(uses):
            if any(v for repetition in element for v in repetition):
                found.append(ElementError(TOO_MANY_CONSTITUENTS,
                                          f"{text_of(TOO_MANY_CONSTITUENTS)}: data element "
                                          f"{index} is not defined", index))  # fmt: skip
            continue
        use = uses[index - 1]
        if len(element) > allowed[index - 1]:
            found.append(ElementError(TOO_MANY_REPETITIONS,
                                      f"{text_of(TOO_MANY_REPETITIONS)}: {use.ref} repeated "
                                      f"{len(element)} times", index,
                                      element_reference=use.ref))  # fmt: skip
        for number, repetition in enumerate(element, start=1):
            found.extend(_check_use(use, repetition, index, number, syntax_id, codes))
    for use in uses[len(values) :]:
        if use.mandatory:
            found.append(_missing(use, use.position, None))
    return found


# by id(), holding the definition too, so that an id is never reused for another one
# (definitions are not hashable: their code texts are mapping proxies)
_ALLOWED: dict[int, tuple[SegmentDef, tuple[int, ...]]] = {}


def _repetitions(definition: SegmentDef) -> tuple[int, ...]:
    """How many repetitions each position accepts (computed once per definition)."""
    known = _ALLOWED.get(id(definition))
    if known is not None:
        return known[1]
    uses = definition.elements
    found = tuple(max(use.repeat, _same_in_a_row(uses, i)) for i, use in enumerate(uses))
    _ALLOWED[id(definition)] = (definition, found)
    return found


def _same_in_a_row(uses: tuple[ElementUse, ...], start: int) -> int:
    """How many positions from ``start`` hold the same element: directories before
    syntax 4 list a repeated composite position by position (NAD's C080 … COM's C076
    three times), and a syntax-4 sender may send those as repetitions of one."""
    count = 1
    while start + count < len(uses) and uses[start + count].ref == uses[start].ref:
        count += 1
    return count


def _check_use(
    use: ElementUse,
    components: list[str],
    index: int,
    repetition: int,
    syntax_id: str,
    codes: bool,
) -> list[ElementError]:
    found: list[ElementError] = []
    repeat = repetition if repetition > 1 else None
    if use.composite is None:
        assert use.element is not None
        if len(components) > 1 and any(components[1:]):
            found.append(ElementError(TOO_MANY_CONSTITUENTS,
                                      f"{text_of(TOO_MANY_CONSTITUENTS)}: {use.ref} is a simple "
                                      "data element", index, None, repeat, use.ref))  # fmt: skip
        value = components[0]
        if not value:
            if use.mandatory:
                found.append(_missing(use, index, None))
            return found
        found.extend(_check_value(use.element, value, index, None, repeat, syntax_id, codes))
        return found
    parts = use.composite.components
    if not any(components):
        if use.mandatory:
            found.append(_missing(use, index, None))
        return found
    for position, value in enumerate(components, start=1):
        if position > len(parts):
            if value:
                found.append(ElementError(TOO_MANY_CONSTITUENTS,
                                          f"{text_of(TOO_MANY_CONSTITUENTS)}: {use.ref} has "
                                          f"no component {position}", index, position, repeat,
                                          use.ref))  # fmt: skip
            continue
        part = parts[position - 1]
        if not value:
            if part.mandatory:
                found.append(_missing(part, index, position))
            continue
        assert part.element is not None
        found.extend(_check_value(part.element, value, index, position, repeat, syntax_id, codes))
    for part in parts[len(components) :]:
        if part.mandatory:
            found.append(_missing(part, index, part.position))
    return found


def _missing(use: ElementUse, index: int, component: int | None) -> ElementError:
    return ElementError(MISSING, f"{text_of(MISSING)}: mandatory {use.ref}", index, component,
                        element_reference=use.ref)  # fmt: skip


def _check_value(
    element: ElementDef,
    value: str,
    index: int,
    component: int | None,
    repetition: int | None,
    syntax_id: str,
    codes: bool,
) -> list[ElementError]:
    """Repertoire, representation (a/n/an), length and code list of one value (service
    elements, 0001-0999, always; business ones unless ``codes`` is False)."""

    def error(code: str, detail: str) -> ElementError:
        return ElementError(code, f"{text_of(code)}: {detail}", index, component, repetition,
                            element.ref, value)  # fmt: skip

    found: list[ElementError] = []
    for problem in repertoire_problems(value, syntax_id):
        found.append(error(INVALID_CHARACTERS, problem))
    text = decode(value, syntax_id)
    size = len(text)
    if element.type == "n":
        match = _NUMBER.fullmatch(text)
        if match is None:
            found.append(error(INVALID_TYPE, f"{element.ref} is numeric"))
            return found
        whole, fraction = match.group(1), match.group(2)
        if fraction is not None and not whole:
            found.append(error(MISSING_DIGIT_BEFORE_DECIMAL, f"{element.ref} {text!r}"))
        elif fraction == "":
            found.append(error(INVALID_DECIMAL, f"{element.ref} {text!r}"))
        size = len(whole) + len(fraction or "")
    elif element.type == "a" and any(char.isdigit() for char in text):
        found.append(error(INVALID_TYPE, f"{element.ref} is alphabetic"))
    if size > element.max_length:
        found.append(error(TOO_LONG, f"{element.ref} is {element.representation}"))
    elif size < element.min_length:
        found.append(error(TOO_SHORT, f"{element.ref} is {element.representation}"))
    judged = codes or element.ref.startswith("0")
    if judged and element.codes is not None and text not in element.codes:
        found.append(error(INVALID_VALUE, f"{text!r} is not a code of {element.ref}"))
    return found
