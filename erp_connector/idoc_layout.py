"""Where each canonical field sits in an IDoc: one table per IDoc type, read both ways.

The builder and the reader in ``erp_connector.idoc`` walk the same layout, so a
field can only be written where it is read back. Segment and field names are
SAP's (E1EDK01 header, E1EDKA1 partner, E1EDP01 item, E1EDP19 item id, E1EDS01
totals…); this is not a full SAP schema, only the fields the canonical contract
has. Codes SAP leaves to the customer use its customer namespace (Z…).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from lxml import etree

Element = etree._Element


class Codec(Protocol):
    def write(self, value: Any) -> list[tuple[str, str]]: ...

    def read(self, segment: Element) -> Any: ...


@dataclass(frozen=True)
class Text:
    """Text as it is; decimals too: they stay the exact strings of the canonical JSON."""

    name: str

    def write(self, value: Any) -> list[tuple[str, str]]:
        return [(self.name, str(value))]

    def read(self, segment: Element) -> Any:
        return segment.findtext(self.name)


@dataclass(frozen=True)
class Integer(Text):
    def read(self, segment: Element) -> Any:
        text = segment.findtext(self.name)
        return None if text is None else int(text)


@dataclass(frozen=True)
class Date(Text):
    """ISO 8601 ``2026-11-20`` ↔ SAP's ``20261120``."""

    def write(self, value: Any) -> list[tuple[str, str]]:
        return [(self.name, str(value).replace("-", ""))]

    def read(self, segment: Element) -> Any:
        text = segment.findtext(self.name)
        return None if text is None else f"{text[:4]}-{text[4:6]}-{text[6:8]}"


@dataclass(frozen=True)
class Stamp:
    """A timestamp as DATUM + UZEIT in UTC: SAP's date and time fields have no offset,
    and dropping the sender's offset silently would move the moment."""

    date: str = "DATUM"
    time: str = "UZEIT"

    def write(self, value: Any) -> list[tuple[str, str]]:
        moment = datetime.fromisoformat(str(value)).astimezone(UTC)
        return [(self.date, f"{moment:%Y%m%d}"), (self.time, f"{moment:%H%M%S}")]

    def read(self, segment: Element) -> Any:
        day, time = segment.findtext(self.date), segment.findtext(self.time) or "000000"
        if day is None:
            return None
        moment = datetime.strptime(day + time, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        return moment.isoformat()


@dataclass(frozen=True)
class Code:
    """A canonical enum value ↔ a code; a value outside the table goes through as is."""

    name: str
    table: Mapping[str, str]

    def write(self, value: Any) -> list[tuple[str, str]]:
        return [(self.name, self.table.get(str(value), str(value)))]

    def read(self, segment: Element) -> Any:
        text = segment.findtext(self.name)
        inverse = {code: value for value, code in self.table.items()}
        return None if text is None else inverse.get(text, text)


# A canonical field (dotted for nesting: "totals.line_count") and its codec.
Field = tuple[str, Codec]


@dataclass(frozen=True)
class Segment:
    """One segment written when any of its fields has a value; ``keys`` are the
    qualifiers (``IDDAT=002``) that tell segments of the same name apart."""

    name: str
    fields: tuple[Field, ...]
    keys: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Repeat:
    """One segment per element of the list ``source``, with nested parts inside."""

    name: str
    source: str
    fields: tuple[Field, ...]
    children: tuple[Part, ...] = ()


@dataclass(frozen=True)
class Parties:
    """``parties[]`` as E1EDKA1 segments, the role as SAP partner function (PARVW)."""

    name: str = "E1EDKA1"


@dataclass(frozen=True)
class ItemIds:
    """``item`` as E1EDP19 segments (one per identifier) and an E1EDPT1/E1EDPT2 text."""


Part = Segment | Repeat | Parties | ItemIds

PARTNER_FUNCTIONS = {
    "buyer": "AG",  # sold-to party
    "seller": "LF",  # vendor
    "ship_to": "WE",  # goods recipient
    "bill_to": "RE",  # bill-to party
    "remit_to": "RS",  # invoicing party
    "ship_from": "ZF",  # no SAP partner function: customer namespace
    "supplier": "ZS",
}
CARRIER_FUNCTION = "SP"  # forwarding agent
ITEM_QUALIFIERS = {"buyer_item": "001", "vendor_item": "002", "gtin": "003", "upc": "Z01"}
PURPOSES = {"original": "000", "change": "002", "cancel": "003", "replace": "004"}
ACK_TYPES = {"accepted": "000", "accepted_with_changes": "002", "rejected": "003"}
LINE_STATUSES = {
    "accepted": "000",
    "quantity_changed": "Z01",
    "date_changed": "Z02",
    "price_changed": "Z03",
    "substituted": "Z04",
    "backordered": "Z05",
    "rejected": "003",
}

_ITEM = ItemIds()
_LINE = (("line_number", Text("POSEX")),)

ORDERS05_PO: tuple[Part, ...] = (
    Segment("E1EDK01", (("currency", Text("CURCY")), ("purpose", Code("ACTION", PURPOSES)))),
    Segment("E1EDK14", (("order_type", Text("ORGID")),), keys=(("QUALF", "012"),)),
    Segment("E1EDK03", (("requested_delivery_date", Date("DATUM")),), keys=(("IDDAT", "002"),)),
    Segment("E1EDK03", (("requested_ship_date", Date("DATUM")),), keys=(("IDDAT", "011"),)),
    Parties(),
    Segment(
        "E1EDK02",
        (("po_number", Text("BELNR")), ("order_date", Date("DATUM"))),
        keys=(("QUALF", "001"),),
    ),
    Segment("E1EDK18", (("payment_terms", Text("ZTERM_TXT")),), keys=(("QUALF", "001"),)),
    Repeat(
        "E1EDP01",
        "lines",
        (
            *_LINE,
            ("quantity", Text("MENGE")),
            ("uom", Text("MENEE")),
            ("unit_price", Text("VPREI")),
        ),
        children=(_ITEM, Segment("E1EDP20", (("requested_date", Date("EDATU")),))),
    ),
    Segment("E1EDS01", (("totals.line_count", Integer("SUMME")),), keys=(("SUMID", "001"),)),
    Segment("E1EDS01", (("totals.amount_total", Text("SUMME")),), keys=(("SUMID", "002"),)),
    Segment("E1EDS01", (("totals.quantity_total", Text("SUMME")),), keys=(("SUMID", "003"),)),
)

ORDERS05_ACK: tuple[Part, ...] = (
    Segment("E1EDK01", (("ack_type", Code("ACTION", ACK_TYPES)),)),
    Segment("E1EDK03", (("ack_date", Date("DATUM")),), keys=(("IDDAT", "012"),)),
    Parties(),
    Segment(
        "E1EDK02",
        (("po_number", Text("BELNR")), ("po_date", Date("DATUM"))),
        keys=(("QUALF", "001"),),
    ),
    Repeat(
        "E1EDP01",
        "lines",
        (
            *_LINE,
            ("status", Code("ACTION", LINE_STATUSES)),
            ("quantity", Text("MENGE")),
            ("uom", Text("MENEE")),
            ("unit_price", Text("VPREI")),
        ),
        children=(_ITEM, Segment("E1EDP20", (("scheduled_date", Date("EDATU")),))),
    ),
)

_SHIPPED_ITEM = Repeat(
    "E1EDP09",
    "items",
    (
        *_LINE,
        ("quantity_shipped", Text("LFIMG")),
        ("uom", Text("VRKME")),
        ("lot", Text("CHARG")),
        ("expiry", Date("VFDAT")),
    ),
    children=(_ITEM,),
)

DESADV01: tuple[Part, ...] = (
    Segment(
        "E1EDK07",
        (
            ("asn_number", Text("VBELN")),
            ("bill_of_lading", Text("BOLNR")),
            ("tracking_number", Text("TRAID")),
            ("carrier.mode", Text("VSART")),
        ),
    ),
    Segment("E1EDK03", (("shipped_at", Stamp()),), keys=(("IDDAT", "011"),)),
    Segment("E1EDK03", (("estimated_delivery", Date("DATUM")),), keys=(("IDDAT", "002"),)),
    Parties(),
    Segment("E1EDKA1", (("carrier.scac", Text("PARTN")),), keys=(("PARVW", CARRIER_FUNCTION),)),
    Repeat(
        "E1EDP07",
        "orders",
        (("po_number", Text("BSTNR")),),
        children=(
            Repeat("E1EDL37", "packs", (("sscc", Text("EXIDV")),), (_SHIPPED_ITEM,)),
            _SHIPPED_ITEM,
        ),
    ),
)

INVOIC02: tuple[Part, ...] = (
    Segment("E1EDK01", (("currency", Text("CURCY")), ("invoice_number", Text("BELNR")))),
    Parties(),
    Segment(
        "E1EDK02",
        (("invoice_number", Text("BELNR")), ("invoice_date", Date("DATUM"))),
        keys=(("QUALF", "009"),),
    ),
    Segment("E1EDK02", (("po_number", Text("BELNR")),), keys=(("QUALF", "001"),)),
    Repeat(
        "E1EDK05",
        "charges",
        (("type", Text("KSCHL")), ("description", Text("KOTXT")), ("amount", Text("BETRG"))),
    ),
    Segment("E1EDK18", (("terms", Text("ZTERM_TXT")),), keys=(("QUALF", "001"),)),
    Repeat(
        "E1EDP01",
        "lines",
        (
            *_LINE,
            ("quantity_invoiced", Text("MENGE")),
            ("uom", Text("MENEE")),
            ("unit_price", Text("VPREI")),
            ("amount", Text("NETWR")),
        ),
        children=(_ITEM,),
    ),
    Segment("E1EDS01", (("tax_total", Text("SUMME")),), keys=(("SUMID", "005"),)),
    Segment("E1EDS01", (("total_amount", Text("SUMME")),), keys=(("SUMID", "011"),)),
)


@dataclass(frozen=True)
class IdocType:
    """An IDoc basic type (IDOCTYP), its message type (MESTYP), the partner type of the
    sender (KU customer, LI vendor) and its layout."""

    idoc_type: str
    message_type: str
    partner_type: str
    layout: tuple[Part, ...] = field(repr=False)


IDOC_TYPES: dict[str, IdocType] = {
    "purchase_order": IdocType("ORDERS05", "ORDERS", "KU", ORDERS05_PO),
    "po_acknowledgement": IdocType("ORDERS05", "ORDRSP", "LI", ORDERS05_ACK),
    "ship_notice": IdocType("DESADV01", "DESADV", "LI", DESADV01),
    "invoice": IdocType("INVOIC02", "INVOIC", "LI", INVOIC02),
}
