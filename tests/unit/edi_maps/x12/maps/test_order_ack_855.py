"""855 ↔ po_acknowledgement: each reading rule on hand-written (and validated) X12,
the samples, and canonical → valid X12 → the same canonical for 004010 and 005010."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.maps.base import MappingError, WriteContext
from edi_maps.x12.maps.order_ack_855 import (
    ACK_TYPE_CODES,
    LINE_STATUS_CODES,
    ORDER_ACK_855,
)
from edi_maps.x12.render import RenderOptions
from gateway.canonical import (
    AckLine,
    AckType,
    Address,
    ItemIds,
    LineStatus,
    Party,
    PoAcknowledgement,
    Role,
)
from tests.conftest import SAMPLES, requires_samples, sample_files, sample_id
from tests.roundtrip import round_trip
from tests.strategies import codes, dates, decimals, item_ids, maybe, parties, words
from tests.x12_maps import read_one, read_sets


def read(*segments: str, version: str = "004010") -> PoAcknowledgement:
    body = read_one(ORDER_ACK_855, *segments, version=version)
    assert isinstance(body, PoAcknowledgement)
    return body


BAK = "BAK*00*AC*PO1001*20261128"
LINE = "PO1*1*10*EA*9.5**VP*WIDGET-1"


def line(*segments: str) -> AckLine:
    (only,) = read(BAK, LINE, *segments).lines
    return only


# -- reading ------------------------------------------------------------------------


def test_header_without_lines() -> None:
    ack = read("BAK*00*RJ*PO1001*20261128*****20261130", "CTT*0")
    assert ack == PoAcknowledgement(
        po_number="PO1001",
        po_date=date(2026, 11, 28),
        ack_type=AckType.REJECTED,
        ack_date=date(2026, 11, 30),
    )


@pytest.mark.parametrize(
    ("code", "ack_type"),
    [*((c, AckType.ACCEPTED) for c in ("AD", "AK", "AT", "AP", "NA", "AH", "ZZ")),
     *((c, AckType.ACCEPTED_WITH_CHANGES) for c in ("AC", "AE")),
     *((c, AckType.REJECTED) for c in ("RD", "RJ", "RO", "RF", "RN", "RV"))],
)  # fmt: skip
def test_BAK02_ack_type(code: str, ack_type: AckType) -> None:
    assert read(f"BAK*00*{code}*PO1*20261128").ack_type is ack_type


@pytest.mark.parametrize(
    ("code", "status"),
    [("IA", LineStatus.ACCEPTED), ("AC", LineStatus.ACCEPTED), ("AR", LineStatus.ACCEPTED),
     ("IB", LineStatus.BACKORDERED), ("BP", LineStatus.BACKORDERED),
     ("IQ", LineStatus.QUANTITY_CHANGED), ("IC", LineStatus.QUANTITY_CHANGED),
     ("IP", LineStatus.PRICE_CHANGED), ("DR", LineStatus.DATE_CHANGED),
     ("IS", LineStatus.SUBSTITUTED),
     *((c, LineStatus.REJECTED) for c in ("IR", "ID", "R1", "R2", "R3", "R4", "R5", "R6", "R7",
                                          "R8")),
     # on hold, pending, forwarded: the contract has nothing closer than accepted
     *((c, LineStatus.ACCEPTED) for c in ("AA", "IE", "IF", "IH", "IW", "SP"))],
)  # fmt: skip
def test_ACK01_line_status(code: str, status: LineStatus) -> None:
    assert line(f"ACK*{code}").status is status


def test_line_ids_price_description_and_quantity_from_PO1() -> None:
    assert line("PID*F****BLUE WIDGET", "PID*S**VI*FL", "ACK*IA") == AckLine(
        line_number="1",
        item=ItemIds(vendor_item="WIDGET-1", description="BLUE WIDGET"),
        status=LineStatus.ACCEPTED,
        quantity=Decimal(10),
        uom="EA",
        unit_price=Decimal("9.5"),
    )


def test_quantity_and_unit_from_the_ACK_when_it_gives_them() -> None:
    changed = line("ACK*IQ*8*CA")
    assert (changed.status, changed.quantity, changed.uom) == (
        LineStatus.QUANTITY_CHANGED,
        Decimal(8),
        "CA",
    )


@pytest.mark.parametrize(
    ("segments", "scheduled"),
    [(("ACK*DR*10*EA*068*20261215",), date(2026, 12, 15)),
     (("ACK*DR*10*EA*067*20261216",), date(2026, 12, 16)),  # any ACK04 qualifier
     (("ACK*IA", "DTM*017*20261217"), date(2026, 12, 17)),  # the ACK loop's DTM
     (("DTM*067*20261218", "ACK*IA"), date(2026, 12, 18)),  # a schedule DTM of the line
     (("DTM*002*20261201", "ACK*IA"), None),  # the requested date is no schedule
     (("ACK*IA", "SCH*10*EA***068*20261219"), date(2026, 12, 19)),
     (("ACK*IA", "SCH*10*EA***080*20261219"), None),
     (("ACK*IA",), None)],
)  # fmt: skip
def test_scheduled_date(segments: tuple[str, ...], scheduled: date | None) -> None:
    assert line(*segments).scheduled_date == scheduled


def test_a_header_schedule_dates_every_line_without_its_own() -> None:
    ack = read(BAK, "DTM*009*20261129", "DTM*068*20261203", LINE, LINE.replace("*1*", "*2*", 1),
               "ACK*IA*10*EA*068*20261204")  # fmt: skip
    assert [x.scheduled_date for x in ack.lines] == [date(2026, 12, 3), date(2026, 12, 4)]


def test_only_the_first_ACK_and_the_line_s_own_rows_are_read() -> None:
    only = line(
        "ACK*IA*6*EA",
        "ACK*IB*4*EA",  # the rest, backordered: the contract holds one status per line
        "N9*ZZ*NOTE",
        "DTM*068*20261201",
        "SLN*1**I*4*EA",
        "PID*F****SUB LINE",
        "ACK*IR",
    )
    assert (only.status, only.quantity, only.item.description, only.scheduled_date) == (
        LineStatus.ACCEPTED,
        Decimal(6),
        None,
        None,
    )


def test_lines_without_an_ACK_share_the_document_s_verdict() -> None:
    assert read("BAK*00*AD*P*20261128", LINE).lines[0].status is LineStatus.ACCEPTED
    assert read("BAK*00*RD*P*20261128", LINE).lines[0].status is LineStatus.REJECTED


def test_party_loops_and_a_role_the_contract_lacks() -> None:
    ack = read(
        BAK,
        "REF*ZZ*ORDER PROCESSED",
        "N1*ST*STORE 9*UL*0614141000012",
        "N3*1 MAIN ST",
        "N4*SPRINGFIELD*IL*62701",
        "N1*EN*END USER",
        "N1*SU*WIDGETS INC",
        LINE,
    )
    assert ack.parties == [
        Party(role=Role.SHIP_TO, name="STORE 9", identifiers={"gln": "0614141000012"},
              address=Address(lines=["1 MAIN ST"], city="SPRINGFIELD", region="IL",
                              postal_code="62701")),
        Party(role=Role.SUPPLIER, name="WIDGETS INC"),
    ]  # fmt: skip


@requires_samples
def test_node_x12_sample_field_by_field() -> None:
    bodies, findings = read_sets(
        ORDER_ACK_855, (SAMPLES / "x12/855/node-x12__855.x12").read_bytes()
    )
    assert findings == []
    (ack,) = bodies
    assert isinstance(ack, PoAcknowledgement)
    assert (ack.po_number, ack.po_date, ack.ack_type, ack.ack_date) == (
        "POTEST1112",
        date(2020, 10, 15),
        AckType.ACCEPTED,
        date(2020, 10, 15),
    )
    assert [(x.line_number, x.item.gtin, x.status, x.quantity) for x in ack.lines] == [
        ("1", "9780446360265", LineStatus.ACCEPTED, Decimal(3)),
        ("2", "9780767928427", LineStatus.REJECTED, Decimal(0)),
        ("3", "9780099599531", LineStatus.REJECTED, Decimal(0)),
        ("4", "9780446360272", LineStatus.ACCEPTED, Decimal(2)),
    ]


@requires_samples
@pytest.mark.parametrize("path", sample_files("x12/855/*.x12"), ids=lambda p: sample_id(p))
def test_every_sample_set_maps(path: Path) -> None:
    """Accepted or not, every 855 of the corpus reads without an error."""
    bodies, _ = read_sets(ORDER_ACK_855, path.read_bytes(), must_validate=False)
    assert all(isinstance(body, PoAcknowledgement) for body in bodies)


# -- writing ------------------------------------------------------------------------

CONTEXT = WriteContext(Delimiters("*", ">", "~"), "004010")


def test_writing_uses_the_first_code_of_each_table() -> None:
    ack = PoAcknowledgement(
        po_number="P1",
        po_date=date(2026, 11, 28),
        ack_type=AckType.ACCEPTED_WITH_CHANGES,
        lines=[AckLine(status=LineStatus.BACKORDERED, quantity=Decimal(3)),  # no unit
               AckLine(status=LineStatus.REJECTED, uom="EA"),  # a unit without a quantity
               AckLine(line_number="3", quantity=Decimal(2), uom="CA",
                       scheduled_date=date(2026, 12, 1))],
    )  # fmt: skip
    assert ORDER_ACK_855.write(ack, CONTEXT) == [
        ["BAK", "00", "AC", "P1", "20261128", "", "", "", "", ""],
        ["PO1", "", "3", "", "", ""],
        ["ACK", "IB", "", ""],
        ["PO1", "", "", "", "", ""],
        ["ACK", "IR", "", ""],
        ["PO1", "3", "2", "CA", "", ""],
        ["ACK", "IA", "2", "CA", "068", "20261201"],
        ["CTT", "3"],
    ]
    assert ACK_TYPE_CODES[AckType.ACCEPTED_WITH_CHANGES][0] == "AC"
    assert LINE_STATUS_CODES[LineStatus.BACKORDERED][0] == "IB"


def test_writing_needs_the_purchase_order_date() -> None:
    with pytest.raises(MappingError, match="BAK04"):
        ORDER_ACK_855.write(PoAcknowledgement(po_number="P1"), CONTEXT)
    with pytest.raises(MappingError, match="po_acknowledgement"):
        ORDER_ACK_855.write(Address(), CONTEXT)  # type: ignore[arg-type]


# -- canonical → X12 → canonical -----------------------------------------------------


@st.composite
def ack_lines(draw: st.DrawFn) -> AckLine:
    quantity = draw(maybe(decimals(8, 2)))
    uom = draw(maybe(codes(r"[A-Z]{2}"))) if quantity is not None else None  # PO1 C0302
    return AckLine(
        line_number=draw(maybe(words(20))),
        item=draw(item_ids),
        status=draw(st.sampled_from(list(LineStatus))),
        quantity=quantity,
        uom=uom,
        unit_price=draw(maybe(decimals(10, 4))),
        scheduled_date=draw(maybe(dates)),
    )


acknowledgements = st.builds(
    PoAcknowledgement,
    po_number=words(22),
    po_date=dates,
    ack_type=st.sampled_from(list(AckType)),
    ack_date=maybe(dates),
    parties=st.lists(parties, max_size=4),
    lines=st.lists(ack_lines(), max_size=4),
)


@settings(max_examples=200, deadline=None)
@given(acknowledgements, st.sampled_from(["004010", "005010"]))
def test_acknowledgement_round_trips_through_a_valid_855(
    ack: PoAcknowledgement, version: str
) -> None:
    edi, bodies, findings = round_trip(ack, RenderOptions(version=version))
    assert findings == [], edi
    assert bodies == [ack]
