"""``/metrics`` after documents went through: counts by partner, kind and state move
with the document; a rolled-back move is not counted; connector errors, transfers and
ack outcomes are counted where they happen."""

from __future__ import annotations

import uuid

import pytest

from gateway.domain.delivery import DeliveryRejected, DeliveryUnavailable
from gateway.domain.tracking import Direction, MessageRecord, State, Transport
from gateway.observability.adapters import ObservedConnector, ObservedTransport
from gateway.observability.metrics import PrometheusTelemetry
from gateway.services.intake import Submission
from tests.fakes import FakeConnector
from tests.integration.observability.conftest import Api
from tests.observability import sample
from tests.partner_profiles import acme

DOCS = "crossdock_documents_total"


def _docs(scrape: str, kind: str, state: str) -> float:
    return sample(scrape, DOCS, partner="acme-supply", kind=kind, direction="inbound", state=state)


def test_a_document_pushed_through_moves_the_counters_for_its_partner_kind_and_state(
    api: Api,
) -> None:
    before = api.scrape()
    api.submit()
    after = api.scrape()
    for kind in ("po_acknowledgement", "ship_notice", "invoice"):
        for state in ("validated", "mapped", "delivered"):
            assert _docs(after, kind, state) == _docs(before, kind, state) + 1, (kind, state)
    received = {"partner": "acme-supply", "transport": "api", "direction": "inbound"}
    assert sample(after, "crossdock_messages_total", **received, state="delivered") == (
        sample(before, "crossdock_messages_total", **received, state="delivered") + 1
    )
    assert sample(after, "crossdock_transfers_total", transport="api", outcome="ok") == (
        sample(before, "crossdock_transfers_total", transport="api", outcome="ok") + 1
    )
    # The ERP call was timed, by system and operation.
    assert (
        sample(after, "crossdock_connector_seconds_count", system="erp", operation="deliver_many")
        == sample(
            before, "crossdock_connector_seconds_count", system="erp", operation="deliver_many"
        )
        + 1
    )


def test_a_move_that_is_rolled_back_is_not_counted(api: Api) -> None:
    labels = {"partner": "acme-supply", "transport": "file", "direction": "inbound"}
    before = sample(api.scrape(), "crossdock_messages_total", **labels, state="received")

    def record() -> MessageRecord:
        return MessageRecord(
            id=str(uuid.uuid4()), direction=Direction.INBOUND, transport=Transport.FILE,
            raw_sha256="0" * 64, size=1, received_at=api.gw.clock.now(),
            partner_id="acme-supply",
        )  # fmt: skip

    with api.gw.unit_of_work() as uow:
        uow.messages.add(record(), api.gw.clock.now())
        uow.rollback()
        uow.messages.add(record(), api.gw.clock.now())
        # leaving without commit rolls back too
    assert sample(api.scrape(), "crossdock_messages_total", **labels, state="received") == before
    with api.gw.unit_of_work() as uow:
        uow.messages.add(record(), api.gw.clock.now())
        uow.commit()
    after = sample(api.scrape(), "crossdock_messages_total", **labels, state="received")
    assert after == before + 1


def test_connector_errors_are_counted_by_system_kind_and_code(api: Api) -> None:
    before = api.scrape()
    api.erp.fail_next(1, DeliveryRejected("422 from the fake"))
    api.submit()
    after = api.scrape()
    labels = {"system": "erp", "kind": "permanent", "code": "delivery.rejected"}
    assert sample(after, "crossdock_connector_errors_total", **labels) == (
        sample(before, "crossdock_connector_errors_total", **labels) + 1
    )
    # A single call that raises (a retryable 503) is counted too.
    erp = FakeConnector("erp")
    erp.fail_next(1)
    retryable = {"system": "erp", "kind": "retryable"}
    with pytest.raises(DeliveryUnavailable):
        ObservedConnector(erp).deliver({"meta": {}}, "key-1")  # type: ignore[arg-type]
    assert sample(api.scrape(), "crossdock_connector_errors_total", **retryable) == (
        sample(after, "crossdock_connector_errors_total", **retryable) + 1
    )


def test_ack_outcomes_and_outbound_transfers_are_counted(api: Api) -> None:
    from tests.integration.pipeline.test_outbound import ORDER, Wire, _their_997

    wire = Wire()
    api.gw.outbound._transports = {"http": ObservedTransport("http", wire)}  # type: ignore[attr-defined]
    profile = acme(transports={"http": {"url": "https://edi.acme.example/in"}, "outbound": "http"})
    with api.gw.unit_of_work() as uow:
        uow.partners.save(profile, api.gw.clock.now())
        uow.commit()
    before = api.scrape()
    message, _ = api.gw.outbound.accept(ORDER)
    api.gw.outbound.send(message.id)
    inbound = api.gw.intake.receive(
        _their_997(wire.sent[0], reject=True), Submission(Transport.HTTP)
    )
    api.gw.pipeline.process_inbound(inbound.id)
    after = api.scrape()
    outcome = {"partner": "acme-supply", "status": "rejected"}
    assert sample(after, "crossdock_ack_outcomes_total", **outcome) == (
        sample(before, "crossdock_ack_outcomes_total", **outcome) + 1
    )
    sent = {"transport": "http", "direction": "outbound", "outcome": "ok"}
    assert sample(after, "crossdock_transfers_total", **sent) == (
        sample(before, "crossdock_transfers_total", **sent) + 1
    )
    assert sample(after, "crossdock_transfer_bytes_total", transport="http") >= (
        sample(before, "crossdock_transfer_bytes_total", transport="http") + len(wire.sent[0])
    )
    rejected = {"partner": "acme-supply", "kind": "purchase_order", "direction": "outbound"}
    assert sample(after, DOCS, **rejected, state="rejected") == (
        sample(before, DOCS, **rejected, state="rejected") + 1
    )


def test_the_observer_counts_what_it_is_told() -> None:
    from prometheus_client import REGISTRY

    from gateway.ports import StateMove

    labels = {"partner": "p-x", "kind": "invoice", "direction": "inbound", "state": "mapped"}
    before = REGISTRY.get_sample_value(DOCS, labels) or 0.0
    move = StateMove("document", State.MAPPED, Direction.INBOUND, "p-x", "invoice")
    PrometheusTelemetry().moved([move, move])
    assert REGISTRY.get_sample_value(DOCS, labels) == before + 2
