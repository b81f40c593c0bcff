"""IDoc XML intake: kind from IDOCTYP/MESTYP, number from the header, a locked parser."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from erp_connector.sandbox.idoc import IdocRefused, parse_idoc
from tests.unit.erp_connector.sandbox.conftest import FIXTURES, key

XML = {"Content-Type": "application/xml"}


def _idoc(idoc_type: str, message_type: str, segments: str) -> bytes:
    """A minimal IDoc: control record, then ``segments`` as given."""
    control = f"<EDI_DC40><IDOCTYP>{idoc_type}</IDOCTYP><MESTYP>{message_type}</MESTYP></EDI_DC40>"
    return f"<{idoc_type}><IDOC BEGIN='1'>{control}{segments}</IDOC></{idoc_type}>".encode()


@pytest.mark.parametrize(
    ("fixture", "kind", "number", "partner"),
    [
        ("orders05.xml", "purchase_order", "4500012345", "ACMESUPPLY"),
        ("ordrsp_orders05.xml", "po_acknowledgement", "4500012345", "ACMESUPPLY"),
        ("desadv01.xml", "ship_notice", "ASN-77001", "NORDFROST"),
        ("invoic02.xml", "invoice", "INV-2026-0042", "ACMESUPPLY"),
    ],
)
def test_each_idoc_type_becomes_a_record_of_its_kind(
    client: TestClient, fixture: str, kind: str, number: str, partner: str
) -> None:
    answer = client.post(
        "/erp/idoc", content=(FIXTURES / fixture).read_bytes(), headers={**XML, **key(fixture)}
    )

    assert answer.status_code == 201, answer.json()
    record = client.get(f"/erp/documents/{kind}/{answer.json()['id']}").json()
    assert (record["business_number"], record["partner_id"]) == (number, partner)
    assert record["body"]["format"] == "idoc"
    assert record["body"]["control"]["SNDPRN"] == partner


def test_segments_keep_their_fields_and_children_in_order() -> None:
    idoc = parse_idoc((FIXTURES / "orders05.xml").read_bytes())

    header, item = idoc.body["segments"]
    assert header == {"segment": "E1EDK01", "fields": {"CURCY": "USD", "BELNR": "4500012345"}}
    assert item["fields"] == {"POSEX": "000010", "MENGE": "12.000", "MENEE": "EA"}
    assert item["children"] == [
        {"segment": "E1EDP19", "fields": {"QUALF": "001", "IDTNR": "SKU-1001"}}
    ]
    assert (idoc.body["idoctyp"], idoc.body["mestyp"]) == ("ORDERS05", "ORDERS")


@pytest.mark.parametrize(
    ("header", "number"),
    [
        ("<E1EDK02 SEGMENT='1'><QUALF>001</QUALF><BELNR>PO-7</BELNR></E1EDK02>", "PO-7"),
        ("<E1EDK02><QUALF>002</QUALF><BELNR>X</BELNR></E1EDK02>", None),
    ],
)
def test_an_order_number_may_sit_in_E1EDK02_qualifier_001(header: str, number: str | None) -> None:
    xml = _idoc("ORDERS05", "ORDERS", header)

    if number is None:
        with pytest.raises(IdocRefused, match="business number"):
            parse_idoc(xml)
    else:
        assert parse_idoc(xml).business_number == number


def test_a_delivery_number_may_sit_in_E1EDK07() -> None:
    idoc = parse_idoc(_idoc("DESADV01", "DESADV", "<E1EDK07><VBELN>80001</VBELN></E1EDK07>"))

    assert (idoc.kind, idoc.business_number) == ("ship_notice", "80001")


def test_a_repeated_idoc_key_is_a_duplicate(client: TestClient) -> None:
    data = (FIXTURES / "invoic02.xml").read_bytes()
    first = client.post("/wms/idoc", content=data, headers={**XML, **key("idoc-1")})
    again = client.post("/wms/idoc", content=data, headers={**XML, **key("idoc-1")})

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == {"id": first.json()["id"], "duplicate": True}


def test_an_idoc_needs_a_key_and_an_xml_content_type(client: TestClient) -> None:
    data = (FIXTURES / "orders05.xml").read_bytes()

    assert client.post("/erp/idoc", content=data, headers=XML).status_code == 400
    wrong_type = {**key("k"), "Content-Type": "application/json"}
    assert client.post("/erp/idoc", content=data, headers=wrong_type).status_code == 415
    text_xml = {**key("k"), "Content-Type": "text/xml; charset=utf-8"}
    assert client.post("/erp/idoc", content=data, headers=text_xml).status_code == 201


@pytest.mark.parametrize(
    ("xml", "why"),
    [
        (b"<ORDERS05><IDOC>", "well-formed"),
        (b"<ORDERS06><IDOC><EDI_DC40/></IDOC></ORDERS06>", "IDOCTYP"),
        (
            _idoc("ORDERS05", "ORDERS", "").replace(b"<IDOCTYP>ORDERS05", b"<IDOCTYP>INVOIC02"),
            "IDOCTYP",
        ),
        (b"<ORDERS05><IDOC><E1EDK01><BELNR>1</BELNR></E1EDK01></IDOC></ORDERS05>", "EDI_DC40"),
        (_idoc("INVOIC02", "INVOIC", "<E1EDK01><CURCY>EUR</CURCY></E1EDK01>"), "business number"),
        (
            b'<?xml version="1.0"?><!DOCTYPE ORDERS05 [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            + _idoc("ORDERS05", "ORDERS", "<E1EDK01><BELNR>&x;</BELNR></E1EDK01>"),
            "DTD",
        ),
    ],
    ids=["truncated", "unknown-type", "type-mismatch", "no-control", "no-number", "xxe"],
)
def test_xml_that_is_not_an_idoc_we_take_is_422(client: TestClient, xml: bytes, why: str) -> None:
    answer = client.post("/erp/idoc", content=xml, headers={**XML, **key("k")})

    assert answer.status_code == 422
    assert why in answer.json()["error"]
    assert "root:" not in answer.text  # nothing of /etc/passwd comes back
