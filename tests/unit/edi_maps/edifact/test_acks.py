"""CONTRL for inbound interchanges: addressed back, every level answered, findings as
UCS/UCD, and what we send passes our own validator against the CONTRL definition."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from edi_maps.edifact.acks import ContrlBuilder, ContrlPolicy
from edi_maps.edifact.validation import validate_edifact
from edi_maps.results import Status
from edi_maps.translate import translate
from gateway.domain.control_numbers import InMemoryControlNumbers
from tests.edifact_builders import MINIMAL_ORDERS, interchange, message
from tests.fakes import FixedClock

UNG = "UNG+ORDERS+SENDER+CROSSDOCK+261128:0930+77+UN+D:96A"


def contrl(data: bytes, policy: ContrlPolicy | None = None) -> list[str]:
    """The segments of the one CONTRL ``data`` calls for ([] when none)."""
    (inbound,) = validate_edifact(data).interchanges
    acks = ContrlBuilder(InMemoryControlNumbers(), FixedClock(), policy).build(inbound)
    if not acks:
        return []
    (ack,) = acks
    assert ack.type == "CONTRL"
    return [line.rstrip("'") for line in ack.edi.splitlines()]


def assert_valid_contrl(segments: list[str], version: str) -> None:
    """Our CONTRL, read by our validator: accepted, and checked against its definition."""
    result = validate_edifact(("'\n".join(segments) + "'\n").encode())
    (interchange_result,) = result.interchanges
    assert interchange_result.status is Status.ACCEPTED, interchange_result.errors
    (message_result,) = interchange_result.groups[0].sets
    assert message_result.validated_against == version
    assert message_result.status is Status.ACCEPTED, message_result.errors


def test_a_clean_interchange_is_acknowledged_message_by_message() -> None:
    segments = contrl(
        interchange([message(MINIMAL_ORDERS), message(MINIMAL_ORDERS, reference="2")])
    )
    assert segments == [
        "UNA:+.? ",
        "UNB+UNOC:3+CROSSDOCK:ZZZ+SENDER:ZZZ+261128:0930+1",
        "UNH+1+CONTRL:D:3:UN",
        "UCI+1001+SENDER:ZZZ+CROSSDOCK:ZZZ+7",
        "UCM+1+ORDERS:D:96A:UN+7",
        "UCM+2+ORDERS:D:96A:UN+7",
        "UNT+5+1",
        "UNZ+1+1",
    ]
    assert_valid_contrl(segments, "syntax3")


def test_findings_become_ucm_ucs_and_ucd() -> None:
    bad = message(("BGM+2200+PO1001+9", "UNS+S"), reference="2")
    segments = contrl(interchange([message(MINIMAL_ORDERS), bad]))
    assert segments[3:9] == [
        "UCI+1001+SENDER:ZZZ+CROSSDOCK:ZZZ+7",
        "UCM+1+ORDERS:D:96A:UN+7",
        "UCM+2+ORDERS:D:96A:UN+4+39",
        "UCS+2",
        "UCD+39+1:1",
        "UCD+12+1:1",
    ]
    assert segments[9] == "UCS+3+13"  # the mandatory DTM, missing where UNS stands
    assert_valid_contrl(segments, "syntax3")


def test_a_count_fault_points_at_the_trailer_element() -> None:
    segments = contrl(interchange([message(MINIMAL_ORDERS, count=9)]))
    assert "UCM+1+ORDERS:D:96A:UN+4+29+UNT+1" in segments


def test_a_rejected_interchange_gets_only_its_uci_with_where_it_went_wrong() -> None:
    segments = contrl(interchange([message(MINIMAL_ORDERS)], date_time="261131:0930"))
    assert segments[3] == "UCI+1001+SENDER:ZZZ+CROSSDOCK:ZZZ+4+12+UNB+4"
    assert not any(s.startswith("UCM") for s in segments)
    assert_valid_contrl(segments, "syntax3")


def test_groups_are_answered_with_ucf() -> None:
    segments = contrl(interchange(groups=[(UNG, [message(MINIMAL_ORDERS)])]))
    assert segments[4:6] == ["UCF+77+SENDER+CROSSDOCK+7", "UCM+1+ORDERS:D:96A:UN+7"]
    assert_valid_contrl(segments, "syntax3")


def test_syntax_4_uses_its_own_contrl_version_and_date() -> None:
    data = interchange([message(MINIMAL_ORDERS)], syntax="UNOC:4", date_time="20261128:0930",
                       una="UNA:+.?*'")  # fmt: skip
    segments = contrl(data)
    assert segments[1] == "UNB+UNOC:4+CROSSDOCK:ZZZ+SENDER:ZZZ+20261128:0930+1"
    assert segments[2] == "UNH+1+CONTRL:4:1:UN"
    assert_valid_contrl(segments, "syntax4")


def test_the_test_indicator_is_copied() -> None:
    data = interchange([message(MINIMAL_ORDERS)], tail="++++++1")
    (inbound,) = validate_edifact(data).interchanges
    assert inbound.test and inbound.usage == "T"
    assert contrl(data)[1].endswith(":0930+1++++++1")  # 0020, then six separators to 0035


def test_a_contrl_is_never_answered() -> None:
    ours = contrl(interchange([message(MINIMAL_ORDERS)]))
    assert contrl(("'\n".join(ours) + "'\n").encode()) == []


@pytest.mark.parametrize(
    ("policy", "clean", "rejected"),
    [("always", True, True), ("auto", False, True), ("never", False, False)],
)
def test_policy(policy: str, clean: bool, rejected: bool) -> None:
    chosen = ContrlPolicy(when=policy)  # type: ignore[arg-type]
    assert bool(contrl(interchange([message(MINIMAL_ORDERS)]), chosen)) is clean
    assert bool(contrl(interchange([message(MINIMAL_ORDERS, count=9)]), chosen)) is rejected
    if policy == "auto":  # UNB 0031 = 1 asks for one
        assert contrl(interchange([message(MINIMAL_ORDERS)], tail="++++1"), chosen)


def test_control_references_come_from_the_allocator() -> None:
    numbers = InMemoryControlNumbers()
    builder = ContrlBuilder(numbers, FixedClock(datetime(2026, 1, 2, 3, 4, tzinfo=UTC)))
    (inbound,) = validate_edifact(interchange([message(MINIMAL_ORDERS)])).interchanges
    first, second = builder.build(inbound)[0], builder.build(inbound)[0]
    assert first.interchange_control_number != second.interchange_control_number
    assert "+260102:0304+" in first.edi


def test_a_contrl_we_receive_becomes_a_functional_ack_document() -> None:
    bad = message(("BGM+2200+PO1001+9", "UNS+S"), reference="2")
    ours = contrl(interchange([message(MINIMAL_ORDERS), bad]))
    translation = translate(io.BytesIO(("'\n".join(ours) + "'\n").encode("latin-1")),
                            numbers=InMemoryControlNumbers(), clock=FixedClock())  # fmt: skip
    assert translation.acknowledgements == []  # never answered
    (document,) = translation.documents
    assert (
        document.meta.kind.value == "functional_ack" and document.meta.transaction_set == "CONTRL"
    )
    ack = document.body
    assert ack.acknowledged.interchange_control_number == "1001"
    assert ack.group_status.value == "partially_accepted"
    assert [(s.set_control_number, s.status.value) for s in ack.sets] == [
        ("1", "accepted"),
        ("2", "rejected"),
    ]
    assert {e.code for e in ack.sets[1].errors} >= {"39", "13"}
