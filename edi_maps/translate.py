"""One input in, everything the gateway learns from it out: validation results,
acknowledgements to send and (with the maps) canonical documents."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import Any, BinaryIO, cast

from edi_maps.acknowledgements import Acknowledgement
from edi_maps.detect import detect
from edi_maps.documents import DocumentCollector, MappingFailure
from edi_maps.edifact.acks import ContrlBuilder, ContrlPolicy
from edi_maps.edifact.documents import EdifactMessageMapper
from edi_maps.edifact.validation import ValidationOptions as EdifactOptions
from edi_maps.edifact.validation import validate_edifact
from edi_maps.gc_pause import collection_paused
from edi_maps.results import FileResult
from edi_maps.x12.acks import AckBuilder, AckPolicy
from edi_maps.x12.documents import X12SetMapper
from edi_maps.x12.validation import ValidationOptions as X12Options
from edi_maps.x12.validation import validate_x12
from gateway.canonical import CanonicalDocument, Standard
from gateway.ports import Clock, ControlNumberAllocator

_SNIFF = 512


class _Prefixed(io.RawIOBase):
    """``head`` (already read to sniff the standard) followed by the rest of ``tail``,
    hashed as it is read (``meta.raw_sha256`` of the documents)."""

    def __init__(self, head: bytes, tail: BinaryIO) -> None:
        self._head = head
        self._tail = tail
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._read(size)
        self.sha256.update(data)
        return data

    def _read(self, size: int) -> bytes:
        if self._head:
            if size < 0:
                data, self._head = self._head + self._tail.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            if len(data) < size:
                data += self._tail.read(size - len(data))
            return data
        return self._tail.read(size)


@dataclass(slots=True)
class Translation:
    standard: Standard
    result: FileResult[Any]
    acknowledgements: list[Acknowledgement] = field(default_factory=list)
    documents: list[CanonicalDocument] = field(default_factory=list)
    mapping_failures: list[MappingFailure] = field(default_factory=list)

    @property
    def anything_rejected(self) -> bool:
        """Something was refused, or accepted but could not be turned into a document."""
        return self.result.anything_rejected or bool(self.mapping_failures)


@dataclass(frozen=True, slots=True)
class TranslateOptions:
    """Per-caller choices for each standard; the gateway fills them from the partner's
    profile (``partner_id`` names the profile in the documents and their keys)."""

    x12: X12Options = field(default_factory=X12Options)
    x12_acks: AckPolicy = field(default_factory=AckPolicy)
    edifact: EdifactOptions = field(default_factory=EdifactOptions)
    contrl: ContrlPolicy = field(default_factory=ContrlPolicy)
    partner_id: str | None = None


def translate(
    source: BinaryIO,
    *,
    numbers: ControlNumberAllocator,
    clock: Clock,
    options: TranslateOptions | None = None,
) -> Translation:
    """Read, validate, acknowledge and map every interchange of ``source``, X12 or
    EDIFACT (told apart by its first bytes).

    Raises:
        NotEdiError: the input is not EDI at all.
    """
    with collection_paused():  # see gc_pause.py: a third of the time otherwise
        return _translate(source, numbers, clock, options or TranslateOptions())


def _translate(
    source: BinaryIO, numbers: ControlNumberAllocator, clock: Clock, options: TranslateOptions
) -> Translation:
    head = source.read(_SNIFF)
    standard = detect(head)
    prefixed = _Prefixed(head, source)
    raw = cast(BinaryIO, prefixed)  # a readable binary stream, which is all the readers use
    collector = DocumentCollector(partner_id=options.partner_id)
    result: FileResult[Any]
    acks: list[Acknowledgement]
    if standard is Standard.EDIFACT:
        edifact = validate_edifact(raw, options.edifact, EdifactMessageMapper(collector))
        contrl = ContrlBuilder(numbers, clock, options.contrl)
        acks = [ack for interchange in edifact.interchanges for ack in contrl.build(interchange)]
        result = edifact
    else:
        x12 = validate_x12(raw, options.x12, on_set=X12SetMapper(collector))
        builder = AckBuilder(numbers, clock, options.x12_acks)
        acks = [ack for interchange in x12.interchanges for ack in builder.build(interchange)]
        result = x12
    documents = collector.documents(raw_sha256=prefixed.sha256.hexdigest(), received_at=clock.now())
    return Translation(standard, result, acks, documents, collector.failures)
