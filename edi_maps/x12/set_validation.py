"""One transaction set against its definition: segment order, loops, repeats,
then each segment's elements. Every finding is collected (AK3/AK4).

Placement is the usual greedy walk over the set's table: a segment goes to the
first place at or after the current one in the innermost open loop; failing
that, the enclosing loops are tried, closing the inner ones (which is where
missing mandatory segments are noticed). The walk's decisions depend only on
which loops are open, where, and the tag, so they are computed once per such
state and kept (:class:`State`): the hot loop is a dictionary lookup, a
counter and one regular expression per segment (``segment_patterns.py``).
"""

from __future__ import annotations

import re

from edi_maps.placement import Limit, Misplaced, Placement
from edi_maps.placement import Move as AnyMove
from edi_maps.placement import State as AnyState
from edi_maps.x12.codes import SEGMENT_CODES
from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.dictionary import Dictionary, SegmentDef, TransactionSetDef
from edi_maps.x12.element_checks import CompiledSegment, check_segment, compile_segment
from edi_maps.x12.results import ElementError, SegmentError
from edi_maps.x12.segment_patterns import segment_pattern
from edi_maps.x12.segments import SegmentBatch, control_characters

_MEMO_SIZE = 50_000  # remembered valid segment texts per validator (a few MB at most)
_MAX_FINDINGS = 10_000  # per set: a 997 with more AK3s than this helps nobody
_ENVELOPE = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE", "TA1"})
_TAG = re.compile(r"[A-Z][A-Z0-9]{1,2}")
# AK304 segment syntax error codes for the placement's reasons
MISPLACED_CODES = {
    Misplaced.UNKNOWN: "1",  # unrecognized segment ID
    Misplaced.LOOP_NOT_OPEN: "2",  # unexpected segment
    Misplaced.NOT_IN_TABLE: "6",  # segment not in defined transaction set
    Misplaced.BEHIND: "7",  # segment not in proper sequence
}
LIMIT_CODES = {Limit.SEGMENT: "5", Limit.LOOP: "4"}
Move = AnyMove[SegmentDef]
State = AnyState[SegmentDef]


class SetValidator:
    """Validates sets of one definition; build once, use for every set of that kind."""

    def __init__(self, definition: TransactionSetDef, dictionary: Dictionary) -> None:
        self.definition = definition
        self.v5 = definition.version >= "005010"
        self._compiled: dict[str, CompiledSegment] = {}
        self._patterns: dict[Delimiters, dict[str, dict[int, re.Pattern[str]]]] = {}
        self._memo_count = 0  # texts remembered in placement states
        self._delimiters: Delimiters | None = None  # of the set being validated
        self.placement = Placement(
            definition.root,
            known_tags=frozenset(dictionary.segments),
            trailer="SE",
            tag_pattern=_TAG,
        )
        self.start = self.placement.start

    def _move(self, state: State, tag: str) -> Move:
        """The placement of ``tag`` in ``state``, with this interchange's patterns attached."""
        move = self.placement.move(state, tag)
        if self._delimiters is not None:
            move.patterns = self.patterns(self._delimiters).setdefault(tag, {})
        return move

    def _memo_room(self) -> bool:
        """Whether more valid texts may be remembered (placement.State.seen); bounded."""
        return self._memo_count < _MEMO_SIZE

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
            # point every move at this interchange's patterns; texts seen under other
            # delimiters mean something else
            self._delimiters = delimiters
            patterns = self.patterns(delimiters)
            for tag, move in self.placement.moves():
                move.patterns = patterns.setdefault(tag, {})
            self._forget()
        elif self._memo_count >= _MEMO_SIZE:
            self._forget()
        return SetRun(self, delimiters)

    def _forget(self) -> None:
        self.placement.forget_seen()
        self._memo_count = 0

    def _elements(self, run: SetRun, move: Move, tag: str, text: str, clean: bool) -> bool:
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
        "state", "validator",
    )  # fmt: skip

    def __init__(self, validator: SetValidator, delimiters: Delimiters) -> None:
        self.validator = validator
        self.delimiters = delimiters
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
        remember = validator._memo_room()  # checked per batch, not per segment
        remembered = 0
        clean = batch.clean
        state = self.state
        counts = self.counts
        self._batch, self._start, self._first = batch, start, self.position
        for index in range(start, len(segments)):
            text = segments[index]
            move = state.seen.get(text)  # seen valid in this state: no tag, no pattern
            if move is not None:
                known = True
                tag = move.tag
            else:
                known = False
                tag = text.partition(separator)[0]
                if tag in _ENVELOPE:
                    self.state, self.position = state, self._first + index - start
                    validator._memo_count += remembered
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
                            self.add(tag, LIMIT_CODES[move.limit_kind], move.loop_id)
                    if move.push:
                        counts[move.depth + 1 :] = [{}]
            if known:  # same text, same place, same delimiters: same answer
                state = move.target  # type: ignore[assignment]
                continue
            here, state = state, move.target  # type: ignore[assignment]
            if clean:  # the fast path, inline
                pattern = move.patterns.get(text.count(separator))
                if pattern is not None and pattern.fullmatch(text) is not None:
                    if remember:
                        here.seen[text] = move
                        remembered += 1
                    continue
            self._index = index
            if validator._elements(self, move, tag, text, clean) and remember:
                here.seen[text] = move
                remembered += 1
        self.state, self.position = state, self._first + len(segments) - start
        validator._memo_count += remembered
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

    def _bookkeeping(self, move: Move, tag: str, counts: list[dict[int, int]]) -> bool:
        """Missing segments passed over, repeat counts, loop entry; False if unplaceable."""
        if move.target is None:
            assert move.error is not None
            self.add(tag[:3], MISPLACED_CODES[move.error], move.loop_id)
            return False
        for missing, loop_id in move.missing:
            self.add(missing, "3", loop_id)
        if move.counted:
            # A first use is never recorded (it cannot exceed a limit): count from 1.
            row = counts[move.depth]
            used = row[move.child] = row.get(move.child, 1) + 1
            if used > move.limit:
                self.add(tag, LIMIT_CODES[move.limit_kind], move.loop_id)
        if move.push:  # a new loop iteration: fresh counters below it
            counts[move.depth + 1 :] = [{}]
        return True

    def end(self) -> list[SegmentError]:
        """Every finding of the set; mandatory segments never reached are missing."""
        self._batch = None
        for missing, loop_id in self.validator.placement.closing(self.state):
            self.add(missing, "3", loop_id)
        return self.errors
