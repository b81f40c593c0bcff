"""DESADV ↔ ship_notice: header (BGM, DTM, RFF, NAD, TDT), then the CPS packing hierarchy.

The detail of a DESADV is a flat run of CPS groups (consignment packing
sequence); each holds its own segments (CPS, FTX, the PAC groups with their
PCI/GIN markings) followed by LIN groups. Their nesting lives in the CPS parent
links (7164 hierarchical id, 7166 parent id), as the 856's lives in HL01/HL02,
and senders arrange it differently (EANCOM: consignment level 1, pallets under
it, LINs on the pallets; others: one level holding every LIN, or levels without
parent links). So reading rebuilds the tree from the links and asks, for every
LIN, which package it sits in and which order it belongs to:

- A level is a *pack* when it carries an SSCC (GIN BJ/AW, in its PCI group) or
  has a PAC and a parent (a top level's PAC counts the consignment's packages).
- An item's pack is the nearest pack at or above its level; without one the item
  is a flat item of its order. A pack holding only other packs (a pallet of
  cartons) is a container, not a pack of its own, as the 856's tare; a pack that
  holds nothing at all is kept, empty.
- An item's order is the RFF ON (or CO) of its LIN group, else of its level or
  the levels above (the PCI group of a PAC), else the header's when the header
  names exactly one order. Orders come in the order the header names them, then
  as items name others.

==================  ============================================================
canonical           DESADV
==================  ============================================================
asn_number          BGM 1004 (C106 from D01B on)
shipped_at          header DTM 11 (despatch), else DTM 137 (document date); formats
                    203/204 read as UTC, 102 as midnight UTC
estimated_delivery  header DTM 17 (delivery, estimated), else DTM 132 (arrival)
bill_of_lading      SG1 RFF BM (else MB master bill, AWB air waybill)
tracking_number     SG1 RFF CN (carrier's reference number)
carrier             TDT C040 3127 when its agency (3055) is 182, SCAC → scac; the
                    C220 8067 mode code as sent → mode
parties             header NAD groups (``common.party``)
orders[]            as above; po_number the RFF ON/CO
packs[].sscc        GIN BJ (else AW) of the pack level's PCI groups
items[]             LIN groups: 1082; ids of LIN C212 and the PIAs naming the item
                    (4347 blank, 1, 5); IMD; QTY 12 and its unit; lot PIA 7143 NB
                    (else GIN BX, also in the LIN's PCI groups); expiry DTM 36
==================  ============================================================

Writing (directories D96A to D01B, ``orders.check_directory``; LIN and PIA by
``orders.write_lin_pia``) needs shipped_at, written as DTM 137 and DTM 11 (D96A
makes the header DTM mandatory). It emits BGM 351, DTM, RFF BM/CN/ON, NAD,
TDT 20 (C040 SCAC:172:182), then CPS 1 (the consignment, holding the first
order's flat items) and per order a CPS per pack (PAC 1, PCI 33E + GIN BJ for
the SSCC) and a CPS without PAC for its flat items, all children of level 1;
per item LIN, PIA, PIA NB (the lot), IMD, QTY 12, DTM 36. The header names every
order (RFF ON); with several orders every LIN (and every empty pack, in its PCI
group) names its own. Reading that gives back the same body. A DESADV tells
orders apart only by their number, so it cannot carry two orders with the same
number, an order without one beside others, or (with several orders) an empty
pack without an SSCC, which has no PCI group to name its order in.

Read past, as contract v1 has no field for them: locations, delivery terms,
equipment, measurements, package counts and types, marking labels (GIN ML),
quantities per pack, line references other than the order, dangerous goods.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import count

from edi_maps.edifact.maps.base import MappingError, ReadContext, Row, WriteContext
from edi_maps.edifact.maps.common import (
    description,
    dtm,
    first,
    item_ids,
    party,
    to_date,
    to_timestamp,
    trim,
    until,
    value,
    write_decimal,
    write_dtm,
    write_imd,
    write_nad,
)
from edi_maps.edifact.maps.lines import (
    check_directory,
    product_pairs,
    quantity_of,
    write_lin_pia,
)
from gateway.canonical import (
    Body,
    Carrier,
    Kind,
    Pack,
    ShipNotice,
    ShippedItem,
    ShippedOrder,
)

DESPATCH_ADVICE, ORIGINAL = "351", "9"  # BGM 1001 written, 1225 message function
# DTM 2005 qualifiers: despatch date/time, document date (shipped_at when no 11),
# estimated delivery, estimated arrival; expiry date (an item's).
SHIPPED, DOCUMENT, DELIVERY, EXPIRY = "11", "137", ("17", "132"), "36"
# RFF 1153 qualifiers, the first of each written: bill of lading (master bill,
# air waybill), carrier's reference number, order number (customer order number).
BILL_OF_LADING, TRACKING, ORDER = ("BM", "MB", "AWB"), ("CN",), ("ON", "CO")
DESPATCHED = "12"  # QTY 6063: despatch quantity
SSCC = ("BJ", "AW")  # GIN 7405: serial shipping container code (BJ written)
BATCH_GIN, BATCH_PIA = "BX", "NB"  # GIN 7405 batch number; PIA 7143 batch number
MARKED_WITH_SSCC = "33E"  # PCI 4233 (EANCOM): marked with an SSCC
ADDITIONAL_ID = "1"  # PIA 4347
MAIN_CARRIAGE = "20"  # TDT 8051 transport stage
CARRIER_CODES, SCAC_AGENCY = "172", "182"  # C040 1131 (carrier codes), 3055 (SCAC)
# Tags that end the header's own segments (BGM, DTM, ALI, MEA, MOA, CUX) and its
# reference group (SG1 RFF-DTM) respectively.
_HEADER_GROUPS = frozenset({"RFF", "NAD", "TOD", "TDT", "EQD", "CPS", "LIN"})
_AFTER_REFERENCES = frozenset({"NAD", "TOD", "TDT", "EQD", "CPS", "LIN"})
_DETAIL = frozenset({"CPS", "LIN"})
_SUMMARY = frozenset({"CNT", "UNT"})


@dataclass(eq=False, slots=True)
class _Level:
    """One CPS group: its id, parent, own segments (up to its first LIN), LIN groups."""

    number: str | None
    parent_number: str | None
    own: list[Row]
    lines: list[list[Row]] = field(default_factory=list)
    parent: _Level | None = None

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


class DesadvMap:
    message_type = "DESADV"
    kind = Kind.SHIP_NOTICE
    body_type = ShipNotice

    def read(self, rows: Sequence[Row], context: ReadContext) -> Body:
        header = until(rows[1:], _DETAIL | _SUMMARY)
        bgm = first(header, "BGM")
        asn_number = value(bgm, 2)
        if asn_number is None:
            raise MappingError("DESADV without a document number (BGM 1004)")
        own = until(header, _HEADER_GROUPS)
        references = [row for row in until(header, _AFTER_REFERENCES) if row[0][0] == "RFF"]
        orders = list(dict.fromkeys(v for row in references if (v := _reference(row, ORDER))))
        return ShipNotice(
            asn_number=asn_number,
            shipped_at=to_timestamp(dtm(first(own, "DTM", SHIPPED) or first(own, "DTM", DOCUMENT))),
            estimated_delivery=to_date(dtm(_first_of(own, "DTM", DELIVERY))),
            carrier=_carrier(header),
            tracking_number=_first_reference(references, TRACKING),
            bill_of_lading=_first_reference(references, BILL_OF_LADING),
            parties=[p for row in header if row[0][0] == "NAD" if (p := party(row))],
            orders=_orders(_levels(rows[1 + len(header) :]), orders, context.chars.decimal),
        )

    def write(self, body: Body, context: WriteContext) -> list[Row]:
        if not isinstance(body, ShipNotice):
            raise MappingError(f"DESADV writes a ship_notice, not {type(body).__name__}")
        check_directory(context.version)
        if body.shipped_at is None:
            raise MappingError("DESADV needs shipped_at: the header DTM is mandatory (D96A)")
        _check_orders(body.orders)
        rows: list[Row] = [[["BGM"], [DESPATCH_ADVICE], [body.asn_number], [ORIGINAL]]]
        rows += [write_dtm(DOCUMENT, body.shipped_at), write_dtm(SHIPPED, body.shipped_at)]
        if body.estimated_delivery is not None:
            rows.append(write_dtm(DELIVERY[0], body.estimated_delivery))
        if body.bill_of_lading:
            rows.append([["RFF"], [BILL_OF_LADING[0], body.bill_of_lading]])
        if body.tracking_number:
            rows.append([["RFF"], [TRACKING[0], body.tracking_number]])
        rows.extend([["RFF"], [ORDER[0], o.po_number]] for o in body.orders if o.po_number)
        rows.extend(write_nad(member) for member in body.parties)
        carrier = body.carrier
        if carrier is not None and (carrier.scac or carrier.mode):
            scac = [carrier.scac, CARRIER_CODES, SCAC_AGENCY] if carrier.scac else [""]
            rows.append(trim([["TDT"], [MAIN_CARRIAGE], [""], [carrier.mode or ""], [""], scac]))
        return [*rows, *_detail_rows(body.orders, context.version)]


# -- reading ----------------------------------------------------------------------


def _reference(rff: Row, qualifiers: Sequence[str]) -> str | None:
    return value(rff, 1, 2) if value(rff, 1) in qualifiers else None


def _first_reference(rows: Sequence[Row], qualifiers: Sequence[str]) -> str | None:
    """The first RFF among ``rows`` of the first of ``qualifiers`` that occurs."""
    for qualifier in qualifiers:
        found = first(rows, "RFF", qualifier)
        if found is not None:
            return value(found, 1, 2)
    return None


def _first_of(rows: Sequence[Row], tag: str, qualifiers: Sequence[str]) -> Row | None:
    """The first ``tag`` row of the first of ``qualifiers`` that occurs (preference order)."""
    return next((row for q in qualifiers if (row := first(rows, tag, q)) is not None), None)


def _carrier(header: Sequence[Row]) -> Carrier | None:
    """TDT: the C040 carrier id when its agency is the SCAC's, and the C220 mode code."""
    tdts = [row for row in header if row[0][0] == "TDT"]
    scac = next((value(r, 5) for r in tdts if value(r, 5, 3) == SCAC_AGENCY and value(r, 5)), None)
    mode = next((value(r, 3) for r in tdts if value(r, 3)), None)
    return Carrier(scac=scac, mode=mode) if scac or mode else None


def _levels(detail: Sequence[Row]) -> list[_Level]:
    """The CPS levels in document order, each linked to its parent by 7166.

    LINs before any CPS (directories or senders without a packing sequence) form a
    level of their own. A parent id that is unknown, or would make a cycle, leaves
    the level at the top; of two levels with one id, the first is the parent.
    """
    levels: list[_Level] = []
    current: _Level | None = None
    for row in detail:
        tag = row[0][0]
        if tag in _SUMMARY:
            break
        if tag == "CPS":
            current = _Level(value(row, 1), value(row, 2), [row])
            levels.append(current)
        elif tag == "LIN":
            if current is None:
                current = _Level(None, None, [])
                levels.append(current)
            current.lines.append([row])
        elif current is not None:
            (current.lines[-1] if current.lines else current.own).append(row)
    by_number: dict[str, _Level] = {}
    for level in levels:
        if level.number is not None:
            by_number.setdefault(level.number, level)
    for level in levels:
        parent = by_number.get(level.parent_number or "")
        if parent is not None and parent is not level and level not in parent.ancestors():
            level.parent = parent
    return levels


def _orders(levels: Sequence[_Level], named: Sequence[str], mark: str) -> list[ShippedOrder]:
    """Orders with their packs and flat items (see the module docstring)."""
    default = named[0] if len(named) == 1 else None
    packs = {level for level in levels if _is_pack(level)}
    containers = {up for level in packs for up in level.ancestors()}
    placed: list[tuple[_Level, str | None, _Level | None, ShippedItem]] = []
    for level in levels:
        pack = next((up for up in (level, *level.ancestors()) if up in packs), None)
        for lin in level.lines:
            order = _order_of(lin, level) or default
            placed.append((level, order, pack, _item(lin, mark)))
    filled = {pack for _, _, pack, _ in placed if pack is not None}
    drafts: dict[str | None, _OrderDraft] = {number: _OrderDraft(number) for number in named}
    at = 0
    for level in levels:
        if level in packs and level not in filled and level not in containers:
            order = _order_of([], level) or default
            drafts.setdefault(order, _OrderDraft(order)).packs.setdefault(level, [])
        while at < len(placed) and placed[at][0] is level:
            _, order, pack, item = placed[at]
            draft = drafts.setdefault(order, _OrderDraft(order))
            (draft.items if pack is None else draft.packs.setdefault(pack, [])).append(item)
            at += 1
    return [
        ShippedOrder(
            po_number=draft.po_number,
            packs=[Pack(sscc=_sscc(level), items=items) for level, items in draft.packs.items()],
            items=draft.items,
        )
        for draft in drafts.values()
    ]


def _is_pack(level: _Level) -> bool:
    has_pac = any(row[0][0] == "PAC" for row in level.own)
    return _sscc(level) is not None or (has_pac and level.parent is not None)


def _sscc(level: _Level) -> str | None:
    """The first SSCC (GIN BJ or AW) of the level's PAC groups."""
    gins = [row for row in level.own if row[0][0] == "GIN" and value(row, 1) in SSCC]
    return next((number for row in gins if (number := value(row, 2))), None)


def _order_of(lin: Sequence[Row], level: _Level) -> str | None:
    """The order an item names: its LIN group's RFF ON, else its level's or above."""
    for rows in (lin, *(up.own for up in (level, *level.ancestors()))):
        for row in rows:
            if row[0][0] == "RFF" and (found := _reference(row, ORDER)):
                return found
    return None


def _item(lin: Sequence[Row], mark: str) -> ShippedItem:
    """One LIN group: ids (LIN, PIAs identifying it), IMD, QTY 12, lot (PIA NB, GIN
    BX), DTM 36."""
    quantity, uom = quantity_of(lin, (DESPATCHED,), mark)
    return ShippedItem(
        line_number=value(lin[0], 1),
        item=item_ids(product_pairs(lin), description(lin)),
        quantity_shipped=quantity,
        uom=uom,
        lot=_lot(lin),
        expiry=to_date(dtm(first(lin, "DTM", EXPIRY))),
    )


def _lot(lin: Sequence[Row]) -> str | None:
    for row in lin:
        if row[0][0] == "PIA":
            for position in range(2, 7):
                if value(row, position, 2) == BATCH_PIA and (number := value(row, position)):
                    return number
    gin = first(lin, "GIN", BATCH_GIN)
    return value(gin, 2)


# -- writing ----------------------------------------------------------------------


def _check_orders(orders: Sequence[ShippedOrder]) -> None:
    """A DESADV tells orders apart by their number alone (RFF ON)."""
    if len(orders) < 2:
        return
    numbers = [order.po_number for order in orders]
    if None in numbers:
        raise MappingError("DESADV: an order without po_number can only be written alone")
    repeated = sorted({n for n in numbers if n is not None and numbers.count(n) > 1})
    if repeated:
        raise MappingError(f"DESADV: orders share po_number {repeated[0]!r}")


def _detail_rows(orders: Sequence[ShippedOrder], version: str) -> list[Row]:
    """CPS 1 with the first order's flat items, then per order its packs (CPS + PAC)
    and a CPS for its flat items, each a child of level 1."""
    several = len(orders) > 1
    numbers = count(2)
    rows: list[Row] = [[["CPS"], ["1"]]]
    for index, order in enumerate(orders):
        reference = order.po_number if several else None
        if index == 0:
            rows.extend(row for item in order.items for row in _item_rows(item, reference, version))
        for pack in order.packs:
            rows.append([["CPS"], [str(next(numbers))], ["1"]])
            rows.append([["PAC"], ["1"]])
            if pack.sscc:
                rows.append([["PCI"], [MARKED_WITH_SSCC]])
                if reference is not None and not pack.items:
                    rows.append([["RFF"], [ORDER[0], reference]])
                rows.append([["GIN"], [SSCC[0]], [pack.sscc]])
            elif reference is not None and not pack.items:
                raise MappingError(
                    f"DESADV: an empty pack without an SSCC cannot name its order {reference!r}"
                )
            rows.extend(row for item in pack.items for row in _item_rows(item, reference, version))
        if index > 0 and order.items:
            rows.append([["CPS"], [str(next(numbers))], ["1"]])
            rows.extend(row for item in order.items for row in _item_rows(item, reference, version))
    return rows


def _item_rows(item: ShippedItem, reference: str | None, version: str) -> list[Row]:
    """LIN, PIA (ids, then the lot as a batch number), IMD, QTY 12, DTM 36, RFF ON."""
    rows = write_lin_pia(item.line_number, None, item.item, version)
    if item.lot:
        rows.append([["PIA"], [ADDITIONAL_ID], [item.lot, BATCH_PIA]])
    if item.item.description:
        rows.extend(write_imd(item.item.description))
    if item.quantity_shipped is not None:
        quantity = write_decimal(item.quantity_shipped)
        rows.append(trim([["QTY"], [DESPATCHED, quantity, item.uom or ""]]))
    elif item.uom:
        raise MappingError(f"DESADV item {item.line_number}: a uom needs quantity_shipped")
    if item.expiry is not None:
        rows.append(write_dtm(EXPIRY, item.expiry))
    if reference is not None:
        rows.append([["RFF"], [ORDER[0], reference]])
    return rows


DESADV_MAP = DesadvMap()
