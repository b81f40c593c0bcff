"""Canonical → X12 or EDIFACT → canonical, through the real render and translate paths."""

from __future__ import annotations

import io

from edi_maps.edifact.render import RenderOptions as EdifactRenderOptions
from edi_maps.edifact.render import render_edifact
from edi_maps.translate import translate
from edi_maps.x12.render import RenderOptions, render_x12
from edi_maps.x12.results import SegmentError
from gateway.canonical import KIND_OF, Body, CanonicalDocument, Direction, Meta
from gateway.domain.control_numbers import InMemoryControlNumbers
from tests.fakes import FixedClock


def as_document(body: Body) -> CanonicalDocument:
    return CanonicalDocument(
        meta=Meta(document_id="test", kind=KIND_OF[type(body)], direction=Direction.OUTBOUND),
        body=body,
    )


def round_trip(
    body: Body, options: RenderOptions | None = None
) -> tuple[str, list[Body], list[str]]:
    """Render ``body``, translate the text back: (edi, bodies read, every finding)."""
    edi = render_x12(
        [as_document(body)], options or RenderOptions(), InMemoryControlNumbers(), FixedClock()
    )
    translation = translate(
        io.BytesIO(edi.encode("utf-8")), numbers=InMemoryControlNumbers(), clock=FixedClock()
    )
    findings = [e.description for e in translation.result.errors]
    for interchange in translation.result.interchanges:
        findings += [e.description for e in interchange.errors]
        for group in interchange.groups:
            findings += [f"AK9 {c}" for c in group.codes]
            for result in group.sets:
                findings += [f"AK5 {c}" for c in result.codes]
                findings += [_describe(e) for e in result.errors]
    findings += [f.message for f in translation.mapping_failures]
    return edi, [d.body for d in translation.documents], findings


def _describe(error: SegmentError) -> str:
    details = [(e.element_position, e.code, e.bad_value) for e in error.elements]
    return f"{error.segment_id}@{error.segment_position} {error.code} {details}"


def round_trip_edifact(
    body: Body, options: EdifactRenderOptions | None = None
) -> tuple[str, list[Body], list[str]]:
    """Render ``body`` as EDIFACT, translate the text back: (edi, bodies read, findings)."""
    edi = render_edifact(
        [as_document(body)], options or EdifactRenderOptions(), InMemoryControlNumbers(),
        FixedClock(),
    )  # fmt: skip
    translation = translate(
        io.BytesIO(edi.encode("utf-8")), numbers=InMemoryControlNumbers(), clock=FixedClock()
    )
    findings = [e.description for e in translation.result.errors]
    for interchange in translation.result.interchanges:
        findings += [e.description for e in interchange.errors]
        for group in interchange.groups:
            findings += [f"UCF {c}" for c in group.codes]
            for result in group.sets:
                findings += [f"UCM {c}" for c in result.codes]
                findings += [_describe(e) for e in result.errors]
    findings += [f.message for f in translation.mapping_failures]
    return edi, [d.body for d in translation.documents], findings
