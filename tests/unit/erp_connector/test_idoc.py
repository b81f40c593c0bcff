"""IDoc XML: well-formed, the expected segments and values per kind, and read back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from erp_connector import build_idoc, read_idoc
from erp_connector.idoc import docnum
from gateway.canonical import (
    BODY_TYPES,
    Charge,
    Invoice,
    InvoiceLine,
    Kind,
    OrderLine,
    OrderTotals,
    PurchaseOrder,
    Purpose,
    from_dict,
)
from gateway.domain.delivery import DeliveryRejected
from tests.strategies import codes, dates, decimals, item_ids, maybe, parties, words

from .samples import document, invoice, po_acknowledgement, purchase_order, ship_notice

AT = datetime(2026, 11, 28, 9, 15, 42, tzinfo=UTC)


def parse(document: dict[str, Any]) -> etree._Element:
    return etree.fromstring(build_idoc(document, created_at=AT))


def texts(root: etree._Element, path: str) -> list[str]:
    return [str(value) for value in root.xpath(f"{path}/text()")]


def test_control_record() -> None:
    doc = purchase_order()
    root = parse(doc)
    assert root.tag == "ORDERS05"
    control = root.find("IDOC/EDI_DC40")
    assert control is not None and control.get("SEGMENT") == "1"
    fields = {child.tag: child.text for child in control}
    assert fields["IDOCTYP"] == "ORDERS05" and fields["MESTYP"] == "ORDERS"
    assert fields["SNDPRN"] == "widgetworks" and fields["SNDPRT"] == "KU"
    assert fields["DOCNUM"] == docnum(doc["meta"]["document_id"])
    assert len(fields["DOCNUM"]) == 16 and fields["DOCNUM"].isdigit()
    assert fields["ARCKEY"] == doc["meta"]["document_id"]
    assert (fields["CREDAT"], fields["CRETIM"]) == ("20261128", "091542")
    assert (fields["REFINT"], fields["REFGRP"], fields["REFMES"]) == ("000000123", "45", "0001")
    assert "TEST" not in fields


def test_purchase_order_segments() -> None:
    root = parse(purchase_order())
    idoc = "/ORDERS05/IDOC"
    assert texts(root, f"{idoc}/E1EDK01/CURCY") == ["EUR"]
    assert texts(root, f"{idoc}/E1EDK14[QUALF='012']/ORGID") == ["SA"]
    assert texts(root, f"{idoc}/E1EDK03[IDDAT='002']/DATUM") == ["20261201"]
    assert texts(root, f"{idoc}/E1EDKA1/PARVW") == ["AG", "LF"]
    assert texts(root, f"{idoc}/E1EDKA1[PARVW='AG']/ILNNR") == ["4012345000009"]
    assert texts(root, f"{idoc}/E1EDKA1[PARVW='AG']/E1EDKA3[QUALP='duns']/STDPN") == ["123456789"]
    assert texts(root, f"{idoc}/E1EDKA1[PARVW='AG']/STRS2") == ["Gate 4"]
    assert texts(root, f"{idoc}/E1EDK02[QUALF='001']/BELNR") == ["PO-4711"]
    assert texts(root, f"{idoc}/E1EDK18/ZTERM_TXT") == ["net 30"]
    assert texts(root, f"{idoc}/E1EDP01/POSEX") == ["1", "2"]
    assert texts(root, f"{idoc}/E1EDP01/MENGE") == ["12", "0.250"]  # exactly as in the JSON
    assert texts(root, f"{idoc}/E1EDP01/MENEE") == ["EA", "KG"]
    assert texts(root, f"{idoc}/E1EDP01/VPREI") == ["10.50", "1999.9900"]
    assert texts(root, f"{idoc}/E1EDP01[1]/E1EDP19/QUALF") == ["001", "002", "003"]
    assert texts(root, f"{idoc}/E1EDP01[1]/E1EDP19/IDTNR") == ["ACME-1", "WW-77", "04012345000016"]
    assert texts(root, f"{idoc}/E1EDP01[1]/E1EDPT1/E1EDPT2/TDLINE") == ["Blue widget"]
    assert texts(root, f"{idoc}/E1EDP01[1]/E1EDP20/EDATU") == ["20261202"]
    assert texts(root, f"{idoc}/E1EDS01/SUMID") == ["001", "002", "003"]
    assert texts(root, f"{idoc}/E1EDS01/SUMME") == ["2", "626.00", "12.250"]
    order = [child.tag for child in root.find("IDOC")]  # type: ignore[union-attr]
    assert order.index("E1EDK01") < order.index("E1EDKA1") < order.index("E1EDP01")
    assert order[-1] == "E1EDS01"


def test_po_acknowledgement_is_an_ordrsp() -> None:
    root = parse(po_acknowledgement())
    assert texts(root, "//EDI_DC40/MESTYP") == ["ORDRSP"]
    assert texts(root, "//EDI_DC40/SNDPRT") == ["LI"]
    assert texts(root, "/ORDERS05/IDOC/E1EDK01/ACTION") == ["002"]
    assert texts(root, "//E1EDK03[IDDAT='012']/DATUM") == ["20261121"]
    assert texts(root, "//E1EDP01/ACTION") == ["000", "Z01"]
    assert texts(root, "//E1EDP01[2]/E1EDP20/EDATU") == ["20261209"]


def test_ship_notice_is_a_desadv_with_packs() -> None:
    root = parse(ship_notice())
    assert root.tag == "DESADV01"
    assert texts(root, "//E1EDK07/VBELN") == ["ASN-900"]
    assert texts(root, "//E1EDK07/BOLNR") == ["BOL-55"]
    assert texts(root, "//E1EDK03[IDDAT='011']/DATUM") == ["20261125"]
    assert texts(root, "//E1EDK03[IDDAT='011']/UZEIT") == ["163000"]
    assert texts(root, "//E1EDKA1[PARVW='SP']/PARTN") == ["DHLX"]
    assert texts(root, "//E1EDP07/BSTNR") == ["PO-4711", "PO-4712"]
    assert texts(root, "//E1EDP07[1]/E1EDL37/EXIDV") == ["003456789012345678", "003456789012345685"]
    assert texts(root, "//E1EDL37/E1EDP09/LFIMG") == ["10", "2"]
    assert texts(root, "//E1EDL37/E1EDP09/CHARG") == ["L-1", "L-2"]
    assert texts(root, "//E1EDL37[1]/E1EDP09/VFDAT") == ["20270630"]
    assert texts(root, "//E1EDP07[2]/E1EDP09/LFIMG") == ["1.5"]  # no pack level


def test_invoice_segments() -> None:
    root = parse(invoice())
    assert root.tag == "INVOIC02"
    assert texts(root, "//E1EDK02[QUALF='009']/BELNR") == ["INV-1"]
    assert texts(root, "//E1EDK02[QUALF='009']/DATUM") == ["20261126"]
    assert texts(root, "//E1EDK02[QUALF='001']/BELNR") == ["PO-4711"]
    assert texts(root, "//E1EDK05/BETRG") == ["15.00", "-5.00"]
    assert texts(root, "//E1EDP01/NETWR") == ["126.00"]
    assert texts(root, "//E1EDS01[SUMID='005']/SUMME") == ["25.20"]
    assert texts(root, "//E1EDS01[SUMID='011']/SUMME") == ["161.20"]


@pytest.mark.parametrize("make", [purchase_order, po_acknowledgement, ship_notice, invoice])
def test_samples_read_back_to_the_same_body(make: Any) -> None:
    doc = make()
    read = read_idoc(build_idoc(doc))
    assert read["kind"] == doc["meta"]["kind"]
    assert read["document_id"] == doc["meta"]["document_id"]
    assert read["partner_id"] == "widgetworks"
    body_type = BODY_TYPES[Kind(read["kind"])]
    assert from_dict(body_type, read["body"]) == from_dict(body_type, doc["body"])


def test_test_indicator_and_receiver() -> None:
    doc = invoice()
    doc["meta"]["test_indicator"] = True
    read = read_idoc(build_idoc(doc, receiver="S4H"))
    assert read["test"] is True
    assert read["control"]["RCVPRN"] == "S4H"


@pytest.mark.parametrize("kind", ["functional_ack", "receipt", "inventory_adjustment", None])
def test_kinds_without_an_idoc_type_are_rejected(kind: str | None) -> None:
    with pytest.raises(DeliveryRejected) as raised:
        build_idoc({"meta": {"kind": kind}, "body": {}})
    assert raised.value.code == "delivery.idoc.unsupported_kind"


def test_text_xml_cannot_carry_is_rejected() -> None:
    doc = invoice()
    doc["body"]["terms"] = "net\x0030"
    with pytest.raises(DeliveryRejected) as raised:
        build_idoc(doc)
    assert raised.value.code == "delivery.idoc.invalid_text"
    assert isinstance(raised.value.__cause__, ValueError)


def test_reader_refuses_what_it_does_not_know() -> None:
    with pytest.raises(ValueError, match="EDI_DC40"):
        read_idoc(b"<ORDERS05><IDOC/></ORDERS05>")
    unknown = build_idoc(invoice()).replace(b"<MESTYP>INVOIC<", b"<MESTYP>OTHER<")
    with pytest.raises(ValueError, match="unknown IDoc"):
        read_idoc(unknown)


# -- round-trip properties ---------------------------------------------------------

quantities = maybe(decimals(12, 4, signed=True))
amounts = maybe(decimals(13, 2, signed=True))
line_numbers = maybe(codes(r"[0-9]{1,6}"))
uoms = maybe(codes(r"[A-Z]{2,3}"))

purchase_orders = st.builds(
    PurchaseOrder,
    po_number=words(22),
    purpose=st.sampled_from(list(Purpose)),
    order_type=maybe(codes(r"[A-Z]{2}")),
    order_date=maybe(dates),
    currency=maybe(codes(r"[A-Z]{3}")),
    parties=st.lists(parties, max_size=3),
    requested_delivery_date=maybe(dates),
    requested_ship_date=maybe(dates),
    payment_terms=maybe(words(60)),
    lines=st.lists(
        st.builds(
            OrderLine,
            line_number=line_numbers,
            item=item_ids,
            quantity=quantities,
            uom=uoms,
            unit_price=amounts,
            requested_date=maybe(dates),
        ),
        max_size=6,
    ),
    totals=maybe(
        st.builds(
            OrderTotals,
            line_count=maybe(st.integers(0, 999_999)),
            quantity_total=quantities,
            amount_total=amounts,
        ).filter(lambda totals: totals != OrderTotals())
    ),
)

invoices = st.builds(
    Invoice,
    invoice_number=words(22),
    invoice_date=maybe(dates),
    po_number=maybe(words(22)),
    currency=maybe(codes(r"[A-Z]{3}")),
    parties=st.lists(parties, max_size=3),
    terms=maybe(words(60)),
    lines=st.lists(
        st.builds(
            InvoiceLine,
            line_number=line_numbers,
            item=item_ids,
            quantity_invoiced=quantities,
            uom=uoms,
            unit_price=amounts,
            amount=amounts,
        ),
        max_size=6,
    ),
    charges=st.lists(
        st.builds(Charge, type=words(20), amount=amounts, description=maybe(words(40))),
        max_size=3,
    ),
    tax_total=amounts,
    total_amount=amounts,
)


def narrowed(body: dict[str, Any]) -> dict[str, Any]:
    """What an IDoc carries of a body: the first two address lines of a party."""
    for party in body.get("parties", []):
        if "address" in party and "lines" in party["address"]:
            party["address"]["lines"] = party["address"]["lines"][:2]
    return body


@settings(max_examples=100)
@given(st.one_of(purchase_orders, invoices))
def test_idoc_round_trip_keeps_every_number(body: PurchaseOrder | Invoice) -> None:
    doc = document(body)
    read = read_idoc(build_idoc(doc))["body"]
    # numbers first, as strings: "1.50" must come back "1.50", not "1.5"
    quantity = "quantity" if isinstance(body, PurchaseOrder) else "quantity_invoiced"
    for field in (quantity, "unit_price", "amount", "line_number", "uom", "item"):
        expected = [line.get(field) for line in doc["body"]["lines"]]
        assert [
            line.get(field, {} if field == "item" else None) for line in read.get("lines", [])
        ] == expected
    for field in ("tax_total", "total_amount", "totals"):
        assert read.get(field) == doc["body"].get(field)
    assert [c.get("amount") for c in read.get("charges", [])] == [
        c.get("amount") for c in doc["body"].get("charges", [])
    ]
    # then everything else the layout carries
    assert from_dict(type(body), read) == from_dict(type(body), narrowed(doc["body"]))
