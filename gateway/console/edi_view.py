"""A stored message's raw EDI, segment by segment, with every finding at its place.

The store keeps the raw bytes, not the findings' positions, so the page reads the
bytes again with today's engine (``edi_maps.translate``, the partner's reading
options, throwaway control numbers: nothing is allocated or sent) and places each
finding on the segment that starts at, or contains, its byte offset.
"""

from __future__ import annotations

import io
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from edi_maps.detect import detect
from edi_maps.edifact.reader import EdifactReader
from edi_maps.edifact.segments import Segment as EdifactSegment
from edi_maps.edifact.segments import Una
from edi_maps.edifact.service import ServiceChars
from edi_maps.errors import EdiError
from edi_maps.results import SegmentError
from edi_maps.translate import TranslateOptions, Translation, translate
from edi_maps.x12.reader import X12Reader
from gateway.canonical import Standard
from gateway.console.explain import Explanation, explain
from gateway.domain.control_numbers import InMemoryControlNumbers

MAX_SEGMENTS = 5000  # a page shows this many; the download has them all


@dataclass(frozen=True, slots=True)
class Finding:
    level: str  # interchange | group | set | segment | element | mapping
    code: str
    text: str
    element: int | None = None  # 1-based position, as in BEG03
    component: int | None = None
    value: str | None = None
    explanation: Explanation | None = None


@dataclass(slots=True)
class SegmentLine:
    number: int  # 1-based, in the file
    offset: int
    tag: str
    elements: list[str]  # without the tag; each as written (release characters kept)
    findings: list[Finding] = field(default_factory=list)

    @property
    def bad_elements(self) -> set[int]:
        return {f.element for f in self.findings if f.element is not None}


@dataclass(slots=True)
class EdiView:
    standard: str | None
    separator: str = "*"  # the element separator the file uses, to show it as sent
    lines: list[SegmentLine] = field(default_factory=list)
    unplaced: list[Finding] = field(default_factory=list)
    truncated: bool = False
    unreadable: str | None = None  # why the bytes could not be read as EDI

    @property
    def finding_count(self) -> int:
        return sum(len(line.findings) for line in self.lines) + len(self.unplaced)


class _Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def edi_view(raw: bytes, options: TranslateOptions | None = None) -> EdiView:
    """Segments of ``raw`` with the findings of a fresh translation placed on them."""
    try:
        standard = detect(raw[:512])
    except EdiError as error:
        return EdiView(None, unreadable=str(error))
    view = EdiView(standard.value)
    try:
        for number, (offset, tag, elements, separator) in enumerate(_segments(raw, standard), 1):
            if number > MAX_SEGMENTS:
                view.truncated = True
                break
            view.separator = separator
            view.lines.append(SegmentLine(number, offset, tag, elements))
        translation = translate(
            io.BytesIO(raw), numbers=InMemoryControlNumbers(), clock=_Clock(), options=options
        )
    except EdiError as error:
        view.unreadable = str(error)
        return view
    _place(view, list(_findings(translation)))
    return view


def _segments(raw: bytes, standard: Standard) -> Iterator[tuple[int, str, list[str], str]]:
    if standard is Standard.X12:
        for segment in X12Reader(raw):
            elements = segment.elements
            yield segment.offset, elements[0], elements[1:], segment.delimiters.element
        return
    chars = ServiceChars.level_a()
    for item in EdifactReader(raw).items():
        if isinstance(item, Una):
            chars = item.chars
        elif isinstance(item, EdifactSegment):
            tag, elements = _split_edifact(item.text, chars)
            yield item.offset, tag, elements, chars.element


def _split_edifact(text: str, chars: ServiceChars) -> tuple[str, list[str]]:
    """Elements as written: split on the element separator unless it is released."""
    parts, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == chars.release:
            current.append(char)
            escaped = True
        elif char == chars.element:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts[0], parts[1:]


def _findings(translation: Translation) -> Iterator[tuple[int | None, Finding]]:
    """(byte offset, finding) for everything the engine reported."""
    standard = translation.standard.value
    result: Any = translation.result
    for error in result.errors:
        yield error.byte_offset, Finding("interchange", error.code, error.description)
    for interchange in result.interchanges:
        for error in interchange.errors:
            yield error.byte_offset, Finding("interchange", error.code, error.description)
        for group in interchange.groups:
            for code in group.codes:
                yield group.byte_offset, _coded(standard, "group", code, "group")
            for result_set in group.sets:
                for code in result_set.codes:
                    if code == "5" and result_set.errors:
                        continue  # "segments in error": each is shown at its segment
                    yield result_set.byte_offset, _coded(standard, "set", code, "set")
                for error in result_set.errors:
                    yield from _segment_findings(standard, error)
    for failure in translation.mapping_failures:
        text = f"{failure.transaction_set} #{failure.set_control_number}: {failure.message}"
        yield None, Finding("mapping", "mapping", text)


def _segment_findings(standard: str, error: SegmentError) -> Iterator[tuple[int | None, Finding]]:
    offset = error.byte_offset
    if not error.elements or error.code not in ("8", ""):
        text = error.description
        if error.code == "3" or "missing" in error.description.lower():
            text = f"{error.description}: {error.segment_id} (expected before this segment)"
        yield (
            offset,
            Finding(
                "segment", error.code, text, explanation=explain(standard, "segment", error.code)
            ),
        )
    for element in error.elements:
        yield (
            offset,
            Finding(
                "element",
                element.code,
                element.description,
                element=element.element_position,
                component=element.component_position,
                value=element.bad_value,
                explanation=explain(standard, "element", element.code),
            ),
        )


def _coded(standard: str, level: str, code: str, _: str) -> Finding:
    found = explain(standard, level, code)
    text = found.what if found else f"{level} error {code}"
    return Finding(level, code, text, explanation=found)


def _place(view: EdiView, findings: list[tuple[int | None, Finding]]) -> None:
    offsets = [line.offset for line in view.lines]
    for offset, finding in findings:
        index = bisect_right(offsets, offset) - 1 if offset is not None else -1
        if index < 0 or (view.truncated and index == len(offsets) - 1):
            view.unplaced.append(finding)
        else:
            view.lines[index].findings.append(finding)


def set_segment(raw: bytes, set_control_number: str, position: int) -> str | None:
    """The text of segment ``position`` (1 = ST / UNH) of the set or message whose
    control number is ``set_control_number``: what a partner's ack points at."""
    try:
        standard = detect(raw[:512])
        header = "ST" if standard is Standard.X12 else "UNH"
        index = 0
        for _, tag, elements, separator in _segments(raw, standard):
            if tag == header:
                number = elements[1] if header == "ST" and len(elements) > 1 else elements[0]
                index = 1 if number == set_control_number else 0
            elif index:
                index += 1
            if index == position:
                return separator.join([tag, *elements])
    except EdiError:
        return None
    return None
