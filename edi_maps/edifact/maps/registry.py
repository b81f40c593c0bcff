"""Which map reads or writes an EDIFACT message type."""

from __future__ import annotations

from edi_maps.edifact.maps.base import EdifactMap
from edi_maps.edifact.maps.contrl import CONTRL_MAP
from edi_maps.edifact.maps.desadv import DESADV_MAP
from edi_maps.edifact.maps.invoic import INVOIC_MAP
from edi_maps.edifact.maps.orders import ORDERS_MAP
from edi_maps.edifact.maps.ordrsp import ORDRSP_MAP
from gateway.canonical import Kind

_MAPS: dict[str, EdifactMap] = {
    m.message_type: m for m in (ORDERS_MAP, ORDRSP_MAP, DESADV_MAP, INVOIC_MAP, CONTRL_MAP)
}
_WRITERS: dict[Kind, EdifactMap] = {m.kind: m for m in _MAPS.values()}


def map_for_message(message_type: str) -> EdifactMap | None:
    """The map that reads messages of UNH 0065 ``message_type``, if there is one."""
    return _MAPS.get(message_type)


def map_for_kind(kind: Kind) -> EdifactMap | None:
    """The map that writes canonical documents of ``kind`` as EDIFACT, if there is one."""
    return _WRITERS.get(kind)
