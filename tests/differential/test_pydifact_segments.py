"""Our EDIFACT reader against pydifact's parser (the test oracle) on every EDIFACT sample.

Both give, per segment, the tag and the elements split into components with
release characters removed. pydifact has no repetition separator (it keeps
``*`` in the value), so our repetitions are joined back with it before comparing.

pydifact reads one UNA for a whole input (the first, or the first after a
terminator), so its input is prepared the way an operator would before handing
it a file: decoded as Latin-1, a BOM and leading blanks removed, and cut into
interchanges, each parsed on its own (a UNB without UNA gets pydifact's default
separators, which are level A's). Our reader reads the whole file, and must give
what it gives for the interchanges one by one. Where pydifact cannot read an
interchange, the test says so with the precise reason and compares the others.
"""

from __future__ import annotations

import warnings
from itertools import pairwise
from pathlib import Path

import pytest

from edi_maps.edifact.reader import EdifactReader
from edi_maps.edifact.segments import Segment, Una, split_segment
from edi_maps.edifact.service import ServiceChars
from tests.conftest import requires_samples, sample_files, sample_id

pydifact_parser = pytest.importorskip("pydifact.parser")
pydifact_exceptions = pytest.importorskip("pydifact.exceptions")

Values = list[str | list[str]]  # pydifact's shape: a value, or a composite's components


def _flattened(repetitions: list[list[str]], repetition: str | None) -> str | list[str]:
    components = list(repetitions[0])
    for more in repetitions[1:]:  # "a:b*c:d" is ["a", "b*c", "d"] to pydifact
        components[-1] += (repetition or "") + more[0]
        components.extend(more[1:])
    return components[0] if len(components) == 1 else components


def ours(data: bytes) -> list[tuple[str, Values]]:
    rows: list[tuple[str, Values]] = []
    chars = ServiceChars()
    for item in EdifactReader(data).items():
        if isinstance(item, Una):
            chars = item.chars
        elif isinstance(item, Segment):
            tag, *elements = split_segment(item.text, chars)
            rows.append((tag[0][0], [_flattened(e, chars.repetition) for e in elements]))
    return rows


def interchanges(data: bytes) -> list[str]:
    """The input cut where our reader sees an interchange begin (its UNA, or its UNB)."""
    text = data.decode("latin-1")
    starts = [item.offset for item in EdifactReader(data).items() if isinstance(item, Una)]
    bounds = [*starts, len(text)]
    return [text[a:b].strip(" \t\r\n") for a, b in pairwise(bounds)]


def theirs(text: str) -> list[tuple[str, Values]]:
    rows: list[tuple[str, Values]] = []
    with warnings.catch_warnings():  # pydifact warns about every segment it has no XML for
        warnings.simplefilter("ignore")
        for segment in pydifact_parser.Parser().parse(text):
            if segment.tag != "UNA":
                rows.append((segment.tag, list(segment.elements)))
    return rows


# Where pydifact fails, why (the exception alone does not say).
PYDIFACT_CANNOT = {
    "edinet__Apperak_edi_out_issue235.edi": (
        "its parser takes the syntax identifier from UNB S001's first character, and the "
        "stray 'UNB+++++4' before the real UNB has an empty S001"
    ),
}

FILES = sample_files("edifact/*/*")


@requires_samples
@pytest.mark.parametrize("path", FILES, ids=[sample_id(p) for p in FILES])
def test_segments_and_elements_match_pydifact(path: Path) -> None:
    data = path.read_bytes()
    pieces = interchanges(data)
    mine = [ours(piece.encode("latin-1")) for piece in pieces]
    # Read whole, the file gives what its interchanges give read one by one.
    assert ours(data) == [row for rows in mine for row in rows]
    failures = []
    for piece, rows in zip(pieces, mine, strict=True):
        try:
            expected = theirs(piece)
        except (pydifact_exceptions.EDISyntaxError, ValueError, IndexError) as error:
            failures.append(f"{type(error).__name__}: {error}")
            continue
        assert rows == expected
    if failures:
        why = PYDIFACT_CANNOT.get(path.name, "")
        pytest.skip(
            f"pydifact cannot read {len(failures)} of {len(pieces)} interchanges "
            f"({'; '.join(failures)}): {why} (the others match)"
        )
