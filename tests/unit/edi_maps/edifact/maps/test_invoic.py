"""INVOIC ↔ invoice: each reading rule on hand-written EDIFACT, the samples, and
canonical → INVOIC text → the same canonical for D96A and D01B."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi_maps.edifact.maps.base import MappingError, ReadContext, Row, WriteContext
from edi_maps.edifact.maps.invoic import INVOIC_MAP
from edi_maps.edifact.service import ServiceChars
from gateway.canonical import (
    Charge,
    Invoice,
    InvoiceLine,
    ItemIds,
    Party,
    Role,
    ShipNotice,
)
from tests.conftest import requires_samples, sample_files, sample_id

# EDIFACT-sized parties, item ids and texts (with service characters to release)
from tests.edifact_maps import ITEM_IDS, PARTIES, findings, texts
from tests.edifact_rows import messages, read_back, to_text
from tests.strategies import codes, dates, decimals, maybe, terms

HEAD = "UNB+UNOC:3+SUPPLIER:14+CROSSDOCK:14+261128:1200+1'\nUNH+1+INVOIC:D:96A:UN:EAN008'\n"


def read(*segments: str, head: str = HEAD) -> Any:
    """The invoice of one INVOIC whose segments between UNH and UNT are given."""
    body = "".join(f"{segment}'\n" for segment in segments)
    text = f"{head}{body}UNT+{len(segments) + 2}+1'\nUNZ+1+1'\n"
    (message,) = messages(text.encode("latin-1"))
    return INVOIC_MAP.read(message.rows, ReadContext(message.chars, message.version))


BGM, DTM = "BGM+380+INV-1+9", "DTM+137:20261128:102"


# -- reading -----------------------------------------------------------------------------


def test_an_EANCOM_invoice_with_every_field() -> None:
    """Header allowances and charges are the invoice's (the line's ALC is in its
    amount); the summary's MOA 176 is the tax total (its TAX group repeats it)."""
    body = read(
        BGM,
        DTM,
        "FTX+AAB+++PAY TO IBAN DE00 1234",
        "RFF+ON:PO-77",
        "DTM+171:20261101:102",
        "NAD+IV+5412345000013::9++ACME STORES",
        "RFF+VA:NOT-THE-PO",
        "NAD+SU+123456789::16++WIDGET CO",
        "CUX+2:EUR:4+3:USD:11",
        "PAT+22++5:3:D:10",
        "PCD+12:2",
        "PAT+1++5:3:D:30",
        "ALC+A++++DI::9:VOLUME DISCOUNT",
        "MOA+8:12.50",
        "TAX+7+VAT+++:::19+S",
        "ALC+C++++FC",
        "MOA+8:20",
        "LIN+1++5412345111115:SRV",
        "PIA+1+V-1:SA",
        "IMD+F++:::BLUE WIDGET",
        "QTY+47:24:PCE",
        "QTY+12:24:PCE",
        "MOA+203:240",
        "PRI+AAA:10",
        "TAX+7+VAT+++:::19+S",
        "MOA+124:45.60",
        "ALC+A++++DI",
        "MOA+8:5",
        "UNS+S",
        "MOA+77:293.10",
        "MOA+79:240",
        "MOA+176:45.60",
        "TAX+7+VAT+++:::19+S",
        "MOA+124:45.60",
    )
    assert body == Invoice(
        invoice_number="INV-1",
        invoice_date=date(2026, 11, 28),
        po_number="PO-77",
        currency="EUR",
        parties=[
            Party(role=Role.BILL_TO, name="ACME STORES", identifiers={"gln": "5412345000013"}),
            Party(role=Role.SUPPLIER, name="WIDGET CO", identifiers={"duns": "123456789"}),
        ],
        terms="2% 10 net 30; PAY TO IBAN DE00 1234",
        lines=[
            InvoiceLine(
                line_number="1",
                item=ItemIds(vendor_item="V-1", gtin="5412345111115", description="BLUE WIDGET"),
                quantity_invoiced=Decimal(24),
                uom="PCE",
                unit_price=Decimal(10),
                amount=Decimal(240),
            )
        ],
        charges=[
            Charge(type="DI", amount=Decimal("-12.50"), description="VOLUME DISCOUNT"),
            Charge(type="FC", amount=Decimal(20)),
        ],
        tax_total=Decimal("45.60"),
        total_amount=Decimal("293.10"),
    )


@pytest.mark.parametrize("code", ["381", "83", "262"])
def test_a_credit_note_is_refused_as_the_contract_cannot_tell_it_from_an_invoice(
    code: str,
) -> None:
    with pytest.raises(MappingError, match="credit note"):
        read(f"BGM+{code}+CN-1+9", DTM)


def test_line_fallbacks_quantity_price_basis_and_computed_amount() -> None:
    """No QTY 47: the delivered (46), else despatched (12) quantity; a price per 10
    units (5284) is divided; a line without MOA is quantity × price; MOA 66 (goods
    item total) counts as the line amount."""
    body = read(
        BGM,
        DTM,
        "LIN+1",
        "QTY+12:3:PCE",
        "PRI+AAB:25:CT::10:PCE",
        "LIN+2",
        "QTY+46:2",
        "QTY+12:9",
        "MOA+66:7.5",
        "PRI+INV:4",
        "UNS+S",
        "MOA+86:15",
    )
    assert body.lines == [
        InvoiceLine(
            line_number="1",
            quantity_invoiced=Decimal(3),
            uom="PCE",
            unit_price=Decimal("2.5"),
            amount=Decimal("7.5"),
        ),
        InvoiceLine(
            line_number="2", quantity_invoiced=Decimal(2), unit_price=Decimal(4),
            amount=Decimal("7.5"),
        ),
    ]  # fmt: skip
    assert body.total_amount == Decimal(15)


def test_header_dates_references_and_currency_fallbacks() -> None:
    """DTM 3 (invoice date) without DTM 137; RFF CO (customer order number) without
    ON; the first currency when none is the invoicing currency (6343 4)."""
    body = read("BGM+380+INV-2", "DTM+3:20260115:102", "RFF+CO:PO-9", "CUX+1:USD")
    assert (body.invoice_date, body.po_number, body.currency) == (date(2026, 1, 15), "PO-9", "USD")


def test_charges_come_from_the_summary_when_the_header_has_none() -> None:
    """The summary's ALC groups (SG51) are read, the lines' ones are then ignored."""
    body = read(
        BGM, DTM, "LIN+1", "ALC+C++++FC", "MOA+8:5", "UNS+S", "MOA+77:10", "ALC+C+ABG",
        "MOA+131:5",
    )  # fmt: skip
    assert body.charges == [Charge(type="ABG", amount=Decimal(5))]  # C552 1230 names it


def test_charges_come_from_the_lines_when_neither_header_nor_summary_has_any() -> None:
    """Untyped charges are named by their text, else "allowance"/"charge"; an
    allowance is negative; a charge keeps the sign it was sent with."""
    body = read(
        BGM,
        DTM,
        "LIN+1",
        "ALC+C",
        "MOA+23:13.6",
        "ALC+A++++:::PALLET RETURN",
        "MOA+204:2",
        "LIN+2",
        "ALC+C++++RAD",
        "MOA+8:-75",
        "ALC+N++++XYZ",  # no allowance or charge: no money
        "ALC+A+:DI",  # C552 5189 names it
    )
    assert body.charges == [
        Charge(type="charge", amount=Decimal("13.6")),
        Charge(type="PALLET RETURN", amount=Decimal(-2)),
        Charge(type="RAD", amount=Decimal(-75)),
        Charge(type="DI"),
    ]


@pytest.mark.parametrize(
    ("summary", "tax"),
    [
        (["MOA+124:7"], Decimal(7)),  # the summary's own tax amount
        (["TAX+7+VAT+++:::19+S", "MOA+124:5", "MOA+125:26", "TAX+7+VAT+++:::7+S", "MOA+124:1"],
         Decimal(6)),  # the summary's TAX groups added
        ([], Decimal("3.5")),  # the lines' TAX groups added
    ],
)  # fmt: skip
def test_tax_total_fallbacks(summary: list[str], tax: Decimal) -> None:
    line_tax = ["TAX+7+VAT+++:::19+S", "MOA+124:1.5", "ALC+C++++FC", "TAX+7+VAT", "MOA+124:9"]
    body = read(BGM, DTM, "LIN+1", *line_tax, "LIN+2", "TAX+7+VAT", "MOA+124:2", "UNS+S",
                *summary)  # fmt: skip
    assert body.tax_total == tax


@pytest.mark.parametrize("qualifier", ["77", "86", "39", "388", "128", "9"])
def test_total_amount_qualifiers(qualifier: str) -> None:
    """MOA 79 (the lines' total) is never the invoice's total."""
    body = read(BGM, DTM, "UNS+S", "MOA+79:1", f"MOA+{qualifier}:12.34")
    assert body.total_amount == Decimal("12.34")


def test_terms_as_a_text_in_PAT_and_several_discounts() -> None:
    body = read(BGM, DTM, "PAT+1+:::NET 30 DAYS", "PAT+22++5:3:D:30", "PCD+12:5",
                "PAT+22++5:3:D:60", "PCD+12:10.00")  # fmt: skip
    assert body.terms == "NET 30 DAYS 5% 30 10% 60"


def test_decimal_comma_of_the_UNA() -> None:
    head = "UNA:+,? '\n" + HEAD
    body = read(BGM, DTM, "LIN+1", "QTY+47:1,5", "PRI+AAA:2,25", "UNS+S", "MOA+77:3,375",
                head=head)  # fmt: skip
    assert body.lines[0].amount == Decimal("3.375")
    assert body.total_amount == Decimal("3.375")


def test_without_an_invoice_number_there_is_nothing_to_map() -> None:
    with pytest.raises(MappingError, match="BGM"):
        read("BGM+380", DTM)


# -- samples ---------------------------------------------------------------------------

# What a sample message cannot give, and why.
UNMAPPABLE = {
    "edifact/INVOIC/edinet__edifact.Issue188.edi": "invoice number",  # INVOICs without BGM
    "edifact/INVOIC/staedi__invoic_d97b_bad.edi": "not a number",  # QTY 1020A, PRI $1.179
}


def sample_messages(path: Path) -> list[Any]:
    """The INVOIC messages of a sample file (other types, e.g. IFTMIN, skipped)."""
    return [m for m in messages(path.read_bytes()) if m.message_type == "INVOIC"]


def read_message(message: Any) -> Any:
    context = ReadContext(message.chars, message.version, message.association)
    return INVOIC_MAP.read(message.rows, context)


@requires_samples
@pytest.mark.parametrize("path", sample_files("edifact/INVOIC/*"), ids=sample_id)
def test_every_INVOIC_sample_maps_or_fails_for_its_stated_reason(path: Path) -> None:
    found = sample_messages(path)
    assert found, "each sample holds at least one INVOIC"
    reason = UNMAPPABLE.get(sample_id(path))
    for message in found:
        if reason is None:
            assert isinstance(read_message(message), Invoice)
        else:
            with pytest.raises(MappingError, match=reason):
                read_message(message)


def only(name: str) -> Any:
    (path,) = sample_files(f"edifact/INVOIC/{name}")
    bodies = [read_message(m) for m in sample_messages(path)]
    assert all(body == bodies[0] for body in bodies)
    return bodies[0]


@requires_samples
def test_the_bots_EAN008_sample_field_by_field() -> None:
    """bots' invoic01 (two identical messages): BGM 1001 with components; DTM XXX
    without a value ignored; NAD UC has no role; CUX invoicing currency; two
    discount PATs; the header's ALCs (so not the lines'); summary MOA 77 and 176."""
    body = only("bots__invoic01.edi")
    assert (body.invoice_number, body.invoice_date, body.po_number, body.currency) == (
        "XML003",
        date(2005, 8, 29),
        "4500094576",
        "EUR",
    )
    assert [p.role for p in body.parties] == [
        Role.BILL_TO, Role.BUYER, Role.SHIP_TO, Role.SUPPLIER
    ]  # fmt: skip
    assert body.terms == "5% 30 10% 60"
    assert body.charges == [
        Charge(type="ABH", amount=Decimal(-600)),
        Charge(type="ADO", amount=Decimal(250)),
    ]
    assert body.lines[1] == InvoiceLine(
        line_number="2",
        item=ItemIds(gtin="8709876543210"),
        quantity_invoiced=Decimal(1),
        unit_price=Decimal("6.5"),
        amount=Decimal("6.5"),
    )
    assert (body.tax_total, body.total_amount) == (Decimal("45.7"), Decimal("286.2"))


@requires_samples
def test_the_staedi_D93A_sample_with_a_decimal_comma() -> None:
    """D93A, UNA decimal comma: DTM 3 the invoice date; names in C058 (unstructured);
    LIN ids without a type (no ids); MOA 66 line amounts; the summary's MOA 124 and
    128 (total amount) as tax and total."""
    body = only("staedi__invoic_d93a_una.edi")
    assert (body.invoice_number, body.invoice_date, body.po_number) == (
        "9908001", date(1999, 8, 2), "O0010001"
    )  # fmt: skip
    assert [p.name for p in body.parties] == ["Fahrradhandel Pedal", "Huber GmbH"]
    assert body.lines[1] == InvoiceLine(
        line_number="2",
        item=ItemIds(description="Luftpumpe, Stand-"),
        quantity_invoiced=Decimal(1),
        uom="PCE",
        unit_price=Decimal("19.9"),
        amount=Decimal("19.9"),
    )
    assert (body.tax_total, body.total_amount) == (Decimal("124.38"), Decimal("901.78"))


@requires_samples
def test_the_smooks_D03B_sample_field_by_field() -> None:
    """D03B: RFF CO the order; a released apostrophe in IMD; an ALC without any type
    on a line (no header or summary ALC); a line amount qualifier (106) we do not
    read, so quantity × price; tax from the summary's two TAX groups; MOA 86."""
    body = only("smooks__INVOIC_D.03B_Interchange_with_UNA.edi")
    assert (body.invoice_number, body.po_number, body.currency) == ("539602", "01671727", None)
    assert body.lines[0].item.description == (
        "Collectors edition of The Hobbit with Tolkien's original colours on sleeve"
    )
    assert [(line.unit_price, line.amount) for line in body.lines] == [
        (Decimal("9.83"), Decimal("49.15")),
        (Decimal(25), Decimal(50)),
    ]
    assert body.charges == [Charge(type="charge", amount=Decimal("13.6"))]
    assert (body.tax_total, body.total_amount) == (Decimal("612.18"), Decimal(362))


@requires_samples
def test_the_edifabric_D00A_samples_field_by_field() -> None:
    """D00A (every edifabric variant reads the same): BGM C106; no header RFF (the
    RFF VA belong to parties); a QTY 12 only; PAT 1 with a percent but no period
    (no terms text); a NAD inside the line group is not the invoice's party."""
    variants = ("Group", "EscapedRepetition", "EscapedSegmentTerminator", "NonDefaultSeparators",
                "MissingInterchangeTrailer")  # fmt: skip
    for name in variants:
        body = only(f"edifabric__Edifact_INVOIC_D00A_{name}.edi")
        assert (body.invoice_number, body.po_number, body.currency, body.terms) == (
            "12345678", None, "DEM", None
        )  # fmt: skip
        assert [p.role for p in body.parties] == [Role.BUYER, Role.SELLER]
        assert body.lines == [
            InvoiceLine(
                line_number="1",
                item=ItemIds(buyer_item="7505", vendor_item="2231", description="Seal"),
                quantity_invoiced=Decimal(100),
                uom="PCE",
                amount=Decimal(100),
            )
        ]
        assert (body.tax_total, body.total_amount) == (Decimal("16.00"), Decimal("116.00"))


@requires_samples
def test_the_staedi_D97B_sample_with_its_own_service_characters() -> None:
    """UNA=*.? ~: DTM 3; the first currency (no 6343); a summary ALC whose only name
    is C552 1230; MOA 39 (invoice total amount)."""
    body = only("staedi__invoic_d97b_una.edi")
    assert (body.invoice_date, body.currency) == (date(2006, 5, 15), "USD")
    assert body.parties[0] == Party(
        role=Role.BUYER, name="CUMMINS MID-RANGE ENGINE PLANT", identifiers={"duns": "792820524"}
    )
    assert body.charges == [Charge(type="ABG", amount=Decimal(525))]
    assert body.total_amount == Decimal("2137.58")


# -- writing -----------------------------------------------------------------------------


def write(body: Any, version: str = "D96A") -> list[Row]:
    return INVOIC_MAP.write(body, WriteContext(version))


def test_writing_every_field() -> None:
    body = Invoice(
        invoice_number="INV-1",
        invoice_date=date(2026, 11, 28),
        po_number="PO-77",
        currency="EUR",
        parties=[Party(role=Role.BILL_TO, identifiers={"gln": "5412345000013"})],
        terms="2% 10 net 30",
        lines=[
            InvoiceLine(
                line_number="1",
                item=ItemIds(gtin="5412345111115"),
                quantity_invoiced=Decimal(24),
                uom="PCE",
                unit_price=Decimal(10),
                amount=Decimal(240),
            )
        ],
        charges=[
            Charge(type="DI", amount=Decimal("-12.50"), description="VOLUME DISCOUNT"),
            Charge(type="freight to the door", amount=Decimal(20)),
            Charge(type="charge"),
        ],
        tax_total=Decimal("45.60"),
        total_amount=Decimal("293.10"),
    )
    assert to_text(write(body)).splitlines() == [
        "BGM+380+INV-1+9'",
        "DTM+137:20261128:102'",
        "RFF+ON:PO-77'",
        "NAD+IV+5412345000013::9'",
        "CUX+2:EUR:4'",
        "PAT+22++5:3:D:10'",
        "PCD+12:2'",
        "PAT+1++5:3:D:30'",
        "ALC+A++++DI:::VOLUME DISCOUNT'",
        "MOA+8:12.50'",
        "ALC+C++++:::freight to the door'",
        "MOA+8:20'",
        "ALC+C'",
        "LIN+1++5412345111115:EN'",  # D96A's 7143 has EN for a GTIN (SRV from D01B)
        "QTY+47:24:PCE'",
        "MOA+203:240'",
        "PRI+AAA:10'",
        "UNS+S'",
        "MOA+77:293.10'",
        "MOA+176:45.60'",
    ]
    assert round_trip(body) == body


def test_terms_that_are_no_PAT_shape_are_free_text() -> None:
    body = Invoice(
        invoice_number="I",
        invoice_date=date(2026, 1, 1),
        terms="2% 10 days, net 30",
        total_amount=Decimal(0),
    )
    assert write(body)[2] == [["FTX"], ["AAB"], [""], [""], ["2% 10 days, net 30"]]
    assert round_trip(body) == body


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (Invoice(invoice_number="I", total_amount=Decimal(1)), "invoice_date"),
        (Invoice(invoice_number="I", invoice_date=date(2026, 1, 1)), "total_amount"),
        (
            Invoice(
                invoice_number="I", invoice_date=date(2026, 1, 1), total_amount=Decimal(1),
                lines=[InvoiceLine(uom="EA")],
            ),
            "quantity_invoiced",
        ),
        (
            Invoice(
                invoice_number="I", invoice_date=date(2026, 1, 1), total_amount=Decimal(1),
                charges=[Charge(type="freight", description="to the door")],
            ),
            "no room for a description",
        ),
        (
            Invoice(
                invoice_number="I", invoice_date=date(2026, 1, 1), total_amount=Decimal(1),
                charges=[Charge(type="FC", description="x" * 71)],
            ),
            "does not fit",
        ),
        (ShipNotice(asn_number="A"), "invoice"),
    ],
)  # fmt: skip
def test_what_an_INVOIC_cannot_carry_is_refused(body: Any, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        write(body)


# -- round trip ------------------------------------------------------------------------


def round_trip(body: Invoice, version: str = "D96A") -> Any:
    """``body`` written, as text, read back (through release characters)."""
    identifier = ["INVOIC", version[0], version[1:], "UN"]
    rows = [[["UNH"], ["1"], identifier], *write(body, version), [["UNT"], ["9"], ["1"]]]
    return INVOIC_MAP.read(read_back(rows), ReadContext(ServiceChars.level_a(), version))


@st.composite
def invoice_lines(draw: st.DrawFn) -> InvoiceLine:
    """The amount is quantity × price unless a MOA 203 says otherwise (reading
    computes it when there is none)."""
    quantity = draw(maybe(decimals(9, 3)))
    price = draw(maybe(decimals(9, 4, signed=True)))
    computed = quantity * price if quantity is not None and price is not None else None
    amount = draw(maybe(decimals(11, 4, signed=True)))
    return InvoiceLine(
        line_number=draw(maybe(codes(r"[0-9]{1,6}"))),
        item=draw(ITEM_IDS),
        quantity_invoiced=quantity,
        uom=None if quantity is None else draw(maybe(codes(r"[A-Z0-9]{2,3}"))),
        unit_price=price,
        amount=computed if amount is None else amount,
    )


def is_code(text: str) -> bool:
    """Whether ``text`` fits C214 7161 (an..3), where the writer puts a code."""
    return len(text) <= 3 and text.isalnum() and text.upper() == text


AMOUNTS = decimals(11, 2, signed=True)
# A 7161 code with its description, a text that is the charge's name, or no name.
CHARGES = (
    st.builds(
        Charge, type=codes(r"[A-Z0-9]{1,3}"), amount=maybe(AMOUNTS), description=maybe(texts(70))
    )
    | st.builds(Charge, type=texts(70).filter(lambda t: not is_code(t)), amount=maybe(AMOUNTS))
    | st.builds(Charge, type=st.sampled_from(["allowance", "charge"]), amount=maybe(AMOUNTS))
)


INVOICES = st.builds(
    Invoice,
    invoice_number=texts(35),
    invoice_date=dates,
    po_number=maybe(texts(35)),
    currency=maybe(codes(r"[A-Z]{3}")),
    parties=st.lists(PARTIES, max_size=3),
    terms=maybe(terms),
    lines=st.lists(invoice_lines(), max_size=4),
    charges=st.lists(CHARGES, max_size=3),
    tax_total=maybe(AMOUNTS),
    total_amount=AMOUNTS,
)


@pytest.mark.parametrize("version", ["D96A", "D01B"])
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=INVOICES)
def test_round_trip_through_INVOIC_text(version: str, body: Invoice) -> None:
    assert round_trip(body, version) == body


@pytest.mark.parametrize("version", ["D96A", "D01B"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=INVOICES)
def test_what_is_written_validates(version: str, body: Invoice) -> None:
    rows = write(body, version)
    assert findings(f"INVOIC:D:{version[1:]}:UN", rows) == [], to_text(rows)
