"""856 ↔ ship_notice: each reading rule on hand-written X12 that validates, the
samples, and canonical → valid X12 → the same canonical for 004010 and 005010."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.maps.base import MappingError, ReadContext, Row, WriteContext
from edi_maps.x12.maps.ship_notice_856 import SHIP_NOTICE_856
from edi_maps.x12.render import RenderOptions
from gateway.canonical import (
    Address,
    Body,
    Carrier,
    ItemIds,
    Pack,
    Party,
    Role,
    ShipNotice,
    ShippedItem,
    ShippedOrder,
)
from tests.conftest import requires_samples, sample_files, sample_id
from tests.roundtrip import round_trip
from tests.strategies import codes, dates, decimals, item_ids, maybe, parties, words
from tests.x12_maps import read_one, read_sets


def read_rows(*segments: str) -> Any:
    """Read without validating (as an unvalidated pre-004010 set would be)."""
    rows = [s.split("*") for s in ("ST*856*0001", *segments, "SE*9*0001")]
    return SHIP_NOTICE_856.read(rows, ReadContext(Delimiters.default(), "003060"))


def write(body: Body, version: str = "004010") -> list[Row]:
    return SHIP_NOTICE_856.write(body, WriteContext(Delimiters.default(), version))


BSN = "BSN*00*ASN1001*20261128*0930*0001"
AT_0930 = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


def item(line: str, upc: str, quantity: str = "1") -> ShippedItem:
    return ShippedItem(
        line_number=line, item=ItemIds(upc=upc), quantity_shipped=Decimal(quantity), uom="EA"
    )


# -- reading -----------------------------------------------------------------------------


def test_pick_and_pack_S_O_P_I_with_every_field() -> None:
    body = read_one(
        SHIP_NOTICE_856,
        BSN,
        "HL*1**S*1",
        "TD1*CTN25*2****G*31.5*LB",
        "TD5*B*2*UPSN*M",
        "REF*BM*BOL778",
        "REF*CN*1Z999",
        "DTM*011*20261127*1545*ET",
        "DTM*017*20261202",
        "N1*ST*ACME DC 4*UL*0614141000012",
        "N3*1 DOCK ROAD*GATE 7",
        "N4*SPRINGFIELD*IL*62701*US",
        "N1*SF*WIDGET CO*1*123456789",
        "N1*AK*DOCS DEPT",  # a role the contract lacks: skipped
        "HL*2*1*O*1",
        "PRF*PO-77***20261101",
        "HL*3*2*P*1",
        "MAN*GM*00106141411234567897",
        "HL*4*3*I*0",
        "LIN*1*BP*B-1*VP*V-1*UK*00614141000012*UP*614141000012",
        "SN1**24*EA**24*EA",
        "PID*F*08***BLUE WIDGET",
        "REF*LT*LOT42",
        "DTM*036*20271231",
        "CTT*4",
    )
    assert body == ShipNotice(
        asn_number="ASN1001",
        shipped_at=datetime(2026, 11, 27, 15, 45, tzinfo=timezone(timedelta(hours=-5))),
        estimated_delivery=date(2026, 12, 2),
        carrier=Carrier(scac="UPSN", mode="M"),
        tracking_number="1Z999",
        bill_of_lading="BOL778",
        parties=[
            Party(
                role=Role.SHIP_TO,
                name="ACME DC 4",
                identifiers={"gln": "0614141000012"},
                address=Address(
                    lines=["1 DOCK ROAD", "GATE 7"],
                    city="SPRINGFIELD",
                    region="IL",
                    postal_code="62701",
                    country="US",
                ),
            ),
            Party(role=Role.SHIP_FROM, name="WIDGET CO", identifiers={"duns": "123456789"}),
        ],
        orders=[
            ShippedOrder(
                po_number="PO-77",
                packs=[
                    Pack(
                        sscc="00106141411234567897",
                        items=[
                            ShippedItem(
                                line_number="1",
                                item=ItemIds(
                                    buyer_item="B-1",
                                    vendor_item="V-1",
                                    gtin="00614141000012",
                                    upc="614141000012",
                                    description="BLUE WIDGET",
                                ),
                                quantity_shipped=Decimal(24),
                                uom="EA",
                                lot="LOT42",
                                expiry=date(2027, 12, 31),
                            )
                        ],
                    )
                ],
            )
        ],
    )


def test_standard_carton_S_O_I_gives_flat_items() -> None:
    body = read_one(
        SHIP_NOTICE_856,
        BSN,
        "HL*1**S*1",
        "HL*2*1*O*1",
        "PRF*PO-1",
        "HL*3*2*I*0",
        "LIN*1*UP*111",
        "SN1**5*EA",
        "HL*4*2*I*0",
        "LIN**UP*222",
        "SN1*2*7*CA",
        "CTT*4",
    )
    (order,) = body.orders
    assert order.packs == []
    assert order.items == [
        item("1", "111", "5"),
        ShippedItem(
            line_number="2", item=ItemIds(upc="222"), quantity_shipped=Decimal(7), uom="CA"
        ),
    ], "SN101 gives the line number when LIN01 is empty"


def test_tare_S_O_T_P_I_packs_belong_to_the_order() -> None:
    body = read_one(
        SHIP_NOTICE_856,
        BSN,
        "HL*1**S*1",
        "HL*2*1*O*1",
        "PRF*PO-1",
        "HL*3*2*T*1",
        "MAN*GM*00000000000000000001",  # the pallet: no place in the contract
        "HL*4*3*P*1",
        "MAN*GM*00000000000000000002",
        "HL*5*4*I*0",
        "LIN*1*UP*111",
        "SN1**1*EA",
        "HL*6*3*P*1",
        "MAN*GM*00000000000000000003",
        "HL*7*6*I*0",
        "LIN*2*UP*222",
        "SN1**1*EA",
        "CTT*7",
    )
    assert body.orders == [
        ShippedOrder(
            po_number="PO-1",
            packs=[
                Pack(sscc="00000000000000000002", items=[item("1", "111")]),
                Pack(sscc="00000000000000000003", items=[item("2", "222")]),
            ],
        )
    ]


def test_a_tare_holding_items_directly_is_their_pack() -> None:
    body = read_one(
        SHIP_NOTICE_856,
        BSN,
        "HL*1**S*1",
        "HL*2*1*O*1",
        "HL*3*2*T*1",
        "MAN*GM*PALLET1",
        "HL*4*3*I*0",
        "LIN*1*UP*111",
        "SN1**1*EA",
        "CTT*4",
    )
    assert body.orders == [ShippedOrder(packs=[Pack(sscc="PALLET1", items=[item("1", "111")])])]


def test_parent_links_not_segment_order_decide_where_a_level_belongs() -> None:
    body = read_one(
        SHIP_NOTICE_856,
        BSN,
        "HL*1**S*1",
        "HL*2*1*O*1",
        "PRF*A",
        "HL*3*1*O*1",
        "PRF*B",
        "HL*4*2*P*1",  # a pack of order A, after order B
        "MAN*CP*PKG-1",
        "HL*5*4*I*0",
        "LIN*1*UP*111",
        "SN1**1*EA",
        "HL*6*3*I*0",
        "LIN*2*UP*222",
        "SN1**1*EA",
        "HL*7*2*P*0",  # an empty pack is kept
        "MAN*CP*PKG-2",
        "MAN*GM*SSCC-2",
        "CTT*7",
    )
    assert body.orders == [
        ShippedOrder(
            po_number="A",
            packs=[
                Pack(sscc="PKG-1", items=[item("1", "111")]),
                Pack(sscc="SSCC-2"),  # GM is preferred to CP
            ],
        ),
        ShippedOrder(po_number="B", items=[item("2", "222")]),
    ]


def test_without_an_order_level_the_items_PRF_names_the_order() -> None:
    body = read_one(
        SHIP_NOTICE_856,
        BSN,
        "HL*1**S*1",
        "HL*2*1*I*0",
        "LIN**BP*A",
        "SN1**1*EA",
        "PRF*PO-1",
        "HL*3*1*I*0",
        "LIN**BP*B",
        "SN1**2*EA",
        "PRF*PO-2",
        "HL*4*1*I*0",
        "LIN**BP*C",
        "SN1**3*EA",
        "PRF*PO-1",
        "CTT*4",
    )
    quantities = [[i.quantity_shipped for i in order.items] for order in body.orders]
    assert [order.po_number for order in body.orders] == ["PO-1", "PO-2"]
    assert quantities == [[Decimal(1), Decimal(3)], [Decimal(2)]]


def test_shipped_at_falls_back_to_BSN_and_delivery_to_DTM_067() -> None:
    body = read_one(SHIP_NOTICE_856, BSN, "DTM*067*20261201", "HL*1**S*0", "CTT*1")
    assert body == ShipNotice(
        asn_number="ASN1001", shipped_at=AT_0930, estimated_delivery=date(2026, 12, 1)
    )


def test_the_minimal_856_has_only_the_shipment() -> None:
    body = read_one(SHIP_NOTICE_856, "BSN*00*AS*20260101*120005", "HL*1**S")
    assert body == ShipNotice(
        asn_number="AS", shipped_at=datetime(2026, 1, 1, 12, 0, 5, tzinfo=UTC)
    )


def test_a_carrier_without_SCAC_qualifier_has_only_its_mode() -> None:
    body = read_one(SHIP_NOTICE_856, BSN, "HL*1**S", "TD5**ZZ*MYCARRIER*LT", "CTT*1")
    assert body.carrier == Carrier(mode="LT")


def test_REF_and_DTM_inside_nested_loops_are_not_the_shipments() -> None:
    body = read_one(
        SHIP_NOTICE_856,
        BSN,
        "HL*1**S",
        "CLD*1*10",
        "REF*BM*NOT-A-BOL",
        "N1*ST*STORE*92*0001",
        "REF*CN*NOT-TRACKING",
        "V1*9123456",
        "DTM*011*19990101",
        "CTT*1",
    )
    assert (body.bill_of_lading, body.tracking_number) == (None, None)
    assert body.shipped_at == AT_0930
    assert body.parties == [
        Party(role=Role.SHIP_TO, name="STORE", identifiers={"buyer_assigned": "0001"})
    ]


def test_levels_and_segments_in_005010() -> None:
    body = read_one(
        SHIP_NOTICE_856,
        BSN,
        "HL*1**S*1",
        "TD3*TL**TRAILER1",
        "AT9*5300",
        "REF*BM*BOL-5",
        "HL*2*1*O*1",
        "PRF*PO-5",
        "HL*3*2*I*0",
        "LIN*1*VP*V-5",
        "SN1**1.5*LB",
        "CTT*3",
        version="005010",
    )
    assert body.bill_of_lading == "BOL-5"
    (order,) = body.orders
    assert order.items == [
        ShippedItem(
            line_number="1",
            item=ItemIds(vendor_item="V-5"),
            quantity_shipped=Decimal("1.5"),
            uom="LB",
        )
    ]


def test_without_BSN02_there_is_no_asn_number_to_map() -> None:
    with pytest.raises(MappingError, match="BSN02"):
        read_rows("BSN*00**030619*1235", "HL*1**S")


def test_a_bad_time_in_an_unvalidated_set_is_a_mapping_error() -> None:
    with pytest.raises(MappingError):
        read_rows("BSN*00*A1*030619*2599", "HL*1**S")


def test_an_HL_whose_parent_is_unknown_or_later_is_a_root() -> None:
    body = read_rows(BSN, "HL*1*9*S", "HL*2*3*I", "LIN**UP*1", "HL*3*2*O", "PRF*X")
    assert body.orders == [
        ShippedOrder(items=[ShippedItem(item=ItemIds(upc="1"))]),  # met first, in HL 2
        ShippedOrder(po_number="X"),
    ]


@requires_samples
@pytest.mark.parametrize(
    "path", sample_files("x12/856/*") + sample_files("x12/mixed/*"), ids=sample_id
)
def test_every_sample_set_that_validates_maps(path: Any) -> None:
    try:
        read_sets(SHIP_NOTICE_856, path.read_bytes())
    except MappingError as error:
        assert "BSN02" in str(error)  # Example2 (003060, not validated) has an empty BSN02


@requires_samples
@pytest.mark.parametrize("path", sample_files("x12/856/*"), ids=sample_id)
def test_even_a_rejected_sample_set_reads_or_raises_a_mapping_error(path: Any) -> None:
    with contextlib.suppress(MappingError):
        read_sets(SHIP_NOTICE_856, path.read_bytes(), must_validate=False)


@requires_samples
def test_the_crossdock_sample_field_by_field() -> None:
    (path,) = sample_files("x12/856/ediengine__856.Crossdock.OK.x12")
    (body,), _ = read_sets(SHIP_NOTICE_856, path.read_bytes())
    assert (body.asn_number, body.bill_of_lading, body.tracking_number) == (
        "000009",
        "000001",
        "0000000008741",
    )
    assert body.shipped_at == datetime(2009, 9, 21, tzinfo=UTC)  # DTM 011 without a time
    assert body.estimated_delivery == date(2009, 9, 25)
    assert body.carrier == Carrier(scac="OVNT")
    assert [p.role for p in body.parties] == [Role.SHIP_FROM, Role.SHIP_TO]
    assert [(o.po_number, len(o.packs)) for o in body.orders] == [("POREF00", 4), ("POREF01", 1)]
    assert body.orders[0].packs[1] == Pack(
        sscc="00000715670002152377",
        items=[
            ShippedItem(item=ItemIds(gtin="0000000000831"), quantity_shipped=Decimal(12), uom="EA")
        ],
    )


# -- writing -----------------------------------------------------------------------------


def test_writing_numbers_the_hierarchy_and_counts_it() -> None:
    body = ShipNotice(
        asn_number="A1",
        shipped_at=datetime(2026, 11, 28, 10, 5, tzinfo=timezone(timedelta(hours=1))),
        orders=[
            ShippedOrder(po_number="P1", packs=[Pack(sscc="S1", items=[item("1", "U1")]), Pack()]),
            ShippedOrder(items=[item("2", "U2")]),
        ],
    )
    rows = write(body)
    assert rows[0] == ["BSN", "00", "A1", "20261128", "0905", "0001"]
    assert ["DTM", "011", "20261128", "0905", "UT"] in rows, "written in UTC"
    assert [row for row in rows if row[0] == "HL"] == [
        ["HL", "1", "", "S", "1"],
        ["HL", "2", "1", "O", "1"],
        ["HL", "3", "2", "P", "1"],
        ["HL", "4", "3", "I", "0"],
        ["HL", "5", "2", "P", "0"],
        ["HL", "6", "1", "O", "1"],
        ["HL", "7", "6", "I", "0"],
    ]
    assert rows[-1] == ["CTT", "7"]
    _, (back,), findings = round_trip(body, RenderOptions(version="004010"))
    assert findings == [] and back == body


def test_an_item_without_ids_writes_its_line_number_in_SN101() -> None:
    body = ShipNotice(
        asn_number="A1",
        shipped_at=AT_0930,
        orders=[
            ShippedOrder(
                items=[ShippedItem(line_number="7", quantity_shipped=Decimal(2), uom="EA")]
            )
        ],
    )
    assert ["SN1", "7", "2", "EA"] in write(body)
    assert not any(row[0] == "LIN" for row in write(body))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (ShipNotice(asn_number="A1"), "shipped_at"),
        (
            ShipNotice(
                asn_number="A1",
                shipped_at=AT_0930,
                orders=[ShippedOrder(items=[ShippedItem(quantity_shipped=Decimal(1))])],
            ),
            "uom",
        ),
        (
            ShipNotice(
                asn_number="A1",
                shipped_at=AT_0930,
                orders=[ShippedOrder(items=[ShippedItem(line_number="1")])],
            ),
            "line number",
        ),
    ],
)
def test_what_the_856_cannot_carry_is_refused(body: ShipNotice, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        write(body)


# -- round trip ------------------------------------------------------------------------


@st.composite
def shipped_items(draw: st.DrawFn) -> ShippedItem:
    ids = draw(item_ids)
    quantity = draw(maybe(decimals(7, 3)))
    has_ids = any((ids.buyer_item, ids.vendor_item, ids.gtin, ids.upc))
    line = draw(maybe(words(20))) if has_ids or quantity is not None else None
    return ShippedItem(
        line_number=line,
        item=ids,
        quantity_shipped=quantity,
        uom=None if quantity is None else draw(codes(r"[A-Z]{2}")),
        lot=draw(maybe(words(30))),
        expiry=draw(maybe(dates)),
    )


SHIP_NOTICES = st.builds(
    ShipNotice,
    asn_number=words(30, min_size=2),
    shipped_at=st.datetimes(
        datetime(2000, 1, 1), datetime(2099, 12, 31), timezones=st.just(UTC)
    ).map(lambda moment: moment.replace(second=0, microsecond=0)),
    estimated_delivery=maybe(dates),
    carrier=maybe(
        st.builds(
            Carrier, scac=maybe(codes(r"[A-Z]{2,4}")), mode=maybe(codes(r"[A-Z]{1,2}"))
        ).filter(lambda c: bool(c.scac or c.mode))
    ),
    tracking_number=maybe(words(30)),
    bill_of_lading=maybe(words(30)),
    parties=st.lists(parties, max_size=3),
    orders=st.lists(
        st.builds(
            ShippedOrder,
            po_number=maybe(words(22)),
            packs=st.lists(
                st.builds(Pack, sscc=maybe(words(48)), items=st.lists(shipped_items(), max_size=3)),
                max_size=3,
            ),
            items=st.lists(shipped_items(), max_size=3),
        ),
        max_size=3,
    ),
)


@pytest.mark.parametrize("version", ["004010", "005010"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=SHIP_NOTICES)
def test_round_trip_through_valid_x12(version: str, body: ShipNotice) -> None:
    edi, bodies, findings = round_trip(body, RenderOptions(version=version))
    assert findings == [], f"the 856 we write must validate:\n{edi}"
    assert bodies == [body]
