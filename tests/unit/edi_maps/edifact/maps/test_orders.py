"""ORDERS ↔ purchase_order: each reading rule on hand-written EDIFACT, the samples,
and canonical → EDIFACT text → the same canonical for D96A and D01B.

Messages are split by ``tests/edifact_rows.py`` (not the streaming reader), and the
round trip goes through text with ``read_back``: the map's rows are written with
released service characters and split again, as a reader would give them back.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edi_maps.edifact.maps.base import MappingError, ReadContext, Row, WriteContext
from edi_maps.edifact.maps.common import ID_NAMES, MUTUALLY_DEFINED
from edi_maps.edifact.maps.orders import ORDERS_MAP, PURPOSE_CODES
from edi_maps.edifact.service import ServiceChars
from edi_maps.edifact.validation import validate_edifact
from edi_maps.results import SegmentError
from gateway.canonical import (
    Address,
    Body,
    ItemIds,
    OrderLine,
    OrderTotals,
    Party,
    PurchaseOrder,
    Purpose,
    Role,
)
from tests.conftest import SAMPLES, requires_samples, sample_files, sample_id
from tests.edifact_rows import Message, messages, read_back, to_text
from tests.strategies import codes, dates, decimals, maybe, terms

UNA = "UNA:+.? '"


def interchange(*segments: str, message: str = "ORDERS:D:96A:UN:EAN008", una: str = UNA) -> bytes:
    """One interchange holding one message of ``segments`` (between UNH and UNT)."""
    body = [f"UNH+1+{message}", *segments, f"UNT+{len(segments) + 2}+1"]
    text = una + "UNB+UNOC:3+SENDER:14+RECEIVER:14+261128:1200+1'"
    return (text + "".join(f"{s}'" for s in body) + "UNZ+1+1'").encode("latin-1")


def context(found: Message) -> ReadContext:
    return ReadContext(found.chars, found.version, found.association)


def read(*segments: str, una: str = UNA, message: str = "ORDERS:D:96A:UN:EAN008") -> PurchaseOrder:
    (found,) = messages(interchange(*segments, message=message, una=una))
    body = ORDERS_MAP.read(found.rows, context(found))
    assert isinstance(body, PurchaseOrder)
    return body


BGM = "BGM+220+PO1001+9"
DTM = "DTM+137:20261128:102"
LIN = "LIN+1++4000862141404:SRV"


def line(*segments: str) -> OrderLine:
    (only,) = read(BGM, DTM, *segments, "UNS+S").lines
    return only


# -- reading ------------------------------------------------------------------------


def test_a_minimal_order_holds_only_what_it_says() -> None:
    assert read(BGM, DTM, LIN, "QTY+21:10:PCE", "UNS+S", "CNT+2:1") == PurchaseOrder(
        po_number="PO1001",
        order_type="220",
        order_date=date(2026, 11, 28),
        lines=[OrderLine(line_number="1", item=ItemIds(gtin="4000862141404"),
                         quantity=Decimal(10), uom="PCE")],
        totals=OrderTotals(line_count=1),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("code", "purpose"),
    [("9", Purpose.ORIGINAL), *((c, Purpose.CHANGE) for c in ("4", "33", "36", "20", "21")),
     *((c, Purpose.CANCEL) for c in ("1", "3", "17")), ("5", Purpose.REPLACE),
     # duplicate, copy, additional transmission: no purpose of their own
     ("7", Purpose.ORIGINAL), ("31", Purpose.ORIGINAL), ("43", Purpose.ORIGINAL)],
)  # fmt: skip
def test_BGM_1225_purpose(code: str, purpose: Purpose) -> None:
    po = read(f"BGM+221+PO7+{code}", DTM, "UNS+S")
    assert (po.purpose, po.order_type, po.po_number) == (purpose, "221", "PO7")


def test_BGM_without_a_function_is_an_original_and_D01B_names_the_order_in_C106() -> None:
    po = read("BGM+226+PO8:1:2", DTM, "UNS+S", message="ORDERS:D:01B:UN:EAN010")
    assert (po.purpose, po.order_type, po.po_number) == (Purpose.ORIGINAL, "226", "PO8")


@pytest.mark.parametrize("bgm", ["BGM+220++9", "BGM+220"])
def test_an_order_without_its_number_cannot_be_mapped(bgm: str) -> None:
    with pytest.raises(MappingError, match="1004"):
        read(bgm, DTM, "UNS+S")
    with pytest.raises(MappingError, match="BGM"):
        read(DTM, "UNS+S")


def test_header_dates_in_any_format() -> None:
    po = read(BGM, "DTM+4:261127:101", "DTM+2:202612101400:203", "DTM+10:20261205-20261207:718",
              "DTM+63:20261231:102", "UNS+S")  # fmt: skip
    assert (po.order_date, po.requested_delivery_date, po.requested_ship_date) == (
        date(2026, 11, 27),  # DTM 4, order date, when there is no document date (137)
        date(2026, 12, 10),
        date(2026, 12, 5),  # a period's start
    )
    assert read(BGM, "DTM+4:20261127:102", DTM, "UNS+S").order_date == date(2026, 11, 28)


def test_a_date_in_a_format_that_is_no_date_cannot_be_mapped() -> None:
    assert (
        read(BGM, DTM, "DTM+2::102", "DTM+54:2026W48:616", "UNS+S").requested_delivery_date is None
    )
    with pytest.raises(MappingError, match="2026W48"):
        read(BGM, DTM, "DTM+2:2026W48:616", "UNS+S")


def test_references_are_the_header_s_first_group_only() -> None:
    po = read(
        BGM,
        DTM,
        "RFF+ON:ORDER-1",
        "DTM+171:20261101:102",  # the reference's date, not the order's
        "RFF+CT:CONTRACT 9",
        "RFF+ON:ORDER-2",  # a second ON: the first stands
        "RFF+PD",  # no number
        "NAD+BY+5412345000013::9",
        "RFF+VA:DE123456789",  # the buyer's VAT number
        "UNS+S",
    )
    assert po.references == {"ON": "ORDER-1", "CT": "CONTRACT 9"}
    assert po.order_date == date(2026, 11, 28)
    assert read(BGM, DTM, "NAD+DP+5412345000020::9", "RFF+IT:9949940", "UNS+S").references == {}


def test_parties_with_names_addresses_and_identifiers() -> None:
    po = read(
        BGM,
        DTM,
        "NAD+BY+5412345000013::9++ACME STORES:PURCHASING+1 MAIN ST:SUITE 2+SPRINGFIELD+IL+62701+US",
        "CTA+PD+:JANE DOE",  # contacts: not in the contract
        "COM+5551234:TE",
        "NAD+SU+123456789::16+WIDGETS INC:ORDER DESK",  # C058 only, unstructured
        "NAD+DP+STORE-42::92",
        "NAD+IV+W-1++A?+A K?:LTE",  # no agency: mutually defined; released characters
        "NAD+PE+ABC::ZZZ",  # an agency with no name
        "NAD+MS+OTHER",  # a function the contract has no role for
        "UNS+S",
    )
    assert po.parties == [
        Party(role=Role.BUYER, name="ACME STORES PURCHASING", identifiers={"gln": "5412345000013"},
              address=Address(lines=["1 MAIN ST", "SUITE 2"], city="SPRINGFIELD", region="IL",
                              postal_code="62701", country="US")),
        Party(role=Role.SUPPLIER, name="WIDGETS INC ORDER DESK", identifiers={"duns": "123456789"}),
        Party(role=Role.SHIP_TO, identifiers={"buyer_assigned": "STORE-42"}),
        Party(role=Role.BILL_TO, name="A+A K:LTE", identifiers={MUTUALLY_DEFINED: "W-1"}),
        Party(role=Role.REMIT_TO, identifiers={"edifact_ZZZ": "ABC"}),
    ]  # fmt: skip


def test_group_segments_are_not_the_header_s() -> None:
    """A DTM, RFF, NAD or CUX inside a party, price, line party or split-delivery group
    describes that group, not the order or the line."""
    po = read(
        BGM,
        "DTM+4:20261127:102",
        "NAD+BY+5412345000013::9",
        "RFF+AAN:SCHEDULE-1",  # the buyer's delivery schedule number
        "DTM+2:20261201:102",  # and its date
        "CUX+2:EUR:9",
        "PAT+1++5:3:D:30",
        "DTM+13:20261230:102",  # the terms' due date
        LIN,
        "QTY+21:4",
        "PRI+AAA:9.5",
        "CUX+2:USD:9",  # the price's currency
        "DTM+2:20261215:102",  # the price's date
        "LOC+7+5412345000044::9",
        "QTY+11:2",
        "DTM+2:20261220:102",  # a split delivery's date
        "NAD+ST+5412345000099::9",  # a line-level party
        "UNS+S",
    )
    assert (po.order_date, po.requested_delivery_date, po.currency) == (
        date(2026, 11, 27),
        None,
        "EUR",
    )
    assert [p.role for p in po.parties] == [Role.BUYER]
    assert (po.lines[0].quantity, po.lines[0].requested_date) == (Decimal(4), None)


@pytest.mark.parametrize(
    ("segments", "text"),
    [(("PAT+1++5:3:D:30",), "net 30"),
     (("PAT+22++5:3:D:10", "PCD+12:2", "PAT+1++5:3:D:30"), "2% 10 net 30"),
     (("PAT+22++5:3:D:10", "DTM+12:20261210:102", "PCD+12:2.50"), "2.5% 10"),
     (("PAT+22++5:3:D:10",), None),  # discount terms without a percent
     (("PAT+1++5:3:M:1",), None),  # periods other than days: no shape of the text
     (("PAT+1+1:::PAYABLE WITHIN 30 DAYS OF :DELIVERY",), "PAYABLE WITHIN 30 DAYS OF DELIVERY"),
     (("FTX+AAB+++2/10 NET 30",), "2/10 NET 30"),
     (("FTX+AAB+1++30 DAYS NET EXCEPT HOLIDAYS", "FTX+AAI+++NOT TERMS", "PAT+1++5:3:D:45"),
      "net 45; 30 DAYS NET EXCEPT HOLIDAYS")],
)  # fmt: skip
def test_payment_terms_from_PAT_groups_and_FTX_AAB(
    segments: tuple[str, ...], text: str | None
) -> None:
    ftx = [s for s in segments if s.startswith("FTX")]
    pat = [s for s in segments if not s.startswith("FTX")]
    assert read(BGM, DTM, *ftx, *pat, "UNS+S").payment_terms == text


def test_a_decimal_comma_and_a_line_s_own_free_text_is_no_term() -> None:
    una = "UNA:+,? '"
    po = read(BGM, DTM, "PAT+22++5:3:D:14", "PCD+12:1,5", LIN, "QTY+21:2,5", "FTX+AAB+++NO",
              "UNS+S", "MOA+86:10,25", una=una)  # fmt: skip
    assert (po.payment_terms, po.lines[0].quantity) == ("1.5% 14", Decimal("2.5"))
    assert po.totals == OrderTotals(amount_total=Decimal("10.25"))


def test_line_ids_description_quantity_price_and_date() -> None:
    assert line(
        "LIN+10++4000862141404:SRV",
        "PIA+1+SUP-7:SA+B-1:IN::92",
        "PIA+5+OTHER-GTIN:EN",  # a second GTIN: the first of a kind stands
        "PIA+3+SUBSTITUTE:SA",  # a substitute is another product
        "PIA+1+ISBN:IB",  # a type the contract has no field for
        "IMD+F++:::BLUE WIDGET, LARGE,:WITH HANDLE",
        "IMD+C++TU::9",  # coded, no text
        "IMD+F++:::SPARE",
        "MEA+PD+LAY:4+NAR:6",
        "QTY+59:12",  # consumer units per traded unit: not the ordered quantity
        "QTY+21:48:KGM",
        "DTM+10:20261205:102",  # the line's ship date: not in the contract
        "DTM+2:20261210:102",
        "FTX+AAI+++A NOTE",
        "PRI+AAB:12.80",
        "PRI+AAA:12.50:CT:AAE",
    ) == OrderLine(
        line_number="10",
        item=ItemIds(buyer_item="B-1", vendor_item="SUP-7", gtin="4000862141404",
                     description="BLUE WIDGET, LARGE,WITH HANDLE SPARE"),
        quantity=Decimal(48),
        uom="KGM",
        unit_price=Decimal("12.50"),
        requested_date=date(2026, 12, 10),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("segments", "quantity", "price"),
    [(("QTY+1:25", "PRI+AAB:3"), Decimal(25), Decimal(3)),  # discrete quantity, gross price
     (("QTY+21:10", "QTY+1:25", "PRI+INF:3"), Decimal(10), Decimal(3)),
     (("PRI+AAA:250:::100:PCE",), None, Decimal("2.5")),  # 250 per 100 pieces
     (("PRI+AAA:7::::1",), None, Decimal(7)),
     (("PRI+AAA", "PRI+AAE:4"), None, Decimal(4)),  # no price, then an information price
     (("PRI+XYZ:5",), None, None)],
)  # fmt: skip
def test_quantity_and_price_fallbacks(
    segments: tuple[str, ...], quantity: Decimal | None, price: Decimal | None
) -> None:
    only = line(LIN, *segments)
    assert (only.quantity, only.unit_price) == (quantity, price)


def test_every_LIN_is_a_line_and_a_sub_line_s_text_is_its_own() -> None:
    po = read(BGM, DTM, LIN, "IMD+F++:::SET", "LIN+2++4000862141411:SRV+1:1", "IMD+F++:::PART",
              "UNS+S")  # fmt: skip
    assert [(x.line_number, x.item.description) for x in po.lines] == [("1", "SET"), ("2", "PART")]


@pytest.mark.parametrize(
    ("summary", "totals"),
    [(("CNT+2:2",), OrderTotals(line_count=2)),
     (("MOA+86:100.50", "CNT+2:2", "CNT+1:30"),
      OrderTotals(line_count=2, quantity_total=Decimal(30), amount_total=Decimal("100.50"))),
     (("MOA+79:90", "MOA+86:100"), OrderTotals(amount_total=Decimal(100))),
     (("MOA+124:19", "MOA+79:90"), OrderTotals(amount_total=Decimal(90))),
     (("MOA+124:19", "CNT+2:2.5"), OrderTotals()),
     (("CNT+2:1", "ALC+C++++FC", "MOA+86:5"), OrderTotals(line_count=1)),  # the charge's
     ((), None)],
)  # fmt: skip
def test_CNT_and_MOA_totals(summary: tuple[str, ...], totals: OrderTotals | None) -> None:
    assert read(BGM, DTM, "UNS+S", *summary).totals == totals


# -- samples --------------------------------------------------------------------------


def sample_messages(path: Path, message_type: str) -> list[Message]:
    return [m for m in messages(path.read_bytes()) if m.message_type == message_type]


def read_all(path: Path) -> list[PurchaseOrder]:
    bodies: list[PurchaseOrder] = []
    for found in sample_messages(path, "ORDERS"):
        body = ORDERS_MAP.read(found.rows, context(found))
        assert isinstance(body, PurchaseOrder)
        bodies.append(body)
    return bodies


@requires_samples
@pytest.mark.parametrize(
    "path",
    sample_files("edifact/ORDERS/*.edi")
    + sample_files("edifact/DESADV/vscode-edi__EDIFACT-interchanges.edi"),
    ids=lambda p: sample_id(p),
)
def test_every_sample_message_maps(path: Path) -> None:
    """Every ORDERS of the corpus (valid or not, D93A to D03B and an invalid "X:XX")
    reads without an error: none lacks its BGM number, none has an unreadable date
    where the contract takes one."""
    bodies = read_all(path)
    assert bodies and all(body.po_number for body in bodies)


@requires_samples
def test_pydifact_sample_field_by_field() -> None:
    """D96A EAN008 with a decimal comma in the UNA and 203 timestamps: number, dates,
    the header RFF PD (the lines' RFF PD are theirs), three GLN parties, two lines."""
    (po,) = read_all(SAMPLES / "edifact/ORDERS/pydifact__order.edi")
    assert (po.po_number, po.order_type, po.purpose) == ("801715918011", "220", Purpose.ORIGINAL)
    assert (po.order_date, po.requested_delivery_date) == (date(2015, 8, 3), date(2015, 8, 6))
    assert po.references == {"PD": "50515"}
    assert [(p.role, p.identifiers) for p in po.parties] == [
        (Role.SUPPLIER, {"gln": "5020436000004"}),
        (Role.BUYER, {"gln": "8711576000012"}),
        (Role.SHIP_TO, {"gln": "8711576100019"}),
    ]
    assert po.lines == [
        OrderLine(line_number="1", item=ItemIds(gtin="5020436373085"), quantity=Decimal(8)),
        OrderLine(line_number="2", item=ItemIds(gtin="5020436373108"), quantity=Decimal(8)),
    ]
    assert po.totals is None


@requires_samples
def test_php_edifact_sample_field_by_field() -> None:
    """D01B EAN010, 146 lines: RFF ON, the DP's RFF IT kept out of the references,
    names with a released "+", supplier and buyer article numbers (LIN SA, PIA IN
    assigned by the buyer), two-part IMD texts run on, units, CNT 2."""
    (po,) = read_all(SAMPLES / "edifact/ORDERS/php-edifact__example_order_ok.edi")
    assert (po.po_number, po.order_date, po.requested_delivery_date) == (
        "2019265563",
        date(2018, 12, 5),
        date(2018, 12, 6),
    )
    assert po.references == {"ON": "2019265563"}
    buyer, supplier, ship_to = po.parties
    assert (buyer.role, buyer.identifiers, buyer.name[:4] if buyer.name else None) == (
        Role.BUYER,
        {"gln": "4250159300001"},
        "A+A ",
    )
    assert supplier == Party(
        role=Role.SUPPLIER, name="FooBar GmbH & Co. KG", identifiers={"gln": "4399901760448"},
        address=Address(lines=["Teststrasse 15"], city="TestCity", postal_code="42553",
                        country="DE"),
    )  # fmt: skip
    assert (ship_to.role, ship_to.identifiers) == (Role.SHIP_TO, {"gln": "4250159399005"})
    assert len(po.lines) == 146 and po.totals == OrderTotals(line_count=146)
    assert po.lines[0] == OrderLine(
        line_number="1", item=ItemIds(buyer_item="6001001", vendor_item="1001",
                                      description="Butter 40x250g Alu"),
        quantity=Decimal(2), uom="GBND",
    )  # fmt: skip
    marke = po.lines[17].item.description or ""  # two 7008 parts (how they join: common.py)
    assert marke.startswith("H-Vollmilch 3,5%  **Marke**") and marke.endswith("Drehverschluss")


@requires_samples
def test_staedi_and_bots_samples_field_by_field() -> None:
    """D96B in a UNG group: PIA 1 BP, the PRI AAA price, QTY 21 beside QTY 59. Bots:
    three D96A messages in two interchanges without UNA, order type 50E."""
    (po,) = read_all(SAMPLES / "edifact/ORDERS/staedi__orders-with-group.edi")
    assert (po.po_number, po.order_date) == ("C1441747", date(2001, 5, 2))
    assert po.parties[1] == Party(
        role=Role.SUPPLIER, name="COMPANY ABC", identifiers={"gln": "5013546107732"}
    )
    (only,) = po.lines
    assert (only.item.gtin, only.item.buyer_item, only.quantity, only.unit_price) == (
        "5400111864181",
        "8641800",
        Decimal(288),
        Decimal("12.80"),
    )
    bots = read_all(SAMPLES / "edifact/ORDERS/bots__order01.edi")
    assert [(p.po_number, p.order_type, len(p.lines)) for p in bots] == [
        ("ORDT0000000004-1", "50E", 1),
        ("ORDT0000000004-2", "50E", 1),
        ("ORDT0000000004-3", "50E", 4),
    ]
    assert [x.quantity for x in bots[2].lines] == [Decimal(10**n) for n in range(1, 5)]


# -- writing ------------------------------------------------------------------------

D96A = WriteContext("D96A", "EAN008")
D01B = WriteContext("D01B", "EAN010")


def test_writing_uses_the_first_code_of_each_table() -> None:
    po = PurchaseOrder(
        po_number="PO1",
        purpose=Purpose.CANCEL,
        order_date=date(2026, 11, 28),
        requested_ship_date=date(2026, 12, 1),
        currency="EUR",
        payment_terms="2% 10 net 30",
        references={"ON": "PO1", "CT": ""},
        parties=[Party(role=Role.SHIP_TO, identifiers={"gln": "5412345000013"})],
        lines=[OrderLine(line_number="1", quantity=Decimal("2.5"), uom="KGM",
                         item=ItemIds(buyer_item="B-1", upc="012345678905", description="TEA"),
                         unit_price=Decimal("4.10"), requested_date=date(2026, 12, 2)),
               OrderLine(uom="PCE")],  # a unit without a quantity cannot be written
        totals=OrderTotals(line_count=2, quantity_total=Decimal("2.5"),
                           amount_total=Decimal("10.25")),
    )  # fmt: skip
    assert ORDERS_MAP.write(po, D96A) == [
        [["BGM"], ["220"], ["PO1"], ["1"]],
        [["DTM"], ["137", "20261128", "102"]],
        [["DTM"], ["10", "20261201", "102"]],
        [["RFF"], ["ON", "PO1"]],
        [["NAD"], ["DP"], ["5412345000013", "", "9"]],
        [["CUX"], ["2", "EUR", "9"]],
        [["PAT"], ["22"], [""], ["5", "3", "D", "10"]],
        [["PCD"], ["12", "2"]],
        [["PAT"], ["1"], [""], ["5", "3", "D", "30"]],
        [["LIN"], ["1"], [""], ["012345678905", "UP"]],
        [["PIA"], ["1"], ["B-1", "IN"]],
        [["IMD"], ["F"], [""], ["", "", "", "TEA"]],
        [["QTY"], ["21", "2.5", "KGM"]],
        [["DTM"], ["2", "20261202", "102"]],
        [["PRI"], ["AAA", "4.10"]],
        [["LIN"]],
        [["UNS"], ["S"]],
        [["MOA"], ["86", "10.25"]],
        [["CNT"], ["2", "2"]],
        [["CNT"], ["1", "2.5"]],
    ]
    assert PURPOSE_CODES[Purpose.CANCEL][0] == "1"


@pytest.mark.parametrize(
    ("terms", "ftx"),
    [("2.50% 10", [["FTX"], ["AAB"], [""], [""], ["2.50% 10"]]),  # reads back as 2.5%
     ("net 30 EOM", [["FTX"], ["AAB"], [""], [""], ["net 30 EOM"]]),
     ("X" * 71, [["FTX"], ["AAB"], [""], [""], ["X" * 70, "X"]])],
)  # fmt: skip
def test_terms_that_are_no_PAT_shape_are_written_as_free_text(terms: str, ftx: Row) -> None:
    rows = ORDERS_MAP.write(PurchaseOrder(po_number="P", order_date=date.today(),
                                          payment_terms=terms), D96A)  # fmt: skip
    assert rows[2] == ftx


def test_what_cannot_be_written() -> None:
    day = date(2026, 11, 28)
    cases: list[tuple[Body, WriteContext, str]] = [
        (PurchaseOrder(po_number="P"), D96A, "date"),
        (PurchaseOrder(po_number="P", order_date=day, order_type="SA01"), D96A, "1001"),
        (PurchaseOrder(po_number="P", order_date=day, lines=[OrderLine(line_number="A1")]),
         D96A, "n..6"),
        (PurchaseOrder(po_number="P", order_date=day, lines=[OrderLine(line_number="1234567")]),
         D01B, "an..6"),
        (PurchaseOrder(po_number="P", order_date=day, lines=[OrderLine()]),
         WriteContext("D93A"), "D93A"),
        (PurchaseOrder(po_number="P", order_date=day, payment_terms="X" * 351), D96A, "C108"),
        (PurchaseOrder(po_number="P", order_date=day, lines=[OrderLine(
            item=ItemIds(description="X" * 71))]), D96A, "cut"),
        (Address(), D96A, "purchase_order"),  # type: ignore[list-item]
    ]  # fmt: skip
    for body, write_context, message in cases:
        with pytest.raises(MappingError, match=message):
            ORDERS_MAP.write(body, write_context)


def test_D01B_writes_alphanumeric_line_numbers_SRV_GTINs_and_any_date_dates_the_header() -> None:
    gtin = ItemIds(gtin="4000862141404")
    po = PurchaseOrder(po_number="P", order_type="105", requested_delivery_date=date(2026, 12, 1),
                       lines=[OrderLine(line_number="A-1", item=gtin)])  # fmt: skip
    assert ORDERS_MAP.write(po, D01B)[:3] == [
        [["BGM"], ["105"], ["P"], ["9"]],
        [["DTM"], ["2", "20261201", "102"]],
        [["LIN"], ["A-1"], [""], ["4000862141404", "SRV"]],  # EANCOM 2002's GTIN code
    ]
    assert ORDERS_MAP.write(po, WriteContext("D01A"))[2][3] == ["4000862141404", "EN"]


# -- canonical → EDIFACT → canonical ---------------------------------------------------

# Text as EDIFACT carries it: letters, digits, inner spaces and the default service
# characters (released on the way), never blank at either end.
_CHAR = r"[A-Za-z0-9+:'?*.,/&-]"


def texts(max_size: int) -> st.SearchStrategy[str]:
    """1 to ``max_size`` characters of EDIFACT text."""
    if max_size == 1:
        return codes(_CHAR)
    return codes(f"{_CHAR}(?:(?:{_CHAR}| ){{0,{max_size - 2}}}{_CHAR})?")


# A longer description: words of one IMD part or less, one space apart (write_imd cuts
# at spaces), up to four IMDs.
descriptions = texts(70) | st.lists(codes(f"{_CHAR}{{1,20}}"), min_size=2, max_size=12).map(
    " ".join
)
item_ids = st.builds(
    ItemIds,
    buyer_item=maybe(texts(35)),
    vendor_item=maybe(texts(35)),
    gtin=maybe(codes(r"[0-9]{8,14}")),
    upc=maybe(codes(r"[0-9]{12}")),
    description=maybe(descriptions),
)
addresses = st.builds(
    Address,
    lines=st.lists(texts(35), max_size=4),
    city=maybe(texts(35)),
    region=maybe(codes(r"[A-Z]{2,3}")),
    postal_code=maybe(codes(r"[0-9A-Z]{3,9}")),
    country=maybe(codes(r"[A-Z]{2}")),
).filter(lambda a: bool(a.lines or a.city or a.region or a.postal_code or a.country))
# One identifier at most (NAD C082): a named agency, none, or one with no name.
identifier_names = st.sampled_from([*sorted(ID_NAMES.values()), MUTUALLY_DEFINED, "edifact_ZZZ"])
parties = st.builds(
    Party,
    role=st.sampled_from(list(Role)),
    name=maybe(texts(35)),
    identifiers=st.dictionaries(identifier_names, texts(35), max_size=1),
    address=maybe(addresses),
)
amounts = decimals(12, 4)
# UNA service characters: the defaults, a decimal comma, others with "!" releasing.
service_chars = st.sampled_from(
    [ServiceChars.level_a(), ServiceChars.from_una("UNA:+,? '"),
     ServiceChars.from_una("UNA*|,! ~")]
)  # fmt: skip


def line_numbers(version: str) -> st.SearchStrategy[str | None]:
    """LIN 1082: n..6 in D96A, an..6 from D97A."""
    return maybe(codes(r"[0-9]{1,6}") if version == "D96A" else texts(6))


@st.composite
def order_lines(draw: st.DrawFn, version: str) -> OrderLine:
    quantity = draw(maybe(amounts))
    return OrderLine(
        line_number=draw(line_numbers(version)),
        item=draw(item_ids),
        quantity=quantity,
        uom=draw(maybe(codes(r"[A-Z0-9]{1,3}"))) if quantity is not None else None,
        unit_price=draw(maybe(amounts)),
        requested_date=draw(maybe(dates)),
    )


@st.composite
def purchase_orders(draw: st.DrawFn, version: str, *, coded: bool = False) -> PurchaseOrder:
    """Any purchase order EDIFACT can carry; ``coded``: with order types and reference
    qualifiers of the D.96A code lists only (the canonical's own codes are its sender's)."""
    order_date, delivery, ship = draw(maybe(dates)), draw(maybe(dates)), draw(maybe(dates))
    totals = draw(maybe(st.builds(OrderTotals, line_count=maybe(st.integers(0, 999)),
                                  quantity_total=maybe(decimals(12, 3, signed=True)),
                                  amount_total=maybe(decimals(14, 2, signed=True)))))  # fmt: skip
    qualifiers = REFERENCES if coded else codes(r"[A-Z0-9]{1,3}")
    if totals == OrderTotals():  # nothing to write: reads back as no totals
        totals = None
    return PurchaseOrder(
        po_number=draw(texts(35)),
        purpose=draw(st.sampled_from(list(Purpose))),
        order_type=draw(st.sampled_from(ORDER_TYPES[: -1 if coded else None])),
        order_date=order_date if order_date or delivery or ship else draw(dates),
        currency=draw(maybe(codes(r"[A-Z]{3}"))),
        parties=draw(st.lists(parties, max_size=4)),
        requested_delivery_date=delivery,
        requested_ship_date=ship,
        payment_terms=draw(maybe(terms | texts(350))),
        references=draw(st.dictionaries(qualifiers, texts(35), max_size=3)),
        lines=draw(st.lists(order_lines(version), max_size=4)),
        totals=totals,
    )


ORDER_TYPES = ["220", "221", "224", "226", "227", "105", "50E"]  # the last is EANCOM's
REFERENCES = st.sampled_from(["ON", "CT", "PD", "VN", "AAB", "IT", "DQ"])


def round_trip(body: Body, version: str, chars: ServiceChars) -> Body:
    """``body`` written as an ORDERS, as text and split again, then read."""
    header = [["UNH"], ["1"], ["ORDERS", "D", version[1:], "UN", "EAN008"]]
    rows = [header, *ORDERS_MAP.write(body, WriteContext(version)), [["UNT"], ["2"], ["1"]]]
    assert all(isinstance(v, str) for row in rows for element in row for v in element)
    return ORDERS_MAP.read(read_back(rows, chars), ReadContext(chars, version))


@settings(max_examples=300, deadline=None)
@given(st.data(), st.sampled_from(["D96A", "D01B"]), service_chars)
def test_purchase_order_round_trips_through_EDIFACT_text(
    data: st.DataObject, version: str, chars: ServiceChars
) -> None:
    po = data.draw(purchase_orders(version))
    assert round_trip(po, version, chars) == po


def validation_findings(rows: list[Row], message: str, version: str) -> list[str]:
    """Every finding of the EDIFACT validator on ``rows`` sent as one message of one
    UNOC interchange."""
    chars = ServiceChars.level_a()
    unb = [["UNB"], ["UNOC", "3"], ["SENDER", "14"], ["RECEIVER", "14"], ["261128", "1200"],
           ["1"]]  # fmt: skip
    unh = [["UNH"], ["1"], [message, "D", version[1:], "UN"]]
    unt = [["UNT"], [str(len(rows) + 2)], ["1"]]
    text = chars.una() + to_text([unb, unh, *rows, unt, [["UNZ"], ["1"], ["1"]]], chars)
    result = validate_edifact(text.encode("latin-1"))
    found = [error.description for error in result.errors]
    for interchange_result in result.interchanges:
        found += [error.description for error in interchange_result.errors]
        for group in interchange_result.groups:
            for message_result in group.sets:
                if message_result.validated_against is None:
                    found.append(f"{message} {version} not validated")
                found += [f"UCM {code}" for code in message_result.codes]
                found += [_describe(error) for error in message_result.errors]
    return found


def _describe(error: SegmentError) -> str:
    details = [(e.element_position, e.component_position, e.bad_value, e.description)
               for e in error.elements]  # fmt: skip
    return f"{error.segment_id}@{error.segment_position} {error.code} {details}"


@settings(max_examples=100, deadline=None)
@given(st.data(), st.sampled_from(["D96A", "D01B"]))
def test_what_is_written_is_a_valid_ORDERS(data: st.DataObject, version: str) -> None:
    """Checked by the validator against the D.96A and D.01B tables: structure,
    mandatory segments, element types, lengths and code lists."""
    po = data.draw(purchase_orders(version, coded=True))
    assert validation_findings(ORDERS_MAP.write(po, WriteContext(version)), "ORDERS", version) == []
