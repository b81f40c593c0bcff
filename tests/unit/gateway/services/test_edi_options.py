"""A partner profile's choices reach the EDI layer: validation, acks, delimiters, version."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from edi_maps.edifact.render import render_edifact
from edi_maps.translate import translate
from edi_maps.x12.render import render_x12
from gateway.canonical import ItemIds, OrderLine, PurchaseOrder, Purpose
from gateway.domain.control_numbers import InMemoryControlNumbers
from gateway.services.edi_options import (
    edifact_render_options,
    translate_options,
    x12_render_options,
)
from tests.conftest import ROOT
from tests.fakes import FixedClock
from tests.partner_profiles import acme, nordfrost
from tests.roundtrip import as_document

DAY1 = (ROOT / "demo/inbound/acme_supply_day1.x12").read_bytes()
ORDER = PurchaseOrder(
    po_number="PO-1",
    purpose=Purpose.ORIGINAL,
    order_date=date(2026, 11, 28),
    lines=(
        OrderLine(
            line_number="1",
            item=ItemIds(vendor_item="WID-100"),
            quantity=Decimal("24"),
            uom="EA",
            unit_price=Decimal("12.50"),
        ),
    ),
)


def _translate(data: bytes, **profile: object):  # type: ignore[no-untyped-def]
    options = translate_options(acme(**profile))
    return translate(
        io.BytesIO(data), numbers=InMemoryControlNumbers(), clock=FixedClock(), options=options
    )


def test_documents_name_the_partner_profile_and_keys_depend_on_it() -> None:
    mine = _translate(DAY1).documents
    assert {d.meta.partner_id for d in mine} == {"acme-supply"}
    other = translate(
        io.BytesIO(DAY1),
        numbers=InMemoryControlNumbers(),
        clock=FixedClock(),
        options=translate_options(acme(id="acme-east")),
    ).documents
    assert {d.meta.idempotency_key for d in mine}.isdisjoint(d.meta.idempotency_key for d in other)


def test_ack_policy_chooses_999_and_suppresses_ta1() -> None:
    acks = _translate(DAY1, version="005010", acks={"functional": "999", "ta1": "never"})
    assert [a.type for a in acks.acknowledgements] == ["999"]
    assert [a.type for a in _translate(DAY1, acks={"functional": "none"}).acknowledgements] == [
        "TA1"
    ]


def test_ta1_on_error_ignores_isa14_but_answers_a_bad_envelope() -> None:
    assert b"*1*P*" in DAY1  # ISA14 asks for a TA1
    assert [a.type for a in _translate(DAY1, acks={"ta1": "on_error"}).acknowledgements] == ["997"]
    bad = DAY1.replace(b"IEA*3*000000101", b"IEA*3*000000999")
    assert "TA1" in [a.type for a in _translate(bad, acks={"ta1": "on_error"}).acknowledgements]


def test_strict_partners_get_sets_we_cannot_validate_rejected() -> None:
    unknown = DAY1.replace(b"ST*855*0001", b"ST*830*0001")
    lenient = _translate(unknown)
    strict = _translate(unknown, validation={"unsupported_sets": "reject"})
    (lenient_set, strict_set) = (
        next(
            s for g in t.result.interchanges[0].groups for s in g.sets if s.transaction_set == "830"
        )
        for t in (lenient, strict)
    )
    assert lenient_set.status.value == "accepted"
    assert strict_set.status.value == "rejected" and strict_set.codes == ["1"]


def test_x12_render_uses_the_partner_ids_delimiters_version_and_usage() -> None:
    profile = acme(
        version="005010",
        usage="T",
        delimiters={"element": "|", "component": "}", "segment": "\n", "repetition": "^"},
    )
    edi = render_x12(
        [as_document(ORDER)], x12_render_options(profile), InMemoryControlNumbers(), FixedClock()
    )
    isa = edi.split("\n")[0]
    assert isa.startswith("ISA|00|")
    fields = isa.split("|")
    assert (fields[5], fields[6].strip(), fields[7], fields[8].strip()) == (
        "ZZ", "CROSSDOCK", "ZZ", "ACMESUPPLY"
    )  # fmt: skip
    assert fields[12] == "00501" and fields[15] == "T" and fields[16] == "}"
    gs = edi.split("\n")[1].split("|")
    assert (gs[2], gs[3]) == ("CROSSDOCK", "ACMESUPPLY")  # the profile's group ids
    assert gs[8] == "005010"
    other_codes = acme(group={"partner": "ACME-APP", "ours": "CD-APP"})
    edi = render_x12(
        [as_document(ORDER)], x12_render_options(other_codes), InMemoryControlNumbers(),
        FixedClock(),
    )  # fmt: skip
    assert edi.split("\n")[1].split("*")[2:4] == ["CD-APP", "ACME-APP"]


def test_edifact_render_uses_the_partner_ids_syntax_and_directory() -> None:
    profile = nordfrost(syntax="UNOB:3", usage="T")
    edi = render_edifact(
        [as_document(ORDER)], edifact_render_options(profile), InMemoryControlNumbers(),
        FixedClock(),
    )  # fmt: skip
    assert "UNB+UNOB:3+5412345000013:14+4012345000009:14+" in edi
    assert "UNH+1+ORDERS:D:96A:UN'" in edi
    unb = next(line for line in edi.splitlines() if line.startswith("UNB"))
    assert unb.rstrip("'").split("+")[-1] == "1"  # test indicator
