"""One transaction set against its definition: segment order, loops, repeats,
then each segment's elements. Every finding is collected (AK3/AK4).

Placement is the usual greedy walk over the set's table: a segment goes to the
first place at or after the current one in the innermost open loop; failing
that, the enclosing loops are tried, closing the inner ones (which is where
missing mandatory segments are noticed). The walk's decisions depend only on
which loops are open, where, and the tag, so they are computed once per such
state and kept (:class:`_State`): the hot loop is a dictionary lookup, a
counter and one regular expression per segment (``segment_patterns.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from edi_maps.x12.codes import SEGMENT_CODES
from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.dictionary import Dictionary, LoopDef, SegmentDef, SegmentUse, TransactionSetDef
from edi_maps.x12.element_checks import CompiledSegment, check_segment, compile_segment
from edi_maps.x12.reader import control_characters
from edi_maps.x12.results import SegmentError
from edi_maps.x12.segment_patterns import segment_pattern

_TAG = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_MEMO_SIZE = 50_000  # remembered valid segment texts per validator (a few MB at most)


@dataclass(slots=True)
class _Child:
    tag: str  # the segment's tag, or the loop's trigger tag
    mandatory: bool
    limit: int  # max use (segment) or max repeat (loop); 0 = unbounded
    segment: SegmentDef | None = None
    loop: _Loop | None = None


@dataclass(slots=True, eq=False)  # compared and hashed by identity: states are keyed on loops
class _Loop:
    loop_id: str
    children: list[_Child]
    by_tag: dict[str, tuple[int, ...]] = field(default_factory=dict)
    tags: frozenset[str] = frozenset()  # every tag placed directly in this loop


Frames = tuple[tuple[_Loop, int], ...]  # open loops, outermost first, with the current index


@dataclass(slots=True)
class _Move:
    """What one tag does in one state: where it lands, what it leaves missing."""

    target: _State | None  # None: the segment has no place here (``error`` says why)
    error: str | None
    segment: SegmentDef | None
    depth: int  # the frame the segment lands in
    child: int
    fresh: bool  # first use of that child in this loop iteration
    push: int  # children of the loop entered (0: none entered)
    limit: int
    limit_code: str  # "5" segment over max use, "4" loop over max repeat
    missing: tuple[tuple[str, str | None], ...]  # mandatory (tag, loop id) passed over
    loop_id: str | None  # AK303 for findings on this segment
    patterns: dict[int, re.Pattern[str]] = field(default_factory=dict)  # by element count …
    patterns_for: Delimiters | None = None  # … for these delimiters
    plain: bool = False  # placed, nothing missing, nothing to count, no loop entered

    def __post_init__(self) -> None:
        self.plain = self.target is not None and not (self.missing or self.limit or self.push)


@dataclass(slots=True)
class _State:
    frames: Frames
    moves: dict[str, _Move] = field(default_factory=dict)
    closing: tuple[tuple[str, str | None], ...] | None = None  # missing if the set ends here


class SetValidator:
    """Validates sets of one definition; build once, use for every set of that kind."""

    def __init__(self, definition: TransactionSetDef, dictionary: Dictionary) -> None:
        self.definition = definition
        self.known_tags = frozenset(dictionary.segments)
        self.v5 = definition.version >= "005010"
        self._compiled: dict[str, CompiledSegment] = {}
        self._patterns: dict[Delimiters, dict[str, dict[int, re.Pattern[str]]]] = {}
        self._memo: dict[str, str] = {}
        self._memo_for: Delimiters | None = None
        self.root = self._compile(definition.root, root=True)
        self._states: dict[Frames, _State] = {}
        self.start = self._state(((self.root, -1),))

    def _compile(self, loop: LoopDef, *, root: bool = False) -> _Loop:
        children: list[_Child] = []
        for child in loop.children:
            if isinstance(child, SegmentUse):
                children.append(
                    _Child(
                        child.tag, child.requirement == "M", child.max_use, segment=child.segment
                    )
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
            if index == 0 and not root:
                continue
            by_tag.setdefault(entry.tag, []).append(index)
        placed = frozenset(child.tag for child in children)
        return _Loop(loop.loop_id, children, {t: tuple(i) for t, i in by_tag.items()}, placed)

    def _state(self, frames: Frames) -> _State:
        state = self._states.get(frames)
        if state is None:
            state = self._states[frames] = _State(frames)
        return state

    # the walk, computed once per (state, tag) ----------------------------------
    def _move(self, state: _State, tag: str) -> _Move:
        frames = state.frames
        depth, found = len(frames) - 1, -1
        while depth >= 0:
            loop, index = frames[depth]
            for candidate in loop.by_tag.get(tag, ()):
                if candidate >= index:
                    found = candidate
                    break
            if found >= 0:
                break
            depth -= 1
        if found < 0:
            move = _Move(None, self._misplaced(frames, tag), None, 0, 0, False, 0, 0, "",
                         (), _loop_id(frames, len(frames) - 1))  # fmt: skip
            state.moves[tag] = move
            return move
        missing: list[tuple[str, str | None]] = []
        for popped in range(len(frames) - 1, depth, -1):
            missing.extend(_left_over(*frames[popped]))
        loop, index = frames[depth]
        for skipped in range(index + 1, found):
            child = loop.children[skipped]
            if child.mandatory and child.tag != "SE":
                missing.append(
                    (child.tag, child.loop.loop_id if child.loop else _loop_id(frames, depth))
                )
        child = loop.children[found]
        kept = (*frames[:depth], (loop, found))
        if child.loop is not None:
            inner = child.loop
            target = self._state((*kept, (inner, 0)))
            trigger = inner.children[0].segment
            move = _Move(target, None, trigger, depth, found, found > index, len(inner.children),
                         child.limit, "4", tuple(missing), inner.loop_id)  # fmt: skip
        else:
            target = self._state(kept)
            move = _Move(target, None, child.segment, depth, found, found > index, 0,
                         child.limit, "5", tuple(missing), _loop_id(kept, depth))  # fmt: skip
        state.moves[tag] = move
        return move

    def _misplaced(self, frames: Frames, tag: str) -> str:
        if not _TAG.fullmatch(tag) or tag not in self.known_tags:
            return "1"
        if tag not in self.definition.tags:
            return "6"
        if any(tag in loop.tags for loop, _ in frames):
            return "7"  # its place in an open loop is behind us
        return "2"  # it belongs in a loop that is not open (its trigger is missing)

    @staticmethod
    def _closing(state: _State) -> tuple[tuple[str, str | None], ...]:
        if state.closing is None:
            missing: list[tuple[str, str | None]] = []
            for depth in range(len(state.frames) - 1, -1, -1):
                missing.extend(_left_over(*state.frames[depth], top=depth == 0))
            state.closing = tuple(m for m in missing if m[0] != "SE")
        return state.closing

    # the hot loop --------------------------------------------------------------
    def _valid_texts(self, delimiters: Delimiters) -> dict[str, str]:
        """Segment texts already found valid (with their tag), for these delimiters.

        Real files repeat segments (addresses, descriptions, dates, units): a
        dictionary lookup costs a tenth of a pattern match. Bounded; emptied when full.
        """
        if self._memo_for is not delimiters or len(self._memo) >= _MEMO_SIZE:
            self._memo, self._memo_for = {}, delimiters
        return self._memo

    def patterns(self, delimiters: Delimiters) -> dict[str, dict[int, re.Pattern[str]]]:
        """Fast-path patterns by tag, then element count, for one set of delimiters."""
        found = self._patterns.get(delimiters)
        if found is None:
            found = self._patterns[delimiters] = {}
        return found

    def validate(
        self,
        segments: list[str],
        delimiters: Delimiters,
        offset_of: Callable[[int], int | None],
        clean: bool = True,
    ) -> list[SegmentError]:
        """Findings for ``segments`` (ST … SE as read, as text), in input order.

        ``clean`` says the reader found no control characters in these segments
        (:attr:`SegmentBatch.clean`); otherwise each segment is searched for them.
        """
        errors: list[SegmentError] = []
        separator = delimiters.element
        patterns = self.patterns(delimiters)
        controls = None if clean else control_characters(delimiters)
        valid = self._valid_texts(delimiters)
        state = self.start
        counts: list[dict[int, int]] = [{}]
        for index, text in enumerate(segments):
            known = valid.get(text)  # a text seen valid before: its tag, no pattern to run
            tag = known or text.partition(separator)[0]
            move = state.moves.get(tag) or self._move(state, tag)
            if not move.plain:  # something to record before the elements: rare
                if move.target is None:
                    self._misplaced_error(move, tag, index, offset_of, errors)
                    continue
                self._bookkeeping(move, tag, index, counts, offset_of, errors)
            state = move.target  # type: ignore[assignment]
            if known:  # same text, same definition, same delimiters: same answer
                continue
            if move.patterns_for is not delimiters:
                move.patterns, move.patterns_for = patterns.setdefault(tag, {}), delimiters
            count = text.count(separator)
            pattern = move.patterns.get(count)
            if pattern is None:
                assert move.segment is not None
                pattern = move.patterns[count] = segment_pattern(
                    move.segment, delimiters, self.v5, count
                )
            if pattern.fullmatch(text) is None or (controls is not None and controls.search(text)):
                self._check_elements(text, move, delimiters, index + 1, index, offset_of, errors)
            elif len(valid) < _MEMO_SIZE:
                valid[text] = tag
        closing = self._closing(state)
        if closing:
            position = len(segments)
            errors.extend(
                SegmentError(t, position, "3", SEGMENT_CODES["3"], loop) for t, loop in closing
            )
        return errors

    @staticmethod
    def _misplaced_error(
        move: _Move,
        tag: str,
        index: int,
        offset_of: Callable[[int], int | None],
        errors: list[SegmentError],
    ) -> None:
        assert move.error is not None
        errors.append(SegmentError(tag[:3], index + 1, move.error, SEGMENT_CODES[move.error],
                                   move.loop_id, offset_of(index)))  # fmt: skip

    @staticmethod
    def _bookkeeping(
        move: _Move,
        tag: str,
        index: int,
        counts: list[dict[int, int]],
        offset_of: Callable[[int], int | None],
        errors: list[SegmentError],
    ) -> None:
        """Missing segments passed over, use and repeat counts, loop entry."""
        position = index + 1
        if move.missing:
            errors.extend(
                SegmentError(t, position, "3", SEGMENT_CODES["3"], loop) for t, loop in move.missing
            )
        if move.limit:  # only bounded children are counted
            row = counts[move.depth]
            used = 1 if move.fresh else row.get(move.child, 0) + 1
            row[move.child] = used
            if used > move.limit:
                code = move.limit_code
                errors.append(
                    SegmentError(
                        tag, position, code, SEGMENT_CODES[code], move.loop_id, offset_of(index)
                    )
                )
        if move.push:  # a new loop iteration: fresh counters below it
            counts[move.depth + 1 :] = [{0: 1}]

    def _check_elements(
        self,
        text: str,
        move: _Move,
        delimiters: Delimiters,
        position: int,
        index: int,
        offset_of: Callable[[int], int | None],
        errors: list[SegmentError],
    ) -> None:
        """The slow path: say exactly what is wrong with a segment the pattern refused."""
        assert move.segment is not None
        compiled = self._compiled.get(move.segment.tag)
        if compiled is None:
            compiled = self._compiled[move.segment.tag] = compile_segment(move.segment)
        elements = text.split(delimiters.element)
        found = check_segment(
            elements, compiled, delimiters.component, delimiters.repetition, self.v5
        )
        if found:
            errors.append(SegmentError(elements[0], position, "8", SEGMENT_CODES["8"], move.loop_id,
                                       offset_of(index), found))  # fmt: skip


def _left_over(loop: _Loop, index: int, top: bool = False) -> list[tuple[str, str | None]]:
    """Mandatory children after ``index``: never seen in this iteration, so missing."""
    here = None if top else loop.loop_id
    return [
        (child.tag, child.loop.loop_id if child.loop else here)
        for child in loop.children[index + 1 :]
        if child.mandatory
    ]


def _loop_id(frames: Frames, depth: int) -> str | None:
    """The loop id (AK303) at ``depth``; None at the set's top level."""
    return None if depth == 0 else frames[depth][0].loop_id
