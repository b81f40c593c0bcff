"""Inbound intake against the real store (SQLite and PostgreSQL): raw first, partner
identification, duplicates and gaps, states and history, the profile honoured."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.bootstrap import Gateway
from gateway.domain.payloads import PayloadTooLarge
from gateway.domain.tracking import Direction, MessageQuery, State, Transport
from gateway.profiles.model import PartnerProfile
from gateway.services.intake import Intake, Submission
from tests.conftest import ROOT
from tests.fakes import FixedClock
from tests.partner_profiles import acme, nordfrost

DAY1 = (ROOT / "demo/inbound/acme_supply_day1.x12").read_bytes()
DAY2 = (ROOT / "demo/inbound/acme_supply_day2_with_errors.x12").read_bytes()
DESADV = (ROOT / "demo/inbound/nordfrost_desadv_d96a.edi").read_bytes()


def _save(gw: Gateway, *profiles: PartnerProfile) -> None:
    with gw.unit_of_work() as uow:
        for profile in profiles:
            uow.partners.save(profile, gw.clock.now())
        uow.commit()


def _submit(gw: Gateway, data: bytes, **submission: object) -> tuple[str, object]:
    message = gw.intake.receive(data, Submission(Transport.API, **submission))  # type: ignore[arg-type]
    return message.id, gw.intake.process(message.id)


def _with_icn(data: bytes, number: int) -> bytes:
    """The day-1 interchange under another ISA13/IEA02."""
    text = data.decode("latin-1")
    return text.replace("000000101", f"{number:09d}").encode("latin-1")


def test_the_raw_bytes_are_stored_before_the_message_is_recorded(wired: Gateway) -> None:
    message = wired.intake.receive(DAY1, Submission(Transport.API, "req-1"))
    assert wired.payloads.get(message.raw_sha256) == DAY1
    with wired.unit_of_work() as uow:
        stored = uow.messages.get(message.id)
        assert stored is not None and stored.state is State.RECEIVED
        assert stored.transport_message_id == "req-1" and stored.size == len(DAY1)


def test_raw_bytes_survive_a_store_that_fails_to_record(wired: Gateway, clock: FixedClock) -> None:
    class Broken:
        def __enter__(self) -> None:
            raise ConnectionError("database down")

        def __exit__(self, *_: object) -> None:
            return None

    intake = Intake(Broken, wired.payloads, wired.numbers, clock)  # type: ignore[arg-type]
    with pytest.raises(ConnectionError):
        intake.receive(b"ISA*raw bytes we must not lose", Submission(Transport.API))
    import hashlib

    digest = hashlib.sha256(b"ISA*raw bytes we must not lose").hexdigest()
    assert wired.payloads.get(digest) == b"ISA*raw bytes we must not lose"


def test_a_partner_file_is_validated_acknowledged_and_mapped(wired: Gateway) -> None:
    _save(wired, acme())
    message_id, _outcome = _submit(wired, DAY1, transport_message_id="req-2")
    with wired.unit_of_work() as uow:
        message = uow.messages.get(message_id)
        assert message is not None
        assert message.state is State.MAPPED and message.partner_id == "acme-supply"
        assert (message.sender.qualifier, message.sender.id) == ("ZZ", "ACMESUPPLY")  # type: ignore[union-attr]
        assert message.interchange_control_number == "000000101"
        sets = uow.messages.transactions_of(message_id)
        assert [(t.transaction_set, t.state, t.kind, t.business_number) for t in sets] == [
            ("855", State.MAPPED, "po_acknowledgement", "PO-20261128-01"),
            ("856", State.MAPPED, "ship_notice", "ASN-7781"),
            ("810", State.MAPPED, "invoice", sets[2].business_number),
        ]
        assert all(t.document and t.document["meta"]["partner_id"] == "acme-supply" for t in sets)
        assert all(t.idempotency_key for t in sets)
        moves = [(h.from_state, h.to_state) for h in uow.messages.history(message_id)
                 if h.transaction_id is None]  # fmt: skip
        assert moves == [
            (None, State.RECEIVED),
            (State.RECEIVED, State.PARSED),
            (State.PARSED, State.VALIDATED),
            (State.VALIDATED, State.ACKNOWLEDGED),
            (State.ACKNOWLEDGED, State.MAPPED),
        ]
        acks = uow.messages.find(MessageQuery(direction=Direction.OUTBOUND))
        assert sorted(a.document_type or "" for a in acks) == ["997", "TA1"]
        assert all(a.in_reply_to == message_id and a.state is State.QUEUED for a in acks)
        ack_text = wired.payloads.get(next(a for a in acks if a.document_type == "997").raw_sha256)
        assert b"AK1*PR*101" in ack_text and b"*ZZ*ACMESUPPLY" in ack_text


def test_an_edifact_partner_gets_its_contrl(wired: Gateway) -> None:
    _save(wired, nordfrost())
    message_id, _ = _submit(wired, DESADV)
    with wired.unit_of_work() as uow:
        message = uow.messages.get(message_id)
        assert message is not None and message.state is State.MAPPED
        (ack,) = uow.messages.find(MessageQuery(direction=Direction.OUTBOUND))
        assert ack.document_type == "CONTRL"
        assert uow.messages.transactions_of(message_id)[0].business_number == "DES-88120"


def test_an_unknown_sender_is_rejected_and_kept_then_replayed_once_known(wired: Gateway) -> None:
    message_id, _ = _submit(wired, DAY1)
    with wired.unit_of_work() as uow:
        message = uow.messages.get(message_id)
        assert message is not None and message.state is State.REJECTED
        assert message.error_code == "partners.unknown_sender"
        assert "ZZ:ACMESUPPLY → ZZ:CROSSDOCK" in (message.error_message or "")
    assert wired.payloads.get(message.raw_sha256) == DAY1
    _save(wired, acme())
    wired.intake.replay(message_id, "profile added")
    with wired.unit_of_work() as uow:
        message = uow.messages.get(message_id)
        assert message is not None and message.state is State.MAPPED
        assert State.REJECTED in [h.to_state for h in uow.messages.history(message_id)]


def test_a_control_character_in_the_envelope_ids_is_refused_not_a_store_error(
    wired: Gateway,
) -> None:
    """PostgreSQL stores no NUL in text: the ids were a 500 there (found by schemathesis)."""
    _save(wired, acme())
    data = DAY1.replace(b"ACMESUPPLY     ", b"ACME\x00SUPPLY    ", 1)
    assert len(data) == len(DAY1)
    message_id, _ = _submit(wired, data)
    with wired.unit_of_work() as uow:
        message = uow.messages.get(message_id)
        assert message is not None and message.state is State.REJECTED
        assert message.error_code == "edi.syntax"
        assert "sender id contains the control character 0x00" in (message.error_message or "")
    assert wired.payloads.get(message.raw_sha256) == data


def test_not_edi_is_rejected_with_the_reason(wired: Gateway) -> None:
    message_id, _ = _submit(wired, b"<order>not EDI</order>")
    with wired.unit_of_work() as uow:
        message = uow.messages.get(message_id)
        assert message is not None and message.state is State.REJECTED
        assert message.error_code == "edi.not_edi" and "not EDI" in (message.error_message or "")


def test_a_resent_interchange_is_a_duplicate_acknowledged_and_not_processed(
    wired: Gateway,
) -> None:
    _save(wired, acme())
    first, _ = _submit(wired, DAY1)
    again, _ = _submit(wired, DAY1)
    with wired.unit_of_work() as uow:
        message = uow.messages.get(again)
        assert message is not None and message.state is State.DUPLICATE
        assert message.duplicate_of == first
        assert uow.messages.transactions_of(again) == []
        acks = [a for a in uow.messages.find(MessageQuery(direction=Direction.OUTBOUND))
                if a.in_reply_to == again]  # fmt: skip
        assert sorted(a.document_type or "" for a in acks) == ["997", "TA1"]


def test_a_duplicate_is_not_acknowledged_when_the_profile_says_so(wired: Gateway) -> None:
    _save(wired, acme(duplicates={"acknowledge": False}))
    _submit(wired, DAY1)
    again, _ = _submit(wired, DAY1)
    with wired.unit_of_work() as uow:
        assert [a for a in uow.messages.find(MessageQuery(direction=Direction.OUTBOUND))
                if a.in_reply_to == again] == []  # fmt: skip


def test_a_control_number_reused_after_the_window_is_a_new_interchange(
    wired: Gateway, clock: FixedClock
) -> None:
    _save(wired, acme(duplicates={"window_days": 7}))
    _submit(wired, DAY1)
    clock.advance(days=8)
    later, _ = _submit(wired, DAY1)
    with wired.unit_of_work() as uow:
        message = uow.messages.get(later)
        assert message is not None and message.duplicate_of is None
        # processed as a new interchange (validated and acknowledged), but its sets are
        # the same sets: their idempotency keys exist, so they are not mapped twice
        assert message.state is State.ACKNOWLEDGED
        assert {t.state for t in uow.messages.transactions_of(later)} == {State.DUPLICATE}


def test_gaps_in_a_partner_inbound_sequence_are_reported(wired: Gateway) -> None:
    _save(wired, acme())
    for number in (101, 102, 105, 109):
        _submit(wired, _with_icn(DAY1, number))
    with wired.unit_of_work() as uow:
        assert uow.interchanges.gaps("acme-supply") == [(103, 104), (106, 108)]


def test_processing_twice_changes_nothing(wired: Gateway) -> None:
    _save(wired, acme())
    message_id, _first = _submit(wired, DAY1)
    second = wired.intake.process(message_id)
    with wired.unit_of_work() as uow:
        assert len(uow.messages.transactions_of(message_id)) == 3
        assert len(uow.messages.find(MessageQuery(direction=Direction.OUTBOUND))) == 2
    assert second.message.state is State.MAPPED


def test_the_profile_ack_policy_is_honoured(wired: Gateway) -> None:
    _save(wired, acme(acks={"functional": "none", "ta1": "never"}))
    _submit(wired, DAY1)
    with wired.unit_of_work() as uow:
        assert uow.messages.find(MessageQuery(direction=Direction.OUTBOUND)) == []


def test_rejected_sets_are_recorded_with_their_reason(wired: Gateway) -> None:
    _save(wired, acme())
    message_id, _ = _submit(wired, DAY2)
    with wired.unit_of_work() as uow:
        sets = uow.messages.transactions_of(message_id)
        rejected = [t for t in sets if t.state is State.REJECTED]
        assert rejected, "day 2 carries sets our validation refuses"
        history = uow.messages.history(message_id)
        reasons = [h.reason for h in history if h.transaction_id == rejected[0].id]
        assert reasons and reasons[0].startswith("rejected")


def test_the_group_ids_must_be_the_profile_s_too(wired: Gateway) -> None:
    _save(wired, acme(group={"partner": "ACME-ERP", "ours": "CROSSDOCK"}))
    message_id, _ = _submit(wired, DAY1)
    with wired.unit_of_work() as uow:
        message = uow.messages.get(message_id)
        assert message is not None and message.state is State.REJECTED
        assert message.error_code == "partners.group_mismatch"
        assert "GS02/GS03 ACMESUPPLY → CROSSDOCK" in (message.error_message or "")


def test_a_suspended_partner_is_refused(wired: Gateway) -> None:
    _save(wired, acme(status="suspended"))
    message_id, _ = _submit(wired, DAY1)
    with wired.unit_of_work() as uow:
        message = uow.messages.get(message_id)
        assert message is not None and message.error_code == "partners.suspended"


def test_credentials_of_one_partner_cannot_submit_for_another(wired: Gateway) -> None:
    _save(wired, acme(), nordfrost())
    message_id, _ = _submit(wired, DAY1, partner_id="nordfrost")
    with wired.unit_of_work() as uow:
        message = uow.messages.get(message_id)
        assert message is not None and message.state is State.REJECTED
        assert message.error_code == "partners.mismatch"


def test_an_oversize_upload_is_refused_and_nothing_is_recorded(
    wired: Gateway, clock: FixedClock, tmp_path: Path
) -> None:
    import io

    intake = Intake(wired.unit_of_work, wired.payloads, wired.numbers, clock, max_bytes=100)
    with pytest.raises(PayloadTooLarge):
        intake.receive(io.BytesIO(DAY1), Submission(Transport.API))
    with pytest.raises(PayloadTooLarge):
        intake.receive(DAY1, Submission(Transport.API))
    with wired.unit_of_work() as uow:
        assert uow.messages.find(MessageQuery()) == []
    assert list((wired.settings.effective_payload_dir / "incoming").iterdir()) == []
