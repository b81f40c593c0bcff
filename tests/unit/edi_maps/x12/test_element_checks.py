"""Data element rules (X12.6): types, lengths, codes, composites, repetitions, syntax notes."""

from __future__ import annotations

import pytest

from edi_maps.x12.dictionary import ElementDef, SyntaxNote
from edi_maps.x12.element_checks import check_value, note_errors, valid_date, valid_time, value_rule


def rule(kind: str, low: int, high: int, codes: set[str] | None = None):  # type: ignore[no-untyped-def]
    return value_rule(ElementDef("1", kind, low, high, "test", frozenset(codes) if codes else None))


@pytest.mark.parametrize(
    ("kind", "low", "high", "value", "expected"),
    [
        ("AN", 1, 5, "ABC", None),
        ("AN", 2, 5, "A", "4"),
        ("AN", 1, 3, "ABCD", "5"),
        ("AN", 1, 9, "A\x01B", "6"),
        ("AN", 1, 9, "Müller", None),  # extended characters are data, control characters are not
        ("N0", 1, 3, "123", None),
        ("N0", 1, 3, "-123", None),  # the sign does not count
        ("N0", 1, 3, "1234", "5"),
        ("N0", 1, 3, "1.5", "6"),
        ("N2", 1, 5, "12345", None),
        ("N0", 1, 3, "²", "6"),  # Unicode digits are not X12 digits
        ("R", 1, 5, "12.345", None),  # the point does not count
        ("R", 1, 5, "-1.5", None),
        ("R", 1, 3, "12.34", "5"),
        ("R", 1, 5, "1.2.3", "6"),
        ("R", 1, 5, ".", "6"),
        ("R", 1, 5, "1E5", "6"),  # exponents only from 005010
        ("ID", 2, 2, "SA", None),
        ("ID", 2, 2, "S", "4"),
        ("DT", 8, 8, "20240229", None),
        ("DT", 8, 8, "20230229", "8"),
        ("DT", 8, 8, "20231301", "8"),
        ("DT", 6, 6, "240229", None),
        ("DT", 8, 8, "240229", "4"),
        ("TM", 4, 8, "2359", None),
        ("TM", 4, 8, "235959", None),
        ("TM", 4, 8, "2360", "9"),
        ("TM", 4, 8, "2400", "9"),
        ("TM", 4, 8, "12", "4"),
    ],
)
def test_value_rules(kind: str, low: int, high: int, value: str, expected: str | None) -> None:
    assert check_value(value, rule(kind, low, high), allow_exponent=False) == expected


def test_code_lists_and_exponents() -> None:
    assert check_value("00", rule("ID", 2, 2, {"00", "01"}), False) is None
    assert check_value("02", rule("ID", 2, 2, {"00", "01"}), False) == "7"
    assert check_value("1E5", rule("R", 1, 5), allow_exponent=True) is None
    assert check_value("1E-5X", rule("R", 1, 5), allow_exponent=True) == "6"


def test_dates_and_times() -> None:
    assert valid_date("20000229") and not valid_date("19000229")
    assert valid_date("991231") and not valid_date("991232")
    assert valid_time("000000") and valid_time("23595999") and not valid_time("236000")


@pytest.mark.parametrize(
    ("note", "present", "codes"),
    [
        ("P0203", {2, 3}, []),
        ("P0203", set(), []),
        ("P0203", {2}, [("2", 3)]),
        ("R0203", set(), [("2", 2)]),
        ("R0203", {3}, []),
        ("E0203", {2, 3}, [("10", 3)]),
        ("E0203", {3}, []),
        ("C020304", {2}, [("2", 3), ("2", 4)]),
        ("C020304", {3}, []),
        ("L020304", {2}, [("2", 3)]),
        ("L020304", {2, 4}, []),
    ],
)
def test_syntax_notes(note: str, present: set[int], codes: list[tuple[str, int]]) -> None:
    positions = tuple(int(note[i : i + 2]) for i in range(1, len(note), 2))
    found = note_errors((SyntaxNote(note[0], positions),), present, {})
    assert [(e.code, e.element_position) for e in found] == codes
