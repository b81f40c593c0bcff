"""Canonical documents → one X12 interchange: maps for the bodies, envelopes with
counts and control numbers from the allocator.

What the partner profile will supply later (ids, version, delimiters, usage)
arrives here as :class:`RenderOptions`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from edi_maps.errors import RenderOptionsError
from edi_maps.results import refuse_if_invalid
from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.maps.base import MappingError, Row, WriteContext, X12Map
from edi_maps.x12.maps.registry import map_for_kind
from edi_maps.x12.validation import validate_x12
from edi_maps.x12.writer import X12Writer
from gateway.canonical import CanonicalDocument
from gateway.domain.control_numbers import Level
from gateway.ports import Clock, ControlNumberAllocator


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How to write for one partner.

    Attributes:
        version: GS08, e.g. "004010" or "005010"; ISA12 follows from it.
        sender / receiver: (ISA qualifier, id); the ids are also GS02/GS03 unless
            group_sender / group_receiver say otherwise (partners often use other
            application codes in the GS than in the ISA).
        usage: ISA15, P (production) or T (test).
    """

    version: str = "004010"
    sender: tuple[str, str] = ("ZZ", "CROSSDOCK")
    receiver: tuple[str, str] = ("ZZ", "PARTNER")
    delimiters: Delimiters = field(default_factory=Delimiters.default)
    usage: str = "P"
    ack_requested: bool = False
    line_break: str = "\n"
    group_sender: str | None = None
    group_receiver: str | None = None

    def __post_init__(self) -> None:
        problems = [text for _, text in self.delimiters.problems()]
        for label, code in (("group sender", self.group_sender),
                            ("group receiver", self.group_receiver)):  # fmt: skip
            if code is not None and not 2 <= len(code) <= 15:
                problems.append(f"{label} {code!r} needs 2 to 15 characters (GS02/GS03)")
            if code is not None and self.delimiters.as_set() & set(code):
                problems.append(f"{label} {code!r} contains a delimiter")
        if not (len(self.version) == 6 and self.version.isdigit()):
            problems.append(f"version {self.version!r} is not six digits (GS08, e.g. 004010)")
        for label, (qualifier, identifier) in (("sender", self.sender),
                                               ("receiver", self.receiver)):  # fmt: skip
            if len(qualifier) != 2 or not 1 <= len(identifier) <= 15:
                problems.append(f"{label} {qualifier}:{identifier} needs a two-character "
                                "qualifier and an id of 1 to 15 characters (ISA05-08)")  # fmt: skip
            if self.delimiters.as_set() & set(qualifier + identifier):
                problems.append(f"{label} {qualifier}:{identifier} contains a delimiter")
        if self.usage not in ("P", "T"):
            problems.append(f"usage {self.usage!r} is neither P (production) nor T (test)")
        if problems:
            raise RenderOptionsError("; ".join(problems))

    @property
    def control_version(self) -> str:
        """ISA12 for the GS08 version: 004010 → 00401, 005010 → 00501."""
        return self.version[:5]


def render_x12(
    documents: Sequence[CanonicalDocument],
    options: RenderOptions,
    numbers: ControlNumberAllocator,
    clock: Clock,
) -> str:
    """One interchange holding ``documents``, one functional group per kind of set.

    Raises:
        MappingError: a document no map writes, a value the X12 cannot carry, or text
            our own validator would refuse: nothing invalid ever leaves.
    """
    if not documents:
        raise MappingError("nothing to render")
    d = options.delimiters
    line_break = "" if d.segment in "\r\n" else options.line_break
    writer = X12Writer(d, line_break)
    partner = f"{options.receiver[0]}:{options.receiver[1]}"
    now = clock.now()
    groups: dict[str, tuple[X12Map, list[CanonicalDocument]]] = {}
    for document in documents:
        x12_map = map_for_kind(document.meta.kind)
        if x12_map is None:
            raise MappingError(f"no X12 map writes {document.meta.kind.value}")
        groups.setdefault(x12_map.functional_id, (x12_map, []))[1].append(document)
    interchange_number = numbers.next(partner, Level.INTERCHANGE)
    parts = [
        writer.isa(
            sender=options.sender,
            receiver=options.receiver,
            date=now.strftime("%y%m%d"),
            time=now.strftime("%H%M"),
            version=options.control_version,
            control_number=interchange_number,
            ack_requested=options.ack_requested,
            usage=options.usage,
        )
    ]
    context = WriteContext(d, options.version)
    for functional_id, (x12_map, members) in groups.items():
        group_number = numbers.next(partner, Level.GROUP)
        date = now.strftime("%Y%m%d" if options.version[:6] >= "004010" else "%y%m%d")
        parts.append(writer.segment("GS", functional_id,
                                    options.group_sender or options.sender[1],
                                    options.group_receiver or options.receiver[1],
                                    date, now.strftime("%H%M"), str(group_number), "X",
                                    options.version))  # fmt: skip
        for document in members:
            set_number = f"{numbers.next(partner, Level.SET):04d}"
            rows = x12_map.write(document.body, context)
            parts.append(_set_text(writer, x12_map.set_id, set_number, rows))
        parts.append(writer.segment("GE", str(len(members)), str(group_number)))
    parts.append(writer.segment("IEA", str(len(groups)), f"{interchange_number:09d}"))
    text = "".join(parts)
    refuse_if_invalid(validate_x12(text.encode("latin-1", "replace")), "X12")
    return text


def _set_text(writer: X12Writer, set_id: str, number: str, rows: list[Row]) -> str:
    segments = [writer.segment("ST", set_id, number)]
    segments.extend(writer.segment(row[0], *row[1:]) for row in rows)
    segments.append(writer.segment("SE", str(len(rows) + 2), number))
    return "".join(segments)
