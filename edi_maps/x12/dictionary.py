"""The X12 data model of definitions: elements, composites, segments, loops, sets.

Built by :mod:`edi_maps.x12.dictionary_loader` from the data files under
``definitions/``; read by the validator. Frozen so one loaded dictionary can be
shared by every thread and worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from edi_maps.tables import LoopDef

NUMERIC_TYPES = frozenset(f"N{i}" for i in range(10))
ELEMENT_TYPES = frozenset({"AN", "ID", "DT", "TM", "R", "B"}) | NUMERIC_TYPES
REQUIREMENTS = frozenset({"M", "O", "X"})


@dataclass(frozen=True, slots=True)
class ElementDef:
    """One entry of the element dictionary."""

    ref: str
    type: str
    min_length: int
    max_length: int
    name: str
    codes: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class SyntaxNote:
    """A relational condition between positions of a segment or composite (X12.6 §3.8)."""

    kind: str  # P, R, E, C, L
    positions: tuple[int, ...]

    def __str__(self) -> str:
        return self.kind + "".join(f"{p:02d}" for p in self.positions)


@dataclass(frozen=True, slots=True)
class CompositeDef:
    ref: str
    name: str
    components: tuple[ElementUse, ...]
    notes: tuple[SyntaxNote, ...] = ()


@dataclass(frozen=True, slots=True)
class ElementUse:
    """What may stand at one position of a segment (or composite)."""

    position: int
    requirement: str
    repeat: int  # 1, a bound, or UNBOUNDED
    element: ElementDef | None = None
    composite: CompositeDef | None = None

    @property
    def ref(self) -> str:
        if self.element is not None:
            return self.element.ref
        assert self.composite is not None
        return self.composite.ref


@dataclass(frozen=True, slots=True)
class SegmentDef:
    tag: str
    name: str
    elements: tuple[ElementUse, ...]
    notes: tuple[SyntaxNote, ...] = ()


@dataclass(frozen=True, slots=True)
class TransactionSetDef:
    set_id: str
    functional_id: str
    name: str
    version: str
    root: LoopDef[SegmentDef]
    tags: frozenset[str] = field(default=frozenset())  # every segment tag used anywhere in the set


@dataclass(frozen=True, slots=True)
class Dictionary:
    """Everything defined for one X12 version (e.g. ``004010``)."""

    version: str
    elements: dict[str, ElementDef]
    composites: dict[str, CompositeDef]
    segments: dict[str, SegmentDef]
    sets: dict[str, TransactionSetDef]
