"""The EDIFACT ``on_message`` handler that maps accepted messages to canonical
bodies (``edi_maps/documents.py`` keeps them until their interchange is known good)."""

from __future__ import annotations

from dataclasses import dataclass, field

from edi_maps.documents import DocumentCollector, Envelope
from edi_maps.edifact.charsets import decode
from edi_maps.edifact.maps.base import ReadContext
from edi_maps.edifact.maps.registry import map_for_message
from edi_maps.edifact.results import EdifactGroup, EdifactInterchange
from edi_maps.edifact.segments import Row, Segment, split_segment
from edi_maps.errors import EdiError
from edi_maps.results import SetResult, Status
from gateway.canonical import Standard


@dataclass(slots=True)
class EdifactMessageMapper:
    collector: DocumentCollector = field(default_factory=DocumentCollector)

    def __call__(
        self,
        interchange: EdifactInterchange,
        group: EdifactGroup,
        result: SetResult,
        segments: list[Segment],
    ) -> None:
        if result.status is Status.REJECTED:
            return
        edifact_map = map_for_message(result.transaction_set)
        if edifact_map is None:
            return
        qualifier = interchange.sender_qualifier
        envelope = Envelope(
            standard=Standard.EDIFACT,
            partner=f"{qualifier}:{interchange.sender_id}" if qualifier else interchange.sender_id,
            interchange_control_number=interchange.control_number,
            sender_id=interchange.sender_id,
            receiver_id=interchange.receiver_id,
            test=interchange.test,
        )
        chars, syntax = interchange.chars, interchange.syntax_identifier
        rows: list[Row] = []
        for segment in segments:
            elements = split_segment(segment.text, chars)
            rows.append([[decode(value, syntax) for value in element[0]] for element in elements])
        version = "".join((result.message_version or "").split(":")[:2])
        context = ReadContext(chars, version, result.implementation_reference)
        try:
            body = edifact_map.read(rows, context)
        except EdiError as error:  # a message that validates yet cannot be mapped
            self.collector.fail(envelope, group, result, str(error))
            return
        text = chars.segment.join(segment.text for segment in segments)
        content = text.encode("latin-1", "replace")
        self.collector.add(interchange, group, result, envelope, edifact_map.kind, body, content)
