"""Canonical documents for the connector tests, built from the canonical dataclasses
so they are contract v1 by construction."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from gateway.canonical import (
    AckLine,
    AckType,
    Address,
    CanonicalDocument,
    Carrier,
    Charge,
    Direction,
    Invoice,
    InvoiceLine,
    ItemIds,
    Kind,
    LineStatus,
    Meta,
    OrderLine,
    OrderTotals,
    Pack,
    Party,
    PoAcknowledgement,
    PurchaseOrder,
    Role,
    ShipNotice,
    ShippedItem,
    ShippedOrder,
    document_id,
    document_to_dict,
)
from gateway.canonical.documents import Body

BUYER = Party(
    role=Role.BUYER,
    name="Acme Distribution",
    identifiers={"duns": "123456789", "gln": "4012345000009"},
    address=Address(
        lines=["1 Dock Road", "Gate 4"], city="Leeds", postal_code="LS1 4AP", country="GB"
    ),
)
SELLER = Party(role=Role.SELLER, name="Widget Works", identifiers={"buyer_assigned": "V-100"})
ITEM = ItemIds(
    buyer_item="ACME-1", vendor_item="WW-77", gtin="04012345000016", description="Blue widget"
)


def meta(kind: Kind, key: str = "key-1", partner: str = "widgetworks") -> Meta:
    return Meta(
        document_id=document_id(key),
        kind=kind,
        direction=Direction.INBOUND,
        partner_id=partner,
        interchange_control_number="000000123",
        group_control_number="45",
        set_control_number="0001",
        idempotency_key=key,
    )


def document(body: Body, key: str = "key-1", partner: str = "widgetworks") -> dict[str, Any]:
    kind = {
        PurchaseOrder: Kind.PURCHASE_ORDER,
        PoAcknowledgement: Kind.PO_ACKNOWLEDGEMENT,
        ShipNotice: Kind.SHIP_NOTICE,
        Invoice: Kind.INVOICE,
    }[type(body)]
    return document_to_dict(CanonicalDocument(meta=meta(kind, key, partner), body=body))


def purchase_order(key: str = "key-1") -> dict[str, Any]:
    return document(
        PurchaseOrder(
            po_number="PO-4711",
            order_type="SA",
            order_date=date(2026, 11, 20),
            currency="EUR",
            parties=[BUYER, SELLER],
            requested_delivery_date=date(2026, 12, 1),
            payment_terms="net 30",
            lines=[
                OrderLine(
                    line_number="1",
                    item=ITEM,
                    quantity=Decimal("12"),
                    uom="EA",
                    unit_price=Decimal("10.50"),
                    requested_date=date(2026, 12, 2),
                ),
                OrderLine(
                    line_number="2",
                    item=ItemIds(gtin="04012345000023"),
                    quantity=Decimal("0.250"),
                    uom="KG",
                    unit_price=Decimal("1999.9900"),
                ),
            ],
            totals=OrderTotals(
                line_count=2, quantity_total=Decimal("12.250"), amount_total=Decimal("626.00")
            ),
        ),
        key,
    )


def po_acknowledgement(key: str = "key-2") -> dict[str, Any]:
    return document(
        PoAcknowledgement(
            po_number="PO-4711",
            po_date=date(2026, 11, 20),
            ack_type=AckType.ACCEPTED_WITH_CHANGES,
            ack_date=date(2026, 11, 21),
            parties=[SELLER],
            lines=[
                AckLine(
                    line_number="1",
                    item=ITEM,
                    status=LineStatus.ACCEPTED,
                    quantity=Decimal("12"),
                    uom="EA",
                    unit_price=Decimal("10.50"),
                ),
                AckLine(
                    line_number="2",
                    status=LineStatus.QUANTITY_CHANGED,
                    quantity=Decimal("0.125"),
                    uom="KG",
                    scheduled_date=date(2026, 12, 9),
                ),
            ],
        ),
        key,
    )


def ship_notice(key: str = "key-3") -> dict[str, Any]:
    return document(
        ShipNotice(
            asn_number="ASN-900",
            shipped_at=datetime(2026, 11, 25, 16, 30, tzinfo=UTC),
            estimated_delivery=date(2026, 11, 27),
            carrier=Carrier(scac="DHLX", mode="truck"),
            tracking_number="TRK1",
            bill_of_lading="BOL-55",
            parties=[SELLER],
            orders=[
                ShippedOrder(
                    po_number="PO-4711",
                    packs=[
                        Pack(
                            sscc="003456789012345678",
                            items=[
                                ShippedItem(
                                    line_number="1",
                                    item=ITEM,
                                    quantity_shipped=Decimal("10"),
                                    uom="EA",
                                    lot="L-1",
                                    expiry=date(2027, 6, 30),
                                ),
                            ],
                        ),
                        Pack(
                            sscc="003456789012345685",
                            items=[
                                ShippedItem(
                                    line_number="1",
                                    item=ITEM,
                                    quantity_shipped=Decimal("2"),
                                    uom="EA",
                                    lot="L-2",
                                ),
                            ],
                        ),
                    ],
                ),
                ShippedOrder(
                    po_number="PO-4712",
                    items=[
                        ShippedItem(
                            line_number="3",
                            item=ItemIds(vendor_item="WW-9"),
                            quantity_shipped=Decimal("1.5"),
                            uom="KG",
                        ),
                    ],
                ),
            ],
        ),
        key,
    )


def invoice(key: str = "key-4") -> dict[str, Any]:
    return document(
        Invoice(
            invoice_number="INV-1",
            invoice_date=date(2026, 11, 26),
            po_number="PO-4711",
            currency="EUR",
            parties=[SELLER, BUYER],
            terms="2% 10 net 30",
            lines=[
                InvoiceLine(
                    line_number="1",
                    item=ITEM,
                    quantity_invoiced=Decimal("12"),
                    uom="EA",
                    unit_price=Decimal("10.50"),
                    amount=Decimal("126.00"),
                ),
            ],
            charges=[
                Charge(type="freight", amount=Decimal("15.00"), description="Freight"),
                Charge(type="allowance", amount=Decimal("-5.00")),
            ],
            tax_total=Decimal("25.20"),
            total_amount=Decimal("161.20"),
        ),
        key,
    )
