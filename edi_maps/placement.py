"""Where each segment of a message belongs: the placement automaton, for X12
transaction sets and EDIFACT messages alike (their tables share one shape,
``edi_maps/tables.py``).

Placement is the usual greedy walk over the table: a segment goes to the first
place at or after the current one in the innermost open loop; failing that, the
enclosing loops are tried, closing the inner ones (which is where missing
mandatory segments are noticed). The walk's decisions depend only on which
loops are open, where, and the tag, so each is computed once per such state and
kept (:class:`State`): placing a segment is then a dictionary lookup.

Reasons are symbolic (:class:`Misplaced`, :class:`Limit`); each standard turns
them into its own codes (X12 AK3, EDIFACT UCS).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic

from edi_maps.tables import LoopDef, S, SegmentUse, table_tags


class Misplaced(StrEnum):
    """Why a segment has no place where it stands."""

    UNKNOWN = "unknown"  # not a tag, or no segment of the standard's directory
    NOT_IN_TABLE = "not_in_table"  # a real segment, but not one of this message's
    BEHIND = "behind"  # its place in an open loop is behind us (out of order)
    LOOP_NOT_OPEN = "loop_not_open"  # it belongs in a loop whose trigger is missing


class Limit(StrEnum):
    """What a counted repeat goes over."""

    SEGMENT = "segment"  # a segment over its max use
    LOOP = "loop"  # a loop over its max repeat


@dataclass(slots=True)
class _Child(Generic[S]):
    tag: str  # the segment's tag, or the loop's trigger tag
    mandatory: bool
    limit: int  # max use (segment) or max repeat (loop); 0 = unbounded
    segment: S | None = None
    loop: _Loop[S] | None = None


@dataclass(slots=True, eq=False)  # compared and hashed by identity: states are keyed on loops
class _Loop(Generic[S]):
    loop_id: str
    children: list[_Child[S]]
    by_tag: dict[str, tuple[int, ...]] = field(default_factory=dict)
    tags: frozenset[str] = frozenset()  # every tag placed directly in this loop


Frames = tuple[tuple["_Loop[S]", int], ...]  # open loops, outermost first, with the current index


@dataclass(slots=True)
class Move(Generic[S]):
    """What one tag does in one state: where it lands, what it leaves missing."""

    target: State[S] | None  # None: the segment has no place here (``error`` says why)
    error: Misplaced | None
    segment: S | None
    depth: int  # the frame the segment lands in
    child: int
    fresh: bool  # first use of that child in this loop iteration
    push: int  # children of the loop entered (0: none entered)
    limit: int
    limit_kind: Limit  # what ``limit`` bounds
    missing: tuple[tuple[str, str | None], ...]  # mandatory (tag, loop id) passed over
    loop_id: str | None  # the loop id reported for findings on this segment
    tag: str = ""  # the tag this move is for
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
class State(Generic[S]):
    frames: Frames[S]
    moves: dict[str, Move[S]] = field(default_factory=dict)
    closing: tuple[tuple[str, str | None], ...] | None = None  # missing if the set ends here
    # Segment texts already found valid in this state, with their move: the validator's
    # memo (real files repeat segments), kept per state so a hit skips the tag lookup too.
    seen: dict[str, Move[S]] = field(default_factory=dict)


class Placement(Generic[S]):
    """The automaton of one message table.

    Args:
        root: the table, as its root loop (the header segment first).
        known_tags: every segment tag of the standard's directory for this version.
        trailer: the message trailer's tag (SE, UNT): never reported missing, the
            envelope checks own it.
        tag_pattern: what a segment tag looks like in this standard.
    """

    def __init__(
        self,
        root: LoopDef[S],
        *,
        known_tags: frozenset[str],
        trailer: str,
        tag_pattern: re.Pattern[str],
    ) -> None:
        self.table_tags = table_tags(root)
        self.known_tags = known_tags
        self.trailer = trailer
        self.tag_pattern = tag_pattern
        self.root = self._compile(root, root=True)
        self._states: dict[Frames[S], State[S]] = {}
        self.start = self._state(((self.root, -1),))

    def moves(self) -> list[tuple[str, Move[S]]]:
        """Every move computed so far, with its tag."""
        return [(tag, move) for state in self._states.values() for tag, move in state.moves.items()]

    def forget_seen(self) -> None:
        for state in self._states.values():
            state.seen.clear()

    def _compile(self, loop: LoopDef[S], *, root: bool = False) -> _Loop[S]:
        children: list[_Child[S]] = []
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

    def _state(self, frames: Frames[S]) -> State[S]:
        state = self._states.get(frames)
        if state is None:
            state = self._states[frames] = State(frames)
        return state

    # the walk, computed once per (state, tag) ----------------------------------
    def move(self, state: State[S], tag: str) -> Move[S]:
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
            reason, loop_id = self._misplaced(frames, tag), _loop_id(frames, len(frames) - 1)
            move: Move[S] = Move(None, reason, None, 0, 0, False, 0, 0, Limit.SEGMENT, (),
                                 loop_id, tag)  # fmt: skip
            state.moves[tag] = move
            return move
        missing: list[tuple[str, str | None]] = []
        for popped in range(len(frames) - 1, depth, -1):
            missing.extend(_left_over(*frames[popped]))
        loop, index = frames[depth]
        for skipped in range(index + 1, found):
            child = loop.children[skipped]
            if child.mandatory and child.tag != self.trailer:
                missing.append(
                    (child.tag, child.loop.loop_id if child.loop else _loop_id(frames, depth))
                )
        child = loop.children[found]
        kept = (*frames[:depth], (loop, found))
        if child.loop is not None:
            inner = child.loop
            target = self._state((*kept, (inner, 0)))
            trigger = inner.children[0].segment
            move = Move(target, None, trigger, depth, found, found > index, len(inner.children),
                         child.limit, Limit.LOOP, tuple(missing), inner.loop_id)  # fmt: skip
        else:
            target = self._state(kept)
            move = Move(target, None, child.segment, depth, found, found > index, 0, child.limit,
                         Limit.SEGMENT, tuple(missing), _loop_id(kept, depth))  # fmt: skip
        move.tag = tag
        state.moves[tag] = move
        return move

    def _misplaced(self, frames: Frames[S], tag: str) -> Misplaced:
        if not self.tag_pattern.fullmatch(tag) or tag not in self.known_tags:
            return Misplaced.UNKNOWN
        if tag not in self.table_tags:
            return Misplaced.NOT_IN_TABLE
        if any(tag in loop.tags for loop, _ in frames):
            return Misplaced.BEHIND
        return Misplaced.LOOP_NOT_OPEN

    def closing(self, state: State[S]) -> tuple[tuple[str, str | None], ...]:
        """The mandatory segments (tag, loop id) missing if the message ends in ``state``."""
        if state.closing is None:
            missing: list[tuple[str, str | None]] = []
            for depth in range(len(state.frames) - 1, -1, -1):
                missing.extend(_left_over(*state.frames[depth], top=depth == 0))
            state.closing = tuple(m for m in missing if m[0] != self.trailer)
        return state.closing


def _left_over(loop: _Loop[S], index: int, top: bool = False) -> list[tuple[str, str | None]]:
    """Mandatory children after ``index``: never seen in this iteration, so missing."""
    here = None if top else loop.loop_id
    return [
        (child.tag, child.loop.loop_id if child.loop else here)
        for child in loop.children[index + 1 :]
        if child.mandatory
    ]


def _loop_id(frames: Frames[S], depth: int) -> str | None:
    """The loop id at ``depth``; None at the message's top level."""
    return None if depth == 0 else frames[depth][0].loop_id
