"""Where each segment of a transaction set belongs: the placement automaton.

Placement is the usual greedy walk over the set's table: a segment goes to the
first place at or after the current one in the innermost open loop; failing
that, the enclosing loops are tried, closing the inner ones (which is where
missing mandatory segments are noticed). The walk's decisions depend only on
which loops are open, where, and the tag, so each is computed once per such
state and kept (:class:`State`): placing a segment is then a dictionary lookup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from edi_maps.x12.dictionary import Dictionary, LoopDef, SegmentDef, SegmentUse, TransactionSetDef

_TAG = re.compile(r"[A-Z][A-Z0-9]{1,2}")


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
class Move:
    """What one tag does in one state: where it lands, what it leaves missing."""

    target: State | None  # None: the segment has no place here (``error`` says why)
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
class State:
    frames: Frames
    moves: dict[str, Move] = field(default_factory=dict)
    closing: tuple[tuple[str, str | None], ...] | None = None  # missing if the set ends here
    # Segment texts already found valid in this state, with their move: the validator's
    # memo (real files repeat segments), kept per state so a hit skips the tag lookup too.
    seen: dict[str, Move] = field(default_factory=dict)


class Placement:
    """The automaton of one transaction-set definition."""

    def __init__(self, definition: TransactionSetDef, dictionary: Dictionary) -> None:
        self.definition = definition
        self.known_tags = frozenset(dictionary.segments)
        self.root = self._compile(definition.root, root=True)
        self._states: dict[Frames, State] = {}
        self.start = self._state(((self.root, -1),))

    def moves(self) -> list[tuple[str, Move]]:
        """Every move computed so far, with its tag."""
        return [(tag, move) for state in self._states.values() for tag, move in state.moves.items()]

    def forget_seen(self) -> None:
        for state in self._states.values():
            state.seen.clear()

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

    def _state(self, frames: Frames) -> State:
        state = self._states.get(frames)
        if state is None:
            state = self._states[frames] = State(frames)
        return state

    # the walk, computed once per (state, tag) ----------------------------------
    def move(self, state: State, tag: str) -> Move:
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
            move = Move(None, self._misplaced(frames, tag), None, 0, 0, False, 0, 0, "",
                         (), _loop_id(frames, len(frames) - 1), tag)  # fmt: skip
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
            move = Move(target, None, trigger, depth, found, found > index, len(inner.children),
                         child.limit, "4", tuple(missing), inner.loop_id)  # fmt: skip
        else:
            target = self._state(kept)
            move = Move(target, None, child.segment, depth, found, found > index, 0,
                         child.limit, "5", tuple(missing), _loop_id(kept, depth))  # fmt: skip
        move.tag = tag
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
    def closing(state: State) -> tuple[tuple[str, str | None], ...]:
        if state.closing is None:
            missing: list[tuple[str, str | None]] = []
            for depth in range(len(state.frames) - 1, -1, -1):
                missing.extend(_left_over(*state.frames[depth], top=depth == 0))
            state.closing = tuple(m for m in missing if m[0] != "SE")
        return state.closing

    # the hot loop --------------------------------------------------------------


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
