"""Which map reads or writes a transaction set."""

from __future__ import annotations

from edi_maps.x12.maps.base import X12Map
from edi_maps.x12.maps.functional_ack_997 import FUNCTIONAL_ACK_997, IMPLEMENTATION_ACK_999
from edi_maps.x12.maps.invoice_810 import INVOICE_810
from edi_maps.x12.maps.order_ack_855 import ORDER_ACK_855
from edi_maps.x12.maps.purchase_order_850 import PURCHASE_ORDER_850
from edi_maps.x12.maps.ship_notice_856 import SHIP_NOTICE_856
from gateway.canonical import Kind

_MAPS: dict[str, X12Map] = {
    m.set_id: m
    for m in (
        PURCHASE_ORDER_850,
        ORDER_ACK_855,
        SHIP_NOTICE_856,
        INVOICE_810,
        FUNCTIONAL_ACK_997,
        IMPLEMENTATION_ACK_999,
    )
}
# Writing a kind uses its first map: a functional_ack is written as a 997.
_WRITERS: dict[Kind, X12Map] = {}
for _map in _MAPS.values():
    _WRITERS.setdefault(_map.kind, _map)


def map_for_set(set_id: str) -> X12Map | None:
    """The map that reads sets with ST01 ``set_id``, if there is one."""
    return _MAPS.get(set_id)


def map_for_kind(kind: Kind) -> X12Map | None:
    """The map that writes canonical documents of ``kind``, if there is one."""
    return _WRITERS.get(kind)
