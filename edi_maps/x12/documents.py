"""Canonical documents from the accepted sets of an input, as validation streams.

Used as the validator's ``on_set`` handler: each accepted set is mapped at once
(its segments are dropped right after), and a document is kept only if its group
and interchange are accepted too — known only when their trailers are read, so
the documents are released at the end.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from edi_maps.errors import EdiError
from edi_maps.x12.maps.base import ReadContext
from edi_maps.x12.maps.registry import map_for_set
from edi_maps.x12.results import GroupResult, InterchangeResult, SetResult, Status
from gateway.canonical import (
    Body,
    CanonicalDocument,
    Direction,
    Meta,
    Standard,
    document_id,
    idempotency_key,
)


@dataclass(frozen=True, slots=True)
class MappingFailure:
    """An accepted set that could not become a canonical document (a map's or contract's gap)."""

    interchange_control_number: str
    group_control_number: str
    set_control_number: str
    transaction_set: str
    message: str


@dataclass(slots=True)
class _Mapped:
    interchange: InterchangeResult
    group: GroupResult
    result: SetResult
    body: Body
    content_sha256: str


@dataclass(slots=True)
class DocumentCollector:
    """The ``on_set`` handler that maps accepted sets."""

    mapped: list[_Mapped] = field(default_factory=list)
    failures: list[MappingFailure] = field(default_factory=list)

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
        delimiters = interchange.delimiters
        rows = [segment.split(delimiters.element) for segment in segments]
        try:
            body = x12_map.read(rows, ReadContext(delimiters, group.version))
        except EdiError as error:  # a set that validates yet cannot be mapped
            self.failures.append(MappingFailure(interchange.control_number, group.control_number,
                                                result.control_number, result.transaction_set,
                                                str(error)))  # fmt: skip
            return
        text = delimiters.segment.join(segments).encode("latin-1", "replace")
        self.mapped.append(
            _Mapped(interchange, group, result, body, hashlib.sha256(text).hexdigest())
        )

    def documents(
        self, *, raw_sha256: str | None, received_at: datetime
    ) -> list[CanonicalDocument]:
        """The documents of sets whose group and interchange were accepted too."""
        out = []
        for item in self.mapped:
            if item.interchange.status is Status.REJECTED or item.group.status is Status.REJECTED:
                continue
            out.append(CanonicalDocument(meta=_meta(item, raw_sha256, received_at), body=item.body))
        return out


def _meta(item: _Mapped, raw_sha256: str | None, received_at: datetime) -> Meta:
    interchange, group, result = item.interchange, item.group, item.result
    x12_map = map_for_set(result.transaction_set)
    assert x12_map is not None
    # Until partner profiles exist (issue 5), a partner is its interchange sender id.
    partner = f"{interchange.sender_qualifier}:{interchange.sender_id}"
    key = idempotency_key(
        partner=partner,
        interchange_control_number=interchange.control_number,
        group_control_number=group.control_number,
        set_control_number=result.control_number,
        content_sha256=item.content_sha256,
    )
    return Meta(
        document_id=document_id(key),
        kind=x12_map.kind,
        direction=Direction.INBOUND,
        partner_id=partner,
        standard=Standard.X12,
        version=group.version or None,
        transaction_set=result.transaction_set,
        interchange_control_number=interchange.control_number,
        group_control_number=group.control_number,
        set_control_number=result.control_number,
        sender_id=interchange.sender_id or None,
        receiver_id=interchange.receiver_id or None,
        test_indicator=interchange.usage == "T",
        received_at=received_at,
        raw_sha256=raw_sha256,
        idempotency_key=key,
    )
