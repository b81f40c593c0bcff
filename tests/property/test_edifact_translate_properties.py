"""EDIFACT end to end, with hypothesis: whatever bytes arrive, translate gives results
or an EDI error (never a crash) and every CONTRL it builds reads back cleanly; and
canonical documents go through render → translate → the same documents, with no
finding, through the real paths the gateway uses."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi_maps.edifact.render import RenderOptions
from edi_maps.edifact.service import ServiceChars
from edi_maps.edifact.validation import validate_edifact
from edi_maps.errors import EdiError
from edi_maps.results import Status
from edi_maps.translate import translate
from gateway.canonical import (
    Body,
    Invoice,
    InvoiceLine,
    OrderLine,
    OrderTotals,
    PurchaseOrder,
    Purpose,
    ShipNotice,
    ShippedItem,
    ShippedOrder,
)
from gateway.domain.control_numbers import InMemoryControlNumbers
from tests.conftest import sample_files
from tests.edifact_builders import MINIMAL_ORDERS, interchange, message
from tests.edifact_maps import ITEM_IDS, PARTIES, texts
from tests.fakes import FixedClock
from tests.roundtrip import round_trip_edifact
from tests.strategies import codes, dates, decimals, maybe

SEEDS = [interchange([message(MINIMAL_ORDERS), message(MINIMAL_ORDERS, reference="2")])]
SEEDS += [p.read_bytes() for p in sample_files("edifact/*/*")]
NOISE = list(b"+:'?*.,\n\r UNBHTZGE0123456789\x00\xff\x1d\x1f\x1c")


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        where = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["replace", "insert", "delete", "truncate", "duplicate"]))
        byte = draw(st.sampled_from(NOISE))
        if action == "replace":
            data[where] = byte
        elif action == "insert":
            data.insert(where, byte)
        elif action == "delete":
            del data[where]
        elif action == "truncate":
            del data[where:]
        else:
            span = draw(st.integers(1, 60))
            data[where:where] = data[where : where + span]
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutations_give_results_or_an_edi_error_and_contrls_that_read_back(data: bytes) -> None:
    try:
        translation = translate(io.BytesIO(data), numbers=InMemoryControlNumbers(),
                                clock=FixedClock())  # fmt: skip
    except EdiError:
        return
    for ack in translation.acknowledgements:
        assert ack.type == "CONTRL"
        # acknowledgements are the bytes to send, one character per byte (ISO-8859-1)
        (reread,) = validate_edifact(ack.edi.encode("latin-1")).interchanges
        assert reread.status is Status.ACCEPTED, (ack.edi, reread.errors)
        assert all(m.status is Status.ACCEPTED for g in reread.groups for m in g.sets), ack.edi


# -- canonical → EDIFACT → canonical ---------------------------------------------

LINE_NUMBERS = maybe(codes(r"[1-9][0-9]{0,5}"))
UNITS = codes(r"[A-Z]{3}")
CHARS = st.sampled_from(
    [ServiceChars.level_a(), ServiceChars.from_una("UNA:+,? '"), ServiceChars.from_una("UNA=*.? ~")]
)


@st.composite
def order_lines(draw: st.DrawFn) -> OrderLine:
    quantity = draw(maybe(decimals(9, 3)))
    return OrderLine(
        line_number=draw(LINE_NUMBERS),
        item=draw(ITEM_IDS),
        quantity=quantity,
        uom=None if quantity is None else draw(maybe(UNITS)),
        unit_price=draw(maybe(decimals(9, 4))),
        requested_date=draw(maybe(dates)),
    )


purchase_orders = st.builds(
    PurchaseOrder,
    po_number=texts(35),
    purpose=st.sampled_from(list(Purpose)),
    order_type=st.sampled_from(["220", "221", "226", "227"]),
    order_date=dates,
    currency=maybe(st.sampled_from(["EUR", "USD", "GBP"])),
    parties=st.lists(PARTIES, max_size=3),
    requested_delivery_date=maybe(dates),
    lines=st.lists(order_lines(), min_size=1, max_size=4),
    totals=maybe(st.builds(OrderTotals, line_count=st.integers(0, 999))),
)


@st.composite
def invoices(draw: st.DrawFn) -> Invoice:
    lines = []
    for _ in range(draw(st.integers(0, 3))):
        quantity, price = draw(decimals(7, 2)), draw(decimals(7, 2))
        lines.append(InvoiceLine(line_number=draw(LINE_NUMBERS), item=draw(ITEM_IDS),
                                 quantity_invoiced=quantity, uom=draw(UNITS), unit_price=price,
                                 amount=quantity * price))  # fmt: skip
    return Invoice(
        invoice_number=draw(texts(35)),
        invoice_date=draw(dates),
        po_number=draw(maybe(texts(35))),
        currency=draw(maybe(st.sampled_from(["EUR", "USD"]))),
        parties=draw(st.lists(PARTIES, max_size=3)),
        lines=lines,
        total_amount=draw(decimals(9, 2)),
    )


@st.composite
def ship_notices(draw: st.DrawFn) -> ShipNotice:
    items = []
    for _ in range(draw(st.integers(1, 3))):
        quantity = draw(decimals(7, 3))
        items.append(ShippedItem(line_number=draw(LINE_NUMBERS), item=draw(ITEM_IDS),
                                 quantity_shipped=quantity, uom=draw(UNITS)))  # fmt: skip
    moment = draw(st.datetimes(datetime(2000, 1, 1), datetime(2099, 1, 1), timezones=st.just(UTC)))
    return ShipNotice(
        asn_number=draw(texts(35)),
        shipped_at=moment.replace(second=0, microsecond=0),
        parties=draw(st.lists(PARTIES, max_size=2)),
        orders=[ShippedOrder(po_number=draw(texts(35)), items=items)],
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(purchase_orders, invoices(), ship_notices()),
       st.sampled_from(["D96A", "D01B"]), CHARS)  # fmt: skip
def test_documents_round_trip_through_render_and_translate(
    body: Body, version: str, chars: ServiceChars
) -> None:
    options = RenderOptions(version=version, chars=chars)
    edi, bodies, findings = round_trip_edifact(body, options)
    assert findings == [], edi
    assert bodies == [body], edi


def test_a_known_order_round_trips() -> None:
    """One readable case, for when the property test above is hard to read."""
    body = PurchaseOrder(po_number="PO 1+2", order_type="220", order_date=date(2026, 11, 28),
                         lines=[OrderLine(line_number="1", quantity=Decimal("2.5"), uom="KGM",
                                          unit_price=Decimal("3.10"))])  # fmt: skip
    edi, bodies, findings = round_trip_edifact(body)
    assert findings == [] and bodies == [body]
    assert "BGM+220+PO 1?+2+9'" in edi
