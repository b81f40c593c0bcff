"""The structure of a message's table, shared by X12 transaction sets and EDIFACT
messages: segments at places, with requirement and maximum use, inside loops
(X12) or segment groups (EDIFACT) that their first segment triggers.

The segment definitions themselves differ by standard (element types, composites,
syntax notes), so a table is generic in them: all the structure needs is a tag.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

UNBOUNDED = 0  # max use / repeat meaning ">1"


class Tagged(Protocol):
    @property
    def tag(self) -> str: ...


S = TypeVar("S", bound=Tagged)


@dataclass(frozen=True, slots=True)
class SegmentUse(Generic[S]):
    """A segment at one place of a table."""

    segment: S
    requirement: str  # M (mandatory) or O / C (optional, conditional)
    max_use: int  # UNBOUNDED for ">1"

    @property
    def tag(self) -> str:
        return self.segment.tag

    @property
    def mandatory(self) -> bool:
        return self.requirement == "M"


@dataclass(frozen=True, slots=True)
class LoopDef(Generic[S]):
    """A loop or segment group (or the whole message, as the root). ``children[0]``
    triggers it."""

    loop_id: str
    max_repeat: int
    children: tuple[SegmentUse[S] | LoopDef[S], ...]

    @property
    def trigger(self) -> SegmentUse[S]:
        first = self.children[0]
        return first if isinstance(first, SegmentUse) else first.trigger

    @property
    def requirement(self) -> str:
        return self.trigger.requirement

    @property
    def mandatory(self) -> bool:
        return self.trigger.mandatory


def table_tags(loop: LoopDef[S]) -> frozenset[str]:
    """Every segment tag used anywhere in ``loop``."""
    found: set[str] = set()
    for child in loop.children:
        if isinstance(child, SegmentUse):
            found.add(child.tag)
        else:
            found |= table_tags(child)
    return frozenset(found)
