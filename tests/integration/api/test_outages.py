"""What a sender is told when the gateway's own resources fail (issue 11): a full payload
disk 507 and a database that is down 503, both with Retry-After and nothing half-stored;
a broker that is down changes nothing for the sender (202: the bytes are kept and the
message recorded), and the sweeper queues the message once the broker is back."""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gateway.bootstrap import Gateway, gateway
from gateway.domain.tracking import State
from gateway.persistence.database import make_engine
from gateway.persistence.tables import messages
from gateway.services.sweep import resume_stalled
from gateway.settings import Settings
from gateway.tasks.app import make_celery
from gateway.tasks.dispatch import CeleryDispatcher
from tests.fakes import FixedClock
from tests.integration.api.conftest import Api, client_for, seed, x12_from


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _inbound_count(gw: Gateway) -> int:
    query = select(func.count()).where(messages.c.direction == "inbound")
    with gw.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def _payload_files(gw: Gateway) -> list[Path]:
    return [path for path in gw.payloads.root.rglob("*") if path.is_file()]


def test_a_full_payload_disk_is_507_with_retry_after_and_nothing_is_kept(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, files = _inbound_count(api.gw), _payload_files(api.gw)

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    response = api.call("acme", "POST", "/api/v1/inbound", content=x12_from(control_number=103))
    monkeypatch.undo()
    assert response.status_code == 507, response.text
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json()["error"]["code"] == "payload.storage_full"
    assert _inbound_count(api.gw) == before and _payload_files(api.gw) == files


def test_a_database_that_is_down_is_503_with_retry_after(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/test"
    down = gateway(Settings(data_dir=tmp_path), engine=make_engine(url), migrate=False)
    with client_for(down) as client:
        response = client.post(
            "/api/v1/inbound", content=x12_from(), headers={"X-API-Key": "cd_any"}
        )
    down.engine.dispose()
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json()["error"]["code"] == "store.unavailable"


def test_a_broker_that_is_down_still_answers_202_and_the_sweeper_queues_it(
    wired: Gateway, tmp_path: Path, clock: FixedClock
) -> None:
    app = make_celery(
        Settings(data_dir=tmp_path, broker_url=f"redis://127.0.0.1:{_closed_port()}/0")
    )
    gw = gateway(
        wired.settings, clock=clock, engine=wired.engine, migrate=False,
        dispatcher=CeleryDispatcher(app),
    )  # fmt: skip
    keys, _ = seed(gw)
    before = _inbound_count(gw)
    with client_for(gw) as client:
        response = client.post(
            "/api/v1/inbound",
            content=x12_from(control_number=104),
            headers={"X-API-Key": keys["acme"], "X-Request-ID": "po-104"},
        )
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["state"] == State.RECEIVED.value
    assert body["error"]["code"] == "broker.unavailable"
    assert _inbound_count(gw) == before + 1  # the sender has no reason to send it again
    queued: list[str] = []

    class Back:  # the broker is back: the sweeper's dispatcher takes the task
        def process_inbound(self, message_id: str) -> None:
            queued.append(message_id)

        def deliver(self, transaction_id: str) -> None:
            pass  # the seeded messages' documents (no system of record here)

        def deliver_message(self, message_id: str) -> None:
            pass

        def send(self, message_id: str) -> None:
            pass

    clock.advance(minutes=10)
    resume_stalled(gw.unit_of_work, Back(), clock)
    assert body["message_id"] in queued
