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
from dataclasses import dataclass, field

from edi_maps.x12.codes import SEGMENT_CODES
from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.dictionary import Dictionary, LoopDef, SegmentDef, SegmentUse, TransactionSetDef
from edi_maps.x12.element_checks import CompiledSegment, check_segment, compile_segment
from edi_maps.x12.results import ElementError, SegmentError
from edi_maps.x12.segment_patterns import segment_pattern
from edi_maps.x12.segments import SegmentBatch, control_characters

_TAG = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_MEMO_SIZE = 50_000  # remembered valid segment texts per validator (a few MB at most)
_MAX_FINDINGS = 10_000  # per set: a 997 with more AK3s than this helps nobody
_ENVELOPE = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE", "TA1"})


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
    # fast-path patterns by element count, for the delimiters being validated
    # (SetValidator.begin keeps them current)
    patterns: dict[int, re.Pattern[str]] = field(default_factory=dict)
    plain: bool = False  # placed, nothing missing, nothing to count, no loop entered
    unusual: bool = False  # unplaceable, or passes over missing mandatory segments
    counted: bool = False  # a repeat use of a bounded child: count it

    def __post_init__(self) -> None:
        self.counted = bool(self.limit and not self.fresh)
        self.unusual = self.target is None or bool(self.missing)
        self.plain = not (self.unusual or self.counted or self.push)


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
        self._delimiters: Delimiters | None = None  # of the set being validated
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
            self._attach_patterns(tag, move)
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
        self._attach_patterns(tag, move)
        state.moves[tag] = move
        return move

    def _attach_patterns(self, tag: str, move: _Move) -> None:
        if self._delimiters is not None:
            move.patterns = self.patterns(self._delimiters).setdefault(tag, {})

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

    # the hot loop --------------------------------------------------------------
    def begin(self, delimiters: Delimiters) -> SetRun:
        """Start validating one set written with ``delimiters``."""
        if delimiters is not self._delimiters and delimiters != self._delimiters:
            # point every move at this interchange's patterns
            self._delimiters = delimiters
            patterns = self.patterns(delimiters)
            for state in self._states.values():
                for tag, move in state.moves.items():
                    move.patterns = patterns.setdefault(tag, {})
        return SetRun(self, delimiters)

    def _elements(self, run: SetRun, move: _Move, tag: str, text: str, clean: bool) -> bool:
        """Element findings of one placed segment (recorded on ``run``); True if it is clean."""
        delimiters = run.delimiters
        count = text.count(delimiters.element)
        pattern = move.patterns.get(count)
        if pattern is None:
            assert move.segment is not None
            pattern = move.patterns[count] = segment_pattern(
                move.segment, delimiters, self.v5, count
            )
        if pattern.fullmatch(text) is not None and (
            clean or control_characters(delimiters).search(text) is None
        ):
            return True
        assert move.segment is not None
        compiled = self._compiled.get(move.segment.tag)
        if compiled is None:
            compiled = self._compiled[move.segment.tag] = compile_segment(move.segment)
        elements = text.split(delimiters.element)
        found = check_segment(
            elements, compiled, delimiters.component, delimiters.repetition, self.v5
        )
        if not found:
            return True
        run.add(elements[0], "8", move.loop_id, found)
        return False


class SetRun:
    """The validation of one set in progress, resumable across reader batches.

    The walker hands it each batch's segments from where the set stands; the
    run stops before the next envelope segment (ST, SE, GE, …), which the walker
    handles, feeding ST and SE back through :meth:`one`.
    """

    __slots__ = (
        "_batch", "_first", "_index", "_start", "counts", "delimiters", "errors", "position",
        "state", "valid", "validator",
    )  # fmt: skip

    def __init__(self, validator: SetValidator, delimiters: Delimiters) -> None:
        self.validator = validator
        self.delimiters = delimiters
        self.valid = validator._valid_texts(delimiters)
        self.state = validator.start
        self.counts: list[dict[int, int]] = [{}]  # per open loop: repeat uses of bounded children
        self.errors: list[SegmentError] = []
        self.position = 0  # segments consumed, ST counted
        # Where the segments of the current run() came from, so that a finding can
        # compute its byte offset without the hot loop recording anything.
        self._batch: SegmentBatch | None = None
        self._start = self._first = self._index = 0

    def add(
        self,
        segment_id: str,
        code: str,
        loop_id: str | None,
        elements: list[ElementError] | None = None,
    ) -> None:
        if self._batch is None:  # at the end of the set
            position, offset = self.position, None
        else:
            position = self._first + self._index - self._start + 1
            offset = self._batch.offset(self._index)
        error = SegmentError(segment_id, position, code, SEGMENT_CODES[code], loop_id, offset)
        if elements:
            error.elements = elements
        if len(self.errors) < _MAX_FINDINGS:
            self.errors.append(error)

    def run(self, segments: list[str], start: int, batch: SegmentBatch) -> int:
        """Validate ``segments[start:]`` up to the next envelope segment; return its index.

        The loop body is the gateway's hottest code: it stores nothing per segment
        unless something is wrong (positions and offsets are derived from the index
        when a finding needs them).
        """
        validator = self.validator
        separator = self.delimiters.element
        valid = self.valid
        remember = len(valid) < _MEMO_SIZE  # checked per batch, not per segment
        clean = batch.clean
        state = self.state
        counts = self.counts
        self._batch, self._start, self._first = batch, start, self.position
        for index in range(start, len(segments)):
            text = segments[index]
            known = valid.get(text)  # a text seen valid before: its tag, no pattern to run
            tag = known or text.partition(separator)[0]
            if tag in _ENVELOPE:
                self.state, self.position = state, self._first + index - start
                return index
            move = state.moves.get(tag) or validator._move(state, tag)
            if not move.plain:
                self._index = index
                if move.unusual:  # unplaceable, or mandatory segments passed over
                    if not self._bookkeeping(move, tag, counts):
                        continue
                else:  # a repeat or a loop entry: the common bookkeeping, inline
                    if move.counted:
                        row = counts[move.depth]
                        used = row[move.child] = row.get(move.child, 1) + 1  # 1st use not stored
                        if used > move.limit:
                            self.add(tag, move.limit_code, move.loop_id)
                    if move.push:
                        counts[move.depth + 1 :] = [{}]
            state = move.target  # type: ignore[assignment]
            if known:  # same text, same definition, same delimiters: same answer
                continue
            if clean:  # the fast path, inline
                pattern = move.patterns.get(text.count(separator))
                if pattern is not None and pattern.fullmatch(text) is not None:
                    if remember:
                        valid[text] = tag
                    continue
            self._index = index
            if validator._elements(self, move, tag, text, clean) and remember:
                valid[text] = tag
        self.state, self.position = state, self._first + len(segments) - start
        return len(segments)

    def one(self, batch: SegmentBatch, index: int) -> None:
        """Place and check a single segment (the set's ST and SE)."""
        text = batch.segments[index]
        tag = text.partition(self.delimiters.element)[0]
        self._batch, self._start, self._first, self._index = batch, index, self.position, index
        self.position += 1
        move = self.state.moves.get(tag) or self.validator._move(self.state, tag)
        if not move.plain and not self._bookkeeping(move, tag, self.counts):
            return
        self.state = move.target  # type: ignore[assignment]
        self.validator._elements(self, move, tag, text, batch.clean)

    def _bookkeeping(self, move: _Move, tag: str, counts: list[dict[int, int]]) -> bool:
        """Missing segments passed over, repeat counts, loop entry; False if unplaceable."""
        if move.target is None:
            assert move.error is not None
            self.add(tag[:3], move.error, move.loop_id)
            return False
        for missing, loop_id in move.missing:
            self.add(missing, "3", loop_id)
        if move.counted:
            # A first use is never recorded (it cannot exceed a limit): count from 1.
            row = counts[move.depth]
            used = row[move.child] = row.get(move.child, 1) + 1
            if used > move.limit:
                self.add(tag, move.limit_code, move.loop_id)
        if move.push:  # a new loop iteration: fresh counters below it
            counts[move.depth + 1 :] = [{}]
        return True

    def end(self) -> list[SegmentError]:
        """Every finding of the set; mandatory segments never reached are missing."""
        self._batch = None
        for missing, loop_id in self.validator._closing(self.state):
            self.add(missing, "3", loop_id)
        return self.errors


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
