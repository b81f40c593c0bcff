"""A compact, comparable summary of what validation found in a file.

One string per finding: ``file CODE``, ``isaN CODE`` (TA1 note), ``isaN.gsM CODE``
(AK9), ``isaN.gsM.stK CODE`` (AK5), ``isaN.gsM.stK SEG@POS CODE`` (AK3) and
``isaN.gsM.stK SEG@POS eE[.C]:CODE`` (AK4). Indexes count from 1. EDIFACT results
read the same with ``unbN``, ``grpM`` (a UNG, or the implicit group) and ``unhK``,
and ISO 9735 syntax error codes (UCI, UCF, UCM, UCS, UCD).
"""

from __future__ import annotations

from typing import Any

from edi_maps.results import FileResult

X12_LEVELS = ("isa", "gs", "st")
EDIFACT_LEVELS = ("unb", "grp", "unh")


def summarize(result: FileResult[Any], levels: tuple[str, str, str] = X12_LEVELS) -> list[str]:
    top, middle, bottom = levels
    found = [f"file {e.code}" for e in result.errors]
    for i, interchange in enumerate(result.interchanges, start=1):
        found.extend(f"{top}{i} {e.code}" for e in interchange.errors)
        for g, group in enumerate(interchange.groups, start=1):
            where = f"{top}{i}.{middle}{g}"
            found.extend(f"{where} {code}" for code in group.codes)
            for s, result_set in enumerate(group.sets, start=1):
                here = f"{where}.{bottom}{s}"
                found.extend(f"{here} {code}" for code in result_set.codes)
                for error in result_set.errors:
                    segment = f"{here} {error.segment_id}@{error.segment_position}"
                    if not error.elements:
                        found.append(f"{segment} {error.code}")
                    for element in error.elements:
                        component = (
                            f".{element.component_position}" if element.component_position else ""
                        )
                        found.append(
                            f"{segment} e{element.element_position}{component}:{element.code}"
                        )
    return found
