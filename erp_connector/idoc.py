"""Canonical documents as IDoc-style XML, for ERPs that take IDocs rather than JSON.

``build_idoc`` writes ORDERS05 (purchase_order, and po_acknowledgement as message
type ORDRSP), DESADV01 (ship_notice) and INVOIC02 (invoice): an EDI_DC40 control
record, then the segments of ``erp_connector.idoc_layout``. ``read_idoc`` walks
the same layout back to canonical field names; the tests round-trip through it.

Decimals are copied as the exact strings of the canonical JSON (never through
float or Decimal), so "10.50" stays "10.50". Known narrowings, all on fields an
ERP posting does not key on: the first two address lines only (STRAS, STRS2),
and timestamps in UTC (SAP's DATUM/UZEIT carry no offset).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from erp_connector.idoc_layout import (
    IDOC_TYPES,
    ITEM_QUALIFIERS,
    PARTNER_FUNCTIONS,
    Element,
    Field,
    IdocType,
    Part,
    Parties,
    Repeat,
    Segment,
)
from gateway.domain.delivery import DeliveryRejected

SENDER_PORT = "CROSSDOCK"
_ADDRESS = (("city", "ORT01"), ("postal_code", "PSTLZ"), ("region", "REGIO"), ("country", "LAND1"))
# Reading our own output in tests and tools: still, no entities and no network.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def build_idoc(
    document: Mapping[str, Any], *, receiver: str = "ERP", created_at: datetime | None = None
) -> bytes:
    """The IDoc XML (UTF-8, with declaration) for one canonical document.

    Args:
        document: a contract-v1 canonical document (``meta`` and ``body``).
        receiver: the receiving logical system (RCVPRN).
        created_at: CREDAT/CRETIM; now (UTC) when None.

    Raises:
        DeliveryRejected: ``delivery.idoc.unsupported_kind`` for a kind without an IDoc
            type, ``delivery.idoc.invalid_text`` for text XML cannot carry (control
            characters) or an unreadable timestamp.
    """
    meta: Mapping[str, Any] = document.get("meta") or {}
    body: Mapping[str, Any] = document.get("body") or {}
    kind = meta.get("kind")
    spec = IDOC_TYPES.get(kind) if isinstance(kind, str) else None
    if spec is None:
        raise DeliveryRejected(
            f"no IDoc type for kind {kind!r} (IDocs carry {', '.join(IDOC_TYPES)})",
            code="delivery.idoc.unsupported_kind",
        )
    root = etree.Element(spec.idoc_type)
    idoc = etree.SubElement(root, "IDOC", BEGIN="1")
    try:
        _control(idoc, spec, meta, receiver, created_at or datetime.now(UTC))
        _write(idoc, spec.layout, body)
    except ValueError as exc:  # lxml refuses NUL and control characters
        raise DeliveryRejected(
            f"{kind} {meta.get('document_id')}: cannot be written as an IDoc: {exc}",
            code="delivery.idoc.invalid_text",
        ) from exc
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def docnum(document_id: str) -> str:
    """A 16-digit IDoc number (SAP's DOCNUM is numeric) derived from the document id;
    the id itself travels in ARCKEY."""
    digest = hashlib.sha256(document_id.encode("utf-8")).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**16:016d}"


def _control(
    idoc: Element, spec: IdocType, meta: Mapping[str, Any], receiver: str, at: datetime
) -> None:
    document_id = meta.get("document_id")
    moment = at.astimezone(UTC)
    fields = {
        "TABNAM": "EDI_DC40",
        "DOCNUM": docnum(document_id) if document_id else None,
        "DIRECT": "2",  # inbound, seen from the ERP
        "IDOCTYP": spec.idoc_type,
        "MESTYP": spec.message_type,
        "TEST": "X" if meta.get("test_indicator") else None,
        "SNDPOR": SENDER_PORT,
        "SNDPRT": spec.partner_type,
        "SNDPRN": meta.get("partner_id"),
        "RCVPRT": "LS",
        "RCVPRN": receiver,
        "CREDAT": f"{moment:%Y%m%d}",
        "CRETIM": f"{moment:%H%M%S}",
        "REFINT": meta.get("interchange_control_number"),
        "REFGRP": meta.get("group_control_number"),
        "REFMES": meta.get("set_control_number"),
        "ARCKEY": document_id,
    }
    _segment(idoc, "EDI_DC40", [(k, v) for k, v in fields.items() if v is not None])


def _write(parent: Element, parts: tuple[Part, ...], data: Mapping[str, Any]) -> None:
    for part in parts:
        if isinstance(part, Segment):
            values = _values(part.fields, data)
            if values:
                _segment(parent, part.name, [*part.keys, *values])
        elif isinstance(part, Repeat):
            for entry in data.get(part.source) or []:
                segment = _segment(parent, part.name, _values(part.fields, entry))
                _write(segment, part.children, entry)
        elif isinstance(part, Parties):
            for party in data.get("parties") or []:
                _write_party(parent, party)
        else:
            _write_item(parent, data.get("item") or {})


def _values(fields: tuple[Field, ...], data: Mapping[str, Any]) -> list[tuple[str, str]]:
    values: list[tuple[str, str]] = []
    for path, codec in fields:
        value = _get(data, path)
        if value is not None:
            values += codec.write(value)
    return values


def _segment(parent: Element, name: str, values: list[tuple[str, str]]) -> Element:
    segment = etree.SubElement(parent, name, SEGMENT="1")
    for tag, text in values:
        etree.SubElement(segment, tag).text = text
    return segment


def _write_party(parent: Element, party: Mapping[str, Any]) -> None:
    """E1EDKA1: PARTN is our number for the party (buyer_assigned), ILNNR its GLN, every
    other identifier an E1EDKA3 child whose QUALP is the qualifier's canonical name."""
    ids: Mapping[str, str] = party.get("identifiers") or {}
    address: Mapping[str, Any] = party.get("address") or {}
    lines = list(address.get("lines") or [])[:2]
    role = str(party.get("role"))
    values = [
        ("PARVW", PARTNER_FUNCTIONS.get(role, role)),
        ("PARTN", ids.get("buyer_assigned")),
        ("ILNNR", ids.get("gln")),
        ("NAME1", party.get("name")),
        *zip(("STRAS", "STRS2"), lines, strict=False),
        *((tag, address.get(key)) for key, tag in _ADDRESS),
    ]
    segment = _segment(parent, "E1EDKA1", [(k, v) for k, v in values if v is not None])
    for qualifier, value in ids.items():
        if qualifier not in ("buyer_assigned", "gln"):
            _segment(segment, "E1EDKA3", [("QUALP", qualifier), ("STDPN", value)])


def _write_item(parent: Element, item: Mapping[str, Any]) -> None:
    for key, qualifier in ITEM_QUALIFIERS.items():
        if item.get(key) is not None:
            _segment(parent, "E1EDP19", [("QUALF", qualifier), ("IDTNR", item[key])])
    if item.get("description") is not None:
        text = _segment(parent, "E1EDPT1", [("TDID", "0001")])
        _segment(text, "E1EDPT2", [("TDLINE", item["description"])])


# -- reading ---------------------------------------------------------------------------


def read_idoc(xml: bytes) -> dict[str, Any]:
    """An IDoc written by ``build_idoc`` back to a dict: control fields and the
    canonical body fields the layout carries.

    Returns:
        ``{"kind", "idoc_type", "message_type", "docnum", "document_id",
        "partner_id", "test", "control": {field: text}, "body": {...}}``.

    Raises:
        ValueError: not XML, or no IDoc type this module writes.
    """
    root = etree.fromstring(xml, parser=_PARSER)
    control = root.find("IDOC/EDI_DC40")
    if control is None:
        raise ValueError("no IDOC/EDI_DC40 control record")
    fields = {child.tag: child.text or "" for child in control if isinstance(child.tag, str)}
    idoc_type, message_type = fields.get("IDOCTYP"), fields.get("MESTYP")
    wanted = (idoc_type, message_type)
    kind = next((k for k, s in IDOC_TYPES.items() if (s.idoc_type, s.message_type) == wanted), None)
    if kind is None:
        raise ValueError(f"unknown IDoc {idoc_type}/{message_type}")
    spec = IDOC_TYPES[kind]
    idoc = control.getparent()
    assert idoc is not None
    return {
        "kind": kind,
        "idoc_type": idoc_type,
        "message_type": message_type,
        "docnum": fields.get("DOCNUM"),
        "document_id": fields.get("ARCKEY"),
        "partner_id": fields.get("SNDPRN"),
        "test": fields.get("TEST") == "X",
        "control": fields,
        "body": _read(idoc, spec.layout),
    }


def _read(parent: Element, parts: tuple[Part, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in parts:
        if isinstance(part, Segment):
            segment = _find(parent, part.name, part.keys)
            if segment is not None:
                _read_fields(segment, part.fields, out)
        elif isinstance(part, Repeat):
            entries = []
            for segment in parent.findall(part.name):
                entry = _read(segment, part.children)
                entries.append(_read_fields(segment, part.fields, entry))
            if entries:
                out[part.source] = entries
        elif isinstance(part, Parties):
            roles = {code: role for role, code in PARTNER_FUNCTIONS.items()}
            parties = []
            for segment in parent.findall("E1EDKA1"):
                role = roles.get(segment.findtext("PARVW", ""))
                if role is not None:  # the carrier (SP) is read as a field, not a party
                    parties.append(_read_party(segment, role))
            if parties:
                out["parties"] = parties
        else:
            item = _read_item(parent)
            if item:
                out["item"] = item
    return out


def _find(parent: Element, name: str, keys: tuple[tuple[str, str], ...]) -> Element | None:
    for segment in parent.findall(name):
        if all(segment.findtext(tag) == value for tag, value in keys):
            return segment
    return None


def _read_fields(
    segment: Element, fields: tuple[Field, ...], out: dict[str, Any]
) -> dict[str, Any]:
    for path, codec in fields:
        value = codec.read(segment)
        if value is not None:
            _put(out, path, value)
    return out


def _read_party(segment: Element, role: str) -> dict[str, Any]:
    ids = {"buyer_assigned": segment.findtext("PARTN"), "gln": segment.findtext("ILNNR")}
    for extra in segment.findall("E1EDKA3"):
        ids[extra.findtext("QUALP", "")] = extra.findtext("STDPN")
    lines = [text for tag in ("STRAS", "STRS2") if (text := segment.findtext(tag)) is not None]
    address: dict[str, Any] = {"lines": lines} if lines else {}
    address |= {key: text for key, tag in _ADDRESS if (text := segment.findtext(tag)) is not None}
    party = {
        "role": role,
        "name": segment.findtext("NAME1"),
        "identifiers": {k: v for k, v in ids.items() if v is not None},
        "address": address or None,
    }
    return {k: v for k, v in party.items() if v}


def _read_item(parent: Element) -> dict[str, Any]:
    keys = {qualifier: key for key, qualifier in ITEM_QUALIFIERS.items()}
    item: dict[str, Any] = {}
    for segment in parent.findall("E1EDP19"):
        key = keys.get(segment.findtext("QUALF", ""))
        if key is not None:
            item[key] = segment.findtext("IDTNR")
    description = parent.findtext("E1EDPT1/E1EDPT2/TDLINE")
    if description is not None:
        item["description"] = description
    return item


def _get(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for name in path.split("."):
        value = value.get(name) if isinstance(value, Mapping) else None
    return value


def _put(out: dict[str, Any], path: str, value: Any) -> None:
    *parents, name = path.split(".")
    for parent in parents:
        out = out.setdefault(parent, {})
    out[name] = value
