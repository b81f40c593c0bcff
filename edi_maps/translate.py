"""One input in, everything the gateway learns from it out: validation results,
acknowledgements to send and (with the maps) canonical documents."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from edi_maps.acknowledgements import Acknowledgement
from edi_maps.detect import detect
from edi_maps.errors import EdiError
from edi_maps.results import FileResult
from edi_maps.x12.acks import AckBuilder, AckPolicy
from edi_maps.x12.documents import DocumentCollector, MappingFailure
from edi_maps.x12.validation import ValidationOptions, validate_x12
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


class UnsupportedStandard(EdiError):
    code = "edi.unsupported_standard"


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


def translate(
    source: BinaryIO,
    *,
    numbers: ControlNumberAllocator,
    clock: Clock,
    options: ValidationOptions | None = None,
    ack_policy: AckPolicy | None = None,
) -> Translation:
    """Read, validate, acknowledge and map every interchange of ``source``.

    Raises:
        NotEdiError: the input is not EDI at all.
        UnsupportedStandard: EDIFACT, until its reader lands.
    """
    head = source.read(_SNIFF)
    standard = detect(head)
    if standard is Standard.EDIFACT:
        raise UnsupportedStandard("EDIFACT input is recognised but not supported yet")
    raw = _Prefixed(head, source)
    collector = DocumentCollector()
    result = validate_x12(raw, options, on_set=collector)  # type: ignore[arg-type]
    builder = AckBuilder(numbers, clock, ack_policy)
    acks = [ack for interchange in result.interchanges for ack in builder.build(interchange)]
    documents = collector.documents(raw_sha256=raw.sha256.hexdigest(), received_at=clock.now())
    return Translation(standard, result, acks, documents, collector.failures)
