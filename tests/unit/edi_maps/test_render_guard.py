"""Render never returns EDI our own validator would refuse: a canonical value that is
a code of the other standard is caught before anything is sent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from edi_maps.edifact.render import RenderOptions as EdifactRenderOptions
from edi_maps.edifact.render import render_edifact
from edi_maps.errors import MappingError
from edi_maps.x12.render import RenderOptions, render_x12
from gateway.canonical import ItemIds, OrderLine, PurchaseOrder
from gateway.domain.control_numbers import InMemoryControlNumbers
from tests.fakes import FixedClock
from tests.roundtrip import as_document


def order(order_type: str) -> PurchaseOrder:
    line = OrderLine(line_number="1", quantity=Decimal(2), uom="EA", item=ItemIds(gtin="0123"))
    return PurchaseOrder(po_number="P1", order_type=order_type, order_date=date(2026, 1, 5),
                         lines=[line])  # fmt: skip


def test_an_edifact_order_type_is_no_x12_beg02() -> None:
    numbers = InMemoryControlNumbers()
    with pytest.raises(MappingError, match="X12 written would be refused"):
        render_x12([as_document(order("220"))], RenderOptions(), numbers, FixedClock())
    assert render_x12([as_document(order("SA"))], RenderOptions(), numbers, FixedClock())


def test_an_x12_order_type_is_no_edifact_1001() -> None:
    numbers = InMemoryControlNumbers()
    with pytest.raises(MappingError, match="'SA' is not a code of 1001"):
        render_edifact([as_document(order("SA"))], EdifactRenderOptions(), numbers, FixedClock())
    assert render_edifact([as_document(order("220"))], EdifactRenderOptions(), numbers,
                          FixedClock())  # fmt: skip
