"""X12Writer refuses a value holding a delimiter (its check runs in C for speed:
it must refuse exactly what a plain substring test refuses)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.writer import UnwritableValue, X12Writer

_DELIMITERS = st.sampled_from(
    [
        Delimiters.default(),
        Delimiters("|", ">", "\n"),
        Delimiters("*", ":", "~\n", "^"),  # a longer terminator: no reader makes one
    ]
)


@given(_DELIMITERS, st.text(alphabet="AB1 *:~^|>\n", max_size=8))
def test_a_value_with_a_delimiter_is_refused(delimiters: Delimiters, value: str) -> None:
    writer = X12Writer(delimiters)
    if any(char in value for char in delimiters.as_set()):
        with pytest.raises(UnwritableValue):
            writer.segment("REF", "ZZ", value)
        with pytest.raises(UnwritableValue):
            writer.segment("REF", ["ZZ", value])
    else:
        assert writer.segment("REF", "ZZ", value).startswith("REF")
