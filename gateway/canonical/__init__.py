"""The canonical business model, contract v1 (SPEC §3). Standard library only."""

from gateway.canonical.codec import (
    ContractError,
    document_from_dict,
    document_to_dict,
    from_dict,
    to_dict,
)
from gateway.canonical.common import Address, ItemIds, Party, Role
from gateway.canonical.documents import (
    BODY_TYPES,
    CONTRACT_VERSION,
    KIND_OF,
    Body,
    CanonicalDocument,
    Direction,
    Kind,
    Meta,
    Standard,
    document_id,
    idempotency_key,
)
from gateway.canonical.functional_acks import (
    AckedGroup,
    AckedSet,
    AckError,
    FunctionalAck,
    GroupAckStatus,
    SetAckStatus,
)
from gateway.canonical.inventory import InventoryAdjustment, Receipt, ReceiptLine
from gateway.canonical.invoices import Charge, Invoice, InvoiceLine
from gateway.canonical.order_acks import AckLine, AckType, LineStatus, PoAcknowledgement
from gateway.canonical.orders import OrderLine, OrderTotals, PurchaseOrder, Purpose
from gateway.canonical.schema import canonical_schema, schema_text
from gateway.canonical.shipments import Carrier, Pack, ShipNotice, ShippedItem, ShippedOrder

__all__ = [
    "BODY_TYPES",
    "CONTRACT_VERSION",
    "KIND_OF",
    "AckError",
    "AckLine",
    "AckType",
    "AckedGroup",
    "AckedSet",
    "Address",
    "Body",
    "CanonicalDocument",
    "Carrier",
    "Charge",
    "ContractError",
    "Direction",
    "FunctionalAck",
    "GroupAckStatus",
    "InventoryAdjustment",
    "Invoice",
    "InvoiceLine",
    "ItemIds",
    "Kind",
    "LineStatus",
    "Meta",
    "OrderLine",
    "OrderTotals",
    "Pack",
    "Party",
    "PoAcknowledgement",
    "PurchaseOrder",
    "Purpose",
    "Receipt",
    "ReceiptLine",
    "Role",
    "SetAckStatus",
    "ShipNotice",
    "ShippedItem",
    "ShippedOrder",
    "Standard",
    "canonical_schema",
    "document_from_dict",
    "document_id",
    "document_to_dict",
    "from_dict",
    "idempotency_key",
    "schema_text",
    "to_dict",
]
