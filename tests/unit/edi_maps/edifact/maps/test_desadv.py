"""DESADV ↔ ship_notice: each reading rule on hand-written EDIFACT, the samples, and
canonical → DESADV text → the same canonical for D96A and D01B."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi_maps.edifact.maps.base import MappingError, ReadContext, Row, WriteContext
from edi_maps.edifact.maps.desadv import DESADV_MAP
from edi_maps.edifact.service import ServiceChars
from gateway.canonical import (
    Address,
    Carrier,
    Invoice,
    ItemIds,
    Pack,
    Party,
    Role,
    ShipNotice,
    ShippedItem,
    ShippedOrder,
)
from tests.conftest import requires_samples, sample_files, sample_id
from tests.edifact_maps import ITEM_IDS, PARTIES, findings, texts
from tests.edifact_rows import messages, read_back, to_text
from tests.strategies import codes, dates, decimals, maybe

HEAD = "UNB+UNOC:3+SUPPLIER:14+CROSSDOCK:14+261128:1200+1'\nUNH+1+DESADV:D:96A:UN:EAN005'\n"


def read(*segments: str, head: str = HEAD) -> Any:
    """The ship_notice of one DESADV whose segments between UNH and UNT are given."""
    body = "".join(f"{segment}'\n" for segment in segments)
    text = f"{head}{body}UNT+{len(segments) + 2}+1'\nUNZ+1+1'\n"
    (message,) = messages(text.encode("latin-1"))
    return DESADV_MAP.read(message.rows, ReadContext(message.chars, message.version))


def item(line: str, gtin: str, quantity: str = "1", **more: Any) -> ShippedItem:
    return ShippedItem(
        line_number=line, item=ItemIds(gtin=gtin), quantity_shipped=Decimal(quantity), **more
    )


def bare(line: str, gtin: str) -> ShippedItem:
    return ShippedItem(line_number=line, item=ItemIds(gtin=gtin))


BGM = "BGM+351+ASN1001+9"
SSCC_1, SSCC_2, SSCC_3 = "354123450000000014", "354123450000000021", "354123450000000038"


# -- reading -----------------------------------------------------------------------------


def test_an_EANCOM_despatch_advice_with_every_field() -> None:
    """Consignment level 1 (its PAC counts the packages: not a pack), a pallet at
    level 2 with its SSCC; lot and expiry of one line in its PCI group, of the
    other as a PIA batch number."""
    body = read(
        BGM,
        "DTM+137:20261127:102",
        "DTM+11:202611271545:203",
        "DTM+17:20261202:102",
        "RFF+BM:BOL778",
        "DTM+171:20261101:102",  # the bill of lading's date, not the shipment's
        "RFF+CN:1Z999",
        "RFF+ON:PO-77",
        "NAD+DP+5412345000013::9++ACME DC 4+1 DOCK ROAD:GATE 7+SPRINGFIELD+IL+62701+US",
        "RFF+BM:NOT-THE-BOL",  # the party's reference (SG3), not the header's
        "NAD+SU+123456789::16++WIDGET CO",
        "NAD+UC+5412345000099::9",  # ultimate consignee: no role in the contract
        "TDT+20++30+31+UPSN:172:182",
        "CPS+1",
        "PAC+2++201",
        "CPS+2+1",
        "PAC+1++201",
        "PCI+33E",
        f"GIN+BJ+{SSCC_1}",
        "LIN+1++5412345111115:SRV",
        "PIA+1+B-1:IN+V-1:SA",
        "IMD+F++:::BLUE WIDGET",
        "QTY+12:24:PCE",
        "PCI+36E",
        "DTM+36:20271231:102",
        "GIN+BX+LOT42",
        "LIN+2++5412345222227:SRV",
        "PIA+1+LOT43:NB",
        "QTY+12:1.5:KGM",
        "CNT+2:2",
    )
    assert body == ShipNotice(
        asn_number="ASN1001",
        shipped_at=datetime(2026, 11, 27, 15, 45, tzinfo=UTC),
        estimated_delivery=date(2026, 12, 2),
        carrier=Carrier(scac="UPSN", mode="30"),
        tracking_number="1Z999",
        bill_of_lading="BOL778",
        parties=[
            Party(
                role=Role.SHIP_TO,
                name="ACME DC 4",
                identifiers={"gln": "5412345000013"},
                address=Address(
                    lines=["1 DOCK ROAD", "GATE 7"],
                    city="SPRINGFIELD",
                    region="IL",
                    postal_code="62701",
                    country="US",
                ),
            ),
            Party(role=Role.SUPPLIER, name="WIDGET CO", identifiers={"duns": "123456789"}),
        ],
        orders=[
            ShippedOrder(
                po_number="PO-77",
                packs=[
                    Pack(
                        sscc=SSCC_1,
                        items=[
                            ShippedItem(
                                line_number="1",
                                item=ItemIds(
                                    buyer_item="B-1",
                                    vendor_item="V-1",
                                    gtin="5412345111115",
                                    description="BLUE WIDGET",
                                ),
                                quantity_shipped=Decimal(24),
                                uom="PCE",
                                lot="LOT42",
                                expiry=date(2027, 12, 31),
                            ),
                            item("2", "5412345222227", "1.5", uom="KGM", lot="LOT43"),
                        ],
                    )
                ],
            )
        ],
    )


def test_parent_links_not_segment_order_decide_the_pack() -> None:
    """Level 3 names level 2 as its parent although level 2 comes after it; the LINs
    of level 4 (a layer without packaging) belong to the pack above them."""
    body = read(
        BGM,
        "RFF+ON:PO-1",
        "CPS+1",
        "CPS+3+2",
        "LIN+1++111:SRV",
        "QTY+12:1",
        "CPS+2+1",
        "PAC+1++CT",
        "PCI+33E",
        f"GIN+BJ+{SSCC_1}",
        "CPS+4+2",
        "LIN+2++222:SRV",
        "QTY+12:1",
    )
    assert body.orders == [
        ShippedOrder(
            po_number="PO-1", packs=[Pack(sscc=SSCC_1, items=[item("1", "111"), item("2", "222")])]
        )
    ]


def test_a_pallet_of_cartons_is_a_container_and_an_empty_carton_is_kept() -> None:
    body = read(
        BGM,
        "RFF+ON:PO-1",
        "CPS+1",
        "CPS+2+1",
        "PAC+1++201",
        "PCI+33E",
        f"GIN+BJ+{SSCC_1}",  # the pallet: holds only cartons
        "CPS+3+2",
        "PAC+1++CT",
        "PCI+33E",
        f"GIN+BJ+{SSCC_2}",
        "LIN+1++111:SRV",
        "QTY+12:1",
        "CPS+4+2",
        "PAC+1++CT",
        "PCI+33E",
        f"GIN+AW+{SSCC_3}",  # AW: the older code for an SSCC; this carton is empty
    )
    assert body.orders == [
        ShippedOrder(
            po_number="PO-1",
            packs=[Pack(sscc=SSCC_2, items=[item("1", "111")]), Pack(sscc=SSCC_3)],
        )
    ]


def test_a_package_level_without_SSCC_is_a_pack_but_a_top_levels_PAC_is_not() -> None:
    """vscode-edi's layout: levels without parents, each with a PAC and marking labels
    (GIN ML, no SSCC): the LINs are flat items. A child level with a PAC is a pack."""
    body = read(
        BGM,
        "CPS+1++3",
        "PAC+1+:35+::92",
        "GIN+ML+LABEL-1",
        "LIN+1++111:SRV",
        "QTY+12:1",
        "RFF+ON:PO-1",
        "CPS+2+1+1",
        "PAC+3+:35+::92",
        "LIN+2++222:SRV",
        "QTY+12:1",
        "RFF+ON:PO-1",
    )
    assert body.orders == [
        ShippedOrder(
            po_number="PO-1", packs=[Pack(items=[item("2", "222")])], items=[item("1", "111")]
        )
    ]


def test_each_LIN_names_its_order_else_its_level_does() -> None:
    """No order in the header: orders come as items name them; the order in a
    pack's PCI group holds for the LINs that name none."""
    body = read(
        BGM,
        "CPS+1",
        "LIN+1++111:SRV",
        "RFF+ON:B",
        "LIN+2++222:SRV",
        "RFF+ON:A",
        "CPS+2+1",
        "PAC+1",
        "PCI+33E",
        "RFF+ON:A",
        f"GIN+BJ+{SSCC_1}",
        "LIN+3++333:SRV",
        "LIN+4++444:SRV",
        "RFF+CO:B",
    )
    assert body.orders == [
        ShippedOrder(
            po_number="B",
            items=[bare("1", "111")],
            packs=[Pack(sscc=SSCC_1, items=[bare("4", "444")])],
        ),
        ShippedOrder(
            po_number="A",
            items=[bare("2", "222")],
            packs=[Pack(sscc=SSCC_1, items=[bare("3", "333")])],
        ),
    ]


def test_the_header_order_holds_for_unnamed_items_only_when_it_is_the_only_one() -> None:
    single = read(BGM, "RFF+ON:A", "CPS+1", "LIN+1++111:SRV", "LIN+2++222:SRV", "RFF+ON:B")
    assert [(o.po_number, len(o.items)) for o in single.orders] == [("A", 1), ("B", 1)]
    several = read(BGM, "RFF+ON:A", "RFF+ON:B", "CPS+1", "LIN+1++111:SRV", "LIN+2++2:SRV",
                   "RFF+ON:A")  # fmt: skip
    assert [(o.po_number, len(o.items)) for o in several.orders] == [("A", 1), ("B", 0), (None, 1)]


def test_LINs_without_any_CPS_are_flat_items() -> None:
    body = read(BGM, "RFF+ON:PO-1", "LIN+1++111:SRV", "QTY+12:2", "LIN+2++222:EN", "QTY+12:3")
    assert body.orders == [
        ShippedOrder(po_number="PO-1", items=[item("1", "111", "2"), item("2", "222", "3")])
    ]


def test_a_cycle_of_parent_links_is_broken() -> None:
    """Level 1 names 2 as its parent and 2 names 1: the first link stands, so level 2
    (a PAC without a parent: not a pack) holds the LIN, and level 1 is an empty pack."""
    body = read(BGM, "CPS+1+2", "PAC+1", "GIN+BJ+P1", "CPS+2+1", "PAC+1", "LIN+1++111:SRV")
    assert body.orders == [ShippedOrder(packs=[Pack(sscc="P1")], items=[bare("1", "111")])]


def test_dates_fall_back_to_the_document_date_and_the_estimated_arrival() -> None:
    body = read(BGM, "DTM+137:20260101120005:204", "DTM+132:20260105:102")
    assert body == ShipNotice(
        asn_number="ASN1001",
        shipped_at=datetime(2026, 1, 1, 12, 0, 5, tzinfo=UTC),
        estimated_delivery=date(2026, 1, 5),
    )


def test_a_carrier_named_by_another_agency_has_only_its_mode() -> None:
    body = read(BGM, "TDT+20++3++5412345000013::9")
    assert body.carrier == Carrier(mode="3")


def test_decimal_comma_of_the_UNA() -> None:
    head = "UNA:+,? '\n" + HEAD
    body = read(BGM, "LIN+1++111:SRV", "QTY+12:2,5", head=head)
    assert body.orders[0].items[0].quantity_shipped == Decimal("2.5")


def test_without_a_document_number_there_is_no_asn_to_map() -> None:
    with pytest.raises(MappingError, match="BGM"):
        read("BGM+351")


def test_a_bad_quantity_is_a_mapping_error() -> None:
    with pytest.raises(MappingError, match="not a number"):
        read(BGM, "LIN+1", "QTY+12:12A")


# -- samples ---------------------------------------------------------------------------


def sample_messages(path: Path) -> list[Any]:
    """The DESADV messages of a sample file (other types, e.g. ORDERS, skipped)."""
    return [m for m in messages(path.read_bytes()) if m.message_type == "DESADV"]


def read_message(message: Any) -> Any:
    context = ReadContext(message.chars, message.version, message.association)
    return DESADV_MAP.read(message.rows, context)


@requires_samples
@pytest.mark.parametrize("path", sample_files("edifact/DESADV/*"), ids=sample_id)
def test_every_DESADV_sample_maps(path: Path) -> None:
    found = sample_messages(path)
    assert found, "each sample holds at least one DESADV"
    for message in found:
        assert isinstance(read_message(message), ShipNotice)


@requires_samples
def test_the_dutchic_sample_field_by_field() -> None:
    """bots' EAN005 DESADVs: BGM number; no DTM 11, so the document date (DTM 137) is
    the shipment's; DTM 17 in format 203; the header's one RFF ON names the order of
    every LIN under CPS 1 (no packaging: flat items); NAD UC has no role."""
    (path,) = sample_files("edifact/DESADV/bots__dutchic_desadv1.edi")
    bodies = [read_message(m) for m in sample_messages(path)]
    assert [b.asn_number for b in bodies] == [f"VERZENDVB{n}" for n in range(8, 0, -1)]
    first = bodies[0]
    assert first.shipped_at == datetime(2013, 1, 23, tzinfo=UTC)
    assert first.estimated_delivery == date(1998, 11, 1)
    assert [p.role for p in first.parties] == [
        Role.BUYER, Role.SUPPLIER, Role.SHIP_TO, Role.SHIP_FROM
    ]  # fmt: skip
    assert first.parties[0].identifiers == {"gln": "8712345002008"}
    (order,) = first.orders
    assert (order.po_number, order.packs, len(order.items)) == ("124", [], 12)
    assert order.items[11] == item("12", "8712345003920", "121212121212.121")
    assert bodies[4].estimated_delivery == date(1998, 11, 1)  # DTM 17 in format 102
    assert bodies[7].estimated_delivery is None


@requires_samples
def test_the_php_edifact_sample_field_by_field() -> None:
    """php-edifact's D96A DESADV (UNH version "0"): DTM 11 as a date; each LIN's
    RFF ON names its order (the second one not in the header); PIA 5 without a type
    gives no id; NAD+SU+1694901+31B puts its agency in C058 (name and address), so
    the id has no agency (mutually defined) and "31B" reads as the name, as sent."""
    (path,) = sample_files("edifact/DESADV/php-edifact__D96ADESADV.edi")
    (body,) = [read_message(m) for m in sample_messages(path)]
    assert (body.asn_number, body.shipped_at) == ("Y02197250", datetime(2016, 7, 26, tzinfo=UTC))
    assert body.parties[0] == Party(
        role=Role.SUPPLIER, name="31B", identifiers={"mutually_defined": "1694901"}
    )
    assert [(o.po_number, [i.line_number for i in o.items]) for o in body.orders] == [
        ("6877871", ["001"]),
        ("6905456", ["002"]),
    ]
    assert body.orders[0].items[0] == ShippedItem(
        line_number="001",
        item=ItemIds(description="MUNCIE THE MIDDLE"),
        quantity_shipped=Decimal(1),
    )


@requires_samples
def test_the_vscode_sample_field_by_field() -> None:
    """vscode-edi's D07A DESADV (two identical messages): DTM 11 in format 203, DTM 132
    the estimated arrival; TDT mode 30; CPS levels without parent links and without
    SSCCs (GIN ML labels): every LIN a flat item of the order its RFF ON names."""
    (path,) = sample_files("edifact/DESADV/vscode-edi__DESADV.edi")
    bodies = [read_message(m) for m in sample_messages(path)]
    assert len(bodies) == 2 and bodies[0] == bodies[1]
    body = bodies[0]
    assert body.shipped_at == datetime(2018, 1, 24, 10, 27, tzinfo=UTC)
    assert body.estimated_delivery == date(2018, 1, 16)
    assert body.carrier == Carrier(mode="30")
    assert [p.role for p in body.parties] == [Role.BUYER, Role.SELLER, Role.SHIP_TO]
    (order,) = body.orders
    assert order.po_number == "5500011089"
    assert [i.quantity_shipped for i in order.items] == [Decimal(n) for n in (600, 300, 500, 100,
                                                                             400, 100)]  # fmt: skip
    assert order.items[0] == ShippedItem(
        item=ItemIds(buyer_item="197.536-21", vendor_item="0048202147"),
        quantity_shipped=Decimal(600),
        uom="PCE",
    )


@requires_samples
def test_the_minimal_DESADV_beside_ORDERS() -> None:
    (path,) = sample_files("edifact/DESADV/vscode-edi__EDIFACT-interchanges.edi")
    assert [read_message(m) for m in sample_messages(path)] == [ShipNotice(asn_number="20171229")]


# -- writing -----------------------------------------------------------------------------


def write(body: Any, version: str = "D96A") -> list[Row]:
    return DESADV_MAP.write(body, WriteContext(version))


AT_0930 = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


def test_writing_two_orders_with_packs_and_flat_items() -> None:
    body = ShipNotice(
        asn_number="A1",
        shipped_at=AT_0930,
        carrier=Carrier(scac="UPSN"),
        orders=[
            ShippedOrder(
                po_number="P1",
                items=[item("1", "111")],
                packs=[Pack(sscc=SSCC_1, items=[item("2", "222")]), Pack(sscc=SSCC_2)],
            ),
            ShippedOrder(po_number="P2", items=[ShippedItem(line_number="3", lot="L3")]),
        ],
    )
    assert to_text(write(body)).splitlines() == [
        "BGM+351+A1+9'",
        "DTM+137:202611280930:203'",
        "DTM+11:202611280930:203'",
        "RFF+ON:P1'",
        "RFF+ON:P2'",
        "TDT+20++++UPSN:172:182'",
        "CPS+1'",
        "LIN+1++111:EN'",  # D96A's 7143 has EN for a GTIN (SRV from D01B)
        "QTY+12:1'",
        "RFF+ON:P1'",
        "CPS+2+1'",
        "PAC+1'",
        "PCI+33E'",
        f"GIN+BJ+{SSCC_1}'",
        "LIN+2++222:EN'",
        "QTY+12:1'",
        "RFF+ON:P1'",
        "CPS+3+1'",
        "PAC+1'",
        "PCI+33E'",
        "RFF+ON:P1'",  # an empty pack names its order itself
        f"GIN+BJ+{SSCC_2}'",
        "CPS+4+1'",
        "LIN+3'",
        "PIA+1+L3:NB'",
        "RFF+ON:P2'",
    ]
    assert round_trip(body) == body


@pytest.mark.parametrize(
    ("orders", "message"),
    [
        ([ShippedOrder(po_number="A"), ShippedOrder()], "without po_number"),
        ([ShippedOrder(po_number="A"), ShippedOrder(po_number="A")], "share"),
        ([ShippedOrder(po_number="A", packs=[Pack()]), ShippedOrder(po_number="B")], "SSCC"),
        ([ShippedOrder(items=[ShippedItem(uom="EA")])], "quantity_shipped"),
    ],
)
def test_what_a_DESADV_cannot_carry_is_refused(orders: list[ShippedOrder], message: str) -> None:
    with pytest.raises(MappingError, match=message):
        write(ShipNotice(asn_number="A1", shipped_at=AT_0930, orders=orders))


def test_a_DESADV_needs_a_date() -> None:
    """D96A makes the header DTM mandatory; shipped_at is the only date we write."""
    with pytest.raises(MappingError, match="shipped_at"):
        write(ShipNotice(asn_number="A1"))


def test_a_DESADV_writes_only_a_ship_notice() -> None:
    with pytest.raises(MappingError, match="ship_notice"):
        write(Invoice(invoice_number="1"))


# -- round trip ------------------------------------------------------------------------


def round_trip(body: ShipNotice, version: str = "D96A") -> Any:
    """``body`` written, as text, read back (through release characters)."""
    identifier = ["DESADV", version[0], version[1:], "UN"]
    rows = [[["UNH"], ["1"], identifier], *write(body, version), [["UNT"], ["9"], ["1"]]]
    return DESADV_MAP.read(read_back(rows), ReadContext(ServiceChars.level_a(), version))


@st.composite
def shipped_items(draw: st.DrawFn) -> ShippedItem:
    quantity = draw(maybe(decimals(9, 3)))
    return ShippedItem(
        line_number=draw(maybe(codes(r"[0-9]{1,6}"))),
        item=draw(ITEM_IDS),
        quantity_shipped=quantity,
        uom=None if quantity is None else draw(maybe(codes(r"[A-Z0-9]{2,3}"))),
        lot=draw(maybe(texts(35))),
        expiry=draw(maybe(dates)),
    )


def packs(*, empty_needs_sscc: bool) -> st.SearchStrategy[Pack]:
    found = st.builds(
        Pack, sscc=maybe(codes(r"[0-9]{18}")), items=st.lists(shipped_items(), max_size=3)
    )
    return found.filter(lambda p: p.items or p.sscc) if empty_needs_sscc else found


@st.composite
def order_lists(draw: st.DrawFn) -> list[ShippedOrder]:
    """One order (its number optional), or several with distinct numbers: a DESADV
    tells orders apart by their RFF ON alone."""
    count = draw(st.integers(0, 3))
    if count <= 1:
        orders = [
            ShippedOrder(
                po_number=draw(maybe(texts(35))),
                packs=draw(st.lists(packs(empty_needs_sscc=False), max_size=3)),
                items=draw(st.lists(shipped_items(), max_size=3)),
            )
            for _ in range(count)
        ]
        # an order with neither number nor content leaves no trace in a DESADV
        return [o for o in orders if o.po_number or o.packs or o.items]
    numbers = draw(st.lists(texts(35), min_size=count, max_size=count, unique=True))
    return [
        ShippedOrder(
            po_number=number,
            packs=draw(st.lists(packs(empty_needs_sscc=True), max_size=2)),
            items=draw(st.lists(shipped_items(), max_size=2)),
        )
        for number in numbers
    ]


SHIP_NOTICES = st.builds(
    ShipNotice,
    asn_number=texts(35),
    shipped_at=st.datetimes(
        datetime(2000, 1, 1), datetime(2099, 12, 31), timezones=st.just(UTC)
    ).map(lambda moment: moment.replace(microsecond=0)),
    estimated_delivery=maybe(dates),
    carrier=maybe(
        st.builds(
            Carrier, scac=maybe(codes(r"[A-Z]{2,4}")), mode=maybe(codes(r"[0-9A-Z]{1,3}"))
        ).filter(lambda c: bool(c.scac or c.mode))
    ),
    tracking_number=maybe(texts(35)),
    bill_of_lading=maybe(texts(35)),
    parties=st.lists(PARTIES, max_size=3),
    orders=order_lists(),
)


@pytest.mark.parametrize("version", ["D96A", "D01B"])
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=SHIP_NOTICES)
def test_round_trip_through_DESADV_text(version: str, body: ShipNotice) -> None:
    assert round_trip(body, version) == body


@pytest.mark.parametrize("version", ["D96A", "D01B"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=SHIP_NOTICES)
def test_what_is_written_validates(version: str, body: ShipNotice) -> None:
    rows = write(body, version)
    assert findings(f"DESADV:D:{version[1:]}:UN", rows) == [], to_text(rows)
