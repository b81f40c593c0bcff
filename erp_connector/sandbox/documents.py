"""What the sandbox checks in a JSON document, and the documents its ERP and WMS emit.

Intake validates lightly, as a real ERP's API would: the kind must be one it knows and
the body must carry the kind's business number (the PO, ASN, invoice or receipt number
its users search by). Everything else is stored as received.

What the sandbox *emits* is held to contract v1 in full (``gateway.canonical``), because
it is the reference for what an ERP integration sends the gateway.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from gateway.canonical import (
    CanonicalDocument,
    ContractError,
    Direction,
    Kind,
    document_from_dict,
    document_id,
)

EXPECTED_RECEIPT = "expected_receipt"  # the WMS's own shape: flat, not a canonical document

# Where each kind keeps its business number, as a path into the body.
BUSINESS_NUMBER: dict[str, tuple[str, ...]] = {
    Kind.PURCHASE_ORDER: ("po_number",),
    Kind.PO_ACKNOWLEDGEMENT: ("po_number",),
    Kind.SHIP_NOTICE: ("asn_number",),
    Kind.INVOICE: ("invoice_number",),
    Kind.FUNCTIONAL_ACK: ("acknowledged", "interchange_control_number"),
    Kind.RECEIPT: ("receipt_id",),
    Kind.INVENTORY_ADJUSTMENT: ("adjustment_id",),
    EXPECTED_RECEIPT: ("asn_number",),
}
KINDS = tuple(BUSINESS_NUMBER)


class DocumentRefused(ValueError):
    """A document the sandbox will not store; the message says why (HTTP 422)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Checked:
    """A JSON document that passed intake: its business number and partner."""

    business_number: str
    partner_id: str | None


def check_document(kind: str, document: dict[str, Any]) -> Checked:
    """The business number and partner of ``document``, posted as ``kind``.

    Raises:
        DocumentRefused: an unknown kind, a canonical document of another kind, a flat
            object where a canonical one is needed, or no business number.
    """
    if kind not in BUSINESS_NUMBER:
        raise DocumentRefused(f"unknown kind {kind!r}; known: {', '.join(KINDS)}")
    meta, body = document.get("meta"), document.get("body")
    if isinstance(meta, dict) and isinstance(body, dict):
        if meta.get("kind") not in (None, kind):
            raise DocumentRefused(f"meta.kind is {meta.get('kind')!r}, posted as {kind!r}")
        partner = meta.get("partner_id")
    elif kind == EXPECTED_RECEIPT:
        body, partner = document, document.get("partner_id")
    else:
        raise DocumentRefused('a canonical document is {"meta": {...}, "body": {...}}')
    number = _dig(body, BUSINESS_NUMBER[kind])
    if not isinstance(number, str | int) or isinstance(number, bool) or number == "":
        raise DocumentRefused(f"{kind} needs body.{'.'.join(BUSINESS_NUMBER[kind])}")
    return Checked(str(number), partner if isinstance(partner, str) and partner else None)


def _dig(value: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


# -- what the ERP and WMS emit ---------------------------------------------------------


def purchase_order_event(payload: dict[str, Any], key: str) -> CanonicalDocument:
    """The canonical purchase order the ERP emits for ``payload``.

    Args:
        payload: A canonical document, a canonical purchase_order body with a
            ``partner_id`` beside its fields, or the small form (``partner_id``,
            ``po_number``, ``lines`` with plain numbers and an item code).
        key: The record's idempotency key; it becomes ``meta.idempotency_key`` so the
            gateway can tell a redelivered event from a new one.

    Raises:
        DocumentRefused: what does not fit contract v1, with the path of the problem.
    """
    return _event(payload, key, Kind.PURCHASE_ORDER, Direction.OUTBOUND, _order_line)


def receipt_event(payload: dict[str, Any], key: str) -> CanonicalDocument:
    """The canonical receipt the WMS emits; ``payload`` as for purchase orders."""
    return _event(payload, key, Kind.RECEIPT, Direction.INBOUND, _receipt_line)


def _event(
    payload: dict[str, Any],
    key: str,
    kind: Kind,
    direction: Direction,
    line: Callable[[int, Any], Any],
) -> CanonicalDocument:
    if "meta" in payload or "body" in payload:
        raw = payload
    else:
        body = {name: value for name, value in payload.items() if name != "partner_id"}
        if isinstance(body.get("lines"), list):
            body["lines"] = [line(n, value) for n, value in enumerate(body["lines"], 1)]
        head = {"kind": kind, "direction": direction, "partner_id": payload.get("partner_id")}
        raw = {"meta": head, "body": body}
    raw = {**raw, "meta": {"document_id": document_id(key), **(raw.get("meta") or {})}}
    try:
        document = document_from_dict(raw)
    except (ContractError, ValueError) as exc:  # ValueError: an unknown meta.kind
        raise DocumentRefused(str(exc)) from None
    if document.meta.kind is not kind:
        raise DocumentRefused(f"meta.kind is {document.meta.kind!r}, expected {kind.value!r}")
    if document.meta.partner_id is None:
        raise DocumentRefused("meta.partner_id is required: the gateway routes by partner")
    meta = dataclasses.replace(document.meta, idempotency_key=document.meta.idempotency_key or key)
    return dataclasses.replace(document, meta=meta)


def _order_line(number: int, line: Any) -> Any:
    return _line(number, line, ("quantity", "unit_price"))


def _receipt_line(number: int, line: Any) -> Any:
    return _line(number, line, ("quantity_received",))


def _line(number: int, line: Any, decimals: tuple[str, ...]) -> Any:
    """A small-form line made canonical: numbered, numbers as decimal strings, an item
    code as the buyer's item id. Anything else is left for the contract to judge."""
    if not isinstance(line, dict):
        return line
    fixed = dict(line)
    fixed["line_number"] = str(fixed.get("line_number") or number)
    for name in decimals:
        if isinstance(fixed.get(name), int | float) and not isinstance(fixed[name], bool):
            fixed[name] = str(fixed[name])
    if isinstance(fixed.get("item"), str):
        fixed["item"] = {"buyer_item": fixed["item"]}
    return fixed
