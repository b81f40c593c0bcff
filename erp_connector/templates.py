"""The JSON a system gets for each kind of document.

By default the canonical document as it is (contract v1, SPEC §3). A kind can
have a template producing another shape: the one shipped turns a ship notice
into the flat expected receipt a WMS wants (SPEC §5: "the WMS gets an expected
receipt") — a warehouse books receipts line by line against pallets, it has no
use for the ASN's shipment → order → pack → item tree — and the system files it
as kind ``expected_receipt`` (the sandbox's contract).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Template = Callable[[Mapping[str, Any]], Mapping[str, Any]]


def canonical(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The canonical document unchanged."""
    return document


def expected_receipt(document: Mapping[str, Any]) -> dict[str, Any]:
    """A ship notice as the receipts a WMS should expect: one line per item per pack.

    Returns:
        ``{"type": "expected_receipt", "asn_number", "document_id", "partner_id",
        "expected_date", "shipped_at", "carrier", "tracking_number",
        "bill_of_lading", "po_numbers": [...], "lines": [{"po_number", "line_number",
        "sscc", "item", "gtin", "vendor_item", "description", "quantity", "uom",
        "lot", "expiry"}]}`` with absent values omitted, as in the contract;
        quantities stay decimal strings.
    """
    meta: Mapping[str, Any] = document.get("meta") or {}
    body: Mapping[str, Any] = document.get("body") or {}
    lines: list[dict[str, Any]] = []
    po_numbers: list[str] = []
    for order in body.get("orders") or []:
        po_number = order.get("po_number")
        if po_number and po_number not in po_numbers:
            po_numbers.append(po_number)
        for pack in order.get("packs") or []:
            lines += (_line(po_number, pack.get("sscc"), i) for i in pack.get("items") or [])
        lines += (_line(po_number, None, item) for item in order.get("items") or [])
    carrier = body.get("carrier") or {}
    receipt = {
        "type": "expected_receipt",
        "asn_number": body.get("asn_number"),
        "document_id": meta.get("document_id"),
        "partner_id": meta.get("partner_id"),
        "expected_date": body.get("estimated_delivery"),
        "shipped_at": body.get("shipped_at"),
        "carrier": carrier.get("scac"),
        "tracking_number": body.get("tracking_number"),
        "bill_of_lading": body.get("bill_of_lading"),
        "po_numbers": po_numbers,
        "lines": lines,
    }
    return _present(receipt)


def _line(po_number: str | None, sscc: str | None, shipped: Mapping[str, Any]) -> dict[str, Any]:
    item: Mapping[str, Any] = shipped.get("item") or {}
    return _present(
        {
            "po_number": po_number,
            "line_number": shipped.get("line_number"),
            "sscc": sscc,
            # our own item number first: the WMS's item master is keyed on it
            "item": item.get("buyer_item") or item.get("gtin") or item.get("vendor_item"),
            "gtin": item.get("gtin"),
            "vendor_item": item.get("vendor_item"),
            "description": item.get("description"),
            "quantity": shipped.get("quantity_shipped"),
            "uom": shipped.get("uom"),
            "lot": shipped.get("lot"),
            "expiry": shipped.get("expiry"),
        }
    )


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


EXPECTED_RECEIPT = "expected_receipt"


class TemplateRegistry:
    """Which template renders which kind, and under which kind the system files the
    result; kinds without a template go out as canonical JSON under their own kind.

    Args:
        templates: kind → template, e.g. ``{"ship_notice": expected_receipt}``.
        posted_as: kind → the kind the system files the template's output under
            (``{"ship_notice": "expected_receipt"}``: a WMS keeps expected receipts,
            not ship notices, at ``/documents/expected_receipt``).
    """

    def __init__(
        self,
        templates: Mapping[str, Template] | None = None,
        posted_as: Mapping[str, str] | None = None,
    ) -> None:
        self._templates: dict[str, Template] = dict(templates or {})
        self._posted_as: dict[str, str] = dict(posted_as or {})

    def register(self, kind: str, template: Template, *, posted_as: str | None = None) -> None:
        self._templates[kind] = template
        if posted_as is None:
            self._posted_as.pop(kind, None)
        else:
            self._posted_as[kind] = posted_as

    def template_for(self, kind: str) -> Template:
        return self._templates.get(kind, canonical)

    def posted_as(self, kind: str) -> str:
        """The kind in the system's URLs for our ``kind`` (delivery and fetch alike)."""
        return self._posted_as.get(kind, kind)

    def render(self, document: Mapping[str, Any]) -> Mapping[str, Any]:
        """The payload for ``document`` (its ``meta.kind`` picks the template)."""
        kind = (document.get("meta") or {}).get("kind")
        return self.template_for(kind if isinstance(kind, str) else "")(document)


def default_templates(system: str) -> TemplateRegistry:
    """Canonical JSON for every kind, except that a WMS gets expected receipts for
    ship notices."""
    if system == "wms":
        return TemplateRegistry(
            {"ship_notice": expected_receipt}, posted_as={"ship_notice": EXPECTED_RECEIPT}
        )
    return TemplateRegistry()
