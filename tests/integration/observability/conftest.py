"""An API over a SQLite store with inline dispatch and a fake ERP: one request runs
the whole chain (receipt → intake → delivery), so metrics, traces and logs of a
document can be checked in one process."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gateway.api import create_app, create_key
from gateway.bootstrap import Gateway, gateway
from gateway.observability import context
from gateway.settings import Settings
from tests.conftest import ROOT
from tests.fakes import FakeConnector
from tests.partner_profiles import acme

DAY1 = (ROOT / "demo/inbound/acme_supply_day1.x12").read_bytes()


@dataclass
class Api:
    client: TestClient
    key: str
    gw: Gateway
    erp: FakeConnector

    def submit(self, data: bytes = DAY1) -> str:
        answer = self.client.post("/api/v1/messages", content=data, headers={"X-API-Key": self.key})
        assert answer.status_code == 202, answer.text
        return str(answer.json()["message_id"])

    def scrape(self) -> str:
        answer = self.client.get("/metrics")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/plain")
        return answer.text


def make_api(tmp_path: Path, **settings: object) -> Iterator[Api]:
    erp = FakeConnector("erp")
    gw = gateway(Settings(data_dir=tmp_path / "data", **settings), connectors={"erp": erp})  # type: ignore[arg-type]
    with gw.unit_of_work() as uow:
        uow.partners.save(acme(), gw.clock.now())
        uow.commit()
    key = create_key(gw, "acme", "partner", "acme-supply").secret
    try:
        with TestClient(create_app(gw)) as client:
            yield Api(client, key, gw, erp)
    finally:
        gw.engine.dispose()


@pytest.fixture(autouse=True)
def fresh_log_fields() -> Iterator[None]:
    """No log fields from an earlier test (services called in the test's own thread
    bind them there), and none left behind."""
    token = context.replace({})
    yield
    context.reset(token)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from make_api(tmp_path)
