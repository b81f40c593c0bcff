"""One transaction set against its definition: segment order, loops, repeats,
then each placed segment's elements. Every finding is collected (AK3/AK4).

Placement is the usual greedy walk over the set's table: a segment goes to the
first place at or after the current one in the innermost open loop; failing
that, the enclosing loops are tried, closing the inner ones (which is where
missing mandatory segments are noticed).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from edi_maps.x12.codes import SEGMENT_CODES
from edi_maps.x12.dictionary import Dictionary, LoopDef, SegmentUse, TransactionSetDef
from edi_maps.x12.element_checks import CompiledSegment, check_segment, compile_segment
from edi_maps.x12.results import SegmentError

_TAG = re.compile(r"[A-Z][A-Z0-9]{1,2}")


@dataclass(slots=True)
class _Child:
    tag: str  # the segment's tag, or the loop's trigger tag
    mandatory: bool
    limit: int  # max use (segment) or max repeat (loop); 0 = unbounded
    segment: CompiledSegment | None = None
    loop: _Loop | None = None


@dataclass(slots=True)
class _Loop:
    loop_id: str
    children: list[_Child]
    by_tag: dict[str, tuple[int, ...]] = field(default_factory=dict)
    tags: frozenset[str] = frozenset()  # every tag placed directly in this loop


@dataclass(slots=True)
class _Frame:
    loop: _Loop
    index: int
    counts: list[int]


class SetValidator:
    """Validates sets of one definition; build once, use for every set of that kind."""

    def __init__(self, definition: TransactionSetDef, dictionary: Dictionary) -> None:
        self.definition = definition
        self.known_tags = frozenset(dictionary.segments)
        self.v5 = definition.version >= "005010"
        self._compiled: dict[str, CompiledSegment] = {}
        self.root = self._compile(definition.root)

    def _compile(self, loop: LoopDef) -> _Loop:
        children: list[_Child] = []
        for child in loop.children:
            if isinstance(child, SegmentUse):
                compiled = self._compiled.get(child.tag)
                if compiled is None:
                    compiled = self._compiled[child.tag] = compile_segment(child.segment)
                children.append(
                    _Child(child.tag, child.requirement == "M", child.max_use, segment=compiled)
                )
            else:
                inner = self._compile(child)
                children.append(
                    _Child(
                        inner.children[0].tag,
                        child.requirement == "M",
                        child.max_repeat,
                        loop=inner,
                    )
                )
        by_tag: dict[str, list[int]] = {}
        for index, entry in enumerate(children):
            # A loop's trigger never repeats inside one iteration: seen again, it starts
            # the next iteration, which is found one level up.
            if index == 0 and loop is not self.definition.root:
                continue
            by_tag.setdefault(entry.tag, []).append(index)
        placed = frozenset(child.tag for child in children)
        return _Loop(loop.loop_id, children, {t: tuple(i) for t, i in by_tag.items()}, placed)

    def validate(
        self,
        segments: list[list[str]],
        component_separator: str,
        repetition_separator: str | None,
        offset_of: Callable[[int], int | None],
    ) -> list[SegmentError]:
        """Findings for ``segments`` (ST … SE as read), in input order."""
        errors: list[SegmentError] = []
        stack = [_Frame(self.root, -1, [0] * len(self.root.children))]
        v5 = self.v5
        for index, elements in enumerate(segments):
            position = index + 1
            segment = self._place(stack, elements[0], position, errors, offset_of)
            if segment is None:
                continue
            found = check_segment(elements, segment, component_separator, repetition_separator, v5)
            if found:
                errors.append(
                    SegmentError(
                        elements[0],
                        position,
                        "8",
                        SEGMENT_CODES["8"],
                        _loop_id(stack),
                        offset_of(index),
                        found,
                    )
                )
        while len(stack) > 1:
            self._close(stack.pop(), len(segments), errors, stack)
        return errors

    def _place(
        self,
        stack: list[_Frame],
        tag: str,
        position: int,
        errors: list[SegmentError],
        offset_of: Callable[[int], int | None],
    ) -> CompiledSegment | None:
        depth, found = len(stack) - 1, -1
        while depth >= 0:
            frame = stack[depth]
            for candidate in frame.loop.by_tag.get(tag, ()):
                if candidate >= frame.index:
                    found = candidate
                    break
            if found >= 0:
                break
            depth -= 1
        if found < 0:
            if not _TAG.fullmatch(tag) or tag not in self.known_tags:
                code = "1"
            elif tag not in self.definition.tags:
                code = "6"
            elif any(tag in frame.loop.tags for frame in stack):
                code = "7"  # its place in an open loop is behind us
            else:
                code = "2"  # it belongs in a loop that is not open (its trigger is missing)
            errors.append(
                SegmentError(
                    tag[:3],
                    position,
                    code,
                    SEGMENT_CODES[code],
                    _loop_id(stack),
                    offset_of(position - 1),
                )
            )
            return None
        while len(stack) > depth + 1:
            self._close(stack.pop(), position, errors, stack)
        frame = stack[depth]
        children = frame.loop.children
        if found > frame.index:
            for skipped in range(frame.index + 1, found):
                self._missing(children[skipped], frame, skipped, position, errors, stack)
            frame.index = found
        child = children[found]
        frame.counts[found] += 1
        too_many = child.limit and frame.counts[found] > child.limit
        if child.segment is not None:
            if too_many:
                errors.append(
                    SegmentError(
                        tag,
                        position,
                        "5",
                        SEGMENT_CODES["5"],
                        _loop_id(stack),
                        offset_of(position - 1),
                    )
                )
            return child.segment
        assert child.loop is not None
        inner = child.loop
        if too_many:
            errors.append(
                SegmentError(
                    tag, position, "4", SEGMENT_CODES["4"], inner.loop_id, offset_of(position - 1)
                )
            )
        counts = [0] * len(inner.children)
        counts[0] = 1
        stack.append(_Frame(inner, 0, counts))
        return inner.children[0].segment

    @staticmethod
    def _missing(
        child: _Child,
        frame: _Frame,
        index: int,
        position: int,
        errors: list[SegmentError],
        stack: list[_Frame],
    ) -> None:
        if child.mandatory and frame.counts[index] == 0 and child.tag != "SE":
            loop_id = child.loop.loop_id if child.loop else _loop_id(stack, frame)
            errors.append(SegmentError(child.tag, position, "3", SEGMENT_CODES["3"], loop_id))

    def _close(
        self, frame: _Frame, position: int, errors: list[SegmentError], stack: list[_Frame]
    ) -> None:
        for index in range(frame.index + 1, len(frame.loop.children)):
            child = frame.loop.children[index]
            if child.mandatory and frame.counts[index] == 0:
                loop_id = child.loop.loop_id if child.loop else frame.loop.loop_id
                errors.append(SegmentError(child.tag, position, "3", SEGMENT_CODES["3"], loop_id))


def _loop_id(stack: list[_Frame], frame: _Frame | None = None) -> str | None:
    """The innermost loop's id (AK303); None at the set's top level."""
    top = frame if frame is not None else stack[-1]
    return None if top is stack[0] else top.loop.loop_id
