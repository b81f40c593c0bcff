"""Payload templates: canonical JSON by default, an expected receipt for a WMS."""

from __future__ import annotations

from typing import Any

from erp_connector import TemplateRegistry, canonical, default_templates, expected_receipt

from .samples import invoice, ship_notice


def test_expected_receipt_flattens_orders_packs_and_items() -> None:
    doc = ship_notice()
    receipt = expected_receipt(doc)
    assert receipt["type"] == "expected_receipt"
    assert receipt["asn_number"] == "ASN-900"
    assert receipt["document_id"] == doc["meta"]["document_id"]
    assert receipt["partner_id"] == "widgetworks"
    assert receipt["expected_date"] == "2026-11-27"
    assert receipt["carrier"] == "DHLX"
    assert receipt["po_numbers"] == ["PO-4711", "PO-4712"]
    assert receipt["lines"] == [
        {
            "po_number": "PO-4711",
            "line_number": "1",
            "sscc": "003456789012345678",
            "item": "ACME-1",
            "gtin": "04012345000016",
            "vendor_item": "WW-77",
            "description": "Blue widget",
            "quantity": "10",
            "uom": "EA",
            "lot": "L-1",
            "expiry": "2027-06-30",
        },
        {
            "po_number": "PO-4711",
            "line_number": "1",
            "sscc": "003456789012345685",
            "item": "ACME-1",
            "gtin": "04012345000016",
            "vendor_item": "WW-77",
            "description": "Blue widget",
            "quantity": "2",
            "uom": "EA",
            "lot": "L-2",
        },
        {  # no pack level: no sscc; no buyer item: the vendor's
            "po_number": "PO-4712",
            "line_number": "3",
            "item": "WW-9",
            "vendor_item": "WW-9",
            "quantity": "1.5",
            "uom": "KG",
        },
    ]


def test_quantities_add_up_to_the_asn() -> None:
    doc = ship_notice()
    shipped = [
        item["quantity_shipped"]
        for order in doc["body"]["orders"]
        for item in [*order["items"], *(i for p in order["packs"] for i in p["items"])]
    ]
    assert sorted(line["quantity"] for line in expected_receipt(doc)["lines"]) == sorted(shipped)


def test_an_empty_ship_notice_gives_an_empty_receipt() -> None:
    receipt = expected_receipt({"meta": {"kind": "ship_notice"}, "body": {"asn_number": "A"}})
    assert receipt == {"type": "expected_receipt", "asn_number": "A", "po_numbers": [], "lines": []}


def test_defaults_per_system() -> None:
    asn, bill = ship_notice(), invoice()
    assert default_templates("erp").render(asn) is asn
    assert default_templates("wms").render(asn)["type"] == "expected_receipt"
    assert default_templates("wms").render(bill) is bill
    assert default_templates("wms").posted_as("ship_notice") == "expected_receipt"
    assert default_templates("wms").posted_as("invoice") == "invoice"
    assert default_templates("erp").posted_as("ship_notice") == "ship_notice"


def test_a_kind_can_get_its_own_template() -> None:
    def summary(document: Any) -> dict[str, Any]:
        return {"invoice": document["body"]["invoice_number"]}

    registry = TemplateRegistry()
    assert registry.template_for("invoice") is canonical
    registry.register("invoice", summary, posted_as="invoice_summary")
    assert registry.render(invoice()) == {"invoice": "INV-1"}
    assert registry.posted_as("invoice") == "invoice_summary"
    registry.register("invoice", summary)
    assert registry.posted_as("invoice") == "invoice"
    assert registry.render({"meta": {}, "body": {}}) == {"meta": {}, "body": {}}
