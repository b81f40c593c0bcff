"""Tolerance bounds are inclusive: exactly at the bound is within, a cent past is not."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gateway.domain.workflow.tolerances import Tolerances

D = Decimal


@pytest.mark.parametrize(
    ("percent", "actual", "expected", "above", "below"),
    [
        ("0", "24", "24", False, False),
        ("0", "24.001", "24", True, False),
        ("0", "23.999", "24", False, True),
        ("10", "26.4", "24", False, False),  # exactly +10 %
        ("10", "26.41", "24", True, False),
        ("10", "21.6", "24", False, False),  # exactly -10 %
        ("10", "21.59", "24", False, True),
    ],
)
def test_quantity_bounds_are_inclusive(
    percent: str, actual: str, expected: str, above: bool, below: bool
) -> None:
    tolerances = Tolerances(quantity_percent=D(percent))
    assert tolerances.quantity_above(D(actual), D(expected)) is above
    assert tolerances.quantity_below(D(actual), D(expected)) is below
    assert tolerances.quantity_differs(D(actual), D(expected)) is (above or below)


@pytest.mark.parametrize(
    ("actual", "differs"),
    [
        ("12.50", False),
        ("12.625", False),  # +1 % of 12.50 exactly
        ("12.626", True),
        ("12.375", False),  # -1 %
        ("12.374", True),
    ],
)
def test_price_percent_bound(actual: str, differs: bool) -> None:
    assert (
        Tolerances(price_percent=D(1), price_absolute=D(0)).price_differs(D(actual), D("12.50"))
        is differs
    )


def test_price_takes_the_larger_of_percent_and_absolute() -> None:
    tolerances = Tolerances(price_percent=D(1), price_absolute=D("0.05"))
    assert not tolerances.price_differs(D("1.05"), D("1.00"))  # 5 cents > 1 % of 1.00
    assert tolerances.price_differs(D("1.06"), D("1.00"))
    assert not tolerances.price_differs(D("101.00"), D("100.00"))  # 1 % > 5 cents
    assert tolerances.price_differs(D("101.01"), D("100.00"))


def test_dates_early_and_late_each_have_their_bound() -> None:
    tolerances = Tolerances(days_early=3, days_late=1)
    wanted = date(2026, 12, 10)
    assert tolerances.date_offset(date(2026, 12, 7), wanted) is None  # 3 days early: fine
    assert tolerances.date_offset(date(2026, 12, 6), wanted) == -4
    assert tolerances.date_offset(date(2026, 12, 11), wanted) is None  # 1 day late: fine
    assert tolerances.date_offset(date(2026, 12, 12), wanted) == 2
