"""IDoc-style XML, as SAP ships it: a root named after the basic type, one ``IDOC``
with its ``EDI_DC40`` control record, then segments whose leaf children are fields::

    <ORDERS05><IDOC BEGIN="1">
      <EDI_DC40 SEGMENT="1"><IDOCTYP>ORDERS05</IDOCTYP><MESTYP>ORDERS</MESTYP>…</EDI_DC40>
      <E1EDK01 SEGMENT="1"><BELNR>4500012345</BELNR>…</E1EDK01>
    </IDOC></ORDERS05>

The parser is locked down: no DTD, no entities, no network, so a posted document
cannot read files or reach hosts (XXE) or expand itself into gigabytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from gateway.canonical import Kind

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)

# Basic type → kind; ORDERS05 carries order responses too, told apart by MESTYP.
_KIND_BY_TYPE = {
    "ORDERS05": Kind.PURCHASE_ORDER,
    "DESADV01": Kind.SHIP_NOTICE,
    "INVOIC02": Kind.INVOICE,
}
_ORDER_RESPONSE = "ORDRSP"
# Where each basic type may carry its business number, tried in order. E1EDK01/BELNR
# is the IDoc's own document number; SAP puts the order (QUALF 001) and invoice
# (QUALF 009) numbers in E1EDK02 and the delivery number in E1EDK07 or E1EDL20, which
# is where erp_connector.idoc writes them.
_NUMBER_PATHS = {
    "ORDERS05": ("E1EDK01/BELNR", "E1EDK02[QUALF='001']/BELNR"),
    "DESADV01": ("E1EDK01/BELNR", "E1EDK07/VBELN", "E1EDL20/VBELN"),
    "INVOIC02": ("E1EDK01/BELNR", "E1EDK02[QUALF='009']/BELNR"),
}


class IdocRefused(ValueError):
    """XML the sandbox will not store as an IDoc; the message says why (HTTP 422)."""


@dataclass(frozen=True, slots=True)
class Idoc:
    kind: str
    business_number: str
    partner_id: str | None
    body: dict[str, Any]


def parse_idoc(data: bytes) -> Idoc:
    """The IDoc in ``data``.

    Raises:
        IdocRefused: not well-formed XML, a DTD, an unknown basic type, no control
            record, or no business number (``_NUMBER_PATHS``).
    """
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise IdocRefused(f"not well-formed XML: {exc}") from None
    if root.getroottree().docinfo.internalDTD is not None:  # any DOCTYPE at all
        raise IdocRefused("a DTD is not allowed in an IDoc")
    idoc = root.find("IDOC")
    if idoc is None:
        idoc = root  # some exports put the segments straight under the root
    control_element = idoc.find("EDI_DC40")
    if control_element is None:
        raise IdocRefused("no EDI_DC40 control record")
    control = _fields(control_element)
    idoc_type = control.get("IDOCTYP") or root.tag
    if idoc_type != root.tag or idoc_type not in _KIND_BY_TYPE:
        raise IdocRefused(
            f"IDOCTYP {idoc_type!r} under root <{root.tag}>; known: {', '.join(_KIND_BY_TYPE)}"
        )
    kind = _KIND_BY_TYPE[idoc_type]
    if kind is Kind.PURCHASE_ORDER and control.get("MESTYP") == _ORDER_RESPONSE:
        kind = Kind.PO_ACKNOWLEDGEMENT
    paths = _NUMBER_PATHS[idoc_type]
    number = next((text.strip() for p in paths if (text := idoc.findtext(p)) and text.strip()), "")
    if not number:
        raise IdocRefused(f"{idoc_type} needs a business number in {' or '.join(paths)}")
    body = {
        "format": "idoc",
        "idoctyp": idoc_type,
        "mestyp": control.get("MESTYP"),
        "docnum": control.get("DOCNUM"),
        "control": control,
        "segments": [_segment(e) for e in idoc if e is not control_element and _is_element(e)],
    }
    return Idoc(kind, number, control.get("SNDPRN"), body)


def _is_element(node: Any) -> bool:
    return isinstance(node.tag, str)


def _fields(segment: Any) -> dict[str, str]:
    """The leaf children of ``segment``: its fields, by name."""
    return {
        child.tag: (child.text or "").strip()
        for child in segment
        if _is_element(child) and len(child) == 0
    }


def _segment(element: Any) -> dict[str, Any]:
    """A segment as JSON: its fields, then its child segments in document order."""
    children = [_segment(child) for child in element if _is_element(child) and len(child) > 0]
    segment: dict[str, Any] = {"segment": element.tag, "fields": _fields(element)}
    if children:
        segment["children"] = children
    return segment
