"""The X12 ``on_set`` handler that maps accepted sets to canonical bodies
(``edi_maps/documents.py`` keeps them until their interchange is known good)."""

from __future__ import annotations

from dataclasses import dataclass, field

from edi_maps.documents import DocumentCollector, Envelope
from edi_maps.errors import EdiError
from edi_maps.x12.maps.base import ReadContext
from edi_maps.x12.maps.registry import map_for_set
from edi_maps.x12.results import GroupResult, InterchangeResult, SetResult, Status
from gateway.canonical import Standard


@dataclass(slots=True)
class X12SetMapper:
    collector: DocumentCollector = field(default_factory=DocumentCollector)
    # The envelope and read context of the previous set: every set of an interchange
    # (every set of a group) shares them, so they are built once, not per set.
    _envelope: tuple[InterchangeResult, Envelope] | None = None
    _context: tuple[GroupResult, ReadContext] | None = None

    def __call__(
        self,
        interchange: InterchangeResult,
        group: GroupResult,
        result: SetResult,
        segments: list[str],
    ) -> None:
        if result.status is Status.REJECTED:
            return
        x12_map = map_for_set(result.transaction_set)
        if x12_map is None:
            return
        envelope = self._envelope_of(interchange)
        delimiters = interchange.delimiters
        context = self._context
        if context is None or context[0] is not group or context[1].delimiters != delimiters:
            context = self._context = (group, ReadContext(delimiters, group.version))
        separator = delimiters.element
        rows = [segment.split(separator) for segment in segments]
        try:
            body = x12_map.read(rows, context[1])
        except EdiError as error:  # a set that validates yet cannot be mapped
            self.collector.fail(envelope, group, result, str(error))
            return
        text = delimiters.segment.join(segments).encode("latin-1", "replace")
        self.collector.add(interchange, group, result, envelope, x12_map.kind, body, text)

    def _envelope_of(self, interchange: InterchangeResult) -> Envelope:
        last = self._envelope
        if last is not None and last[0] is interchange:
            return last[1]
        envelope = Envelope(
            standard=Standard.X12,
            partner=f"{interchange.sender_qualifier}:{interchange.sender_id}",
            interchange_control_number=interchange.control_number,
            sender_id=interchange.sender_id,
            receiver_id=interchange.receiver_id,
            test=interchange.usage == "T",
        )
        self._envelope = (interchange, envelope)
        return envelope
