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
from edi_maps.edifact.service import ServiceChars
from edi_maps.errors import EdiError
from edi_maps.results import SetResult, Status
from gateway.canonical import Standard


@dataclass(slots=True)
class EdifactMessageMapper:
    collector: DocumentCollector = field(default_factory=DocumentCollector)
    _envelope: tuple[EdifactInterchange, Envelope] | None = None  # of the previous message

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
        envelope = self._envelope_of(interchange)
        chars = interchange.chars
        rows = message_rows(segments, chars, interchange.syntax_identifier)
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

    def _envelope_of(self, interchange: EdifactInterchange) -> Envelope:
        """The interchange's envelope, built once for all its messages."""
        last = self._envelope
        if last is not None and last[0] is interchange:
            return last[1]
        qualifier = interchange.sender_qualifier
        envelope = Envelope(
            standard=Standard.EDIFACT,
            partner=f"{qualifier}:{interchange.sender_id}" if qualifier else interchange.sender_id,
            interchange_control_number=interchange.control_number,
            sender_id=interchange.sender_id,
            receiver_id=interchange.receiver_id,
            test=interchange.test,
        )
        self._envelope = (interchange, envelope)
        return envelope


def message_rows(segments: list[Segment], chars: ServiceChars, syntax: str) -> list[Row]:
    """The rows a map reads: each segment's elements (first repetitions), decoded."""
    release, repetition = chars.release, chars.repetition
    separator, component = chars.element, chars.component
    rows: list[Row] = []
    for segment in segments:
        text = segment.text
        if (
            text.isascii()
            and (release is None or release not in text)
            and (repetition is None or repetition not in text)
        ):
            # The common segment: nothing released, no repetition, and ASCII, which
            # decode() returns as it is; so its row is two splits. general_row()
            # takes 1.4x as long over the 1 MB bench file (bench/edifact_reader.py
            # translate); a property test in tests/unit/edi_maps/edifact/
            # test_documents.py checks that both give the same rows.
            rows.append([part.split(component) for part in text.split(separator)])
        else:
            rows.append(general_row(text, chars, syntax))
    return rows


def general_row(text: str, chars: ServiceChars, syntax: str) -> Row:
    """Any segment's row (the reference for :func:`message_rows`)."""
    elements = split_segment(text, chars)
    return [[decode(value, syntax) for value in element[0]] for element in elements]
