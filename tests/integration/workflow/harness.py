"""A buyer, a supplier and a warehouse around the real store (SQLite and PostgreSQL):
the ERP's PO goes out as an 850, the supplier's 855/856/810 come back as X12 through
intake and the pipeline, the WMS posts receipts; the ERP and WMS are in memory."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from edi_maps.translate import translate
from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.render import RenderOptions, render_x12
from gateway.bootstrap import Gateway
from gateway.canonical import (
    KIND_OF,
    AckLine,
    AckType,
    Body,
    CanonicalDocument,
    Direction,
    Invoice,
    InvoiceLine,
    ItemIds,
    LineStatus,
    Meta,
    Pack,
    PoAcknowledgement,
    ShipNotice,
    ShippedItem,
    ShippedOrder,
)
from gateway.domain.control_numbers import InMemoryControlNumbers
from gateway.domain.tracking import State, TransactionRecord, Transport
from gateway.domain.workflow.exceptions import ExceptionQuery, ExceptionRecord
from gateway.persistence import rows
from gateway.persistence.tables import transactions
from gateway.services.intake import Submission
from gateway.services.wms_events import WmsEvents, WmsOutcome
from tests.fakes import FakeConnector, FixedClock

PO = "PO-1001"
WIDGET = {"buyer_item": "100-200", "vendor_item": "AC-77"}
GADGET = {"buyer_item": "100-300"}
ORDERED = {
    "1": (WIDGET, Decimal(24), "EA", Decimal("12.50")),
    "2": (GADGET, Decimal(6), "CS", Decimal("48.00")),
}


def purchase_order(po: str = PO) -> dict[str, Any]:
    lines = [
        {
            "line_number": n,
            "item": item,
            "quantity": str(qty),
            "uom": uom,
            "unit_price": str(price),
            "requested_date": "2026-12-10",
        }
        for n, (item, qty, uom, price) in ORDERED.items()
    ]
    return {
        "meta": {
            "kind": "purchase_order",
            "direction": "outbound",
            "partner_id": "acme-supply",
            "document_id": f"doc-{po}",
            "idempotency_key": f"erp-{po}",
        },
        "body": {"po_number": po, "order_date": "2026-11-28", "currency": "USD", "lines": lines},
    }


def ack(po: str = PO, **changes: Any) -> PoAcknowledgement:
    """An 855 agreeing with the PO; ``changes`` per line: {"1": {"unit_price": ...}}."""
    lines = []
    for n, (item, qty, uom, price) in ORDERED.items():
        values: dict[str, Any] = {
            "line_number": n,
            "item": ItemIds(**item),
            "quantity": qty,
            "uom": uom,
            "unit_price": price,
            "scheduled_date": date(2026, 12, 10),
            "status": LineStatus.ACCEPTED,
        }
        values |= changes.get(n, {})
        lines.append(AckLine(**values))
    return PoAcknowledgement(
        po_number=po,
        po_date=date(2026, 11, 28),
        ack_type=AckType.ACCEPTED,
        ack_date=date(2026, 11, 28),
        lines=lines,
    )


def asn(number: str, po: str = PO, **shipped: int | str) -> ShipNotice:
    """Ships ``shipped`` per line number (default: everything ordered)."""
    amounts = shipped or {n: q for n, (_, q, _, _) in ORDERED.items()}
    items = [
        ShippedItem(
            line_number=n,
            item=ItemIds(**ORDERED[n][0]),
            quantity_shipped=Decimal(str(amount)),
            uom=ORDERED[n][2],
        )
        for n, amount in amounts.items()
    ]
    order = ShippedOrder(po_number=po, packs=[Pack(sscc=f"00{number}", items=items)])
    shipped_at = datetime(2026, 11, 29, 14, 0, tzinfo=UTC)
    return ShipNotice(asn_number=number, shipped_at=shipped_at, orders=[order])


def invoice(number: str, po: str = PO, **prices: str) -> Invoice:
    """Bills everything ordered; ``prices`` per line number override the PO's."""
    lines = []
    for n, (item, qty, uom, price) in ORDERED.items():
        unit = Decimal(prices[n]) if n in prices else price
        lines.append(
            InvoiceLine(
                line_number=n,
                item=ItemIds(**item),
                quantity_invoiced=qty,
                uom=uom,
                unit_price=unit,
                amount=qty * unit,
            )
        )
    total = sum((line.amount or Decimal(0) for line in lines), Decimal(0))
    return Invoice(
        invoice_number=number,
        invoice_date=date(2026, 12, 1),
        po_number=po,
        currency="USD",
        lines=lines,
        total_amount=total,
    )


def receipt(
    receipt_id: str, asn_number: str | None = "ASN-1", po: str | None = PO, **received: int | str
) -> dict[str, Any]:
    """The WMS's receipt (contract v1 JSON): ``received`` per line (default: all)."""
    amounts = received or {n: q for n, (_, q, _, _) in ORDERED.items()}
    lines = [
        {
            "line_number": n,
            "item": ORDERED[n][0],
            "quantity_received": str(amount),
            "uom": ORDERED[n][2],
        }
        for n, amount in amounts.items()
    ]
    body: dict[str, Any] = {
        "receipt_id": receipt_id,
        "lines": lines,
        "received_at": "2026-11-30T08:00:00+00:00",
    }
    if asn_number:
        body["asn_number"] = asn_number
    if po:
        body["po_number"] = po
    return {
        "meta": {
            "kind": "receipt",
            "direction": "inbound",
            "partner_id": "acme-supply",
            "document_id": f"wms-{receipt_id}",
            "idempotency_key": f"wms-{receipt_id}",
        },
        "body": body,
    }


class Flow:
    def __init__(self, gw: Gateway, clock: FixedClock, systems: Mapping[str, FakeConnector]):
        self.gw, self.clock, self.systems = gw, clock, systems
        self._numbers = InMemoryControlNumbers(start=7001)

    def order(self, po: str = PO) -> None:
        """The ERP releases a PO: the gateway writes the 850 (the open PO)."""
        self.gw.outbound.accept(purchase_order(po))
        self.clock.advance(minutes=5)

    def send_order(self, po: str = PO) -> bytes:
        """The ERP releases a PO and the 850 goes out on a wire; returns what was sent."""
        sent: list[bytes] = []

        class Wire:
            def send(self, profile: Any, message: Any, payload: bytes) -> str:
                sent.append(payload)
                return "wire-1"

        self.gw.outbound._transports = {"http": Wire()}  # type: ignore[attr-defined]
        message, _ = self.gw.outbound.accept(purchase_order(po))
        self.clock.advance(minutes=1)
        self.gw.outbound.send(message.id)
        self.clock.advance(minutes=5)
        return sent[0]

    def functional_ack(self, sent: bytes) -> None:
        """The supplier's translator answers our 850 with a 997."""
        numbers = InMemoryControlNumbers(start=9001)
        translation = translate(io.BytesIO(sent), numbers=numbers, clock=self.clock)
        (answer,) = [a for a in translation.acknowledgements if a.type == "997"]
        record = self.gw.intake.receive(
            answer.edi.encode("latin-1"), Submission(Transport.API, None, "acme-supply")
        )
        self.gw.pipeline.process_inbound(record.id)
        self.clock.advance(minutes=5)

    def supplier(self, *bodies: Body) -> str:
        """One interchange from Acme Supply with these documents; returns its message id."""
        documents = [
            CanonicalDocument(
                meta=Meta(document_id="x", kind=KIND_OF[type(b)], direction=Direction.OUTBOUND),
                body=b,
            )
            for b in bodies
        ]
        options = RenderOptions(
            sender=("ZZ", "ACMESUPPLY"),
            receiver=("ZZ", "CROSSDOCK"),
            delimiters=Delimiters(element="*", component=">", segment="~", repetition="^"),
        )
        text = render_x12(documents, options, self._numbers, self.clock).encode("latin-1")
        record = self.gw.intake.receive(text, Submission(Transport.API, None, "acme-supply"))
        self.gw.pipeline.process_inbound(record.id)
        self.clock.advance(minutes=5)
        return record.id

    def warehouse(
        self, document: dict[str, Any], *, kind: str = "receipt", key: str | None = None
    ) -> WmsOutcome:
        events = WmsEvents(
            self.gw.unit_of_work,
            self.gw.payloads,
            self.gw.clock,
            self.gw.pipeline.workflow,
            self.gw.pipeline.dispatcher,
        )
        outcome = events.accept(json.dumps(document).encode(), kind, key)
        self.clock.advance(minutes=5)
        return outcome

    def documents(self) -> list[TransactionRecord]:
        with self.gw.engine.connect() as connection:
            found = connection.execute(select(transactions).order_by(transactions.c.created_at))
            return [rows.transaction_record(row._mapping) for row in found]

    def state(self, kind: str, number: str) -> State:
        found = [t for t in self.documents() if t.kind == kind and t.business_number == number]
        assert found, f"no {kind} {number}"
        return found[-1].state

    def exceptions(self, **filters: Any) -> list[ExceptionRecord]:
        with self.gw.unit_of_work() as uow:
            return uow.exceptions.find(ExceptionQuery(**filters))

    def erp(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self.systems["erp"].records.values() if r["meta"]["kind"] == kind]  # type: ignore[index]

    def rematch_all(self) -> None:
        """Match every document again (a task run twice, a sweeper): nothing may change."""
        kinds = ("po_acknowledgement", "ship_notice", "receipt", "invoice")
        self.gw.pipeline.workflow.check([t.id for t in self.documents() if t.kind in kinds])
