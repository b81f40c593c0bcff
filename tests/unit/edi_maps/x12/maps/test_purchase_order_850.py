"""850 ↔ purchase_order: each reading rule on hand-written (and validated) X12, the
samples, and canonical → valid X12 → the same canonical for 004010 and 005010."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.maps import common
from edi_maps.x12.maps import purchase_order_850 as m850
from edi_maps.x12.maps.base import MappingError, WriteContext
from edi_maps.x12.maps.purchase_order_850 import PURCHASE_ORDER_850
from edi_maps.x12.render import RenderOptions
from edi_maps.x12.writer import UnwritableValue
from gateway.canonical import (
    Address,
    ItemIds,
    OrderLine,
    OrderTotals,
    Party,
    PurchaseOrder,
    Purpose,
    Role,
)
from tests.conftest import requires_samples, sample_files, sample_id
from tests.roundtrip import round_trip
from tests.strategies import codes, dates, decimals, item_ids, maybe, parties, terms, words
from tests.x12_builders import MINIMAL_850, interchange
from tests.x12_maps import read_one, read_sets


def read(*segments: str, version: str = "004010") -> PurchaseOrder:
    body = read_one(PURCHASE_ORDER_850, *segments, version=version)
    assert isinstance(body, PurchaseOrder)
    return body


BEG = "BEG*00*SA*PO1001**20261128"
LINE = "PO1*1*10*EA*9.5**VP*WIDGET-1"

# -- reading ------------------------------------------------------------------------


def test_minimal_850_holds_only_what_it_says() -> None:
    assert read(*MINIMAL_850[1:]) == PurchaseOrder(
        po_number="PO1001",
        order_type="SA",
        order_date=date(2026, 11, 28),
        lines=[OrderLine(line_number="1", item=ItemIds(vendor_item="WIDGET-1"),
                         quantity=Decimal(10), uom="EA", unit_price=Decimal("9.5"))],
        totals=OrderTotals(line_count=1),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("code", "purpose"),
    [("00", Purpose.ORIGINAL), ("04", Purpose.CHANGE), ("01", Purpose.CANCEL),
     ("03", Purpose.CANCEL), ("05", Purpose.REPLACE), ("06", Purpose.ORIGINAL),
     ("07", Purpose.ORIGINAL), ("22", Purpose.ORIGINAL)],
)  # fmt: skip
def test_BEG01_purpose(code: str, purpose: Purpose) -> None:
    po = read(f"BEG*{code}*NE*PO7**20261128", LINE, "CTT*1")
    assert (po.purpose, po.order_type, po.po_number) == (purpose, "NE", "PO7")


def test_header_currency_references_dates_and_contacts() -> None:
    po = read(
        BEG,
        "CUR*BY*EUR",
        "REF*DP*038",
        "REF*IA*0234567*VENDOR NAME",
        "REF*ZZ**ONLY A DESCRIPTION",
        "REF*DP*039",  # a second DP: the first one stands
        "PER*BD*JANE DOE*TE*5551234",  # contacts are not in the contract
        "DTM*002*20261210",
        "DTM*010*20261205",
        "DTM*037*20261201",  # ship not before: no place in the contract
        LINE,
        "CTT*1",
    )
    assert po.currency == "EUR"
    assert po.references == {"DP": "038", "IA": "0234567", "ZZ": "ONLY A DESCRIPTION"}
    assert po.requested_delivery_date == date(2026, 12, 10)
    assert po.requested_ship_date == date(2026, 12, 5)


def test_a_CUR_REF_or_DTM_inside_a_loop_is_not_the_order_s() -> None:
    po = read(
        BEG,
        "SAC*C*D240***1000",
        "CUR*SE*CAD",  # the allowance's currency
        "N9*ZZ*NOTE",
        "DTM*002*20261210",  # the note's date
        "N1*ST*DOCK 4",
        "REF*DP*DEPT 100",  # the ship-to's reference
        LINE,
        "REF*PD*PROMO",  # the line's reference
        "DTM*010*20261220",
        "CTT*1",
    )
    assert (po.currency, po.references, po.requested_delivery_date) == (None, {}, None)
    assert po.requested_ship_date is None and po.lines[0].requested_date is None


def test_currency_of_the_lines_when_the_header_has_none() -> None:
    line2 = "PO1*2*1*EA*3**VP*WIDGET-2"
    same = read(BEG, LINE, "CUR*BY*USD", line2, "CUR*BY*USD", "CTT*2")
    assert same.currency == "USD"
    assert read(BEG, LINE, "CUR*BY*USD", line2, "CUR*BY*CAD", "CTT*2").currency is None
    assert read(BEG, LINE, "CTP**UCP*9.5", "CUR*BY*CAD", "CTT*1").currency is None  # the CTP's


@pytest.mark.parametrize(
    ("itd", "terms"),
    [("ITD*01*3*2**10**30", "2% 10 net 30"),
     ("ITD*08*2*2.500**45**100", "2.5% 45 net 100"),
     ("ITD*05*3*****30", "net 30"),
     ("ITD*01*3*1*20261210**20261231", "1% by 2026-12-10 net by 2026-12-31"),
     ("ITD*01*2*2**10**30*****2/10 NET 30 EOM", "2/10 NET 30 EOM"),
     ("ITD*05*5", None)],
)  # fmt: skip
def test_ITD_as_payment_terms_text(itd: str, terms: str | None) -> None:
    assert read(BEG, itd, LINE, "CTT*1").payment_terms == terms


def test_several_ITDs_are_joined() -> None:
    po = read(BEG, "ITD*01*3*2**10**30", "ITD************FREIGHT PREPAID", LINE, "CTT*1")
    assert po.payment_terms == "2% 10 net 30; FREIGHT PREPAID"


def test_party_loops_with_names_addresses_and_ids() -> None:
    po = read(
        BEG,
        "N1*BY*ACME STORES*1*123456789",
        "N2*PURCHASING*DEPT 7",
        "N3*1 MAIN ST*SUITE 2",
        "N3*BUILDING C",
        "N4*SPRINGFIELD*IL*62701*US",
        "PER*BD*JOHN",
        "N1*AK*NOBODY WE KNOW",  # an entity code the contract has no role for
        "N3*NOWHERE 1",
        "N1*ST**92*STORE-0042",
        "N1*VN*WIDGETS INC*ZZ*W-1",
        "N1*RI*REMIT DESK*15*ABC",  # a qualifier with no name: x12_<code>
        LINE,
        "CTT*1",
    )
    assert po.parties == [
        Party(role=Role.BUYER, name="ACME STORES PURCHASING DEPT 7",
              identifiers={"duns": "123456789"},
              address=Address(lines=["1 MAIN ST", "SUITE 2", "BUILDING C"], city="SPRINGFIELD",
                              region="IL", postal_code="62701", country="US")),
        Party(role=Role.SHIP_TO, identifiers={"buyer_assigned": "STORE-0042"}),
        Party(role=Role.SUPPLIER, name="WIDGETS INC", identifiers={"mutually_defined": "W-1"}),
        Party(role=Role.REMIT_TO, name="REMIT DESK", identifiers={"x12_15": "ABC"}),
    ]  # fmt: skip


def test_an_N1_of_a_header_SPI_loop_is_no_party() -> None:
    po = read(BEG, "N1*ST*DOCK", "SPI*00", "N1*BY*SPECIFIED ELSEWHERE", LINE, "CTT*1")
    assert [p.role for p in po.parties] == [Role.SHIP_TO]


def test_line_ids_description_and_requested_date() -> None:
    po = read(
        BEG,
        "PO1*0010*12*CA*4.25*PE*BP*B-1*VN*V-1*UK*00012345678905*UP*012345678905*ZZ*OTHER*IN*B-2",
        "PID*F****BLUE WIDGET",
        "PID*S**VI*FL",  # structured: no text
        "PID*F*08***LARGE",
        "PO4*12*1*EA",  # pack details are not in the contract
        "DTM*002*20261215",
        "DTM*010*20261210",
        "CTT*1*12",
    )
    assert po.lines == [
        OrderLine(line_number="0010",
                  item=ItemIds(buyer_item="B-1", vendor_item="V-1", gtin="00012345678905",
                               upc="012345678905", description="BLUE WIDGET LARGE"),
                  quantity=Decimal(12), uom="CA", unit_price=Decimal("4.25"),
                  requested_date=date(2026, 12, 15))
    ]  # fmt: skip
    assert po.totals == OrderTotals(line_count=1, quantity_total=Decimal(12))


def test_sub_lines_notes_and_line_parties_do_not_describe_the_line() -> None:
    po = read(
        BEG,
        LINE,
        "N9*ZZ*NOTE",
        "DTM*002*20261201",
        "N1*ST*STORE 9",
        "SLN*1**I*4*EA",
        "PID*F****SUB LINE TEXT",
        "DTM*002*20261202",
        "CTT*1",
    )
    assert po.lines[0].item.description is None and po.lines[0].requested_date is None


def test_requested_date_from_a_delivery_schedule_and_price_from_the_catalog() -> None:
    po = read(
        BEG,
        "PO1*1*4*EA***IN*525",
        "CTP**UCP*34.98",
        "SCH*4*EA***002*20261001",
        "PO1*2*5*EA*1.5**IN*526",
        "CTP**RES*69.95",  # retail price: not the unit price
        "SCH*5*EA***038*20261002",  # ship no later: not the requested date
        "CTT*2",
    )
    assert [(line.unit_price, line.requested_date) for line in po.lines] == [
        (Decimal("34.98"), date(2026, 10, 1)),
        (Decimal("1.5"), None),
    ]


@pytest.mark.parametrize(
    ("summary", "totals"),
    [(("CTT*2*30",), OrderTotals(line_count=2, quantity_total=Decimal(30))),
     (("CTT*2", "AMT*TT*100.50"), OrderTotals(line_count=2, amount_total=Decimal("100.50"))),
     (("CTT*2", "AMT*1*7"), OrderTotals(line_count=2, amount_total=Decimal(7))),
     (("CTT*2", "AMT*GV*7"), OrderTotals(line_count=2)),
     ((), None)],
)  # fmt: skip
def test_CTT_and_AMT_totals(summary: tuple[str, ...], totals: OrderTotals | None) -> None:
    assert read(BEG, LINE, LINE.replace("PO1*1", "PO1*2"), *summary).totals == totals


def test_a_header_AMT_total_stands_when_the_summary_has_none() -> None:
    po = read(BEG, "AMT*TT*884.06", "N1*ST*DOCK", LINE, "AMT*1*95", "CTT*1")
    assert po.totals == OrderTotals(line_count=1, amount_total=Decimal("884.06"))


def test_yymmdd_dates_of_older_versions() -> None:
    data = interchange([("PO", "003050", [("850", "BEG*00*SA*P1**010614", "DTM*002*010808")])])
    bodies, _ = read_sets(PURCHASE_ORDER_850, data)
    assert bodies == [
        PurchaseOrder(po_number="P1", order_type="SA", order_date=date(2001, 6, 14),
                      requested_delivery_date=date(2001, 8, 8))
    ]  # fmt: skip


@requires_samples
@pytest.mark.parametrize(
    "path",
    sample_files("x12/850/*.x12") + sample_files("x12/mixed/*.x12"),
    ids=lambda p: sample_id(p),
)
def test_every_sample_set_maps(path: Path) -> None:
    """Accepted or not, every 850 of the corpus reads without an error."""
    bodies, _ = read_sets(PURCHASE_ORDER_850, path.read_bytes(), must_validate=False)
    assert all(isinstance(body, PurchaseOrder) for body in bodies)


# -- writing ------------------------------------------------------------------------

PO = PurchaseOrder(
    po_number="PO1", order_date=date(2026, 11, 28), lines=[OrderLine(line_number="1")]
)
CONTEXT = WriteContext(Delimiters("*", ">", "~"), "004010")


def test_writing_fills_what_X12_requires() -> None:
    rows = PURCHASE_ORDER_850.write(PO, CONTEXT)
    assert rows == [
        ["BEG", "00", "SA", "PO1", "", "20261128"],
        ["PO1", "1", "", "", "", ""],
        ["CTT", "1", ""],
    ]
    with pytest.raises(MappingError, match="BEG05"):
        PURCHASE_ORDER_850.write(PurchaseOrder(po_number="PO1", lines=[OrderLine()]), CONTEXT)
    with pytest.raises(MappingError, match="PO1"):
        PURCHASE_ORDER_850.write(PurchaseOrder(po_number="PO1", order_date=date.today()), CONTEXT)
    with pytest.raises(MappingError, match="purchase_order"):
        PURCHASE_ORDER_850.write(Address(), CONTEXT)  # type: ignore[arg-type]


def test_writing_terms_lines_and_totals() -> None:
    po = PurchaseOrder(
        po_number="PO1",
        order_date=date(2026, 11, 28),
        payment_terms="2% 10 net 30",
        lines=[OrderLine(uom="EA", item=ItemIds(gtin="00012345678905"))],  # no quantity
        totals=OrderTotals(amount_total=Decimal("12.5")),
    )
    rows = PURCHASE_ORDER_850.write(po, WriteContext(Delimiters("*", ">", "~"), "003050"))
    assert rows == [
        ["BEG", "00", "SA", "PO1", "", "261128"],
        ["ITD", "01", "3", "2", "", "10", "", "30"],
        ["PO1", "", "", "", "", "", "UK", "00012345678905"],
        ["CTT", "1", ""],
        ["AMT", "TT", "12.5"],
    ]


def test_a_value_holding_a_delimiter_is_refused_by_the_writer() -> None:
    po = PurchaseOrder(po_number="PO*1", order_date=date(2026, 11, 28), lines=[OrderLine()])
    with pytest.raises(UnwritableValue):
        round_trip(po, RenderOptions(version="004010"))


# -- canonical → X12 → canonical -----------------------------------------------------


@st.composite
def order_lines(draw: st.DrawFn) -> OrderLine:
    quantity = draw(maybe(decimals(8, 2)))
    uom = draw(maybe(codes(r"[A-Z]{2}"))) if quantity is not None else None  # PO1 C0302
    return OrderLine(
        line_number=draw(maybe(words(20))),
        item=draw(item_ids),
        quantity=quantity,
        uom=uom,
        unit_price=draw(maybe(decimals(10, 4))),
        requested_date=draw(maybe(dates)),
    )


@st.composite
def purchase_orders(draw: st.DrawFn) -> PurchaseOrder:
    lines = draw(st.lists(order_lines(), min_size=1, max_size=4))  # the PO1 loop is mandatory
    return PurchaseOrder(
        po_number=draw(words(22)),
        purpose=draw(st.sampled_from(list(Purpose))),
        order_type=draw(codes(r"[A-Z]{2}")),
        order_date=draw(dates),
        currency=draw(maybe(codes(r"[A-Z]{3}"))),
        parties=draw(st.lists(parties, max_size=4)),
        requested_delivery_date=draw(maybe(dates)),
        requested_ship_date=draw(maybe(dates)),
        payment_terms=draw(maybe(terms)),
        references=draw(st.dictionaries(codes(r"[A-Z0-9]{2,3}"), words(30), max_size=3)),
        lines=lines,
        totals=OrderTotals(
            line_count=len(lines),
            quantity_total=draw(maybe(decimals(8, 2))),
            amount_total=draw(maybe(decimals(8, 2))),
        ),
    )


@settings(max_examples=200, deadline=None)
@given(purchase_orders(), st.sampled_from(["004010", "005010"]))
def test_purchase_order_round_trips_through_a_valid_850(po: PurchaseOrder, version: str) -> None:
    edi, bodies, findings = round_trip(po, RenderOptions(version=version))
    assert findings == [], edi
    assert bodies == [po]


# -- the fast paths ----------------------------------------------------------------

_VALUES = st.sampled_from(
    ["", " ", "1", "10", "9.5", "9.50 ", "-3", "1E3", "NaN", "x", "EA", "UP", "VP", "BP", "UK",
     "IN", "ZZ", "F", "X", "S", "002", "010", "UCP", "20261128", "20260231", "caf\u00c3\u00a9",
     "\u00e9t\u00e9", "WIDGET 1 "]
)  # fmt: skip
_LINE_TAGS = st.sampled_from(
    [
        "PID",
        "PID",
        "PID",
        "PO4",
        "REF",
        "SAC",
        "MSG",
        "DTM",
        "CTP",
        "SCH",
        "N1",
        "AMT",
        "SLN",
        "QTY",
    ]
)


@st.composite
def _po1_loops(draw: st.DrawFn) -> list[list[str]]:
    po1 = ["PO1", *draw(st.lists(_VALUES, max_size=26))]
    rest = draw(st.lists(st.tuples(_LINE_TAGS, st.lists(_VALUES, max_size=8)), max_size=5))
    return [po1, *([tag, *values] for tag, values in rest)]


def _outcome(read: Any, loop: list[list[str]]) -> object:
    try:
        return read(loop)
    except MappingError as error:
        return ("error", str(error))


@settings(max_examples=600)
@given(_po1_loops())
def test_the_line_fast_path_reads_what_the_general_way_reads(loop: list[list[str]]) -> None:
    """purchase_order_850._line takes a shortcut for PO1 + PID lines; whatever the
    line, it gives the same line (or the same error) as _line_general."""
    assert _outcome(m850._line, loop) == _outcome(m850._line_general, loop)


_PARTY_TAGS = st.sampled_from(["N1", "N2", "N3", "N3", "N4", "N4", "REF", "PER", "DTM"])
_ROLE_CODES = st.sampled_from(["BY", "ST", "BT", "VN", "SU", "ZZ", "ST ", " ST", "", "RI"])


@st.composite
def _n1_loops(draw: st.DrawFn) -> list[list[list[str]]]:
    found = []
    for _ in range(draw(st.integers(0, 4))):
        head = ["N1" if draw(st.integers(0, 9)) else "N9", draw(_ROLE_CODES)]
        head += draw(st.lists(_VALUES, max_size=4))
        rest = draw(st.lists(st.tuples(_PARTY_TAGS, st.lists(_VALUES, max_size=4)), max_size=5))
        found.append([head, *([tag, *values] for tag, values in rest)])
    return found


def _parties_as_before(loops: list[list[list[str]]]) -> list[Party]:
    """common.parties as it was before its one-pass rewrite: the reference."""
    found = []
    for loop in loops:
        if loop[0][0] != "N1":
            continue
        n2 = [row for row in loop if row[0] == "N2"]
        n3 = [row for row in loop if row[0] == "N3"]
        n4 = next((row for row in loop if row[0] == "N4"), None)
        member = common.party(loop[0], n2, n3, n4)
        if member is not None:
            found.append(member)
    return found


@settings(max_examples=400)
@given(_n1_loops())
def test_parties_read_each_loop_as_before(loops: list[list[list[str]]]) -> None:
    assert common.parties(loops) == _parties_as_before(loops)


def test_remembered_conversions_are_the_conversions() -> None:
    """decimal() and to_date() remember what they converted: the same values come back,
    bad values still fail every time, and the memory stays bounded."""
    for text in ("9.50", "1E3", "-0", "007"):
        assert common.decimal(text) == Decimal(text)
        assert str(common.decimal(text)) == str(Decimal(text))  # the same digits, not just ==
    assert common.to_date("20261128") == common.to_date("20261128") == date(2026, 11, 28)
    for _ in range(2):
        with pytest.raises(MappingError):
            common.decimal("NaN")
        with pytest.raises(MappingError):
            common.to_date("20260231")
    for number in range(common._CACHE_SIZE + 10):
        common.decimal(str(number))
    assert len(common._DECIMALS) <= common._CACHE_SIZE
