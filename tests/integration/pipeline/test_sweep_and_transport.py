"""The sweeper finds work left behind in the store; the HTTP transport sorts a
partner's answers into sent, retry later and refused."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from gateway.bootstrap import Gateway, gateway
from gateway.domain.tracking import Direction, MessageRecord, State, Transport
from gateway.services.intake import Submission
from gateway.services.sweep import resume_stalled
from gateway.settings import Settings
from gateway.transports.http import HttpOutbound, TransportRefused, TransportUnavailable
from tests.conftest import ROOT
from tests.fakes import FakeConnector, FixedClock
from tests.integration.pipeline.test_delivery import Held
from tests.partner_profiles import acme

DAY1 = (ROOT / "demo/inbound/acme_supply_day1.x12").read_bytes()


@pytest.fixture
def held() -> Held:
    return Held()


@pytest.fixture
def gw(store_engine: Engine, tmp_path: Path, clock: FixedClock, held: Held) -> Gateway:
    wired = gateway(
        Settings(data_dir=tmp_path / "data"), clock=clock, engine=store_engine, migrate=False,
        connectors={"erp": FakeConnector()}, dispatcher=held,
    )  # fmt: skip
    with wired.unit_of_work() as uow:
        uow.partners.save(acme(), clock.now())
        uow.commit()
    held.gw = wired
    return wired


def test_the_sweeper_requeues_stalled_messages_and_deliveries_only(
    gw: Gateway, held: Held, clock: FixedClock
) -> None:
    never_queued = gw.intake.receive(DAY1, Submission(Transport.API))  # broker was down
    processed = gw.intake.receive(
        DAY1.replace(b"000000101", b"000000102"), Submission(Transport.API)
    )
    gw.pipeline.process_inbound(processed.id)  # its three deliveries were queued...
    held.deliveries.clear()  # ...and lost with a worker
    stall = timedelta(minutes=5)
    assert resume_stalled(gw.unit_of_work, held, gw.clock, stall) == {
        "requeued_messages": 0, "requeued_deliveries": 0
    }  # fmt: skip
    clock.advance(minutes=6)
    calls: list[str] = []
    held.process_inbound = calls.append  # type: ignore[method-assign]
    assert resume_stalled(gw.unit_of_work, held, gw.clock, stall) == {
        "requeued_messages": 1, "requeued_deliveries": 3
    }  # fmt: skip
    assert calls == [never_queued.id] and len(held.deliveries) == 3
    for transaction_id in held.deliveries:
        gw.delivery.deliver(transaction_id)
    held.deliveries.clear()
    assert resume_stalled(gw.unit_of_work, held, gw.clock, stall)["requeued_deliveries"] == 0


def _message() -> MessageRecord:
    return MessageRecord(
        id="m-1", direction=Direction.OUTBOUND, transport=Transport.HTTP, raw_sha256="0" * 64,
        size=3, received_at=FixedClock().now(), state=State.QUEUED,
    )  # fmt: skip


def _transport(status: int, seen: list[httpx.Request]) -> HttpOutbound:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, headers={"X-Request-ID": "their-42"}, text="nope")

    return HttpOutbound(httpx.Client(transport=httpx.MockTransport(answer)))


def test_the_http_transport_posts_the_raw_edi_with_the_partner_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACME_EDI_KEY", "s3cret")
    profile = acme(
        transports={"http": {"url": "https://edi.acme.example/in", "api_key": "env:ACME_EDI_KEY"},
                    "outbound": "http"}
    )  # fmt: skip
    seen: list[httpx.Request] = []
    assert _transport(202, seen).send(profile, _message(), b"ISA") == "their-42"
    (request,) = seen
    assert request.content == b"ISA" and request.headers["X-API-Key"] == "s3cret"
    assert request.headers["Content-Type"] == "application/edi-x12"
    assert request.headers["X-Request-ID"] == "m-1"  # their side can drop our repeat
    with pytest.raises(TransportUnavailable):
        _transport(503, []).send(profile, _message(), b"ISA")
    with pytest.raises(TransportUnavailable):
        _transport(429, []).send(profile, _message(), b"ISA")
    with pytest.raises(TransportRefused, match="400: nope"):
        _transport(400, []).send(profile, _message(), b"ISA")
    monkeypatch.delenv("ACME_EDI_KEY")
    with pytest.raises(TransportRefused, match="env:ACME_EDI_KEY is not set"):
        _transport(202, []).send(profile, _message(), b"ISA")
