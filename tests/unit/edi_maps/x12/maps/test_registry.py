"""Every map is found by its set and its kind, satisfies X12Map, and writes only its own kind."""

from __future__ import annotations

import pytest

from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.maps.base import MappingError, WriteContext, X12Map
from edi_maps.x12.maps.registry import map_for_kind, map_for_set
from gateway.canonical import (
    FunctionalAck,
    Invoice,
    Kind,
    Party,
    PoAcknowledgement,
    PurchaseOrder,
    Role,
    ShipNotice,
)

MAPS = [
    ("850", "PO", Kind.PURCHASE_ORDER, PurchaseOrder),
    ("855", "PR", Kind.PO_ACKNOWLEDGEMENT, PoAcknowledgement),
    ("856", "SH", Kind.SHIP_NOTICE, ShipNotice),
    ("810", "IN", Kind.INVOICE, Invoice),
    ("997", "FA", Kind.FUNCTIONAL_ACK, FunctionalAck),
    ("999", "FA", Kind.FUNCTIONAL_ACK, FunctionalAck),
]


@pytest.mark.parametrize(("set_id", "functional_id", "kind", "body_type"), MAPS)
def test_each_set_has_its_map(set_id: str, functional_id: str, kind: Kind, body_type: type) -> None:
    x12_map: X12Map | None = map_for_set(set_id)
    assert x12_map is not None
    assert (x12_map.set_id, x12_map.functional_id) == (set_id, functional_id)
    assert (x12_map.kind, x12_map.body_type) == (kind, body_type)


@pytest.mark.parametrize(("set_id", "functional_id", "kind", "body_type"), MAPS)
def test_a_map_writes_only_its_own_kind(
    set_id: str, functional_id: str, kind: Kind, body_type: type
) -> None:
    x12_map = map_for_set(set_id)
    assert x12_map is not None
    with pytest.raises(MappingError):
        x12_map.write(Party(role=Role.BUYER), WriteContext(Delimiters.default(), "004010"))  # type: ignore[arg-type]


def test_a_functional_ack_is_written_as_a_997_and_unmapped_sets_have_no_map() -> None:
    writer = map_for_kind(Kind.FUNCTIONAL_ACK)
    assert writer is not None and writer.set_id == "997"
    assert map_for_kind(Kind.RECEIPT) is None
    assert map_for_set("940") is None
