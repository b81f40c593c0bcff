"""810 ↔ invoice: each reading rule on hand-written X12 that validates, the samples,
and canonical → valid X12 → the same canonical for 004010 and 005010."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.maps.base import MappingError, ReadContext, Row, WriteContext
from edi_maps.x12.maps.invoice_810 import INVOICE_810
from edi_maps.x12.render import RenderOptions
from gateway.canonical import (
    Address,
    Body,
    Charge,
    Invoice,
    InvoiceLine,
    ItemIds,
    Party,
    Role,
)
from tests.conftest import requires_samples, sample_files, sample_id
from tests.roundtrip import round_trip
from tests.strategies import codes, dates, decimals, item_ids, maybe, parties, terms, words
from tests.x12_maps import read_one, read_sets

BIG = "BIG*20261128*INV-1**PO-9"


def read(*segments: str, version: str = "004010") -> Any:
    return read_one(INVOICE_810, BIG, *segments, version=version)


def write(body: Body, version: str = "004010") -> list[Row]:
    return INVOICE_810.write(body, WriteContext(Delimiters.default(), version))


# -- reading -----------------------------------------------------------------------------


def test_an_invoice_with_every_field() -> None:
    body = read(
        "CUR*SE*EUR",
        "REF*VN*SO-1",
        "N1*RI*WIDGET CO*1*123456789",
        "N3*PO BOX 9",
        "N4*DALLAS*TX*75201",
        "N1*PR*PAYER INC",  # a role the contract lacks: skipped
        "ITD*01*3*2**10**30",
        "DTM*011*20261127",
        "IT1*1*3*EA*1.5**BP*B-1*VP*V-1*UK*00614141000012*UP*614141000012",
        "PID*F*08***BLUE WIDGET",
        "TDS*1050",
        "TXI*ST*0.25",
        "TXI*CP*0.75",
        "SAC*A*C310***200**********DISCOUNT",
        "SAC*C*D240***750",
        "CTT*1",
    )
    assert body == Invoice(
        invoice_number="INV-1",
        invoice_date=date(2026, 11, 28),
        po_number="PO-9",
        currency="EUR",
        parties=[
            Party(
                role=Role.REMIT_TO,
                name="WIDGET CO",
                identifiers={"duns": "123456789"},
                address=Address(
                    lines=["PO BOX 9"], city="DALLAS", region="TX", postal_code="75201"
                ),
            ),
        ],
        terms="2% 10 net 30",
        lines=[
            InvoiceLine(
                line_number="1",
                item=ItemIds(
                    buyer_item="B-1",
                    vendor_item="V-1",
                    gtin="00614141000012",
                    upc="614141000012",
                    description="BLUE WIDGET",
                ),
                quantity_invoiced=Decimal(3),
                uom="EA",
                unit_price=Decimal("1.5"),
                amount=Decimal("4.5"),
            )
        ],
        charges=[
            Charge(type="C310", amount=Decimal("-2.00"), description="DISCOUNT"),
            Charge(type="D240", amount=Decimal("7.50")),
        ],
        tax_total=Decimal("1.00"),
        total_amount=Decimal("10.50"),
    )


@pytest.mark.parametrize(
    ("tds", "total"), [("16000", "160.00"), ("5", "0.05"), ("-1234", "-12.34"), ("0", "0")]
)
def test_TDS01_has_two_implied_decimals(tds: str, total: str) -> None:
    assert read(f"TDS*{tds}").total_amount == Decimal(total)


def test_the_minimal_810() -> None:
    assert read("TDS*100") == Invoice(
        invoice_number="INV-1",
        invoice_date=date(2026, 11, 28),
        po_number="PO-9",
        total_amount=Decimal(1),
    )


def test_allowances_are_negative_charges_positive_other_indicators_skipped() -> None:
    body = read(
        "TDS*100",
        "SAC*A*C310***500",
        "SAC*A*C310***-500",  # a negative allowance is still an allowance
        "SAC*C*D240***1250",
        "SAC*N*B840***100",  # no allowance or charge: not money
        "SAC*C**ZZ*HANDLING",  # no SAC02: the agency's code names it
        "SAC*C*H850***0**********no tax",
    )
    assert body.charges == [
        Charge(type="C310", amount=Decimal("-5.00")),
        Charge(type="C310", amount=Decimal("-5.00")),
        Charge(type="D240", amount=Decimal("12.50")),
        Charge(type="HANDLING"),
        Charge(type="H850", amount=Decimal(0), description="no tax"),
    ]


def test_charges_and_tax_of_the_summary_else_of_the_lines_never_both() -> None:
    lines_only = read(
        "IT1*1*2*EA*10",
        "TXI*ST*1.5",
        "SAC*C*D360***300",
        "TXI*ST*0.25",
        "IT1*2*1*EA*10",
        "SAC*A*C310***100",
        "TDS*3200",
    )
    assert lines_only.charges == [
        Charge(type="D360", amount=Decimal("3.00")),
        Charge(type="C310", amount=Decimal("-1.00")),
    ]
    assert lines_only.tax_total == Decimal("1.75")
    both = read(
        "IT1*1*2*EA*10",
        "TXI*ST*1.5",
        "SAC*C*D360***300",
        "TDS*2300",
        "TXI*ST*1.5",
        "SAC*C*D360***300",
    )
    assert both.charges == [Charge(type="D360", amount=Decimal("3.00"))]
    assert both.tax_total == Decimal("1.5")


def test_the_line_amount_is_quantity_times_price_unless_PAM_gives_it() -> None:
    body = read(
        "IT1*1*3*EA*2.5",
        "IT1*2*3*EA*2.5",
        "PAM****1*7",  # 1: line item total
        "IT1*3",
        "PAM****1*-4.25",
        "IT1*4**",
        "TDS*100",
    )
    assert [line.amount for line in body.lines] == [
        Decimal("7.5"),
        Decimal(7),
        Decimal("-4.25"),
        None,
    ]


def test_a_line_reads_its_own_PID_not_a_sub_lines() -> None:
    body = read(
        "IT1*1*1*EA*1**VP*V-1",
        "SLN*1**I*1*EA",
        "PID*F****SUB-LINE TEXT",
        "SAC*C*D240***100",
        "TDS*100",
    )
    (line,) = body.lines
    assert line.item == ItemIds(vendor_item="V-1")
    assert body.charges == []


@pytest.mark.parametrize(
    ("itd", "terms"),
    [
        ("ITD*01*3*2**10**30", "2% 10 net 30"),
        ("ITD**3*****30", "net 30"),
        ("ITD*08*3*1.5**15", "1.5% 15"),
        ("ITD*01*2*1*20020608**20020623", "1% by 2002-06-08 net by 2002-06-23"),
        ("ITD*01*3*1.000**15**16*****1/15 NET 30", "1/15 NET 30"),  # ITD12 is preferred
        ("ITD*05", None),
    ],
)
def test_terms_text(itd: str, terms: str | None) -> None:
    assert read(itd, "TDS*100").terms == terms


def test_several_ITD_are_joined() -> None:
    assert read("ITD*52*3*10**10", "ITD*52*3*5**20", "TDS*1").terms == "10% 10; 5% 20"


def test_005010() -> None:
    body = read(
        "CUR*BY*USD",
        "IT1*1*2*EA*3",
        "SAC*C*D240***100",
        "TXI*ST*0.06",
        "DTM*007*20261128",
        "TDS*700",
        "SAC*C*D500***100",
        "TXI*ST*0.06",
        version="005010",
    )
    assert (body.currency, body.total_amount, body.tax_total) == (
        "USD",
        Decimal(7),
        Decimal("0.06"),
    )
    assert body.charges == [Charge(type="D500", amount=Decimal(1))]


def test_without_BIG02_there_is_no_invoice_number() -> None:
    rows = [["ST", "810", "1"], ["BIG", "20070129"], ["TDS", "1"], ["SE", "4", "1"]]
    with pytest.raises(MappingError, match="BIG02"):
        INVOICE_810.read(rows, ReadContext(Delimiters.default(), "002040"))


@requires_samples
@pytest.mark.parametrize(
    "path", sample_files("x12/810/*") + sample_files("x12/mixed/*"), ids=sample_id
)
def test_every_sample_set_that_validates_maps(path: Any) -> None:
    read_sets(INVOICE_810, path.read_bytes())


@requires_samples
@pytest.mark.parametrize("path", sample_files("x12/810/*"), ids=sample_id)
def test_even_a_rejected_sample_set_reads_or_raises_a_mapping_error(path: Any) -> None:
    with contextlib.suppress(MappingError):
        read_sets(INVOICE_810, path.read_bytes(), must_validate=False)


@requires_samples
def test_the_staedi_sample_field_by_field() -> None:
    (path,) = sample_files("x12/810/staedi__simple810.x12")
    (first, _), _ = read_sets(INVOICE_810, path.read_bytes())
    assert (first.invoice_number, first.invoice_date, first.po_number) == (
        "00001",
        date(1997, 12, 11),
        "A99999-01",
    )
    assert [p.role for p in first.parties] == [Role.SHIP_TO, Role.BILL_TO, Role.REMIT_TO]
    assert first.terms == "1/15 NET 30"
    assert first.lines[0] == InvoiceLine(
        item=ItemIds(gtin="002840022222", description="CRUNCHY CHIPS LSS"),
        quantity_invoiced=Decimal(16),
        uom="CA",
        unit_price=Decimal("12.34"),
        amount=Decimal("197.44"),
    )
    assert sum(line.amount or 0 for line in first.lines) == first.total_amount == Decimal("2554.38")


# -- writing -----------------------------------------------------------------------------


def test_writing_rows() -> None:
    body = Invoice(
        invoice_number="I1",
        invoice_date=date(2026, 11, 28),
        currency="USD",
        terms="2% 10 net 30",
        lines=[
            InvoiceLine(
                line_number="1",
                item=ItemIds(vendor_item="V"),
                quantity_invoiced=Decimal(2),
                uom="EA",
                unit_price=Decimal("1.25"),
                amount=Decimal("2.50"),
            ),
            InvoiceLine(line_number="2", amount=Decimal("9.99")),
        ],
        charges=[
            Charge(type="C310", amount=Decimal("-1.5")),
            Charge(type="Fuel extra", amount=Decimal(2)),
        ],
        tax_total=Decimal("0.8"),
        total_amount=Decimal("13.79"),
    )
    assert write(body) == [
        ["BIG", "20261128", "I1", "", ""],
        ["CUR", "SE", "USD"],
        ["ITD", "01", "3", "2", "", "10", "", "30"],
        ["IT1", "1", "2", "EA", "1.25", "", "VP", "V"],
        ["IT1", "2", "", "", "", ""],
        ["PAM", "", "", "", "1", "9.99"],
        ["TDS", "1379"],
        ["TXI", "TX", "0.8"],
        ["SAC", "A", "C310", "", "", "150"],
        ["SAC", "C", "", "ZZ", "Fuel extra", "200"],
        ["CTT", "2"],
    ]
    _, (back,), findings = round_trip(body, RenderOptions(version="005010"))
    assert findings == [] and back == body


def test_terms_that_are_not_the_structured_form_go_to_ITD12() -> None:
    body = Invoice(
        invoice_number="I",
        invoice_date=date(2026, 1, 1),
        terms="2% 10 days, net 30",
        total_amount=Decimal(0),
    )
    assert write(body)[1] == ["ITD", *[""] * 11, "2% 10 days, net 30"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (Invoice(invoice_number="I", total_amount=Decimal(1)), "invoice_date"),
        (Invoice(invoice_number="I", invoice_date=date(2026, 1, 1)), "total_amount"),
        (
            Invoice(
                invoice_number="I", invoice_date=date(2026, 1, 1), total_amount=Decimal("1.001")
            ),
            "decimals",
        ),
        (
            Invoice(
                invoice_number="I",
                invoice_date=date(2026, 1, 1),
                total_amount=Decimal(1),
                lines=[InvoiceLine(quantity_invoiced=Decimal(1), uom="EA")],
            ),
            "go together",
        ),
    ],
)
def test_what_the_810_cannot_carry_is_refused(body: Invoice, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        write(body)


# -- round trip ------------------------------------------------------------------------

AMOUNTS = decimals(9, 2, signed=True)  # N2 elements: at most two decimals


@st.composite
def invoice_lines(draw: st.DrawFn) -> InvoiceLine:
    """IT102-IT104 all or none; the amount is quantity × price unless a PAM carries another."""
    priced = draw(st.booleans())
    quantity = draw(decimals(7, 3)) if priced else None
    price = draw(decimals(9, 4, signed=True)) if priced else None
    computed = quantity * price if quantity is not None and price is not None else None
    amount = draw(maybe(decimals(9, 4, signed=True)))  # None: the computed amount, if any
    return InvoiceLine(
        line_number=draw(maybe(words(20))),
        item=draw(item_ids),
        quantity_invoiced=quantity,
        uom=draw(codes(r"[A-Z]{2}")) if priced else None,
        unit_price=price,
        amount=computed if amount is None else amount,
    )


CHARGE_TYPES = codes(r"[A-Z]{4}") | codes(r"[A-Z][A-Z0-9]{3}") | words(10)
INVOICES = st.builds(
    Invoice,
    invoice_number=words(22),
    invoice_date=dates,
    po_number=maybe(words(22)),
    currency=maybe(codes(r"[A-Z]{3}")),
    parties=st.lists(parties, max_size=3),
    terms=maybe(terms),
    lines=st.lists(invoice_lines(), max_size=4),
    charges=st.lists(
        st.builds(Charge, type=CHARGE_TYPES, amount=maybe(AMOUNTS), description=maybe(words(80))),
        max_size=3,
    ),
    tax_total=maybe(decimals(9, 3, signed=True)),
    total_amount=AMOUNTS,
)


@pytest.mark.parametrize("version", ["004010", "005010"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=INVOICES)
def test_round_trip_through_valid_x12(version: str, body: Invoice) -> None:
    edi, bodies, findings = round_trip(body, RenderOptions(version=version))
    assert findings == [], f"the 810 we write must validate:\n{edi}"
    assert bodies == [body]
