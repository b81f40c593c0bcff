"""A document's line finds its PO line by any shared identifier, UPC and GTIN alike."""

from __future__ import annotations

from decimal import Decimal

from gateway.canonical import ItemIds
from gateway.domain.workflow.items import amount, find_line, money, same_item
from tests.unit.gateway.workflow.builders import GADGET, WIDGET, order


def _find(item: ItemIds, number: str | None = None) -> str | None:
    lines = order().lines
    found = find_line(lines, item, number, lambda o: o.item, lambda o: o.line_number)
    return found.line_number if found else None


def test_any_shared_identifier_finds_the_line() -> None:
    assert _find(ItemIds(vendor_item="AC-77")) == "1"
    assert _find(ItemIds(buyer_item="100-300")) == "2"
    assert _find(ItemIds(upc="012345678905")) == "2"  # the GTIN-14 without its zeros
    assert same_item(ItemIds(gtin="12345678905"), GADGET)


def test_an_unknown_item_finds_nothing_even_on_a_known_line_number() -> None:
    assert _find(ItemIds(buyer_item="999-999"), "1") is None


def test_a_line_without_identifiers_is_placed_by_its_number() -> None:
    assert _find(ItemIds(description="widgets"), "2") == "2"
    assert _find(ItemIds(), None) is None


def test_the_line_number_breaks_a_tie_between_lines_of_one_item() -> None:
    lines = [*order().lines, order().lines[0].__class__(line_number="3", item=WIDGET)]
    found = find_line(lines, WIDGET, "3", lambda o: o.item, lambda o: o.line_number)
    assert found is not None and found.line_number == "3"


def test_figures_read_as_people_write_them() -> None:
    assert amount(Decimal("24.000")) == "24" and amount(Decimal("2.50")) == "2.5"
    assert money(Decimal("12.5"), "USD") == "12.50 USD" and money(Decimal("0.125"), None) == "0.125"
