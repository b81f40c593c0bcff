"""The EDIFACT data model of definitions: elements, composites, segments, messages.

Built by :mod:`edi_maps.edifact.dictionary_loader` from the data files under
``definitions/`` (format: ``definitions/README.md``); read by the validator.
Frozen so one loaded directory can be shared by every thread and worker.

A message's table is made of the standard-neutral classes of
:mod:`edi_maps.tables`, so the shared placement automaton walks it: a segment
group is a :class:`~edi_maps.tables.LoopDef` whose ``loop_id`` is the group's
name ("SG2") and whose first segment triggers it. That trigger carries the
group's status (M or C) as its requirement and a max use of 1; the message
itself is the root loop, UNH first and UNT last.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from edi_maps.tables import LoopDef

ELEMENT_TYPES = frozenset({"a", "n", "an"})  # alphabetic, numeric, alphanumeric
REQUIREMENTS = frozenset({"M", "C"})  # mandatory, conditional

_NO_TEXTS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ElementDef:
    """One entry of a directory's element dictionary (EDED, or the service one).

    ``an..35`` is ``type="an", min_length=1, max_length=35`` (a present value has
    at least one character); ``a3`` is fixed: 3..3. ``codes`` is the complete code
    list when the directory's list is complete and bundled, else None (any value
    of the right representation is accepted); ``code_texts`` gives the text of
    the codes whose texts are bundled (the syntax error codes, for example).
    """

    ref: str
    type: str
    min_length: int
    max_length: int
    name: str
    codes: frozenset[str] | None = None
    code_texts: Mapping[str, str] = field(default_factory=lambda: _NO_TEXTS)

    @property
    def representation(self) -> str:
        """The directory's notation: ``an..35``, ``n6``."""
        if self.min_length == self.max_length:
            return f"{self.type}{self.max_length}"
        return f"{self.type}..{self.max_length}"


@dataclass(frozen=True, slots=True)
class ElementUse:
    """What stands at one position of a segment (a simple element or a composite)
    or of a composite (always a simple element)."""

    position: int  # 1 = first after the tag (segment) / first component (composite)
    requirement: str  # M or C
    repeat: int  # 1, or the max repetitions of a syntax-4 repeating element
    element: ElementDef | None = None
    composite: CompositeDef | None = None

    @property
    def ref(self) -> str:
        if self.element is not None:
            return self.element.ref
        assert self.composite is not None
        return self.composite.ref

    @property
    def mandatory(self) -> bool:
        return self.requirement == "M"


@dataclass(frozen=True, slots=True)
class CompositeDef:
    """A composite data element (``C082``, or a service one such as ``S009``)."""

    ref: str
    name: str
    components: tuple[ElementUse, ...]


@dataclass(frozen=True, slots=True)
class SegmentDef:
    """A segment of the directory; ``tag`` makes it an :class:`edi_maps.tables.Tagged`."""

    tag: str
    name: str
    elements: tuple[ElementUse, ...]


@dataclass(frozen=True, slots=True)
class MessageDef:
    """One message type of one directory, as identified in UNH S009.

    ``directory`` is the bundled directory it comes from ("D96A", "syntax4");
    ``version``/``release``/``agency`` are the UNH values that select it
    (``D``/``96A``/``UN``; ``4``/``1``/``UN`` for CONTRL under syntax 4).
    """

    message_type: str
    version: str
    release: str
    agency: str
    name: str
    directory: str
    root: LoopDef[SegmentDef]
    tags: frozenset[str] = field(default=frozenset())  # every segment tag of the table


@dataclass(frozen=True, slots=True)
class Directory:
    """Everything bundled for one directory: ``D96A``, ``D01B`` (UN/EDIFACT batch
    directories, with the service segments their messages use) or ``syntax3``,
    ``syntax4`` (the ISO 9735 service directory of that syntax version, with
    CONTRL)."""

    version: str
    elements: dict[str, ElementDef]
    composites: dict[str, CompositeDef]
    segments: dict[str, SegmentDef]
    messages: dict[str, MessageDef]
