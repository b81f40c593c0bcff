"""What a matching rule finds: discrepancies in plain words, and whether the document
waits (held) or a counterpart is missing (waiting)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType

from gateway.domain.workflow.authority import Authority, DataDomain
from gateway.domain.workflow.exceptions import Owner


class Rule(StrEnum):
    """The four checks of SPEC §5; each names the document kind it judges."""

    PO_ACK = "po_ack"  # 855 against the PO
    SHIP_NOTICE = "ship_notice"  # 856 against the PO (and earlier ASNs of it)
    RECEIPT = "receipt"  # WMS receipt against the ASN
    INVOICE = "invoice"  # 810 against PO and receipts (three-way)

    @property
    def holds_while_waiting(self) -> bool:
        """An invoice is not paid before the goods are in; a receipt is a fact and is
        posted whatever it waits for."""
        return self is Rule.INVOICE


RULE_OF_KIND = MappingProxyType(
    {
        "po_acknowledgement": Rule.PO_ACK,
        "ship_notice": Rule.SHIP_NOTICE,
        "receipt": Rule.RECEIPT,
        "invoice": Rule.INVOICE,
    }
)


class Discrepancy(StrEnum):
    UNKNOWN_PO = "unknown_po"
    UOM_MISMATCH = "uom_mismatch"
    ACK_REJECTED = "ack_rejected"
    ACK_LINE_REJECTED = "ack_line_rejected"
    ACK_BACKORDERED = "ack_backordered"
    ACK_LINE_MISSING = "ack_line_missing"
    ACK_QUANTITY = "ack_quantity"
    ACK_PRICE = "ack_price"
    ACK_DATE = "ack_date"
    ACK_SUBSTITUTION = "ack_substitution"
    ACK_UNKNOWN_ITEM = "ack_unknown_item"
    ASN_UNKNOWN_ITEM = "asn_unknown_item"
    ASN_ITEM_NOT_ORDERED = "asn_item_not_ordered"
    ASN_OVER_CONFIRMED = "asn_over_confirmed"
    ASN_OVER_SHIPMENT = "asn_over_shipment"
    RECEIPT_SHORTAGE = "receipt_shortage"
    RECEIPT_OVERAGE = "receipt_overage"
    RECEIPT_DAMAGED = "receipt_damaged"
    RECEIPT_WRONG_ITEM = "receipt_wrong_item"
    RECEIPT_UNMATCHED = "receipt_unmatched"
    INVOICE_PRICE = "invoice_price"
    INVOICE_QUANTITY = "invoice_quantity"
    INVOICE_UNKNOWN_ITEM = "invoice_unknown_item"
    INVOICE_TOTAL = "invoice_total"


# The team each rule's discrepancies go to; a profile's ``exception_owners`` may move a
# discrepancy kind to another team.
RULE_OWNER = MappingProxyType(
    {
        Rule.PO_ACK: Owner.PROCUREMENT,
        Rule.SHIP_NOTICE: Owner.PROCUREMENT,
        Rule.RECEIPT: Owner.WAREHOUSE,
        Rule.INVOICE: Owner.FINANCE,
    }
)
_OWNER_OF_KIND = MappingProxyType({Discrepancy.UNKNOWN_PO: Owner.B2B})


def default_owner(rule: Rule, kind: Discrepancy) -> Owner:
    return _OWNER_OF_KIND.get(kind, RULE_OWNER[rule])


@dataclass(frozen=True, slots=True)
class Finding:
    """One discrepancy. ``hold``: the document must not reach the systems until it is
    settled; ``conflict``: the data its source does not own (why it is held)."""

    kind: Discrepancy
    explanation: str
    line: str | None = None
    hold: bool = False
    conflict: DataDomain | None = None
    expected: str | None = None
    actual: str | None = None

    def details(self) -> dict[str, str]:
        values = {
            "expected": self.expected,
            "actual": self.actual,
            "conflict": self.conflict.value if self.conflict else None,
        }
        return {name: value for name, value in values.items() if value is not None}


def judged(
    authority: Authority,
    document_kind: str,
    field_name: str,
    kind: Discrepancy,
    explanation: str,
    *,
    line: str | None = None,
    expected: str | None = None,
    actual: str | None = None,
) -> Finding:
    """A finding on ``field_name`` of a ``document_kind``, held when its source does not
    own that data (the explanation then says who does)."""
    if authority.owns(document_kind, field_name):
        return Finding(kind, explanation, line, expected=expected, actual=actual)
    owner = authority.owner_name(document_kind, field_name)
    domain = authority.domain(document_kind, field_name)
    text = f"{explanation} {domain.value.capitalize()} belong to {owner}: held until settled."
    return Finding(kind, text, line, True, domain, expected, actual)


def uom_mismatch(
    authority: Authority,
    document_kind: str,
    explanation: str,
    *,
    line: str,
    expected: str | None,
    actual: str | None,
) -> Finding:
    """A line in another unit than the PO's: its quantities cannot be compared."""
    return judged(
        authority,
        document_kind,
        "uom",
        Discrepancy.UOM_MISMATCH,
        explanation,
        line=line,
        expected=expected,
        actual=actual,
    )


@dataclass(frozen=True, slots=True)
class MatchOutcome:
    """A rule's verdict on one subject (the PO, ASN or invoice number it matched)."""

    rule: Rule
    subject: str
    findings: tuple[Finding, ...] = ()
    waiting_for: str | None = None  # in words: "a receipt of PO-1 from the warehouse"
    waiting_on: str | None = None  # the key a counterpart's arrival re-runs it by
    po_numbers: tuple[str, ...] = field(default=())

    @property
    def hold(self) -> bool:
        return any(f.hold for f in self.findings) or (
            self.waiting_on is not None and self.rule.holds_while_waiting
        )

    @property
    def approved(self) -> bool:
        """An invoice that matched: nothing found, nothing missing (approve for payment)."""
        return self.rule is Rule.INVOICE and not self.findings and self.waiting_on is None

    def without(self, waived: set[tuple[str, str | None]]) -> MatchOutcome:
        """The outcome without findings (kind, line) accepted as they are."""
        kept = tuple(f for f in self.findings if (f.kind.value, f.line) not in waived)
        return replace(self, findings=kept)


def waiting_key_for_asn(asn_number: str) -> str:
    return f"asn:{asn_number}"


def waiting_key_for_receipts(po_number: str) -> str:
    return f"receipts:{po_number}"
