"""Validate an EDIFACT input as it streams: envelopes, counts, references, and
every message whose directory we have against its definition.

As for X12 (``edi_maps/x12/validation.py``), memory holds a chunk of input, the
(compact) results and, for the ``on_message`` handler only, the segments of the
message being read. An interchange without UNG gets one implicit group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Literal

from edi_maps.edifact.charsets import SYNTAX_CODECS
from edi_maps.edifact.envelope import (
    ERRORS,
    EnvelopeFinding,
    group_from_ung,
    interchange_from_unb,
    une_codes,
    unh_codes,
    unt_codes,
    unz_findings,
)
from edi_maps.edifact.message_validation import MessageRun, MessageValidators
from edi_maps.edifact.reader import EdifactReader
from edi_maps.edifact.results import EdifactFileResult, EdifactGroup, EdifactInterchange
from edi_maps.edifact.segments import Element, Garbage, Segment, Una, split_segment
from edi_maps.edifact.service import ServiceChars
from edi_maps.results import (
    ElementError,
    EnvelopeError,
    FileResult,
    SegmentError,
    SetResult,
    Status,
)

_MAX_ENVELOPE_ERRORS = 20
_ENVELOPE_TAGS = frozenset({"UNB", "UNG", "UNH", "UNT", "UNE", "UNZ"})

# called with each finished message: (interchange, group, result, segment texts)
MessageHandler = Callable[[EdifactInterchange, EdifactGroup, SetResult, list[Segment]], None]


@dataclass(frozen=True, slots=True)
class ValidationOptions:
    """Per-caller choices (a partner profile supplies them later).

    Attributes:
        unsupported_messages: a message whose directory we do not have is either
            checked at envelope level only, or rejected.
        max_message_segments: a longer message is refused and its segments are not
            kept for ``on_message``.
    """

    unsupported_messages: Literal["envelope_only", "reject"] = "envelope_only"
    max_message_segments: int = 1_000_000


def validate_edifact(
    source: bytes | BinaryIO,
    options: ValidationOptions | None = None,
    on_message: MessageHandler | None = None,
) -> EdifactFileResult:
    """Validate a whole input; see :func:`iter_results` for the streaming form."""
    result: EdifactFileResult = FileResult()
    for item in iter_results(source, options, on_message):
        if isinstance(item, EdifactInterchange):
            result.interchanges.append(item)
        else:
            result.errors.append(item)
    return result


def iter_results(
    source: bytes | BinaryIO,
    options: ValidationOptions | None = None,
    on_message: MessageHandler | None = None,
) -> Iterator[EdifactInterchange | EnvelopeError]:
    """Each interchange's result as soon as its UNZ (or the end) is read, and each
    stretch of bytes outside any interchange."""
    walker = _Walker(options or ValidationOptions(), on_message)
    for item in EdifactReader(source).items():
        if isinstance(item, Segment):
            yield from walker.segment(item)
        elif isinstance(item, Una):
            yield from walker.close_interchange(None, item.offset)
            walker.chars, walker.una = item.chars, bool(item.text)
            walker.una_problems = item.chars.problems()
        elif isinstance(item, Garbage):
            yield from walker.close_interchange(None, item.offset)
            text = item.text.strip()
            yield EnvelopeError("33", f"{ERRORS['33']}: {text[:40]!r}", item.offset)
    yield from walker.close_interchange(None, None)


class _OpenMessage:
    __slots__ = ("count", "overflow", "result", "run", "segments")

    def __init__(self, result: SetResult, run: MessageRun | None, collect: bool) -> None:
        self.result = result
        self.run = run
        self.segments: list[Segment] | None = [] if collect else None
        self.count = 0  # UNH and UNT included
        self.overflow = False


class _Walker:
    def __init__(self, options: ValidationOptions, on_message: MessageHandler | None) -> None:
        self.options = options
        self.on_message = on_message
        self.chars = ServiceChars.level_a()
        self.una = False
        self.una_problems: list[str] = []
        self.interchange: EdifactInterchange | None = None
        self.group: EdifactGroup | None = None
        self.message: _OpenMessage | None = None
        self.references: set[str] = set()  # message references seen in the interchange
        self.validators = MessageValidators()
        self.suppressed = 0
        self.unreadable = False  # the UNA's characters cannot be used

    # findings ------------------------------------------------------------
    def _finding(self, finding: EnvelopeFinding, offset: int | None) -> None:
        interchange = self.interchange
        if interchange is None:
            return
        if len(interchange.errors) >= _MAX_ENVELOPE_ERRORS:
            self.suppressed += 1
            return
        interchange.error_segments[len(interchange.errors)] = (finding.segment, finding.element)
        interchange.errors.append(EnvelopeError(finding.code, finding.description, offset))

    # interchange ---------------------------------------------------------
    def open_interchange(self, segment: Segment, elements: list[Element]) -> None:
        self.interchange, findings = interchange_from_unb(
            elements, self.chars, una=self.una, offset=segment.offset,
            known_syntax=frozenset(SYNTAX_CODECS),
        )  # fmt: skip
        self.chars = self.interchange.chars  # UNA5 dropped before syntax version 4
        self.suppressed = 0
        self.references = set()
        # With unusable service characters nothing after the UNA can be read
        # reliably: its findings are the answer, the body is skipped.
        self.unreadable = bool(self.una_problems)
        for problem in self.una_problems:
            self._finding(EnvelopeFinding("20", problem, "UNA"), segment.offset)
        if not self.unreadable:
            for finding in findings:
                self._finding(finding, segment.offset)

    def close_interchange(
        self, unz: list[Element] | None, offset: int | None
    ) -> Iterator[EdifactInterchange]:
        interchange = self.interchange
        if interchange is None:
            return
        self.close_group(None, offset)
        if self.unreadable:
            pass
        elif unz is None:
            self._finding(EnvelopeFinding("13", "no UNZ", "UNZ"), offset)
        else:
            for finding in unz_findings(interchange, unz):
                self._finding(finding, offset)
        if self.suppressed:
            interchange.errors.append(
                EnvelopeError("18", f"Unspecified error: {self.suppressed} more findings", None)
            )
        if interchange.errors:
            interchange.status = Status.REJECTED
        self.interchange = None
        self.chars, self.una, self.una_problems = ServiceChars.level_a(), False, []
        self.unreadable = False
        yield interchange

    # group ---------------------------------------------------------------
    def open_group(self, elements: list[Element], offset: int) -> None:
        interchange = self.interchange
        assert interchange is not None
        self.close_group(None, offset)
        if any(not g.explicit for g in interchange.groups):
            self._finding(EnvelopeFinding("30", "UNG after messages outside groups", "UNG"),
                          offset)  # fmt: skip
        group, codes = group_from_ung(elements, offset)
        group.codes.extend(codes)
        group.service_segment = "UNG" if codes else None
        interchange.groups.append(group)
        self.group = group

    def implicit_group(self, offset: int) -> EdifactGroup:
        interchange = self.interchange
        assert interchange is not None
        if any(g.explicit for g in interchange.groups):
            self._finding(EnvelopeFinding("30", "UNH outside a group among groups", "UNH"),
                          offset)  # fmt: skip
        group = EdifactGroup(
            functional_id="", control_number="", version="", sender_id=interchange.sender_id,
            receiver_id=interchange.receiver_id, date=interchange.date, time=interchange.time,
            byte_offset=offset, explicit=False,
        )  # fmt: skip
        interchange.groups.append(group)
        self.group = group
        return group

    def close_group(self, une: list[Element] | None, offset: int | None) -> None:
        group = self.group
        if group is None:
            return
        self.close_message(None)
        if group.explicit:
            if une is None:
                group.codes.append("13")
                group.service_segment = group.service_segment or "UNE"
            else:
                codes = une_codes(group, une)
                if codes and not group.codes:
                    group.service_segment = "UNE"
                group.codes.extend(codes)
            types = {one.transaction_set for one in group.sets}
            if len(types) > 1:
                group.codes.append("31")
            elif types and group.functional_id not in types:
                group.codes.append("12")  # UNG 0038 names another message type
                group.service_segment = group.service_segment or "UNG"
        group.codes = sorted(set(group.codes), key=int)
        group.status = _group_status(group)
        self.group = None

    # message -------------------------------------------------------------
    def open_message(self, segment: Segment, elements: list[Element]) -> None:
        self.close_message(None)
        if self.group is None:
            self.implicit_group(segment.offset)
        identifier = elements[2][0] if len(elements) > 2 else []
        identifier = identifier + [""] * (5 - len(identifier))
        result = SetResult(
            transaction_set=identifier[0],
            control_number=elements[1][0][0] if len(elements) > 1 else "",
            implementation_reference=identifier[4] or None,
            byte_offset=segment.offset,
            message_version=":".join(identifier[1:4]),
        )
        run = None
        found = unh_codes(elements)
        for code, detail, element, component in found:
            _message_error(result, "UNH", 1, code, detail, element, component)
        if result.control_number in self.references:
            _message_error(result, "UNH", 1, "26", f"message reference {result.control_number!r} "
                           "already used in this interchange", 1, None)  # fmt: skip
        self.references.add(result.control_number)
        if not found:
            validator = self.validators.find(*identifier[:4])
            if validator is not None:
                interchange = self.interchange
                assert interchange is not None
                result.validated_against = validator.version
                run = validator.begin(
                    interchange.chars,
                    interchange.syntax_identifier,
                    result.implementation_reference,
                )
        self.message = _OpenMessage(result, run, self.on_message is not None)
        self._take(self.message, segment)

    def _take(self, message: _OpenMessage, segment: Segment) -> None:
        message.count += 1
        if message.run is not None:
            message.run.segment(segment)
        if message.segments is not None and not message.overflow:
            if message.count > self.options.max_message_segments:
                message.overflow, message.segments = True, None
            else:
                message.segments.append(segment)

    def close_message(self, unt: list[Element] | None) -> None:
        message, group, interchange = self.message, self.group, self.interchange
        self.message = None
        if message is None or group is None or interchange is None:
            return
        result = message.result
        result.segment_count = message.count
        if unt is None:
            _message_error(result, "UNT", message.count, "13", "no UNT", None, None)
        else:
            for code, detail, element, component in unt_codes(
                result.control_number, message.count, unt
            ):
                _message_error(result, "UNT", message.count, code, detail, element, component)
        if message.run is not None:
            errors = message.run.end()
            if errors:
                result.errors.extend(errors)
                result.codes.append(errors[0].code)
        elif (
            self.options.unsupported_messages == "reject"
            and not result.codes
            and result.validated_against is None
        ):
            result.codes.append("2")
        if message.overflow:
            result.codes.append("18")
        result.codes = sorted(set(result.codes), key=int)
        if result.codes:
            result.status = Status.REJECTED
        if self.on_message is not None and message.segments is not None:
            self.on_message(interchange, group, result, message.segments)
        group.sets.append(result)

    # segments ------------------------------------------------------------
    def segment(self, segment: Segment) -> Iterator[EdifactInterchange | EnvelopeError]:
        tag = segment.tag
        message = self.message
        if message is not None and tag not in _ENVELOPE_TAGS:
            self._take(message, segment)  # the hot path: a message's body segment
            return
        elements = split_segment(segment.text, self.chars)
        if tag == "UNB":
            yield from self.close_interchange(None, segment.offset)
            self.open_interchange(segment, elements)
            return
        if self.unreadable:
            if tag == "UNZ":
                yield from self.close_interchange(elements, segment.offset)
            return
        if self.interchange is None:
            yield EnvelopeError("33", f"{ERRORS['33']}: segment {tag!r} outside any "
                                "interchange", segment.offset)  # fmt: skip
            return
        if tag == "UNH":
            self.open_message(segment, elements)
        elif tag == "UNT":
            if message is None:
                self._finding(EnvelopeFinding("33", "UNT without UNH", "UNT"), segment.offset)
            else:
                self._take(message, segment)
                self.close_message(elements)
        elif tag == "UNG":
            self.open_group(elements, segment.offset)
        elif tag == "UNE":
            if self.group is None or not self.group.explicit:
                self._finding(EnvelopeFinding("33", "UNE without UNG", "UNE"), segment.offset)
            self.close_group(elements, segment.offset)
        elif tag == "UNZ":
            yield from self.close_interchange(elements, segment.offset)
        else:
            where = "between messages" if self.group is not None else "outside any message"
            self._finding(EnvelopeFinding("33", f"segment {tag!r} {where}", tag), segment.offset)


def _message_error(
    result: SetResult,
    tag: str,
    position: int,
    code: str,
    detail: str,
    element: int | None,
    component: int | None,
) -> None:
    """A UNH/UNT finding: the message's code (UCM 0085) and where it points."""
    result.codes.append(code)
    elements = []
    if element is not None:
        elements.append(ElementError(code, detail, element, component))
    description = f"{ERRORS.get(code, 'Syntax error')}: {detail}"
    result.errors.append(SegmentError(tag, position, code, description, elements=elements))


def _group_status(group: EdifactGroup) -> Status:
    if group.codes:
        return Status.REJECTED
    rejected = group.sets.statuses.get(Status.REJECTED, 0)
    if rejected == 0:
        return Status.ACCEPTED
    return Status.REJECTED if rejected == len(group.sets) else Status.PARTIALLY_ACCEPTED
