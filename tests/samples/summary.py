"""A compact, comparable summary of what validation found in a file.

One string per finding: ``file CODE``, ``isaN CODE`` (TA1 note), ``isaN.gsM CODE``
(AK9), ``isaN.gsM.stK CODE`` (AK5), ``isaN.gsM.stK SEG@POS CODE`` (AK3) and
``isaN.gsM.stK SEG@POS eE[.C]:CODE`` (AK4). Indexes count from 1.
"""

from __future__ import annotations

from edi_maps.x12.results import FileResult


def summarize(result: FileResult) -> list[str]:
    found = [f"file {e.code}" for e in result.errors]
    for i, interchange in enumerate(result.interchanges, start=1):
        found.extend(f"isa{i} {e.code}" for e in interchange.errors)
        for g, group in enumerate(interchange.groups, start=1):
            where = f"isa{i}.gs{g}"
            found.extend(f"{where} {code}" for code in group.codes)
            for s, result_set in enumerate(group.sets, start=1):
                here = f"{where}.st{s}"
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
