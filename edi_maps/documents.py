"""Canonical documents from the accepted messages of an input, as validation streams.

Each standard's ``on_set`` / ``on_message`` handler maps an accepted set or
message at once (its segments are dropped right after) and hands the body here
with what the envelope says. A document is released only if its group and
interchange are accepted too, which is known only when their trailers are read,
so the documents come out at the end.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from edi_maps.results import GroupResult, InterchangeLike, SetResult, Status
from gateway.canonical import (
    Body,
    CanonicalDocument,
    Direction,
    Kind,
    Meta,
    Standard,
    document_id,
    idempotency_key,
)
from gateway.canonical.builders import builder

_new_meta = builder(Meta)  # every document has one: the faster constructor (builders.py)
_new_document = builder(CanonicalDocument)


@dataclass(frozen=True, slots=True)
class MappingFailure:
    """An accepted set that could not become a canonical document (a map's or contract's gap)."""

    interchange_control_number: str
    group_control_number: str
    set_control_number: str
    transaction_set: str
    message: str


@dataclass(frozen=True, slots=True)
class Envelope:
    """What the interchange says about where a document comes from."""

    standard: Standard
    partner: str  # until partner profiles (issue 5): the sender's "qualifier:id"
    interchange_control_number: str
    sender_id: str
    receiver_id: str
    test: bool


@dataclass(slots=True)
class _Mapped:
    """A mapped set, waiting for its group's and interchange's verdicts. It keeps the
    three strings its meta needs rather than the set's result: a result object (and
    its two lists) per set held ~10 MB for nothing on the 50 MB bench input, and
    gave every garbage collection 120,000 more objects to walk (bench/x12_reader.py
    translate)."""

    interchange: InterchangeLike
    group: GroupResult
    envelope: Envelope
    kind: Kind
    body: Body
    content_sha256: str
    set_control_number: str
    transaction_set: str
    version: str


@dataclass(slots=True)
class DocumentCollector:
    """Holds mapped sets until their envelopes are known good.

    ``partner_id`` is the trading partner the gateway identified from the envelope
    (its profile id); without one, documents name the sender's "qualifier:id".
    """

    partner_id: str | None = None
    mapped: list[_Mapped] = field(default_factory=list)
    failures: list[MappingFailure] = field(default_factory=list)

    def add(
        self,
        interchange: InterchangeLike,
        group: GroupResult,
        result: SetResult,
        envelope: Envelope,
        kind: Kind,
        body: Body,
        content: bytes,
    ) -> None:
        """A mapped set; ``content`` is its text as received (the key hashes it)."""
        digest = hashlib.sha256(content).hexdigest()
        self.mapped.append(_Mapped(interchange, group, envelope, kind, body, digest,
                                   result.control_number, result.transaction_set,
                                   _version(result, group)))  # fmt: skip

    def fail(self, envelope: Envelope, group: GroupResult, result: SetResult, message: str) -> None:
        self.failures.append(MappingFailure(envelope.interchange_control_number,
                                            group.control_number, result.control_number,
                                            result.transaction_set, message))  # fmt: skip

    def documents(
        self, *, raw_sha256: str | None, received_at: datetime
    ) -> list[CanonicalDocument]:
        """The documents of sets whose group and interchange were accepted too."""
        out = []
        for item in self.mapped:
            if item.interchange.status is Status.REJECTED or item.group.status is Status.REJECTED:
                continue
            meta = _meta(item, self.partner_id or item.envelope.partner, raw_sha256, received_at)
            out.append(_new_document(meta=meta, body=item.body))
        return out


def _meta(item: _Mapped, partner: str, raw_sha256: str | None, received_at: datetime) -> Meta:
    envelope, group = item.envelope, item.group
    key = idempotency_key(
        partner=partner,
        interchange_control_number=envelope.interchange_control_number,
        group_control_number=group.control_number,
        set_control_number=item.set_control_number,
        content_sha256=item.content_sha256,
    )
    version = item.version
    return _new_meta(
        document_id=document_id(key),
        kind=item.kind,
        direction=Direction.INBOUND,
        partner_id=partner,
        standard=envelope.standard,
        version=version or None,
        transaction_set=item.transaction_set,
        interchange_control_number=envelope.interchange_control_number,
        group_control_number=group.control_number or None,
        set_control_number=item.set_control_number,
        sender_id=envelope.sender_id or None,
        receiver_id=envelope.receiver_id or None,
        test_indicator=envelope.test,
        received_at=received_at,
        raw_sha256=raw_sha256,
        idempotency_key=key,
    )


def _version(result: SetResult, group: GroupResult) -> str:
    """X12: the group's GS08; EDIFACT: the message's directory, e.g. D96A."""
    if result.message_version:
        version, release = [*result.message_version.split(":"), "", ""][:2]
        return version + release
    return group.version
