"""Counts and control numbers are ASCII digits: ``str.isdigit`` also takes superscripts
(Latin-1 0xB2, 0xB3, 0xB9) that ``int`` refuses — a crash fuzzing found in EDIFACT, and
the same pattern in these helpers."""

from __future__ import annotations

import pytest

from edi_maps.edifact.maps import contrl
from edi_maps.x12.maps import functional_ack_997


@pytest.mark.parametrize("number", [functional_ack_997._number, contrl._number])
def test_a_superscript_digit_is_no_number(number) -> None:  # type: ignore[no-untyped-def]
    assert "3\u00b9".isdigit()  # what made the old check pass
    assert number("3\u00b9") is None
    assert number("31") == 31
