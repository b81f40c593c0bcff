"""Read hand-written X12 with one map: validate it first, then read its sets.

For the map tests (tests/unit/edi_maps/x12/maps/); the canonical → X12 → canonical
round trip through the real render and translate paths is tests/roundtrip.py.
"""

from __future__ import annotations

from typing import Any

from edi_maps.x12.maps.base import ReadContext, X12Map
from edi_maps.x12.results import GroupResult, InterchangeResult, SegmentError, SetResult, Status
from edi_maps.x12.validation import validate_x12
from tests.x12_builders import interchange


def read_sets(
    x12_map: X12Map, data: bytes, *, must_validate: bool = True
) -> tuple[list[Any], list[str]]:
    """Validate ``data`` and read its sets of ``x12_map``'s kind: (bodies, findings).

    Only the sets that are not rejected are read, unless ``must_validate`` is False
    (then every set of the kind is; a map may raise MappingError on a broken one).
    The findings are everything validation found, in the file, its interchanges,
    groups and sets.
    """
    bodies: list[Any] = []
    findings: list[str] = []

    def on_set(
        interchange: InterchangeResult, group: GroupResult, result: SetResult, segments: list[str]
    ) -> None:
        findings.extend(f"AK5 {code}" for code in result.codes)
        findings.extend(_describe(error) for error in result.errors)
        if result.transaction_set != x12_map.set_id:
            return
        if must_validate and result.status is Status.REJECTED:
            return
        rows = [segment.split(interchange.delimiters.element) for segment in segments]
        bodies.append(x12_map.read(rows, ReadContext(interchange.delimiters, group.version)))

    result = validate_x12(data, on_set=on_set)
    findings.extend(error.description for error in result.errors)
    for ic in result.interchanges:
        findings.extend(error.description for error in ic.errors)
        findings.extend(f"AK9 {code}" for group in ic.groups for code in group.codes)
    return bodies, findings


def read_one(x12_map: X12Map, *segments: str, version: str = "004010") -> Any:
    """The body of one hand-written set (its segments between ST and SE, with ``*``),
    which must validate without a single finding."""
    sets = [(x12_map.set_id, *segments)]
    data = interchange([(x12_map.functional_id, version, sets)], version=version[:5])
    bodies, findings = read_sets(x12_map, data)
    assert findings == []
    (body,) = bodies
    assert isinstance(body, x12_map.body_type)
    return body


def _describe(error: SegmentError) -> str:
    details = [(e.element_position, e.code, e.bad_value) for e in error.elements]
    return f"{error.segment_id}@{error.segment_position} {error.code} {details}"
