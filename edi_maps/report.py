"""The ``crossdock translate`` JSON (SPEC §7) from a :class:`Translation`."""

from __future__ import annotations

from typing import Any

from edi_maps.edifact.results import EdifactInterchange
from edi_maps.results import EnvelopeError, GroupResult, SegmentError, SetResult
from edi_maps.translate import Translation
from edi_maps.x12.results import InterchangeResult
from gateway.canonical import document_to_dict


def translation_report(translation: Translation) -> dict[str, Any]:
    result = translation.result
    report: dict[str, Any] = {
        "interchanges": [_interchange(i, translation.standard.value) for i in result.interchanges],
        "documents": [document_to_dict(d) for d in translation.documents],
        "acknowledgements": [{"type": a.type, "edi": a.edi} for a in translation.acknowledgements],
    }
    if result.errors:
        report["errors"] = [_envelope_error(e) for e in result.errors]
    if translation.mapping_failures:
        report["mapping_failures"] = [
            {
                "interchange_control_number": f.interchange_control_number,
                "group_control_number": f.group_control_number,
                "set_control_number": f.set_control_number,
                "transaction_set": f.transaction_set,
                "message": f.message,
            }
            for f in translation.mapping_failures
        ]
    return report


def _envelope_error(error: EnvelopeError) -> dict[str, Any]:
    return {"code": error.code, "description": error.description, "byte_offset": error.byte_offset}


def _interchange(
    interchange: InterchangeResult | EdifactInterchange, standard: str
) -> dict[str, Any]:
    if isinstance(interchange, EdifactInterchange):
        return _edifact_interchange(interchange)
    return {
        "standard": standard,
        "control_number": interchange.control_number,
        "sender_qualifier": interchange.sender_qualifier,
        "sender_id": interchange.sender_id,
        "receiver_qualifier": interchange.receiver_qualifier,
        "receiver_id": interchange.receiver_id,
        "version": interchange.version,
        "usage": interchange.usage,
        "ack_requested": interchange.ack_requested,
        "status": "rejected" if interchange.status.value == "rejected" else "accepted",
        "errors": [_envelope_error(e) for e in interchange.errors],
        "received_ta1": [
            {
                "control_number": t.control_number,
                "acknowledgment_code": t.acknowledgment_code,
                "note_code": t.note_code,
            }
            for t in interchange.ta1s
        ],
        "byte_offset": interchange.byte_offset,
        "groups": [_group(g) for g in interchange.groups],
    }


def _edifact_interchange(interchange: EdifactInterchange) -> dict[str, Any]:
    return {
        "standard": "edifact",
        "control_number": interchange.control_number,
        "sender_qualifier": interchange.sender_qualifier,
        "sender_id": interchange.sender_id,
        "receiver_qualifier": interchange.receiver_qualifier,
        "receiver_id": interchange.receiver_id,
        "version": interchange.version,
        "usage": interchange.usage,
        "ack_requested": interchange.ack_requested,
        "status": "rejected" if interchange.status.value == "rejected" else "accepted",
        "errors": [_envelope_error(e) for e in interchange.errors],
        "byte_offset": interchange.byte_offset,
        "groups": [_group(g) for g in interchange.groups],
    }


def _group(group: GroupResult) -> dict[str, Any]:
    return {
        "functional_id": group.functional_id,
        "control_number": group.control_number,
        "version": group.version,
        "sender_id": group.sender_id,
        "receiver_id": group.receiver_id,
        "status": group.status.value,
        "codes": group.codes,
        "sets_included": group.sets_included,
        "sets_received": group.sets_received,
        "sets_accepted": group.sets_accepted,
        "sets": [_set(s) for s in group.sets],
    }


def _set(result: SetResult) -> dict[str, Any]:
    return {
        "transaction_set": result.transaction_set,
        "control_number": result.control_number,
        "implementation_reference": result.implementation_reference,
        "status": result.status.value,
        "codes": result.codes,
        "validated_against": result.validated_against,
        "message_version": result.message_version,
        "segment_count": result.segment_count,
        "byte_offset": result.byte_offset,
        "errors": [row for error in result.errors for row in _segment_error(error)],
    }


def _segment_error(error: SegmentError) -> list[dict[str, Any]]:
    common = {
        "segment_id": error.segment_id,
        "segment_position": error.segment_position,
        "loop_id": error.loop_id,
        "byte_offset": error.byte_offset,
    }
    if not error.elements:
        return [
            {
                **common,
                "level": "segment",
                "element_position": None,
                "component_position": None,
                "repetition_position": None,
                "element_reference": None,
                "code": error.code,
                "description": error.description,
                "bad_value": None,
            }
        ]
    return [
        {
            **common,
            "level": "element",
            "element_position": e.element_position,
            "component_position": e.component_position,
            "repetition_position": e.repetition_position,
            "element_reference": e.element_reference,
            "code": e.code,
            "description": e.description,
            "bad_value": e.bad_value,
        }
        for e in error.elements
    ]
