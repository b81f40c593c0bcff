"""856 Ship Notice/Manifest ↔ ship_notice: shipment → orders → packs → items.

The 856 detail is one flat HL loop; its nesting lives in HL02 parent links, and
senders arrange the levels differently (S-O-P-I pick and pack, S-O-I standard
carton, S-O-T-P-I pallets of cartons, even S-I with the PO on each item). So
reading rebuilds the tree from HL01/HL02 and asks, for every item, which order
and which container it sits under, instead of trusting segment order. Writing
always produces S → O → (P →) I, which reading maps back to the same body.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from itertools import count

from edi_maps.x12.maps.base import MappingError, ReadContext, Row, WriteContext
from edi_maps.x12.maps.common import (
    decimal,
    description,
    element,
    item_ids,
    pairs,
    parties,
    to_date,
    to_timestamp,
    write_date,
    write_decimal,
    write_item_pairs,
    write_party,
)
from edi_maps.x12.maps.loops import first, split
from gateway.canonical import (
    Body,
    Carrier,
    Kind,
    Pack,
    ShipNotice,
    ShippedItem,
    ShippedOrder,
)

# Nested loops of the HL loop (trigger → its other segments), 004010 and 005010
# (TD3 is a loop with AT9 from 005010 on). REF, DTM and PER also occur inside
# them, where they mean something else than at the level itself.
_LOOPS: Mapping[str, frozenset[str]] = {
    "LH1": frozenset({"LH2", "LH3", "LFH", "LEP", "LH4", "LHT", "LHR", "PER", "LHE"}),
    "CLD": frozenset({"REF", "DTP"}), "TD3": frozenset({"AT9"}),
    "N1": frozenset({"N2", "N3", "N4", "REF", "PER", "FOB"}), "SAC": frozenset({"CUR"}),
    "LM": frozenset({"LQ"}), "V1": frozenset({"R4", "DTM"}),
}  # fmt: skip
SSCC_CODES = ("GM", "AA", "CP")  # MAN01 read as the pack's SSCC, preferred in this order
SHIPPED, EXPIRY, LOT = "011", "036", "LT"
DELIVERY = ("017", "067")  # DTM01: estimated delivery, current schedule delivery
SCAC_QUALIFIER = "2"  # TD502: TD503 is a Standard Carrier Alpha Code


@dataclass(eq=False, slots=True)
class _Level:
    """One HL loop occurrence: level code, parent level, own segments, nested loops."""

    code: str
    parent: _Level | None
    own: list[Row]
    nested: list[list[Row]]

    def ancestors(self) -> Iterator[_Level]:
        up = self.parent
        while up is not None:
            yield up
            up = up.parent


@dataclass(slots=True)
class _OrderDraft:
    po_number: str | None
    packs: dict[_Level, list[ShippedItem]] = field(default_factory=dict)
    items: list[ShippedItem] = field(default_factory=list)


class ShipNoticeMap:
    set_id = "856"
    functional_id = "SH"
    kind = Kind.SHIP_NOTICE
    body_type = ShipNotice

    def read(self, rows: Sequence[Row], context: ReadContext) -> Body:
        header, levels = _levels(rows)
        bsn = first(header, "BSN")
        asn_number = element(bsn, 2)
        if asn_number is None:
            raise MappingError("856 without a shipment identification (BSN02)")
        shipment = [level for level in levels if level.code == "S"]
        own = header + [row for level in shipment for row in level.own]
        shipped = first(own, "DTM", SHIPPED)
        return ShipNotice(
            asn_number=asn_number,
            shipped_at=to_timestamp(element(shipped, 2), element(shipped, 3), element(shipped, 4))
            or to_timestamp(element(bsn, 3), element(bsn, 4), None),
            estimated_delivery=to_date(element(first(own, "DTM", *DELIVERY), 2)),
            carrier=_carrier(own),
            tracking_number=element(first(own, "REF", "CN"), 2),
            bill_of_lading=element(first(own, "REF", "BM"), 2),
            parties=parties(loop for level in shipment for loop in level.nested),
            orders=_orders(levels),
        )

    def write(self, body: Body, context: WriteContext) -> list[Row]:
        if not isinstance(body, ShipNotice):
            raise MappingError(f"856 writes a ship_notice, not {type(body).__name__}")
        if body.shipped_at is None:
            raise MappingError("856 needs shipped_at: BSN03 and BSN04 are mandatory")
        moment = body.shipped_at.astimezone(UTC)
        day = write_date(moment.date(), context.version)
        clock = moment.strftime("%H%M%S" if moment.second else "%H%M")
        structure = "0001" if any(order.packs for order in body.orders) else "0004"
        rows: list[Row] = [["BSN", "00", body.asn_number, day, clock, structure]]
        rows.append(["HL", "1", "", "S", "1" if body.orders else "0"])
        carrier = body.carrier
        if carrier is not None and (carrier.scac or carrier.mode):
            scac = carrier.scac or ""
            rows.append(["TD5", "", SCAC_QUALIFIER if scac else "", scac, carrier.mode or ""])
        if body.bill_of_lading:
            rows.append(["REF", "BM", body.bill_of_lading])
        if body.tracking_number:
            rows.append(["REF", "CN", body.tracking_number])
        rows.append(["DTM", SHIPPED, day, clock, "UT"])
        if body.estimated_delivery is not None:
            rows.append(["DTM", DELIVERY[0], write_date(body.estimated_delivery, context.version)])
        for value in body.parties:
            rows.extend(write_party(value, context.version))
        detail = _detail_rows(body.orders, context.version)
        hl_count = 1 + sum(1 for row in detail if row[0] == "HL")
        return [*rows, *detail, ["CTT", str(hl_count)]]


# -- reading ----------------------------------------------------------------------


def _levels(rows: Sequence[Row]) -> tuple[list[Row], list[_Level]]:
    """The header segments and the HL levels, each linked to its parent.

    Only a level read earlier can be a parent (X12 requires parents first), so a
    bad HL02 cannot make a cycle; an unknown HL02 makes a root level.
    """
    header: list[Row] = []
    groups: list[list[Row]] = []
    for row in rows[1:]:
        if row[0] in ("CTT", "SE"):
            break
        if row[0] == "HL":
            groups.append([row])
        elif groups:
            groups[-1].append(row)
        else:
            header.append(row)
    by_id: dict[str, _Level] = {}
    levels: list[_Level] = []
    for hl, *rest in groups:
        own, nested = split(rest, _LOOPS)
        number, parent = element(hl, 1), element(hl, 2)
        level = _Level(element(hl, 3) or "", by_id.get(parent) if parent else None, own, nested)
        if number:
            by_id[number] = level
        levels.append(level)
    return header, levels


def _orders(levels: Sequence[_Level]) -> list[ShippedOrder]:
    """Orders in document order: each O level, plus one per PO for items under none.

    Packs (P) under an order are kept even when empty. An item's container is the
    nearest P between it and its order, else the nearest T (a pallet holding items
    directly); a T holding packs is only a pallet, and its packs belong to the order.
    """
    drafts: dict[object, _OrderDraft] = {}
    for level in levels:
        if level.code == "O":
            drafts[level] = _OrderDraft(element(first(level.own, "PRF"), 1))
        elif level.code == "P" and "O" in (above := _above(level)) and "I" not in above:
            drafts[above["O"]].packs.setdefault(level, [])
        elif level.code == "I":
            _place(level, drafts)
    return [
        ShippedOrder(
            po_number=draft.po_number,
            packs=[Pack(sscc=_sscc(level), items=items) for level, items in draft.packs.items()],
            items=draft.items,
        )
        for draft in drafts.values()
    ]


def _place(item: _Level, drafts: dict[object, _OrderDraft]) -> None:
    """Add an item level to its order (created when there is no O level) and container."""
    above = _above(item)
    order: object | None = above.get("O")
    po_number = None
    if order is None:  # no order level: the PO on the item (or above it) names the order
        found = (first(level.own, "PRF") for level in (item, *item.ancestors()))
        po_number = next((element(prf, 1) for prf in found if element(prf, 1)), None)
        order = ("PRF", po_number)
    draft = drafts.setdefault(order, _OrderDraft(po_number))
    container = above.get("P") or above.get("T")
    shipped = _item(item)
    if container is None:
        draft.items.append(shipped)
    else:
        draft.packs.setdefault(container, []).append(shipped)


def _item(level: _Level) -> ShippedItem:
    lin, sn1 = first(level.own, "LIN"), first(level.own, "SN1")
    expiry = first(level.own, "DTM", EXPIRY)
    return ShippedItem(
        line_number=element(lin, 1) or element(sn1, 1),
        item=item_ids(pairs(lin, 2, 31) if lin else [], description(level.own)),
        quantity_shipped=decimal(element(sn1, 2)),
        uom=element(sn1, 3),
        lot=element(first(level.own, "REF", LOT), 2),
        expiry=to_date(element(expiry, 2)),
    )


def _above(level: _Level) -> dict[str, _Level]:
    """The nearest ancestor of each level code, up to the order (O) level."""
    found: dict[str, _Level] = {}
    for up in level.ancestors():
        found.setdefault(up.code, up)
        if up.code == "O":
            break
    return found


def _sscc(level: _Level) -> str | None:
    marks = {element(row, 1): element(row, 2) for row in reversed(level.own) if row[0] == "MAN"}
    return next((marks[code] for code in SSCC_CODES if marks.get(code)), None)


def _carrier(rows: Sequence[Row]) -> Carrier | None:
    td5s = [row for row in rows if row[0] == "TD5"]
    scac = next(
        (element(r, 3) for r in td5s if element(r, 2) == SCAC_QUALIFIER and element(r, 3)), None
    )
    mode = next((element(r, 4) for r in td5s if element(r, 4)), None)
    return Carrier(scac=scac, mode=mode) if scac or mode else None


# -- writing ----------------------------------------------------------------------


def _detail_rows(orders: Sequence[ShippedOrder], version: str) -> list[Row]:
    """HL levels under the shipment (HL 1): O → P → I and O → I, numbered in order."""
    rows: list[Row] = []
    numbers = count(2)

    def level(code: str, parent: str, has_children: bool) -> str:
        number = str(next(numbers))
        rows.append(["HL", number, parent, code, "1" if has_children else "0"])
        return number

    for order in orders:
        order_id = level("O", "1", bool(order.packs or order.items))
        if order.po_number:
            rows.append(["PRF", order.po_number])
        for pack in order.packs:
            pack_id = level("P", order_id, bool(pack.items))
            if pack.sscc:
                rows.append(["MAN", SSCC_CODES[0], pack.sscc])
            for item in pack.items:
                level("I", pack_id, False)
                rows.extend(_item_rows(item, version))
        for item in order.items:
            level("I", order_id, False)
            rows.extend(_item_rows(item, version))
    return rows


def _item_rows(item: ShippedItem, version: str) -> list[Row]:
    """LIN, SN1, PID, REF LT, DTM 036; the line number goes to LIN01, else SN101."""
    rows: list[Row] = []
    ids = write_item_pairs(item.item)
    line = item.line_number or ""
    if ids:
        rows.append(["LIN", line, *ids])
    if (item.quantity_shipped is None) != (item.uom is None):
        raise MappingError(f"856 item {line}: SN1 needs both quantity_shipped and uom")
    if item.quantity_shipped is not None and item.uom is not None:
        rows.append(["SN1", "" if ids else line, write_decimal(item.quantity_shipped), item.uom])
    elif line and not ids:
        raise MappingError(f"856 item {line}: a line number needs item ids or a quantity")
    if item.item.description:
        rows.append(["PID", "F", "", "", "", item.item.description])
    if item.lot:
        rows.append(["REF", LOT, item.lot])
    if item.expiry is not None:
        rows.append(["DTM", EXPIRY, write_date(item.expiry, version)])
    return rows


SHIP_NOTICE_856 = ShipNoticeMap()
