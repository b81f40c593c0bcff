"""Canonical documents → one EDIFACT interchange: maps for the bodies, UNH/UNT and
UNB/UNZ with counts and references from the allocator.

Messages go straight into the interchange (no UNG), as EANCOM and most partners
expect. What a partner profile will supply later arrives as :class:`RenderOptions`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from edi_maps.edifact.charsets import SYNTAX_CODECS
from edi_maps.edifact.maps.base import WriteContext
from edi_maps.edifact.maps.registry import map_for_kind
from edi_maps.edifact.service import ServiceChars
from edi_maps.edifact.validation import validate_edifact
from edi_maps.edifact.writer import EdifactWriter
from edi_maps.errors import MappingError, RenderOptionsError
from edi_maps.results import refuse_if_invalid
from gateway.canonical import CanonicalDocument
from gateway.domain.control_numbers import Level
from gateway.ports import Clock, ControlNumberAllocator

DIRECTORIES = ("D96A", "D01B")  # what the maps write and the validator knows


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How to write for one partner.

    Attributes:
        version: the directory of the messages, e.g. "D96A" (UNH D:96A:UN).
        association: UNH 0057, e.g. "EAN008" for EANCOM; None for plain UN.
        syntax: UNB S001, e.g. ("UNOC", 3).
        sender / receiver: (UNB id, code qualifier 0007; "" for none).
        chars: the service characters; a UNA announces them.
        test: UNB 0035 = 1.
    """

    version: str = "D96A"
    association: str | None = None
    syntax: tuple[str, int] = ("UNOC", 3)
    sender: tuple[str, str] = ("CROSSDOCK", "ZZZ")
    receiver: tuple[str, str] = ("PARTNER", "ZZZ")
    chars: ServiceChars = field(default_factory=ServiceChars.level_a)
    test: bool = False
    ack_requested: bool = False
    line_break: str = "\n"

    def __post_init__(self) -> None:
        problems = list(self.chars.problems())
        if self.version not in DIRECTORIES:
            problems.append(f"directory {self.version!r} is not one of {', '.join(DIRECTORIES)}")
        identifier, syntax_version = self.syntax
        if identifier not in SYNTAX_CODECS or syntax_version not in (1, 2, 3, 4):
            problems.append(f"syntax {identifier}:{syntax_version} is not supported")
        if syntax_version < 4 and self.chars.repetition is not None:
            problems.append("a repetition separator needs syntax version 4")
        for label, (identity, qualifier) in (("sender", self.sender),
                                             ("receiver", self.receiver)):  # fmt: skip
            if not 1 <= len(identity) <= 35 or len(qualifier) > 4:
                problems.append(f"{label} {identity}:{qualifier} needs an id of 1 to 35 "
                                "characters and a qualifier of at most 4")  # fmt: skip
        if problems:
            raise RenderOptionsError("; ".join(problems))


def render_edifact(
    documents: Sequence[CanonicalDocument],
    options: RenderOptions,
    numbers: ControlNumberAllocator,
    clock: Clock,
) -> str:
    """One interchange holding ``documents``, one message each.

    Raises:
        MappingError: a document no map writes, a value the message cannot carry, or
            text our own validator would refuse (e.g. a code of another standard in a
            coded element): nothing invalid ever leaves.
    """
    if not documents:
        raise MappingError("nothing to render")
    chars = options.chars
    writer = EdifactWriter(chars, "" if chars.segment in "\r\n" else options.line_break)
    context = WriteContext(options.version, options.association)
    identifier = [options.version[0], options.version[1:], "UN"]
    if options.association:
        identifier.append(options.association)
    messages: list[str] = []
    partner = ":".join(reversed(options.receiver)) if options.receiver[1] else options.receiver[0]
    for document in documents:
        edifact_map = map_for_kind(document.meta.kind)
        if edifact_map is None:
            raise MappingError(f"no EDIFACT map writes {document.meta.kind.value}")
        rows = edifact_map.write(document.body, context)
        reference = str(numbers.next(partner, Level.SET))
        text = [writer.segment("UNH", reference, [edifact_map.message_type, *identifier])]
        text.extend(writer.row(row) for row in rows)
        text.append(writer.segment("UNT", str(len(rows) + 2), reference))
        messages.append("".join(text))
    number = numbers.next(partner, Level.INTERCHANGE)
    now = clock.now()
    syntax_id, syntax_version = options.syntax
    date = now.strftime("%Y%m%d" if syntax_version >= 4 else "%y%m%d")
    unb = writer.segment(
        "UNB",
        [syntax_id, str(syntax_version)],
        [part for part in options.sender if part],
        [part for part in options.receiver if part],
        [date, now.strftime("%H%M")],
        str(number),
        "", "", "",
        "1" if options.ack_requested else "",
        "",
        "1" if options.test else "",
    )  # fmt: skip
    unz = writer.segment("UNZ", str(len(messages)), str(number))
    edi = writer.una() + unb + "".join(messages) + unz
    refuse_if_invalid(validate_edifact(edi.encode("utf-8")), "EDIFACT")
    return edi
