"""A simulated supplier for the live demo: it takes our 850s over HTTP and answers the
way a real one does, over our API: a 997 at once, then an 855, an 856 and an 810.

Like a real one it makes mistakes on demand: a *short shipment* (the ASN announces what
was ordered, the truck carries less — what the warehouse will count is in
``consignments``) and an *overpriced* invoice line (SPEC §5's exceptions to show).

It uses Crossdock's own EDI engine, from the supplier's side: the 997 is what
``translate`` builds for the 850 it received, and the documents are rendered with
the supplier's ids as sender.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from edi_maps.translate import translate
from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.render import RenderOptions, render_x12
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
    Meta,
    Pack,
    PoAcknowledgement,
    PurchaseOrder,
    ShipNotice,
    ShippedItem,
    ShippedOrder,
)
from gateway.domain.control_numbers import InMemoryControlNumbers


class _Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class Supplier:
    """Acme Supply's EDI desk: ZZ:ACMESUPPLY, answering on ``url``."""

    def __init__(
        self,
        gateway_url: str,
        api_key: str,
        *,
        short_shipped: Mapping[str, Mapping[str, Decimal]] | None = None,
        overpriced: Mapping[str, Mapping[str, Decimal]] | None = None,
    ) -> None:
        """``short_shipped``: PO number → line number → what the truck really carries;
        ``overpriced``: PO number → line number → the unit price the invoice asks."""
        self.gateway_url = gateway_url
        self.api_key = api_key
        self.received: list[str] = []  # PO numbers
        self.sent: list[str] = []  # what went back, e.g. "997", "855/856/810"
        # ASN number → (PO number, line number, item id, quantity, uom) physically shipped
        self.consignments: dict[str, list[tuple[str, str, str, Decimal, str]]] = {}
        self._short = short_shipped or {}
        self._overpriced = overpriced or {}
        self._numbers = InMemoryControlNumbers(start=5001)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/edi"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, edi: bytes) -> None:
        clock = _Clock()
        translation = translate(io.BytesIO(edi), numbers=self._numbers, clock=clock)
        for ack in translation.acknowledgements:
            if ack.type == "997":
                self._post(ack.edi.encode("latin-1"))
                self.sent.append("997")
        orders = [d.body for d in translation.documents if isinstance(d.body, PurchaseOrder)]
        if not orders:
            return
        documents = []
        for order in orders:
            self.received.append(order.po_number)
            answers = _answers(order, self._overpriced.get(order.po_number, {}))
            documents += [_document(body) for body in answers]
            self._load_truck(order, answers)
        options = RenderOptions(
            sender=("ZZ", "ACMESUPPLY"),
            receiver=("ZZ", "CROSSDOCK"),
            delimiters=Delimiters(element="*", component=">", segment="~", repetition="^"),
        )
        self._post(render_x12(documents, options, self._numbers, clock).encode("latin-1"))
        self.sent.append("855/856/810")

    def _load_truck(self, order: PurchaseOrder, answers: list[Body]) -> None:
        """What physically leaves the dock: the ASN's quantities, less a short pick."""
        notice = next(b for b in answers if isinstance(b, ShipNotice))
        short = self._short.get(order.po_number, {})
        self.consignments[notice.asn_number] = [
            (order.po_number, line.line_number or "", line.item.buyer_item or "",
             short.get(line.line_number or "", line.quantity or Decimal(0)), line.uom or "EA")
            for line in order.lines
        ]  # fmt: skip

    def _post(self, payload: bytes) -> None:
        answer = httpx.post(
            f"{self.gateway_url}/api/v1/inbound",
            content=payload,
            headers={"X-API-Key": self.api_key},
            timeout=30,
        )
        answer.raise_for_status()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        supplier = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                edi = self.rfile.read(length)
                self.send_response(202)
                self.end_headers()
                # Answer after the HTTP exchange, as a real desk would, in its own time.
                threading.Thread(target=supplier.answer, args=(edi,), daemon=True).start()

            def log_message(self, *_: object) -> None:
                return None

        return Handler


def _document(body: Body) -> CanonicalDocument:
    meta = Meta(document_id="supplier", kind=KIND_OF[type(body)], direction=Direction.OUTBOUND)
    return CanonicalDocument(meta=meta, body=body)


# The supplier's own catalogue: its ASNs and invoices name items by its part numbers and
# GTINs, as real suppliers do; the gateway finds our part numbers through the ERP's item
# master (the sandbox ERP's catalogue has the same items).
OWN_PARTS = {
    "100-200": ItemIds(vendor_item="AC-77", gtin="00012345678905"),
    "100-300": ItemIds(vendor_item="AC-91", gtin="00012345678912"),
}


def own_part(item: ItemIds) -> ItemIds:
    """How the supplier names one of our items (unknown ones as the PO did)."""
    return OWN_PARTS.get(item.buyer_item or "", item)


def _answers(order: PurchaseOrder, prices: Mapping[str, Decimal]) -> list[Body]:
    today = datetime.now(UTC)
    number = order.po_number.rsplit("-", 1)[-1]
    ack = PoAcknowledgement(
        po_number=order.po_number,
        po_date=order.order_date,
        ack_type=AckType.ACCEPTED,
        ack_date=today.date(),
        lines=[
            AckLine(
                line_number=line.line_number,
                item=line.item,
                quantity=line.quantity,
                uom=line.uom,
                unit_price=line.unit_price,
                scheduled_date=(today + timedelta(days=3)).date(),
            )
            for line in order.lines
        ],
    )
    items = [
        ShippedItem(
            line_number=line.line_number,
            item=own_part(line.item),
            quantity_shipped=line.quantity,
            uom=line.uom,
            lot=f"LOT-{number}",
        )
        for line in order.lines
    ]
    notice = ShipNotice(
        asn_number=f"ASN-{number}",
        shipped_at=today.replace(microsecond=0),
        orders=[
            ShippedOrder(
                po_number=order.po_number,
                packs=[Pack(sscc=f"00{number.zfill(16)[-16:]}00", items=items)],
            )
        ],
    )
    lines = [
        InvoiceLine(
            line_number=line.line_number,
            item=own_part(line.item),
            quantity_invoiced=line.quantity,
            uom=line.uom,
            unit_price=prices.get(line.line_number or "", line.unit_price),
            amount=(line.quantity or Decimal(0))
            * prices.get(line.line_number or "", line.unit_price or Decimal(0)),
        )
        for line in order.lines
    ]
    invoice = Invoice(
        invoice_number=f"INV-{number}",
        invoice_date=today.date(),
        po_number=order.po_number,
        currency=order.currency,
        lines=lines,
        total_amount=sum((line.amount or Decimal(0) for line in lines), Decimal(0)),
    )
    return [ack, notice, invoice]
