"""Feeding a matching rule from the store: the document, the PO we sent, the PO's ASNs,
receipts and invoices (SPEC §5). The rules themselves are pure (gateway.domain.workflow);
this module only reads and hands them canonical objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gateway.canonical import (
    Body,
    Invoice,
    PoAcknowledgement,
    PurchaseOrder,
    Receipt,
    ShipNotice,
    document_from_dict,
)
from gateway.domain.tracking import TransactionRecord
from gateway.domain.workflow.authority import Authority
from gateway.domain.workflow.cross_reference import CrossReference, Lined, items_of, widen
from gateway.domain.workflow.exceptions import DocumentLink, ExceptionQuery, ExceptionState
from gateway.domain.workflow.findings import RULE_OF_KIND, MatchOutcome, Rule
from gateway.domain.workflow.invoice import check_invoice
from gateway.domain.workflow.items import codes
from gateway.domain.workflow.matches import OrderLink
from gateway.domain.workflow.po_ack import check_acknowledgement
from gateway.domain.workflow.receipt import check_receipts
from gateway.domain.workflow.ship_notice import check_ship_notice
from gateway.domain.workflow.tolerances import Tolerances
from gateway.ports import UnitOfWork
from gateway.profiles.model import PartnerProfile


@dataclass(slots=True)
class Evaluation:
    """A rule's outcome for one document, with what the store should remember: the POs
    (and ASN) it refers to, the documents an exception links, and the other documents
    that share its subject (the other receipts of an ASN)."""

    record: TransactionRecord
    outcome: MatchOutcome
    links: list[OrderLink] = field(default_factory=list)
    related: list[DocumentLink] = field(default_factory=list)
    subject_documents: list[TransactionRecord] = field(default_factory=list)


def body_of(record: TransactionRecord) -> Body:
    """The canonical body of a stored document (what the gateway added beside ``meta``
    and ``body``, an invoice's ``approval``, is not the contract's)."""
    document: dict[str, Any] = dict(record.document or {})
    return document_from_dict({"meta": document.get("meta"), "body": document.get("body")}).body


def link_of(record: TransactionRecord) -> DocumentLink:
    return DocumentLink(record.kind or "", record.business_number, record.id, record.message_id)


class Context:
    """One partner's rules applied to one document inside an open unit of work."""

    def __init__(self, uow: UnitOfWork, profile: PartnerProfile | None) -> None:
        self.uow = uow
        self.profile = profile
        self.tolerances = profile.tolerances.to_domain() if profile else Tolerances()
        self.authority = profile.authority.to_domain() if profile else Authority()
        self.supplier = profile.name if profile else "The supplier"

    def evaluate(self, record: TransactionRecord) -> Evaluation:
        rule = RULE_OF_KIND[record.kind or ""]
        body = body_of(record)
        if rule is Rule.PO_ACK:
            assert isinstance(body, PoAcknowledgement)
            return self._acknowledgement(record, body)
        if rule is Rule.SHIP_NOTICE:
            assert isinstance(body, ShipNotice)
            return self._ship_notice(record, body)
        if rule is Rule.RECEIPT:
            assert isinstance(body, Receipt)
            return self._receipt(record, body)
        assert isinstance(body, Invoice)
        return self._invoice(record, body)

    def _order(
        self, partner_id: str | None, po_number: str | None
    ) -> tuple[PurchaseOrder | None, TransactionRecord | None]:
        found = self.uow.workflow.purchase_order(partner_id, po_number) if po_number else None
        if found is None:
            return None, None
        order = body_of(found)
        assert isinstance(order, PurchaseOrder)
        return order, found

    def _acknowledgement(self, record: TransactionRecord, ack: PoAcknowledgement) -> Evaluation:
        order, order_record = self._order(record.partner_id, ack.po_number)
        if order is not None:  # the same item under other identifiers is the same item
            xref = self._master(ack, order)
            ack, order = widen(ack, xref), widen(order, xref)
        outcome = check_acknowledgement(
            ack, order, self.tolerances, self.authority, supplier=self.supplier
        )
        related = [link_of(record)] + ([link_of(order_record)] if order_record else [])
        return Evaluation(record, outcome, [OrderLink(ack.po_number)], related)

    def _ship_notice(self, record: TransactionRecord, notice: ShipNotice) -> Evaluation:
        orders: dict[str, PurchaseOrder] = {}
        confirmations: dict[str, PoAcknowledgement] = {}
        earlier: list[ShipNotice] = []
        related = [link_of(record)]
        numbers = list(dict.fromkeys(o.po_number for o in notice.orders if o.po_number))
        for po_number in numbers:
            order, order_record = self._order(record.partner_id, po_number)
            if order is None or order_record is None:
                continue
            orders[po_number] = order
            related.append(link_of(order_record))
            for other in self.uow.workflow.of_order(record.partner_id, po_number, "ship_notice"):
                body = body_of(other)
                if other.id != record.id and isinstance(body, ShipNotice):
                    earlier.append(body)
                    related.append(link_of(other))
            acks = self.uow.workflow.of_order(record.partner_id, po_number, "po_acknowledgement")
            latest = body_of(acks[-1]) if acks else None  # a later 855 replaces the first
            if isinstance(latest, PoAcknowledgement):
                confirmations[po_number] = latest
                related.append(link_of(acks[-1]))
        outcome = check_ship_notice(
            notice,
            orders,
            earlier,
            self.tolerances,
            self.authority,
            supplier=self.supplier,
            confirmations=confirmations,
            items=self._master(notice, *orders.values()),
        )
        links = [OrderLink(n, notice.asn_number) for n in numbers] or [
            OrderLink(None, notice.asn_number)
        ]
        return Evaluation(record, outcome, links, _unique(related))

    def _master(self, *bodies: Lined | ShipNotice) -> CrossReference:
        """The ERP's master items these documents name (one query)."""
        wanted: set[str] = set()
        for body in bodies:
            for item in items_of(body):
                wanted |= codes(item)
        return CrossReference(self.uow.items.find(wanted))

    def _receipt(self, record: TransactionRecord, receipt: Receipt) -> Evaluation:
        partner = record.partner_id
        asn_number = receipt.asn_number
        notice_records: list[TransactionRecord] = []
        if asn_number:
            found = self.uow.workflow.ship_notice(partner, asn_number)
            notice_records = [found] if found is not None else []
        numbers = [receipt.po_number] if receipt.po_number else []
        if notice_records:
            notice = body_of(notice_records[0])
            assert isinstance(notice, ShipNotice)
            numbers = list(dict.fromkeys(o.po_number for o in notice.orders if o.po_number))
        elif numbers and not asn_number:  # no ASN named: all the PO's ASNs together
            notice_records = self.uow.workflow.of_order(partner, numbers[0], "ship_notice")
        notices = [b for b in (body_of(r) for r in notice_records) if isinstance(b, ShipNotice)]
        order, order_record = self._order(partner, numbers[0] if numbers else None)
        links = [OrderLink(n, asn_number) for n in numbers] or [OrderLink(None, asn_number)]
        # This receipt's links first: the query below counts it with the others.
        self.uow.workflow.link(record, links)
        if asn_number:
            documents = self.uow.workflow.receipts_of_asn(partner, asn_number)
        elif numbers:
            documents = self.uow.workflow.of_order(partner, numbers[0], "receipt")
            documents = [d for d in documents if d.id == record.id or _without_asn(d)]
        else:
            documents = []
        documents = documents or [record]
        receipts = [b for b in (body_of(d) for d in documents) if isinstance(b, Receipt)]
        if notices or order is not None:
            xref = self._master(*receipts, *notices, *([order] if order else []))
            receipts = [widen(r, xref) for r in receipts]
            notices = [widen(n, xref) for n in notices]
            order = widen(order, xref) if order is not None else None
        outcome = check_receipts(
            receipts,
            notices,
            order,
            self.tolerances,
            self.authority,
            asn_number=asn_number,
            po_number=numbers[0] if numbers else None,
        )
        related = [link_of(d) for d in documents] + [link_of(r) for r in notice_records]
        related += [link_of(order_record)] if order_record is not None else []
        return Evaluation(record, outcome, links, _unique(related), documents)

    def _invoice(self, record: TransactionRecord, invoice: Invoice) -> Evaluation:
        partner = record.partner_id
        order, order_record = self._order(partner, invoice.po_number)
        links = [OrderLink(invoice.po_number)] if invoice.po_number else []
        related = [link_of(record)] + ([link_of(order_record)] if order_record else [])
        if order is None:
            outcome = check_invoice(
                invoice, None, (), (), self.tolerances, self.authority, supplier=self.supplier
            )
            return Evaluation(record, outcome, links, related)
        receipt_records = self.uow.workflow.of_order(partner, order.po_number, "receipt")
        receipts = [b for b in (body_of(r) for r in receipt_records) if isinstance(b, Receipt)]
        earlier = [
            b
            for b in (
                body_of(r)
                for r in self.uow.workflow.of_order(partner, order.po_number, "invoice")
                if r.id != record.id
            )
            if isinstance(b, Invoice)
        ]
        disputed = self._disputed(partner, order.po_number)
        xref = self._master(invoice, order, *receipts, *earlier)
        outcome = check_invoice(
            widen(invoice, xref),
            widen(order, xref),
            [widen(r, xref) for r in receipts],
            [widen(e, xref) for e in earlier],
            self.tolerances,
            self.authority,
            disputed=disputed,
            supplier=self.supplier,
        )
        related += [link_of(r) for r in receipt_records]
        return Evaluation(record, outcome, links, _unique(related))

    def _disputed(self, partner_id: str | None, po_number: str) -> list[str]:
        """The warehouse's unsettled exceptions on the PO's receipts, in words."""
        query = ExceptionQuery(
            partner_id=partner_id,
            po_number=po_number,
            states=(ExceptionState.OPEN, ExceptionState.ACKNOWLEDGED),
            limit=50,
        )
        found = [e for e in self.uow.exceptions.find(query) if e.rule == Rule.RECEIPT.value]
        return [f"exception {e.id[:8]} ({e.kind.replace('_', ' ')} on {e.subject})" for e in found]


def _without_asn(record: TransactionRecord) -> bool:
    """A receipt that names no ASN (those that do are matched with their ASN's)."""
    body = (record.document or {}).get("body")
    return isinstance(body, dict) and not body.get("asn_number")


def _unique(links: list[DocumentLink]) -> list[DocumentLink]:
    seen: set[tuple[str | None, str | None]] = set()
    kept = []
    for link in links:
        key = (link.transaction_id, link.number)
        if key not in seen:
            seen.add(key)
            kept.append(link)
    return kept
