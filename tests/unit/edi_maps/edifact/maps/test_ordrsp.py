"""ORDRSP ↔ po_acknowledgement: each reading rule on hand-written EDIFACT, the
samples, and canonical → EDIFACT text → the same canonical for D96A and D01B."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edi_maps.edifact.maps.base import MappingError, ReadContext, WriteContext
from edi_maps.edifact.maps.ordrsp import (
    ACK_TYPE_CODES,
    DISCREPANCY_CODES,
    ORDRSP_MAP,
    REASON_CODES,
)
from edi_maps.edifact.service import ServiceChars
from gateway.canonical import (
    AckLine,
    AckType,
    Address,
    Body,
    ItemIds,
    LineStatus,
    Party,
    PoAcknowledgement,
    Role,
)
from tests.conftest import SAMPLES, requires_samples, sample_files, sample_id
from tests.edifact_rows import messages, read_back
from tests.strategies import codes, dates, decimals, maybe
from tests.unit.edi_maps.edifact.maps.test_orders import (
    UNA,
    context,
    interchange,
    item_ids,
    line_numbers,
    parties,
    sample_messages,
    service_chars,
    texts,
    validation_findings,
)

MESSAGE = "ORDRSP:D:96A:UN:EAN005"


def read(*segments: str, una: str = UNA, message: str = MESSAGE) -> PoAcknowledgement:
    (found,) = messages(interchange(*segments, message=message, una=una))
    body = ORDRSP_MAP.read(found.rows, context(found))
    assert isinstance(body, PoAcknowledgement)
    return body


BGM = "BGM+231+RSP-77+29"
HEAD = (BGM, "DTM+137:20261129:102", "RFF+ON:PO1001", "DTM+171:20261128:102")
LIN = "LIN+1+5+4000862141404:SRV"


def line(*segments: str, bgm: str = BGM) -> AckLine:
    (only,) = read(bgm, *HEAD[1:], *segments, "UNS+S").lines
    return only


# -- reading ------------------------------------------------------------------------


def test_a_minimal_response() -> None:
    assert read(*HEAD, LIN, "QTY+21:10:PCE", "UNS+S", "CNT+2:1") == PoAcknowledgement(
        po_number="PO1001",
        po_date=date(2026, 11, 28),
        ack_type=AckType.ACCEPTED,
        ack_date=date(2026, 11, 29),
        lines=[AckLine(line_number="1", item=ItemIds(gtin="4000862141404"),
                       status=LineStatus.ACCEPTED, quantity=Decimal(10), uom="PCE")],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("code", "ack_type"),
    [*((c, AckType.ACCEPTED) for c in ("29", "44", "6")),
     *((c, AckType.ACCEPTED_WITH_CHANGES) for c in ("4", "34", "28", "30", "45", "19")),
     *((c, AckType.REJECTED) for c in ("27", "48"))],
)  # fmt: skip
def test_BGM_1225_ack_type(code: str, ack_type: AckType) -> None:
    assert read(f"BGM+231+R+{code}", *HEAD[1:], "UNS+S").ack_type is ack_type


@pytest.mark.parametrize(
    ("bgm", "lines", "ack_type"),
    [("BGM+231+R+9+AP", (), AckType.ACCEPTED),  # 4343 when 1225 says no verdict
     ("BGM+231+R+12+AC", (), AckType.ACCEPTED_WITH_CHANGES),
     ("BGM+231+R+9+RE", (LIN,), AckType.REJECTED),
     ("BGM+231+R+27+AP", (), AckType.REJECTED),  # 1225 first
     # else the lines: all accepted, all rejected, or some of each (or changed)
     ("BGM+231+R+9", (LIN, "LIN+2+5"), AckType.ACCEPTED),
     ("BGM+231+R+9+AB", ("LIN+1+7", "LIN+2+2"), AckType.REJECTED),
     ("BGM+231+R+9", (LIN, "LIN+2+7"), AckType.ACCEPTED_WITH_CHANGES),
     ("BGM+231+R", ("LIN+1+3",), AckType.ACCEPTED_WITH_CHANGES),
     ("BGM+231+R", (), AckType.ACCEPTED)],
)  # fmt: skip
def test_ack_type_from_the_response_type_or_the_lines(
    bgm: str, lines: tuple[str, ...], ack_type: AckType
) -> None:
    assert read(bgm, *HEAD[1:], *lines, "UNS+S").ack_type is ack_type


def test_the_order_is_named_by_RFF_ON_else_by_BGM() -> None:
    ack = read(BGM, "DTM+137:20261129:102", "RFF+CR:X", "DTM+171:20261101:102",
               "RFF+ON:PO9", "NAD+BY+5412345000013::9", "RFF+ON:NOT-THIS", "UNS+S")  # fmt: skip
    assert (ack.po_number, ack.po_date) == ("PO9", None)  # the 171 is CR's
    ack = read(BGM, "DTM+4:20261127:102", "DTM+137:20261129:102", "RFF+ON", "UNS+S")
    assert (ack.po_number, ack.po_date, ack.ack_date) == (
        "RSP-77",  # an RFF ON without a number names nothing
        date(2026, 11, 27),  # DTM 4, the order date, when the reference has none
        date(2026, 11, 29),
    )
    with pytest.raises(MappingError, match="RFF ON"):
        read("BGM+231", "DTM+137:20261129:102", "UNS+S")
    with pytest.raises(MappingError, match="BGM"):
        read("DTM+137:20261129:102", "UNS+S")


@pytest.mark.parametrize(
    ("code", "status"),
    [*((c, LineStatus.ACCEPTED) for c in ("5", "4", "11")),
     *((c, LineStatus.REJECTED) for c in ("7", "2", "10")),
     # changed, with amendment, added, proposed: a change the line does not specify
     *((c, LineStatus.QUANTITY_CHANGED) for c in ("3", "6", "24", "1", "23"))],
)  # fmt: skip
def test_LIN_1229_line_status(code: str, status: LineStatus) -> None:
    assert line(f"LIN+1+{code}+4000862141404:SRV").status is status


@pytest.mark.parametrize(
    ("segments", "status"),
    [(("PIA+3+SUB-1:SA",), LineStatus.SUBSTITUTED),  # substituted by
     (("PIA+4+ORIG-1:SA",), LineStatus.SUBSTITUTED),  # substituted for
     (("QVR++IS",), LineStatus.SUBSTITUTED),
     (("QVR++CS",), LineStatus.SUBSTITUTED),
     (("QVR+++PS",), LineStatus.SUBSTITUTED),
     (("QTY+21:10", "QTY+83:4"), LineStatus.BACKORDERED),
     (("QVR+-4:21+BP",), LineStatus.BACKORDERED),
     (("QVR++BK",), LineStatus.BACKORDERED),
     (("QVR+-20:21++AUE",), LineStatus.QUANTITY_CHANGED),  # a variance: EANCOM's example
     (("QVR++CP",), LineStatus.QUANTITY_CHANGED),
     *(((f"QVR+++{c}",), LineStatus.QUANTITY_CHANGED) for c in ("QO", "PC", "UM", "AQ")),
     (("QVR+++UP",), LineStatus.PRICE_CHANGED),
     (("QVR+++DC",), LineStatus.DATE_CHANGED),
     # several say what changed: substitution, backorder, quantity, price, date first
     (("QVR+++DC", "QVR+++UP"), LineStatus.PRICE_CHANGED),
     (("QVR+++UP", "QVR+++QO"), LineStatus.QUANTITY_CHANGED),
     (("QVR+++QO", "QTY+83:1"), LineStatus.BACKORDERED),
     (("QTY+83:1", "PIA+3+SUB-1:SA"), LineStatus.SUBSTITUTED),
     (("PIA+1+SUP-1:SA",), LineStatus.QUANTITY_CHANGED)],  # nothing said: 1229 3 alone
)  # fmt: skip
def test_a_changed_line_says_what_changed(segments: tuple[str, ...], status: LineStatus) -> None:
    pia = [s for s in segments if s.startswith("PIA")]
    qty = [s for s in segments if s.startswith("QTY")]
    qvr = [s for s in segments if s.startswith("QVR")]
    assert line("LIN+1+3+4000862141404:SRV", *pia, *qty, *qvr).status is status


def test_an_accepting_or_rejecting_1229_is_not_overruled_and_no_1229_follows_BGM() -> None:
    assert line("LIN+1+5", "QVR++BP").status is LineStatus.ACCEPTED
    assert line("LIN+1+7", "QTY+83:4").status is LineStatus.REJECTED
    assert line("LIN+1", "QVR+++DC").status is LineStatus.DATE_CHANGED
    assert line("LIN+1").status is LineStatus.ACCEPTED
    assert line("LIN+1", bgm="BGM+231+R+27").status is LineStatus.REJECTED
    assert line("LIN+1+99").status is LineStatus.ACCEPTED  # a code of no table


def test_line_ids_quantities_price_and_schedule() -> None:
    assert line(
        "LIN+10+3+4000862141404:SRV",
        "PIA+1+SUP-7:SA",
        "PIA+3+4000862141411:SRV",  # the substitute: not the ordered item's id
        "IMD+F++:::BLUE WIDGET",
        "QTY+21:10:PCE",
        "QTY+113:8:PCE",  # to be delivered: the confirmed quantity
        "DTM+2:20261201:102",  # the requested date is no schedule
        "DTM+69:20261203:102",
        "QVR+-2:21",
        "PRI+AAA:9.5",
        "DTM+7:20261201:102",  # the price's date
        "RFF+LI:10",
    ) == AckLine(
        line_number="10",
        item=ItemIds(vendor_item="SUP-7", gtin="4000862141404", description="BLUE WIDGET"),
        status=LineStatus.SUBSTITUTED,
        quantity=Decimal(8),
        uom="PCE",
        unit_price=Decimal("9.5"),
        scheduled_date=date(2026, 12, 3),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("segments", "quantity"),
    [(("QTY+21:10", "QTY+83:4"), Decimal(4)),  # a backorder's quantity is what waits
     (("QTY+21:10", "QVR++BP"), Decimal(10)),
     (("QTY+12:6", "QTY+21:10"), Decimal(10)),
     (("QTY+1:3",), Decimal(3)),
     (("QTY+145:1",), None)],
)  # fmt: skip
def test_which_quantity(segments: tuple[str, ...], quantity: Decimal | None) -> None:
    assert line("LIN+1+3", *segments).quantity == quantity


@pytest.mark.parametrize(
    ("header", "segments", "scheduled"),
    [((), ("DTM+76:20261205:102",), date(2026, 12, 5)),
     ((), ("DTM+11:20261204:102", "DTM+17:20261206:102"), date(2026, 12, 6)),  # 17 first
     ((), ("DTM+506:20261207:102",), date(2026, 12, 7)),
     (("DTM+69:20261210:102",), (), date(2026, 12, 10)),  # the header's, for every line
     (("DTM+69:20261210:102",), ("DTM+69:20261211:102",), date(2026, 12, 11)),
     ((), ("LOC+7+DOCK 4", "QTY+11:5", "DTM+69:20261212:102"), None)],  # a split delivery's
)  # fmt: skip
def test_scheduled_date(
    header: tuple[str, ...], segments: tuple[str, ...], scheduled: date | None
) -> None:
    (only,) = read(*HEAD[:2], *header, *HEAD[2:], LIN, *segments, "UNS+S").lines
    assert only.scheduled_date == scheduled


def test_header_parties_only() -> None:
    ack = read(*HEAD, "NAD+SU+4012345000094::9++WIDGETS INC", "CTA+IC+:JOHN",
               "NAD+BY+5412345000013::9", "CUX+2:EUR:9", LIN, "NAD+DP+5412345000099::9",
               "UNS+S")  # fmt: skip
    assert ack.parties == [
        Party(role=Role.SUPPLIER, name="WIDGETS INC", identifiers={"gln": "4012345000094"}),
        Party(role=Role.BUYER, identifiers={"gln": "5412345000013"}),
    ]


# -- samples --------------------------------------------------------------------------


def read_all(path: Path) -> list[PoAcknowledgement]:
    bodies: list[PoAcknowledgement] = []
    for found in sample_messages(path, "ORDRSP"):
        body = ORDRSP_MAP.read(found.rows, context(found))
        assert isinstance(body, PoAcknowledgement)
        bodies.append(body)
    return bodies


@requires_samples
@pytest.mark.parametrize("path", sample_files("edifact/ORDRSP/*.edi"), ids=lambda p: sample_id(p))
def test_every_sample_message_maps(path: Path) -> None:
    """Both ORDRSP samples (D10A, and D01B filled with every segment of the table)
    read without an error."""
    assert read_all(path)


@requires_samples
def test_edinet_sample_field_by_field() -> None:
    """D10A, released characters: the order named by RFF ON with its DTM 171 (BGM
    holds the response's own number), DTM 137 timestamp, no 1225 and a line without
    1229 (accepted), a DP without data, the MS/MR parties the contract has no role
    for, QTY 145 (no confirmed quantity), PRI CAL."""
    (ack,) = read_all(SAMPLES / "edifact/ORDRSP/edinet__edifact.ORDRSP.edi")
    assert ack == PoAcknowledgement(
        po_number="00001672",
        po_date=date(2015, 10, 23),
        ack_type=AckType.ACCEPTED,
        ack_date=date(2016, 3, 21),
        parties=[Party(role=Role.SHIP_TO)],
        lines=[AckLine(line_number="1", status=LineStatus.ACCEPTED, unit_price=Decimal("50.5"))],
    )


@requires_samples
def test_edireader_sample_field_by_field() -> None:
    """D01B with lorem ipsum in every element: no RFF ON (the BGM number stands), 1225
    "1" and 4343 "AB" give no verdict, the line's 1229 "110" none either, its PIA 3
    says substituted, PIA 3/4 ids are not the item's, PRI INF with a basis."""
    (ack,) = read_all(SAMPLES / "edifact/ORDRSP/edireader__ORDERS-D01B-UNOC.edi")
    assert (ack.po_number, ack.po_date, ack.ack_date, ack.parties) == ("Lörém ïpsü", None, None, [])
    assert ack.ack_type is AckType.ACCEPTED_WITH_CHANGES
    (only,) = ack.lines
    assert (only.line_number, only.status, only.item.gtin, only.unit_price) == (
        "Loremx",
        LineStatus.SUBSTITUTED,
        None,
        Decimal(1),
    )


# -- writing ------------------------------------------------------------------------

D96A = WriteContext("D96A", "EAN005")


def test_writing_uses_the_first_code_of_each_table() -> None:
    ack = PoAcknowledgement(
        po_number="PO1",
        po_date=date(2026, 11, 28),
        ack_type=AckType.ACCEPTED_WITH_CHANGES,
        ack_date=date(2026, 11, 29),
        parties=[Party(role=Role.SUPPLIER, name="WIDGETS INC")],
        lines=[AckLine(line_number="1", status=LineStatus.BACKORDERED, quantity=Decimal(3),
                       uom="PCE", item=ItemIds(gtin="4000862141404", vendor_item="W-1")),
               AckLine(line_number="2", status=LineStatus.REJECTED, uom="PCE"),  # no quantity
               AckLine(line_number="3", status=LineStatus.DATE_CHANGED, quantity=Decimal(2),
                       unit_price=Decimal("9.50"), scheduled_date=date(2026, 12, 1)),
               AckLine(status=LineStatus.ACCEPTED)],
    )  # fmt: skip
    assert ORDRSP_MAP.write(ack, D96A) == [
        [["BGM"], ["231"], ["PO1"], ["4"]],
        [["DTM"], ["137", "20261129", "102"]],
        [["RFF"], ["ON", "PO1"]],
        [["DTM"], ["171", "20261128", "102"]],
        [["NAD"], ["SU"], [""], [""], ["WIDGETS INC"]],
        [["LIN"], ["1"], ["3"], ["4000862141404", "EN"]],  # SRV from D01B on
        [["PIA"], ["1"], ["W-1", "SA"]],
        [["QTY"], ["83", "3", "PCE"]],
        [["QVR"], [""], ["BP"]],
        [["LIN"], ["2"], ["7"]],
        [["LIN"], ["3"], ["3"]],
        [["QTY"], ["21", "2"]],
        [["DTM"], ["69", "20261201", "102"]],
        [["QVR"], [""], [""], ["DC"]],
        [["PRI"], ["AAA", "9.50"]],
        [["LIN"], [""], ["5"]],
        [["UNS"], ["S"]],
        [["CNT"], ["2", "4"]],
    ]
    assert ACK_TYPE_CODES[AckType.ACCEPTED_WITH_CHANGES][0] == "4"
    assert (
        DISCREPANCY_CODES[LineStatus.SUBSTITUTED][0],
        REASON_CODES[LineStatus.PRICE_CHANGED][0],
    ) == (
        "IS",
        "UP",
    )


def test_a_response_without_its_date_carries_the_order_date_in_the_header() -> None:
    rows = ORDRSP_MAP.write(PoAcknowledgement(po_number="P", po_date=date(2026, 11, 28)), D96A)
    assert rows[:3] == [
        [["BGM"], ["231"], ["P"], ["29"]],
        [["DTM"], ["4", "20261128", "102"]],
        [["RFF"], ["ON", "P"]],
    ]


def test_what_cannot_be_written() -> None:
    cases: list[tuple[Body, WriteContext, str]] = [
        (PoAcknowledgement(po_number="P"), D96A, "date"),
        (PoAcknowledgement(po_number="P", ack_date=date.today(),
                           lines=[AckLine(line_number="X")]), D96A, "n..6"),
        (PoAcknowledgement(po_number="P", ack_date=date.today()), WriteContext("D10A"), "D10A"),
        (Address(), D96A, "po_acknowledgement"),  # type: ignore[list-item]
    ]  # fmt: skip
    for body, write_context, message in cases:
        with pytest.raises(MappingError, match=message):
            ORDRSP_MAP.write(body, write_context)


# -- canonical → EDIFACT → canonical ---------------------------------------------------


@st.composite
def ack_lines(draw: st.DrawFn, version: str) -> AckLine:
    quantity = draw(maybe(decimals(12, 4)))
    return AckLine(
        line_number=draw(line_numbers(version)),
        item=draw(item_ids),
        status=draw(st.sampled_from(list(LineStatus))),
        quantity=quantity,
        uom=draw(maybe(codes(r"[A-Z0-9]{1,3}"))) if quantity is not None else None,
        unit_price=draw(maybe(decimals(12, 4))),
        scheduled_date=draw(maybe(dates)),
    )


@st.composite
def acknowledgements(draw: st.DrawFn, version: str) -> PoAcknowledgement:
    ack_date, po_date = draw(maybe(dates)), draw(maybe(dates))
    return PoAcknowledgement(
        po_number=draw(texts(35)),
        po_date=po_date,
        ack_type=draw(st.sampled_from(list(AckType))),
        ack_date=ack_date if ack_date or po_date else draw(dates),
        parties=draw(st.lists(parties, max_size=4)),
        lines=draw(st.lists(ack_lines(version), max_size=5)),
    )


def round_trip(body: Body, version: str, chars: ServiceChars) -> Body:
    """``body`` written as an ORDRSP, as text and split again, then read."""
    header = [["UNH"], ["1"], ["ORDRSP", "D", version[1:], "UN", "EAN005"]]
    rows = [header, *ORDRSP_MAP.write(body, WriteContext(version)), [["UNT"], ["2"], ["1"]]]
    return ORDRSP_MAP.read(read_back(rows, chars), ReadContext(chars, version))


@settings(max_examples=300, deadline=None)
@given(st.data(), st.sampled_from(["D96A", "D01B"]), service_chars)
def test_acknowledgement_round_trips_through_EDIFACT_text(
    data: st.DataObject, version: str, chars: ServiceChars
) -> None:
    ack = data.draw(acknowledgements(version))
    assert round_trip(ack, version, chars) == ack


def test_a_party_s_address_round_trips_too() -> None:
    address = Address(lines=["1 MAIN ST"], city="SPRINGFIELD", country="US")
    member = Party(
        role=Role.SHIP_TO, name="DOCK+4", identifiers={"gln": "0614141"}, address=address
    )
    ack = PoAcknowledgement(po_number="P", ack_date=date(2026, 11, 29), parties=[member])
    assert round_trip(ack, "D96A", ServiceChars.level_a()) == ack


@settings(max_examples=100, deadline=None)
@given(st.data(), st.sampled_from(["D96A", "D01B"]))
def test_what_is_written_is_a_valid_ORDRSP(data: st.DataObject, version: str) -> None:
    """Checked by the validator against the D.96A and D.01B tables."""
    ack = data.draw(acknowledgements(version))
    rows = ORDRSP_MAP.write(ack, WriteContext(version))
    assert validation_findings(rows, "ORDRSP", version) == []
